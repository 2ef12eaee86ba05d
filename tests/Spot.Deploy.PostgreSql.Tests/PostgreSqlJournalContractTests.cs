using Spot.Deploy.Strategies.Tests;
using Spot.Deploy.Testing;

namespace Spot.Deploy.PostgreSql.Tests;

/// <summary>The journal contract the file and in-memory journals pass, on PostgreSQL (a fresh schema per test).</summary>
[Collection(UsesPostgreSql.Name)]
[Requires(Prerequisite.PostgreSql)]
public sealed class PostgreSqlJournalContractTests : DeploymentJournalContractTests, IAsyncLifetime
{
    private readonly PostgreSqlDeploymentStore _store;

    public PostgreSqlJournalContractTests(PostgreSqlFixture database) => _store = database.Store(Time);

    protected override IDeploymentJournal Journal => _store;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();
}
