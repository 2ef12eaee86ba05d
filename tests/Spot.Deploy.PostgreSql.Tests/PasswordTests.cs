using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Spot.Deploy.Testing;

namespace Spot.Deploy.PostgreSql.Tests;

/// <summary>The connection string's password is never in an exception, a ToString or a log line.</summary>
[Collection(UsesPostgreSql.Name)]
public sealed class PasswordTests(PostgreSqlFixture database)
{
    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task WrongPassword_TheFailureNamesTheStoreButNotThePassword()
    {
        const string Wrong = "not-the-password-31337";
        var options = database.Options();
        options.ConnectionString = database.Server.ConnectionString.Replace(database.Server.Password, Wrong, StringComparison.Ordinal);
        var logs = new ListLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        await using var store = new PostgreSqlDeploymentStore(options, new VirtualClock(), loggerFactory);

        var read = () => store.ListUnfinishedAsync();
        var thrown = (await read.Should().ThrowAsync<DeploymentJournalException>()).Which;
        var acquire = () => store.AcquireAsync("shop", "runner");
        var acquireThrown = (await acquire.Should().ThrowAsync<Exception>()).Which;

        thrown.Message.Should().Contain("PostgreSQL spot@127.0.0.1").And.Contain("password authentication failed");
        string[] everything = [thrown.ToString(), acquireThrown.ToString(), store.ToString(), options.ToString(), .. logs.Lines];
        everything.Should().NotContain(text => text.Contains(Wrong, StringComparison.Ordinal));
    }

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task WorkingStore_LogsAtTrace_NeverThePassword()
    {
        var logs = new ListLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        await using var store = new PostgreSqlDeploymentStore(database.Options(), new VirtualClock(), loggerFactory);

        await using (await store.AcquireAsync("shop", "runner"))
        {
            await store.CreateAsync(new DeploymentRecord { Id = "d-1", AppName = "shop", Strategy = "canary", Request = [] });
        }

        logs.Lines.Should().NotBeEmpty();
        logs.Lines.Should().NotContain(line => line.Contains(database.Server.Password, StringComparison.Ordinal));
    }

    private sealed class ListLoggerProvider : ILoggerProvider, ILogger
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyList<string> Lines => [.. _lines];

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue(formatter(state, exception) + " " + exception);

        public void Dispose()
        {
        }
    }
}
