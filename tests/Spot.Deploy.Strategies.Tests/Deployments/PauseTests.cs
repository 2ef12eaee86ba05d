using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Tests.Deployments;

/// <summary>
/// Pauses (issue #14): before each gated stage the run journals a <c>paused</c> note, reports a <see cref="PausedEvent"/>
/// and polls the control channel on the deployment's clock; promote goes on, abort rolls back naming who and why, a
/// timeout applies the default verdict; an interrupted pause pauses again on resume unless a promote was recorded.
/// </summary>
public sealed class PauseTests : ControlFlowTestBase
{
    private const string Alice = "alice@laptop";

    private static DeploymentOptions Paused(TimeSpan? timeout = null, ControlAction verdict = ControlAction.Abort) =>
        new() { Pause = new PauseOptions { Timeout = timeout, DefaultVerdict = verdict } };

    /// <summary>Records a decision from "another writer" (the store's control channel, as the CLI's promote does) when the run pauses.</summary>
    private Recorder Deciding(ControlAction action, string? reason = null)
    {
        var recorder = new Recorder();
        recorder.OnEvent = e =>
        {
            if (e is PausedEvent p)
            {
                Journal.RequestAsync(p.DeploymentId, new ControlRequest(action, p.StageIndex, Alice, reason)).GetAwaiter().GetResult();
            }
        };
        return recorder;
    }

    [Fact]
    public async Task Promote_FromTheControlChannel_TheStageRuns_AndTheDeploymentSucceeds()
    {
        SeedRunningRevision();
        var progress = Deciding(ControlAction.Promote, "dashboards green");

        var result = await new CanaryDeployment(Services, CanaryRequest(50, 100), Paused()).RunAsync(progress);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        GroupState().Should().Equal(Deployed);
        var paused = progress.Of<PausedEvent>().Should().ContainSingle().Subject;
        (paused.DeploymentId, paused.StageIndex, paused.StageName, paused.Timeout, paused.DefaultVerdict).Should().Be((result.DeploymentId, 2, "phase 2 of 2 (100 %)", (TimeSpan?)null, ControlAction.Abort));
        var ended = progress.Of<PauseEndedEvent>().Should().ContainSingle().Subject;
        (ended.Verdict, ended.DecidedBy, ended.Reason).Should().Be((ControlAction.Promote, Alice, "dashboards green"));
        progress.Events.Select(e => e switch { PausedEvent => "paused", PauseEndedEvent => "ended", StageStartedEvent s => "start " + s.Index, _ => null }).OfType<string>()
            .Should().Equal("start 0", "start 1", "paused", "ended", "start 2");

        var notes = (await RecordAsync(result.DeploymentId)).Entries.Where(e => e.Operation is "paused" or "pauseDecided").ToList();
        notes.Select(n => (n.StepId, n.Operation)).Should().Equal(("stage-2", "paused"), ("stage-2", "pauseDecided"));
        notes[1].Data!["verdict"]!.GetValue<string>().Should().Be("Promote");
        notes[1].Data!["by"]!.GetValue<string>().Should().Be(Alice);
        notes[1].Data!["reason"]!.GetValue<string>().Should().Be("dashboards green");
        notes[1].Data!["timedOut"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task Abort_ThroughTheRunningDeploymentObject_RollsBackToTheStart_NamingWhoAndWhy()
    {
        SeedRunningRevision();
        var before = GroupState();
        var progress = new Recorder();
        var deployment = new CanaryDeployment(Services, CanaryRequest(50, 100), Paused());
        progress.OnEvent = e =>
        {
            if (e is PausedEvent)
            {
                deployment.AbortAsync("error rate 3 % on the canary", "bob@ci").GetAwaiter().GetResult();
            }
        };

        var run = () => deployment.RunAsync(progress);

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack);
        var aborted = failure.InnerException.Should().BeOfType<DeploymentAbortedException>().Which;
        (aborted.AbortedBy, aborted.TimedOut, aborted.StageName).Should().Be(("bob@ci", false, "phase 2 of 2 (100 %)"));
        aborted.Message.Should().Contain("bob@ci").And.Contain("error rate 3 % on the canary");
        failure.Message.Should().Contain("bob@ci").And.Contain("error rate 3 % on the canary").And.Contain("rolled back");
        GroupState().Should().Equal(before);
        (await IsUnlockedAsync()).Should().BeTrue();
        var decided = (await RecordAsync(failure.DeploymentId!)).Entries.Single(e => e.Operation == "pauseDecided");
        decided.Data!["verdict"]!.GetValue<string>().Should().Be("Abort");
        decided.Data!["by"]!.GetValue<string>().Should().Be("bob@ci");

        // Finished now: no promote or abort is taken any more, by the object or the store.
        var late = () => deployment.PromoteAsync();
        (await late.Should().ThrowAsync<DeploymentControlException>()).Which.Refusal.Should().Be(ControlRefusal.NotPaused);
        var store = () => Journal.RequestAsync(failure.DeploymentId!, new ControlRequest(ControlAction.Promote, 2, Alice));
        (await store.Should().ThrowAsync<DeploymentControlException>()).Which.Refusal.Should().Be(ControlRefusal.FinishedDeployment);
    }

    [Fact]
    public async Task Timeout_DefaultAbort_RollsBackAfterExactlyTheTimeout_JournaledAsATimeout()
    {
        SeedRunningRevision();
        var before = GroupState();
        var progress = new Recorder();

        var run = () => new CanaryDeployment(Services, CanaryRequest(50, 100), Paused(TimeSpan.FromMinutes(3))).RunAsync(progress);

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack);
        var aborted = failure.InnerException.Should().BeOfType<DeploymentAbortedException>().Which;
        aborted.TimedOut.Should().BeTrue();
        aborted.AbortedBy.Should().BeNull();
        aborted.Message.Should().Contain("timed out");
        GroupState().Should().Equal(before);
        var ended = progress.Of<PauseEndedEvent>().Should().ContainSingle().Subject;
        (ended.Verdict, ended.DecidedBy, ended.Waited).Should().Be((ControlAction.Abort, (string?)null, TimeSpan.FromMinutes(3)));
        var decided = (await RecordAsync(failure.DeploymentId!)).Entries.Single(e => e.Operation == "pauseDecided");
        decided.Data!["timedOut"]!.GetValue<bool>().Should().BeTrue();
        (await Journal.ReadAsync(failure.DeploymentId!)).Should().ContainSingle().Which.RequestedBy.Should().Be("pause timeout", "the timeout's verdict is the stage's first decision: a late promote is refused");
    }

