using Npgsql;
using Spot.Deploy.Testing;

namespace Spot.Deploy.PostgreSql.Tests;

/// <summary>One throwaway cluster for the whole test run; each test works in a schema of its own.</summary>
public sealed class PostgreSqlFixture : IAsyncLifetime
{
    private static int _schemas;
    private PostgreSqlServer? _server;
    private string? _missing;

    public PostgreSqlServer Server => _server ?? throw new PrerequisiteMissingException(_missing ?? "The PostgreSQL server did not start.");

    public async Task InitializeAsync()
    {
        // Where PostgreSQL is missing (and CI is not set) the tests that need it are skipped: start nothing.
        _missing = Prerequisites.SkipReason(Prerequisite.PostgreSql);
        if (_missing is null)
        {
            _server = await PostgreSqlServer.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A schema name no other test uses.</summary>
    public static string NewSchema() => "t" + Interlocked.Increment(ref _schemas) + "_" + Guid.NewGuid().ToString("N")[..8];

    public PostgreSqlStoreOptions Options(string? schema = null, TimeSpan? leaseTime = null) => new()
    {
        ConnectionString = Server.ConnectionString,
        Schema = schema ?? NewSchema(),
        LeaseTime = leaseTime ?? TimeSpan.FromSeconds(30),
        RenewalInterval = (leaseTime ?? TimeSpan.FromSeconds(30)) / 3,
        Runner = "runner-1@test",
    };

    public PostgreSqlDeploymentStore Store(TimeProvider time, string? schema = null, string runner = "runner-1@test") =>
        new(WithRunner(Options(schema), runner), time, null);

    /// <summary>Runs SQL as the superuser, as a test's hand on the database (such as expiring a lease).</summary>
    public async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>The first column of every row of a query.</summary>
    public async Task<List<T>> QueryAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<T>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetFieldValue<T>(0));
        }

        return values;
    }

    /// <summary>Ends the app's lease now, by the database's clock: what the lease time does to a runner that stopped renewing.</summary>
    public Task<int> ExpireLeaseAsync(string schema, string appName) =>
        ExecuteAsync($"UPDATE \"{schema}\".app_leases SET expires_at = now() - interval '1 second' WHERE app_name = '{appName.Replace("'", "''", StringComparison.Ordinal)}'");

    private static PostgreSqlStoreOptions WithRunner(PostgreSqlStoreOptions options, string runner)
    {
        options.Runner = runner;
        return options;
    }
}

[CollectionDefinition(Name)]
public sealed class UsesPostgreSql : ICollectionFixture<PostgreSqlFixture>
{
    public const string Name = "PostgreSQL";
}
