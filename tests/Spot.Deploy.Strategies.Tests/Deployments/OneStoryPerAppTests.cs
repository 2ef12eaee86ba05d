using Spot.Deploy.Emulator;
using Spot.Deploy.Strategies.Tests.Faults;

namespace Spot.Deploy.Strategies.Tests.Deployments;

/// <summary>
/// An app has at most one live deployment story: a deployment is refused while another of the app is unfinished, an old
/// deployment is never resumed or rolled back over a newer one, and a person can abandon an unfinished one.
/// </summary>
public sealed class OneStoryPerAppTests : ControlFlowTestBase
{
    private static readonly DeploymentOptions Stop = new() { OnFailure = FailurePolicy.Stop, SteadyState = { Timeout = TimeSpan.FromMinutes(5) } };

    [Fact]
    public async Task StoppedDeployment_RefusesTheNext_UntilItIsRolledBack_ThenTheNextSucceeds()
    {
        SeedRunningRevision();
        Emulator.Faults.Add(new FaultRule { Service = "spot", Method = "PUT", PathContains = "/capacity", Status = 400, Times = 1 });
        var first = () => new CanaryDeployment(Services, CanaryRequest(25, 50, 100), Stop).RunAsync();
        var a = (await first.Should().ThrowAsync<DeploymentFailedException>()).Which;
        a.Status.Should().Be(DeploymentStatus.NeedsAttention);
        var recordA = await RecordAsync(a.DeploymentId!);
        var stopped = GroupState();
        var calls = Emulator.Calls.All.Count;

        var second = () => new CanaryDeployment(Services, CanaryRequest(25, 50, 100)).RunAsync();

        var refused = (await second.Should().ThrowAsync<UnfinishedDeploymentException>()).Which;
        refused.DeploymentId.Should().Be(a.DeploymentId);
        refused.AppName.Should().Be(App);
        refused.Status.Should().Be(DeploymentStatus.NeedsAttention);
        refused.Strategy.Should().Be(nameof(DeploymentStrategy.Canary));
        refused.StartedAt.Should().Be(recordA.StartedAt);
        refused.Should().BeAssignableTo<InvalidOperationException>();
        refused.Message.Should().Contain(a.DeploymentId).And.Contain("NeedsAttention").And.Contain("Canary")
            .And.Contain("ResumeAsync").And.Contain("RollbackAsync").And.Contain("AbandonAsync").And.Contain("nothing was changed");
        Emulator.Calls.All.Should().HaveCount(calls, "the refusal comes before any call, read or write");
        GroupState().Should().Equal(stopped);
        (await Journal.ListByAppAsync(App)).Select(r => r.Id).Should().Equal(a.DeploymentId);
        (await IsUnlockedAsync()).Should().BeTrue("a refused deployment releases the app lock");

        (await new DeploymentRecovery(Services).RollbackAsync(a.DeploymentId!)).Status.Should().Be(DeploymentStatus.RolledBack);
        GroupState().Should().Equal(Started);
        var b = await new CanaryDeployment(Services, CanaryRequest(25, 50, 100)).RunAsync();

        b.Status.Should().Be(DeploymentStatus.Succeeded);
        GroupState().Should().Equal(Deployed);
        LiveRevisions().Should().Equal("web__4");
    }