    [Fact]
    public async Task Timeout_DefaultPromote_GoesOnAfterTheTimeout_AndSucceeds()
    {
        SeedRunningRevision();
        var progress = new Recorder();

        var result = await new CanaryDeployment(Services, CanaryRequest(50, 100), Paused(TimeSpan.FromSeconds(90), ControlAction.Promote)).RunAsync(progress);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        GroupState().Should().Equal(Deployed);
        var ended = progress.Of<PauseEndedEvent>().Should().ContainSingle().Subject;
        (ended.Verdict, ended.DecidedBy, ended.Waited).Should().Be((ControlAction.Promote, (string?)null, TimeSpan.FromSeconds(90)));
        var paused = progress.Of<PausedEvent>().Single();
        (ended.Time - paused.Time).Should().Be(TimeSpan.FromSeconds(90), "the pause polls on the deployment's clock");
    }

    [Fact]
    public async Task EveryGatedStage_PausesOnce_OrOnlyTheStagesNamed()
    {
        SeedRunningRevision();
        var every = Deciding(ControlAction.Promote);

        var result = await new CanaryDeployment(Services, CanaryRequest(25, 50, 100), Paused()).RunAsync(every);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        every.Of<PausedEvent>().Select(p => (p.StageIndex, p.StageName)).Should().Equal((2, "phase 2 of 3 (50 %)"), (3, "phase 3 of 3 (100 %)"));
        (await Journal.ReadAsync(result.DeploymentId)).Select(r => (r.Sequence, r.Stage)).Should().Equal((1L, 2), (2L, 3));
    }

