using Spot.Deploy.Strategies.Tests;
using Spot.Deploy.Testing;

namespace Spot.Deploy.PostgreSql.Tests;

/// <summary>The control-channel contract the file and in-memory journals pass, on PostgreSQL's control_requests table (a fresh schema per test).</summary>
[Collection(UsesPostgreSql.Name)]
[Requires(Prerequisite.PostgreSql)]
public sealed class PostgreSqlControlContractTests : DeploymentControlContractTests, IAsyncLifetime
{
    private readonly PostgreSqlDeploymentStore _store;

    public PostgreSqlControlContractTests(PostgreSqlFixture database) => _store = database.Store(Time);

    protected override IDeploymentJournal Journal => _store;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();
}