    [Fact]
    public async Task InterruptedDeployment_RefusesTheNext_UntilAbandoned_ThenTheOldOneCannotBeResumed()
    {
        SeedRunningRevision();
        var crashing = new CrashingJournal(Journal, crashAtWrite: 6);
        var firstProcess = new DeploymentServices(Spot, Aws, crashing, Lock, Clock);
        var first = () => new CanaryDeployment(firstProcess, CanaryRequest(25, 50, 100)).RunAsync();
        await first.Should().ThrowAsync<CrashException>();
        var idA = crashing.DeploymentId!;
        (await RecordAsync(idA)).Status.Should().Be(DeploymentStatus.Running, "a killed process leaves Running behind");
        (await IsUnlockedAsync()).Should().BeTrue("the OS releases a dead process's lock");
        State.Groups.Should().Contain(g => g.Name == "web__4", "the first deployment was killed mid-phase");
        var calls = Emulator.Calls.All.Count;

        var second = () => new CanaryDeployment(Services, CanaryRequest(25, 50, 100)).RunAsync();

        var refused = (await second.Should().ThrowAsync<UnfinishedDeploymentException>()).Which;
        refused.DeploymentId.Should().Be(idA);
        refused.Status.Should().Be(DeploymentStatus.Running);
        refused.Message.Should().Contain("interrupted");
        Emulator.Calls.All.Should().HaveCount(calls);

        // A person checks the app: the half-made web__4 is deleted by hand, web__3 serves as before.
        await Spot.DeleteGroupAsync(State.Groups.Single(g => g.Name == "web__4").Id);
        var recovery = new DeploymentRecovery(Services, new DeploymentOptions { Owner = "alice (on-call)" });
        var abandonCalls = Emulator.Calls.All.Count;
        var abandoned = await recovery.AbandonAsync(idA, "killed mid-phase 1; deleted web__4 by hand, web__3 serves at 2/4/6");

        abandoned.Status.Should().Be(DeploymentStatus.Abandoned);
        abandoned.AlreadyFinished.Should().BeFalse();
        Emulator.Calls.All.Should().HaveCount(abandonCalls, "abandoning changes nothing in Spot or AWS and reads nothing there");
        var recordA = await RecordAsync(idA);
        recordA.Status.Should().Be(DeploymentStatus.Abandoned);
        recordA.FinishedAt.Should().NotBeNull();
        var note = recordA.Entries.Single(e => e.Kind == JournalEntryKind.Note && e.Operation == "abandoned");
        ((string?)note.Data!["by"]).Should().Be("alice (on-call)");
        ((string?)note.Data["reason"]).Should().Be("killed mid-phase 1; deleted web__4 by hand, web__3 serves at 2/4/6");
        ((string?)note.Data["previousStatus"]).Should().Be("Running");

        var b = await new CanaryDeployment(Services, CanaryRequest(25, 50, 100)).RunAsync();

        b.Status.Should().Be(DeploymentStatus.Succeeded);
        GroupState().Should().Equal(Deployed);
        LiveRevisions().Should().Equal("web__4");
        var mutating = Emulator.Calls.Mutating.Count;
        var resume = () => recovery.ResumeAsync(idA);
        var rollback = () => recovery.RollbackAsync(idA);
        foreach (var attempt in new[] { resume, rollback })
        {
            var newer = (await attempt.Should().ThrowAsync<NewerDeploymentExistsException>()).Which;
            newer.DeploymentId.Should().Be(idA);
            newer.Status.Should().Be(DeploymentStatus.Abandoned);
            newer.NewerDeploymentId.Should().Be(b.DeploymentId);
            newer.NewerStatus.Should().Be(DeploymentStatus.Succeeded);
            newer.Message.Should().Contain(idA).And.Contain(b.DeploymentId).And.Contain("never resumed or rolled back over a newer one");
        }

        Emulator.Calls.Mutating.Should().HaveCount(mutating);
        GroupState().Should().Equal(Deployed);
    }

    [Fact]
    public async Task StageByStageDeploymentLeftUnfinished_RefusesTheNext_ButAnotherAppDeploys()
    {
        SeedRunningRevision();
        SeedGroup("api__1", Cap(1, 1, 1));
        string id;
        await using (var first = new CanaryDeployment(Services, CanaryRequest(25, 50, 100)))
        {
            await first.StartAsync();
            id = first.DeploymentId!;
        }

        var sameApp = () => new CanaryDeployment(Services, CanaryRequest(100)).StartAsync();
        var refused = (await sameApp.Should().ThrowAsync<UnfinishedDeploymentException>()).Which;
        var otherApp = await new CanaryDeployment(Services, CanaryRequestFor("api", 100)).RunAsync();

        refused.DeploymentId.Should().Be(id);
        otherApp.Status.Should().Be(DeploymentStatus.Succeeded, "the story is per app");
        (await new DeploymentRecovery(Services).ResumeAsync(id)).Status.Should().Be(DeploymentStatus.Succeeded);
        LiveRevisions().Should().Equal("api__2", "web__4");
    }

