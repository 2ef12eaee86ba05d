using Spot.Deploy.Testing;

namespace Spot.Deploy.PostgreSql.Tests;

/// <summary>
/// Runners that take an app's lease at the same moment, when no lease row exists yet (the app was never deployed, or
/// its last lease was released): every one of them inserts. Exactly one wins; every other gets a clean
/// <see cref="AppLockedException"/> naming the winner — never a unique-key violation, never two holders.
/// </summary>
[Collection(UsesPostgreSql.Name)]
public sealed class LeaseRaceTests(PostgreSqlFixture database)
{
    private const int Runners = 12;

    [RequiresTheory(Prerequisite.PostgreSql)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task AcquireAsync_ManyRunnersAndNoLeaseRowYet_OneWinsTheOthersAreRefusedNamingIt(int round)
    {
        var schema = PostgreSqlFixture.NewSchema();
        var stores = Enumerable.Range(0, Runners).Select(i => database.Store(new VirtualClock(), schema, $"runner-{i}")).ToList();
        try
        {
            // Schema and connections ready first, so the runners race on the lease row only.
            await Task.WhenAll(stores.Select(s => s.GetLeaseAsync("warm-up")));
            using var go = new SemaphoreSlim(0, Runners);
            var attempts = stores.Select((store, i) => Task.Run(async () =>
            {
                await go.WaitAsync();
                try
                {
                    return (Handle: await store.AcquireAsync("shop", $"deployment {round}-{i} on runner-{i}"), Refusal: (AppLockedException?)null);
                }
                catch (AppLockedException e)
                {
                    return (Handle: (AppLockHandle?)null, Refusal: e);
                }
            })).ToList();
            go.Release(Runners);
            var outcomes = await Task.WhenAll(attempts);

            var winner = outcomes.Where(o => o.Handle is not null).Should().ContainSingle("one runner holds the lease").Subject.Handle!;
            outcomes.Where(o => o.Refusal is not null).Select(o => o.Refusal!.Owner).Should()
                .HaveCount(Runners - 1).And.OnlyContain(owner => owner == winner.Owner, "every refusal names the one holder");
            var lease = await stores[0].GetLeaseAsync("shop");
            lease!.Holder.Should().Be(winner.Owner);
            (await database.QueryAsync<long>($"SELECT count(*) FROM \"{schema}\".app_leases WHERE app_name = 'shop'")).Should().Equal(1L);
            winner.Dispose();
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }
}