    [Fact]
    public async Task BlueGreen_PausesBeforeEveryTrafficStepAndTheSwap_AbortBeforeTheSwapRestoresTheRoutes()
    {
        var bg = SeedBlueGreen(10, 50, 100);
        var production = State.GetListenerActions(bg.ProductionListener).ToJsonString();
        var before = GroupState();
        var progress = new Recorder();
        progress.OnEvent = e =>
        {
            if (e is PausedEvent p)
            {
                var action = p.StageName == "swap" ? ControlAction.Abort : ControlAction.Promote;
                Journal.RequestAsync(p.DeploymentId, new ControlRequest(action, p.StageIndex, Alice, action == ControlAction.Abort ? "latency up at 50 %" : null)).GetAwaiter().GetResult();
            }
        };

        var run = () => new BlueGreenDeployment(Services, bg.Request, Paused()).RunAsync(progress);

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack);
        failure.InnerException.Should().BeOfType<DeploymentAbortedException>().Which.StageName.Should().Be("swap");
        progress.Of<PausedEvent>().Select(p => p.StageName).Should().Equal("traffic 10 %", "traffic 50 %", "swap");
        progress.Of<TrafficWeightsEvent>().Select(t => t.PercentToNew).Should().StartWith([10, 50]);
        State.GetListenerActions(bg.ProductionListener).ToJsonString().Should().Be(production, "the abort at the swap's pause rolled the traffic back");
        GroupState().Should().Equal(before);
    }

    [Fact]
    public async Task OnlyTheStagesNamed_Pause()
    {
        SeedRunningRevision();
        var progress = Deciding(ControlAction.Promote);
        var options = Paused();
        options.Pause!.Stages.Add(3);

        await new CanaryDeployment(Services, CanaryRequest(25, 50, 100), options).RunAsync(progress);

        progress.Of<PausedEvent>().Select(p => p.StageIndex).Should().Equal(3);
    }

    [Fact]
    public async Task Pause_WithNoStageToPauseBefore_IsRefusedBeforeAnythingChanges()
    {
        // A first Basic deployment: no previous group to keep running while the new one is looked at.
        var request = new BasicDeploymentRequest { AppName = App, Document = Document() };
        request.UseImage(NewImage);

        var run = () => new BasicDeployment(Services, request, Paused()).RunAsync();

        var refusal = (await run.Should().ThrowAsync<DeploymentValidationException>()).Which;
        refusal.Field.Should().Be("Pause");
        refusal.Message.Should().Contain("no previous group");
        GroupState().Should().BeEmpty();
        (await Journal.ListByAppAsync(App)).Should().BeEmpty();
    }

    [Fact]
    public async Task Basic_PausesWithBothGroupsAtFullSize_AbortRemovesOnlyTheNewGroup()
    {
        SeedRunningRevision();
        var request = new BasicDeploymentRequest { AppName = App, Document = Document() };
        request.UseImage(NewImage);
        string[]? whenPaused = null;
        var progress = Deciding(ControlAction.Abort, "latency doubled");
        var decide = progress.OnEvent!;
        progress.OnEvent = e =>
        {
            if (e is PausedEvent)
            {
                whenPaused = [.. GroupState()];
            }

            decide(e);
        };

        var run = () => new BasicDeployment(Services, request, Paused()).RunAsync(progress);

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack, failure.Message);
        progress.Of<PausedEvent>().Should().ContainSingle().Which.StageName.Should().Be("downsize previous");
        whenPaused.Should().Equal([$"web__3 2/4/6 {OldImage} live=4", $"web__4 2/4/6 {NewImage} live=4"]);
        GroupState().Should().Equal(Started);
    }

    [Fact]
    public async Task Pause_BeforeAStageThatIsNotGated_IsRefused()
    {
        SeedRunningRevision();
        var options = Paused();
        options.Pause!.Stages.Add(1);

        var run = () => new CanaryDeployment(Services, CanaryRequest(50, 100), options).RunAsync();

        (await run.Should().ThrowAsync<DeploymentValidationException>()).Which.Reason.Should().Contain("stage 1 is not a gated stage");
        (await Journal.ListByAppAsync(App)).Should().BeEmpty();
    }

    [Fact]
    public async Task Interrupted_WhilePaused_ResumedWithoutPauseOptions_PausesAgainAtTheSameStage_UntilPromoted()
    {
        SeedRunningRevision();
        using var cancel = new CancellationTokenSource();
        var first = new Recorder { OnEvent = e => { if (e is PausedEvent) { cancel.Cancel(); } } };
        var deployment = new CanaryDeployment(Services, CanaryRequest(50, 100), Paused(TimeSpan.FromHours(1)));

        var run = () => deployment.RunAsync(first, cancel.Token);

        await run.Should().ThrowAsync<DeploymentCanceledException>();
        var id = deployment.DeploymentId!;
        var open = DeploymentPause.Of(await RecordAsync(id));
        open.Should().NotBeNull();
        (open!.StageIndex, open.StageName, open.Timeout).Should().Be((2, "phase 2 of 2 (100 %)", (TimeSpan?)TimeSpan.FromHours(1)));
        var since = first.Of<PausedEvent>().Single().Since;

        var second = Deciding(ControlAction.Promote);
        var result = await new DeploymentRecovery(Services, new DeploymentOptions()).ResumeAsync(id, second);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        var again = second.Of<PausedEvent>().Should().ContainSingle().Subject;
        (again.StageIndex, again.Since, again.Timeout).Should().Be((2, since, (TimeSpan?)TimeSpan.FromHours(1)), "the pause goes on where it was, its timeout counted from when it began");
        (await RecordAsync(id)).Entries.Where(e => e.Operation == "paused").Select(e => e.Data!["resumed"]!.GetValue<bool>()).Should().Equal(false, true);
        DeploymentPause.Of(await RecordAsync(id)).Should().BeNull();
        GroupState().Should().Equal(Deployed);
    }

    [Fact]
    public async Task Interrupted_WhilePaused_PromotedWhileNoProcessRan_ResumeGoesOnWithoutWaiting()
    {
        SeedRunningRevision();
        using var cancel = new CancellationTokenSource();
        var first = new Recorder { OnEvent = e => { if (e is PausedEvent) { cancel.Cancel(); } } };
        var deployment = new CanaryDeployment(Services, CanaryRequest(50, 100), Paused());
        await ((Func<Task>)(() => deployment.RunAsync(first, cancel.Token))).Should().ThrowAsync<DeploymentCanceledException>();
        var id = deployment.DeploymentId!;
        await Journal.RequestAsync(id, new ControlRequest(ControlAction.Promote, 2, Alice, "checked while it was down"));
        var resumedAt = Clock.GetUtcNow();
        var progress = new Recorder();

        var result = await new DeploymentRecovery(Services, new DeploymentOptions()).ResumeAsync(id, progress);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        var ended = progress.Of<PauseEndedEvent>().Should().ContainSingle().Subject;
        (ended.DecidedBy, ended.Reason).Should().Be((Alice, "checked while it was down"));
        ended.Time.Should().Be(progress.Of<PausedEvent>().Single().Time, "the recorded promote is read at the first poll");
        ended.Time.Should().BeOnOrAfter(resumedAt);
    }

    [Fact]
    public async Task PromoteAsync_BeforeStart_IsInvalid()
    {
        var deployment = new CanaryDeployment(Services, CanaryRequest(50, 100), Paused());

        var act = () => deployment.PromoteAsync();

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*not started*");
    }

    [Fact]
    public void PauseOptions_OutOfRange_AreRefusedNamingTheValue()
    {
        new DeploymentOptions { Pause = new PauseOptions { Timeout = TimeSpan.Zero } }.Invoking(o => o.Validate()).Should().Throw<ArgumentException>().WithMessage("*Pause.Timeout*");
        new DeploymentOptions { Pause = new PauseOptions { PollInterval = TimeSpan.Zero } }.Invoking(o => o.Validate()).Should().Throw<ArgumentException>().WithMessage("*Pause.PollInterval*");
        new DeploymentOptions { Pause = new PauseOptions { DefaultVerdict = (ControlAction)7 } }.Invoking(o => o.Validate()).Should().Throw<ArgumentException>().WithMessage("*Pause.DefaultVerdict*");
        var stages = new PauseOptions();
        stages.Stages.Add(0);
        new DeploymentOptions { Pause = stages }.Invoking(o => o.Validate()).Should().Throw<ArgumentException>().WithMessage("*Pause.Stages*");
        ((Action)(() => _ = new ControlRequest(ControlAction.Promote, 2, Alice, new string('x', 300)))).Should().Throw<ArgumentException>().WithParameterName("reason");
        ((Action)(() => _ = new ControlRequest(ControlAction.Promote, 2, " "))).Should().Throw<ArgumentException>().WithParameterName("requestedBy");
        ((Action)(() => _ = new ControlRequest(ControlAction.Promote, 0, Alice))).Should().Throw<ArgumentOutOfRangeException>();
    }
}
