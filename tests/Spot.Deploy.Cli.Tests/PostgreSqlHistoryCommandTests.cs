using Spot.Deploy.PostgreSql;
using Spot.Deploy.PostgreSql.Tests;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Cli.Tests;

/// <summary>A throwaway PostgreSQL cluster holding three deployments in the default schema, as <c>deploy --state postgres</c> journals them.</summary>
public sealed class PostgreSqlHistoryFixture : IAsyncLifetime
{
    private PostgreSqlServer? _server;
    private PostgreSqlDeploymentStore? _store;

    public string ConnectionString => _server?.ConnectionString ?? throw new PrerequisiteMissingException(Prerequisites.SkipReason(Prerequisite.PostgreSql) ?? "The PostgreSQL server did not start.");

    public string Password => _server!.Password;

    internal HistoryDeployments Deployments { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Where PostgreSQL is missing (and CI is not set) the tests are skipped: start nothing.
        if (Prerequisites.SkipReason(Prerequisite.PostgreSql) is not null)
        {
            return;
        }

        _server = await PostgreSqlServer.StartAsync();
        Deployments = await HistoryDeployments.RunAsync(clock =>
        {
            _store = new PostgreSqlDeploymentStore(new PostgreSqlStoreOptions { ConnectionString = _server.ConnectionString, Runner = HistoryDeployments.Runner }, clock, null);
            return (_store, _store);
        });
    }

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary><c>history</c> and <c>list --unfinished</c> with <c>--state postgres</c>, the connection string in SPOT_DEPLOY_POSTGRES.</summary>
[Collection(ProcessEnvironment.Name)]
[Requires(Prerequisite.PostgreSql)]
public sealed class PostgreSqlHistoryCommandTests(PostgreSqlHistoryFixture fixture) : HistoryCommandContract, IClassFixture<PostgreSqlHistoryFixture>
{
    internal override HistoryDeployments Deployments => fixture.Deployments;

    protected override string[] StoreFlags => ["--state", "postgres"];

    protected override string StoreDescription => "the PostgreSQL journal";

    private protected override async Task<CliRun> RunAsync(params string[] args)
    {
        Environment.SetEnvironmentVariable(PostgreSqlStoreOptions.EnvironmentVariable, fixture.ConnectionString);
        try
        {
            var run = await base.RunAsync(args);
            (run.Output + run.Error).Should().NotContain(fixture.Password);
            return run;
        }
        finally
        {
            Environment.SetEnvironmentVariable(PostgreSqlStoreOptions.EnvironmentVariable, null);
        }
    }
}