    [Fact]
    public async Task UnfinishedOldDeployment_BehindANewerOne_CannotBeResumedOrRolledBack_OnlyAbandoned()
    {
        // A journal from before the guard: A stopped, then B ran over it anyway. Only abandoning A is left.
        SeedRunningRevision();
        var a = await StoppedCanaryAsync();
        await Journal.SetStatusAsync(a, DeploymentStatus.Succeeded);
        var b = await new CanaryDeployment(Services, CanaryRequest(100)).RunAsync();
        await Journal.SetStatusAsync(a, DeploymentStatus.NeedsAttention);
        (await RecordAsync(b.DeploymentId)).StartedAt.Should().BeAfter((await RecordAsync(a)).StartedAt, "a later deployment starts strictly later, even on a clock that has not moved");
        var recovery = new DeploymentRecovery(Services);
        var before = GroupState();
        var mutating = Emulator.Calls.Mutating.Count;

        var resume = () => recovery.ResumeAsync(a);
        var rollback = () => recovery.RollbackAsync(a);
        var next = () => new CanaryDeployment(Services, CanaryRequest(100)).RunAsync();

        var newer = (await resume.Should().ThrowAsync<NewerDeploymentExistsException>()).Which;
        newer.NewerDeploymentId.Should().Be(b.DeploymentId);
        newer.Message.Should().Contain("abandon it");
        await rollback.Should().ThrowAsync<NewerDeploymentExistsException>();
        (await next.Should().ThrowAsync<UnfinishedDeploymentException>()).Which.DeploymentId.Should().Be(a);
        Emulator.Calls.Mutating.Should().HaveCount(mutating);
        GroupState().Should().Equal(before);
        (await recovery.AbandonAsync(a, "B ran over it before the guard existed")).Status.Should().Be(DeploymentStatus.Abandoned);
        (await recovery.ListUnfinishedAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Abandon_IsRefusedForFinishedRunningUnknownOrReasonless_AndChangesNothing()
    {
        SeedRunningRevision();
        var succeeded = await new CanaryDeployment(Services, CanaryRequest(100)).RunAsync();
        var recovery = new DeploymentRecovery(Services);
        var calls = Emulator.Calls.All.Count;

        var finished = () => recovery.AbandonAsync(succeeded.DeploymentId, "no reason to");
        var unknown = () => recovery.AbandonAsync("web-20261121T120000Z-deadbeef", "typo");
        var noReason = () => recovery.AbandonAsync(succeeded.DeploymentId, " ");
        var longReason = () => recovery.AbandonAsync(succeeded.DeploymentId, new string('x', 1001));

        var refused = (await finished.Should().ThrowAsync<DeploymentFinishedException>()).Which;
        refused.Status.Should().Be(DeploymentStatus.Succeeded);
        refused.Message.Should().Contain("only an unfinished deployment");
        await unknown.Should().ThrowAsync<DeploymentJournalException>();
        await noReason.Should().ThrowAsync<ArgumentException>();
        await longReason.Should().ThrowAsync<ArgumentException>();
        (await RecordAsync(succeeded.DeploymentId)).Status.Should().Be(DeploymentStatus.Succeeded);
        Emulator.Calls.All.Should().HaveCount(calls);

        await using var running = new CanaryDeployment(Services, CanaryRequest(25, 50, 100), new DeploymentOptions { Owner = "the running one" });
        await running.StartAsync();
        var live = () => recovery.AbandonAsync(running.DeploymentId!, "looks stuck");
        (await live.Should().ThrowAsync<AppLockedException>()).Which.Owner.Should().Be("the running one");
        (await RecordAsync(running.DeploymentId!)).Status.Should().Be(DeploymentStatus.Running, "a live deployment is never abandoned under its feet");
    }

    [Fact]
    public async Task Abandon_DefaultWho_IsTheMachineAndProcess_AndIsLogged()
    {
        SeedRunningRevision();
        var id = await StoppedCanaryAsync();
        var logs = new CapturingLoggerProvider();
        var services = new DeploymentServices(Spot, Aws, Journal, Lock, Clock, new CapturingLoggerFactory(logs));

        await new DeploymentRecovery(services).AbandonAsync(id, "checked by hand");

        var note = (await RecordAsync(id)).Entries.Single(e => e.Operation == "abandoned");
        ((string?)note.Data!["by"]).Should().Contain(Environment.MachineName).And.Contain($"pid {Environment.ProcessId}");
        logs.Logs.Should().Contain(l => l.EventId.Id == 1211 && l.Message.Contains(id, StringComparison.Ordinal) && !l.Message.Contains("checked by hand", StringComparison.Ordinal));
    }

    private async Task<string> StoppedCanaryAsync()
    {
        Emulator.Faults.Add(new FaultRule { Service = "spot", Method = "PUT", PathContains = "/capacity", Status = 400, Times = 1 });
        var run = () => new CanaryDeployment(Services, CanaryRequest(25, 50, 100), Stop).RunAsync();
        return (await run.Should().ThrowAsync<DeploymentFailedException>()).Which.DeploymentId!;
    }

    /// <summary>The revisions that serve: groups with a target above 0 or live instances.</summary>
    private IReadOnlyList<string> LiveRevisions() =>
        [.. State.Groups
            .Where(g => g.Target > 0 || State.GetInstances(g.Id).Any(i => i.State != "terminated"))
            .Select(g => g.Name ?? string.Empty)
            .OrderBy(n => n, StringComparer.Ordinal)];
}
