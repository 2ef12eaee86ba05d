using Npgsql;
using Spot.Deploy.Testing;

namespace Spot.Deploy.PostgreSql.Tests;

/// <summary>The store creates and migrates its schema itself, once, however many processes start at once; DBAs get the same SQL.</summary>
[Collection(UsesPostgreSql.Name)]
public sealed class SchemaTests(PostgreSqlFixture database)
{
    private readonly VirtualClock _time = new();

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task MigrateAsync_EightStoresAtOnce_AppliesEveryMigrationExactlyOnce()
    {
        var schema = PostgreSqlFixture.NewSchema();
        var stores = Enumerable.Range(0, 8).Select(_ => database.Store(_time, schema)).ToList();

        var versions = await Task.WhenAll(stores.Select(s => Task.Run(() => s.MigrateAsync())));

        versions.Should().OnlyContain(v => v == PostgreSqlSchema.LatestVersion);
        (await VersionsAsync(schema)).Should().Equal(Enumerable.Range(1, PostgreSqlSchema.LatestVersion));
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }
    }

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task FirstUse_CreatesTheSchema_AndAgainChangesNothing()
    {
        var schema = PostgreSqlFixture.NewSchema();
        await using (var first = database.Store(_time, schema))
        {
            (await first.ListUnfinishedAsync()).Should().BeEmpty();
        }

        await using var second = database.Store(_time, schema);
        (await second.MigrateAsync()).Should().Be(PostgreSqlSchema.LatestVersion);
        (await VersionsAsync(schema)).Should().Equal(Enumerable.Range(1, PostgreSqlSchema.LatestVersion));
    }

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task MigrateSchemaOff_EmptySchema_RefusedNamingTheScript_ThenTheDbaScriptMakesItUsable()
    {
        var schema = PostgreSqlFixture.NewSchema();
        var options = database.Options(schema);
        options.MigrateSchema = false;
        await using var store = new PostgreSqlDeploymentStore(options, _time, null);

        var refused = () => store.ListUnfinishedAsync();
        (await refused.Should().ThrowAsync<DeploymentJournalException>()).WithInnerException<InvalidOperationException>()
            .WithMessage("*version 0*GetScript*");

        await database.ExecuteAsync(PostgreSqlSchema.GetScript(schema));

        (await store.MigrateAsync()).Should().Be(PostgreSqlSchema.LatestVersion);
        (await store.ListUnfinishedAsync()).Should().BeEmpty();
    }

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task SchemaNewerThanThePackage_IsRefused()
    {
        var schema = PostgreSqlFixture.NewSchema();
        await using var store = database.Store(_time, schema);
        await store.MigrateAsync();
        await database.ExecuteAsync($"INSERT INTO \"{schema}\".schema_version (version, description) VALUES ({PostgreSqlSchema.LatestVersion + 1}, 'from the future')");

        await using var older = database.Store(_time, schema);
        var act = () => older.MigrateAsync();

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*newer than this version*upgrade*");
    }

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task ReservedWordAsSchemaName_IsQuoted()
    {
        await using var store = database.Store(_time, "select");

        (await store.MigrateAsync()).Should().Be(PostgreSqlSchema.LatestVersion);
    }

    private async Task<List<int>> VersionsAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(database.Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT version FROM \"{schema}\".schema_version ORDER BY version", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var versions = new List<int>();
        while (await reader.ReadAsync())
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }
}
