using System.Text.Json.Nodes;
using Spot.Deploy.Testing;

namespace Spot.Deploy.PostgreSql.Tests;

/// <summary>
/// The app lock is a lease with a fencing token. Two stores are two runners. A runner "stops renewing" when its fake clock
/// is not advanced; its lease then ends by the database's clock — the tests end it at once by moving the row's
/// <c>expires_at</c> into the past (what the lease time does), so no test waits.
/// </summary>
[Collection(UsesPostgreSql.Name)]
public sealed class LeaseTests(PostgreSqlFixture database) : IAsyncLifetime
{
    private readonly string _schema = PostgreSqlFixture.NewSchema();
    private readonly VirtualClock _timeA = new();
    private readonly VirtualClock _timeB = new();
    private PostgreSqlDeploymentStore _a = null!;
    private PostgreSqlDeploymentStore _b = null!;

    public Task InitializeAsync()
    {
        _a = database.Store(_timeA, _schema, "runner-a");
        _b = database.Store(_timeB, _schema, "runner-b");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task AcquireAsync_HeldByAnotherRunner_RefusedNamingTheHolder()
    {
        await using var held = await _a.AcquireAsync("shop", "deployment d-1 on runner-a");

        var act = () => _b.AcquireAsync("shop", "deployment d-2 on runner-b");

        var refused = (await act.Should().ThrowAsync<AppLockedException>()).Which;
        refused.Owner.Should().Be("deployment d-1 on runner-a");
        refused.Message.Should().Contain("fencing token").And.Contain("database's clock");
        (await _b.AcquireAsync("api", "deployment d-3 on runner-b")).Dispose();
    }

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task AcquireAsync_SameRunnerTwice_Refused()
    {
        await using var held = await _a.AcquireAsync("shop", "first");

        var act = () => _a.AcquireAsync("shop", "second");

        await act.Should().ThrowAsync<AppLockedException>();
    }

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task Release_FreesTheAppAtOnce()
    {
        var held = await _a.AcquireAsync("shop", "runner-a");

        held.Dispose();

        await using var next = await _b.AcquireAsync("shop", "runner-b");
        _a.HeldLeases.Should().BeEmpty();
        _b.HeldLeases.Should().ContainSingle().Which.Holder.Should().Be("runner-b");
    }

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task Renewal_EveryInterval_ExtendsTheLeaseByTheDatabaseClock()
    {
        await using var held = await _a.AcquireAsync("shop", "runner-a");
        var before = (await _a.GetLeaseAsync("shop"))!.ExpiresAt;

        _timeA.Advance(_a.RenewalInterval);
        await _a.Held("shop")!.LastRenewal;

        var after = (await _a.GetLeaseAsync("shop"))!;
        after.ExpiresAt.Should().BeAfter(before);
        after.IsExpired.Should().BeFalse();
    }

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task StoppedRenewing_AfterTheLeaseTime_AnotherRunnerTakesOverWithALargerToken()
    {
        var lost = await _a.AcquireAsync("shop", "runner-a");
        var tokenA = _a.HeldLeases.Single().Token;
        var still = () => _b.AcquireAsync("shop", "runner-b");
        await still.Should().ThrowAsync<AppLockedException>();

        await database.ExpireLeaseAsync(_schema, "shop");
        await using var taken = await _b.AcquireAsync("shop", "runner-b");

        _b.HeldLeases.Single().Token.Should().BeGreaterThan(tokenA);
        (await _b.GetLeaseAsync("shop"))!.Holder.Should().Be("runner-b");
        lost.Dispose();
        (await _b.GetLeaseAsync("shop"))!.Holder.Should().Be("runner-b", "a late release of the old lease must not free the new one");
    }

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task WakingRunner_AfterTakeover_CanWriteNothing_AndTheRefusalNamesTheNewHolder()
    {
        await using var lockA = await _a.AcquireAsync("shop", "runner-a");
        await _a.CreateAsync(Record("d-1"));
        await _a.AppendAsync("d-1", JournalEntry.Intent("scale-1", "scaleGroup"));
        await database.ExpireLeaseAsync(_schema, "shop");
        await using var lockB = await _b.AcquireAsync("shop", "runner-b (resume d-1)");
        var tokenB = _b.HeldLeases.Single().Token;

        var append = () => _a.AppendAsync("d-1", JournalEntry.Intent("scale-2", "scaleGroup", new JsonObject { ["target"] = 9 }));
        var status = () => _a.SetStatusAsync("d-1", DeploymentStatus.Failed);
        var create = () => _a.CreateAsync(Record("d-2"));

        var refused = (await append.Should().ThrowAsync<LeaseLostException>()).Which;
        refused.Holder.Should().Be("runner-b (resume d-1)");
        refused.HolderToken.Should().Be(tokenB);
        refused.AppName.Should().Be("shop");
        refused.DeploymentId.Should().Be("d-1");
        refused.Message.Should().Contain("runner-b (resume d-1)").And.Contain("lost");
        await status.Should().ThrowAsync<LeaseLostException>();
        await create.Should().ThrowAsync<LeaseLostException>();
        var record = await _b.LoadAsync("d-1");
        record!.Entries.Select(e => e.StepId).Should().Equal("scale-1");
        record.Status.Should().Be(DeploymentStatus.Running);
        (await _b.LoadAsync("d-2")).Should().BeNull();
        (await _b.AppendAsync("d-1", JournalEntry.Result("scale-1", "scaleGroup", JournalOutcome.Succeeded))).Sequence.Should().Be(2);
    }

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task ExpiredButNotTakenOver_WritesAreRefused_AndRenewalNeverRevivesIt()
    {
        await using var lockA = await _a.AcquireAsync("shop", "runner-a");
        await _a.CreateAsync(Record("d-1"));
        await database.ExpireLeaseAsync(_schema, "shop");

        var append = () => _a.AppendAsync("d-1", JournalEntry.Note("s", "n"));
        (await append.Should().ThrowAsync<LeaseLostException>()).Which.Holder.Should().BeNull();
        _timeA.Advance(_a.RenewalInterval);
        await _a.Held("shop")!.LastRenewal;

        (await _a.GetLeaseAsync("shop"))!.IsExpired.Should().BeTrue();
        _a.HeldLeases.Single().IsExpired.Should().BeTrue();
        await append.Should().ThrowAsync<LeaseLostException>();
    }

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task RunnerWithoutTheLease_CannotWriteAnAppAnotherRunnerHolds()
    {
        await using var lockA = await _a.AcquireAsync("shop", "runner-a");
        await _a.CreateAsync(Record("d-1"));

        var append = () => _b.AppendAsync("d-1", JournalEntry.Note("s", "n"));

        var refused = (await append.Should().ThrowAsync<LeaseLostException>()).Which;
        refused.Token.Should().BeNull();
        refused.Holder.Should().Be("runner-a");
        refused.Message.Should().Contain("holds no lease");
    }

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task EveryWrite_CarriesTheWritersFencingToken()
    {
        await using var lockA = await _a.AcquireAsync("shop", "runner-a");
        await _a.CreateAsync(Record("d-1"));
        await _a.AppendAsync("d-1", JournalEntry.Note("s", "n"));

        var tokens = await database.QueryAsync<long>($"SELECT fencing_token FROM \"{_schema}\".journal_entries WHERE deployment_id = 'd-1'");

        tokens.Should().Equal(_a.HeldLeases.Single().Token);
    }

    private static DeploymentRecord Record(string id) => new()
    {
        Id = id,
        AppName = "shop",
        Strategy = "canary",
        Request = new JsonObject { ["imageId"] = "ami-1" },
    };
}
