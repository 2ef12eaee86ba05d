using Spot.Deploy.Strategies.Tests;
using Spot.Deploy.Testing;

namespace Spot.Deploy.PostgreSql.Tests;

/// <summary>The history contract the file and in-memory journals pass, on PostgreSQL (a fresh schema per test).</summary>
[Collection(UsesPostgreSql.Name)]
[Requires(Prerequisite.PostgreSql)]
public sealed class PostgreSqlHistoryContractTests : DeploymentHistoryContractTests, IAsyncLifetime
{
    private readonly PostgreSqlDeploymentStore _store;

    public PostgreSqlHistoryContractTests(PostgreSqlFixture database) => _store = database.Store(Time, runner: TestRunner);

    protected override IDeploymentJournal Journal => _store;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();
}
