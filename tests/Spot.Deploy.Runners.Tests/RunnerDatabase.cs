using Npgsql;
using Spot.Deploy.PostgreSql.Tests;

namespace Spot.Deploy.Runners.Tests;

/// <summary>One deployment as the runners' journal holds it.</summary>
internal sealed record JournaledDeployment(string Id, string App, string Status, string Image, DateTime StartedAt, DateTime? FinishedAt);

/// <summary>One journal entry, with the fencing token it was written under.</summary>
internal sealed record JournaledEntry(long Sequence, string Kind, string StepId, string Operation, long? Token);

/// <summary>
/// A database of its own on the throwaway cluster, for the runners of one test: its connection string is what the CLI
/// processes get in <c>SPOT_DEPLOY_POSTGRES</c>; the queries read the journal and the leases as the runners left them.
/// </summary>
internal sealed class RunnerDatabase
{
    private RunnerDatabase(string connectionString) => ConnectionString = connectionString;

    public string ConnectionString { get; }

    public static async Task<RunnerDatabase> CreateAsync(PostgreSqlServer server)
    {
        var name = "runners_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new RunnerDatabase(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name, Pooling = false }.ConnectionString);
    }

    public Task<List<JournaledDeployment>> DeploymentsAsync() => QueryAsync(
        "SELECT id, app_name, status, coalesce(request ->> 'imageId', ''), started_at, finished_at FROM spot_deploy.deployments ORDER BY started_at, id",
        r => new JournaledDeployment(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetDateTime(4), r.IsDBNull(5) ? null : r.GetDateTime(5)));

    public Task<List<JournaledEntry>> EntriesAsync(string deploymentId) => QueryAsync(
        $"SELECT sequence, kind, step_id, operation, fencing_token FROM spot_deploy.journal_entries WHERE deployment_id = '{deploymentId.Replace("'", "''", StringComparison.Ordinal)}' ORDER BY sequence",
        r => new JournaledEntry(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetInt64(4)));

    /// <summary>True once the app's lease has expired by the database's clock (or was never taken, or was released).</summary>
    public async Task<bool> LeaseFreeAsync(string app) =>
        (await QueryAsync($"SELECT expires_at > now() FROM spot_deploy.app_leases WHERE app_name = '{app}'", r => r.GetBoolean(0))).All(live => !live);

    /// <summary>The deployments that reached the journal so far (none while the schema does not exist yet).</summary>
    public async Task<List<JournaledDeployment>> DeploymentsSoFarAsync()
    {
        try
        {
            return await DeploymentsAsync();
        }
        catch (PostgresException e) when (e.SqlState is "42P01" or "3F000")
        {
            return [];
        }
    }

    private async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
