using System.Threading.Channels;

namespace Spot.Deploy.Strategies.Tests.Deployments;

/// <summary>Gates: asked before every gated stage of an end-to-end run, never before the setup; approve, abort, wait.</summary>
public sealed class GateTests : ControlFlowTestBase
{
    [Fact]
    public async Task Canary_ThreePhases_GateAskedBeforePhasesTwoAndThreeOnly()
    {
        SeedRunningRevision();
        var gate = new RecordingGate();
        var progress = new Recorder();

        var result = await new CanaryDeployment(Services, CanaryRequest(25, 50, 100), new DeploymentOptions { Gate = gate }).RunAsync(progress);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        GroupState().Should().Equal(Deployed);
        gate.Asked.Select(c => (c.StageIndex, c.StageName, c.Attempt, c.Waited)).Should().Equal(
            (2, "phase 2 of 3 (50 %)", 1, TimeSpan.Zero),
            (3, "phase 3 of 3 (100 %)", 1, TimeSpan.Zero));
        gate.Asked.Should().OnlyContain(c => c.DeploymentId == result.DeploymentId && c.AppName == App && c.Strategy == DeploymentStrategy.Canary);

        // Each question comes after the previous phase completed and before its own phase starts.
        var sequence = progress.Events
            .Select(e => e switch
            {
                StageStartedEvent s => "start " + s.Index,
                StageCompletedEvent s => "done " + s.Index,
                GateEvent g => "gate " + g.StageName,
                _ => null,
            })
            .OfType<string>();
        sequence.Should().Equal(
            "start 0", "done 0", "start 1", "done 1",
            "gate phase 2 of 3 (50 %)", "start 2", "done 2",
            "gate phase 3 of 3 (100 %)", "start 3", "done 3");
    }

    [Fact]
    public async Task Basic_GateAskedOnce_WithTheNewGroupUp_BeforeThePreviousGroupIsDownsized()
    {
        SeedRunningRevision();
        string[]? whenAsked = null;
        var gate = new RecordingGate(_ =>
        {
            whenAsked = [.. GroupState()];
            return GateDecision.Approve();
        });
        var request = new BasicDeploymentRequest { AppName = App, Document = Document() };
        request.UseImage(NewImage);

        var result = await new BasicDeployment(Services, request, new DeploymentOptions { Gate = gate }).RunAsync();

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        gate.Asked.Select(c => (c.StageName, c.StageIndex)).Should().Equal(("downsize previous", 2));
        whenAsked.Should().Equal([$"web__3 2/4/6 {OldImage} live=4", $"web__4 2/4/6 {NewImage} live=4"], "both run at full size while the gate decides");
        GroupState().Should().Equal(Deployed);
    }

    [Fact]
    public async Task BlueGreen_TrafficShift_GateAskedBeforeEveryTrafficStepAndTheSwap_NotBeforeStageSetup()
    {
        var bg = SeedBlueGreen(10, 50, 100);
        var gate = new RecordingGate();
        var progress = new Recorder();

        var result = await new BlueGreenDeployment(Services, bg.Request, new DeploymentOptions { Gate = gate }).RunAsync(progress);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        var stages = progress.Of<StageStartedEvent>().Select(s => s.Name).ToList();
        stages.Should().Equal("stage setup", "traffic 10 %", "traffic 50 %", "swap");
        gate.Asked.Select(c => c.StageName).Should().Equal(stages.Skip(1), "every traffic step and the swap are gated, the stage setup is not");
        gate.Asked.Select(c => c.StageIndex).Should().Equal(Enumerable.Range(1, stages.Count - 1));
        gate.Asked.Should().OnlyContain(c => c.Strategy == DeploymentStrategy.BlueGreen && c.Attempt == 1);
        State.GetListenerActions(bg.ProductionListener).ToJsonString().Should().Contain(bg.Green);
    }

    [Fact]
    public async Task BlueGreen_HardSwap_GateAskedOnceBeforeTheSwap()
    {
        var bg = SeedBlueGreen();
        var gate = new RecordingGate();

        await new BlueGreenDeployment(Services, bg.Request, new DeploymentOptions { Gate = gate }).RunAsync();

        gate.Asked.Select(c => (c.StageIndex, c.StageName)).Should().Equal((1, "swap"));
    }

    [Fact]
    public async Task BlueGreen_AbortBeforeSwap_RoutesAndGroupsBackWhereTheyStarted()
    {
        var bg = SeedBlueGreen();
        var before = GroupState();
        var prodBefore = State.GetListenerActions(bg.ProductionListener).ToJsonString();
        var stageBefore = State.GetListenerActions(bg.StageListener).ToJsonString();
        var gate = new RecordingGate(_ => GateDecision.Abort("smoke tests failed"));

        var run = () => new BlueGreenDeployment(Services, bg.Request, new DeploymentOptions { Gate = gate }).RunAsync();

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack);
        failure.InnerException.Should().BeOfType<DeploymentGateAbortedException>().Which.Reason.Should().Be("smoke tests failed");
        GroupState().Should().Equal(before);
        State.GetListenerActions(bg.ProductionListener).ToJsonString().Should().Be(prodBefore);
        State.GetListenerActions(bg.StageListener).ToJsonString().Should().Be(stageBefore);
    }

    [Fact]
    public async Task Abort_BeforePhaseTwo_RollsBackToTheExactStartingState()
    {
        SeedRunningRevision();
        SeedGroup("web__2", Cap(1, 1, 1));
        var before = GroupState();
        var gate = new RecordingGate(_ => GateDecision.Abort("error rate 2.1 % above 1 %"));
        var progress = new Recorder();

        var run = () => new CanaryDeployment(Services, CanaryRequest(25, 50, 100), new DeploymentOptions { Gate = gate }).RunAsync(progress);

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack);
        failure.IsRolledBack.Should().BeTrue();
        failure.FailedStep.Should().BeNull("documented: null when no step failed (a gate aborted)");
        var aborted = failure.InnerException.Should().BeOfType<DeploymentGateAbortedException>().Which;
        aborted.Reason.Should().Be("error rate 2.1 % above 1 %");
        aborted.StageName.Should().Be("phase 2 of 3 (50 %)");
        failure.Message.Should().Contain("error rate 2.1 % above 1 %").And.Contain("rolled back");
        gate.Asked.Should().ContainSingle();
        GroupState().Should().Equal(before);
        State.Groups.Should().NotContain(g => g.Name == "web__4");
        progress.Of<StageStartedEvent>().Select(s => s.Index).Should().Equal(0, 1);
        (await RecordAsync(failure.DeploymentId!)).Status.Should().Be(DeploymentStatus.RolledBack);
        (await IsUnlockedAsync()).Should().BeTrue();
    }

    [Fact]
    public async Task WaitTwiceThenApprove_ThirdAttemptAfterSixtyVirtualSeconds()
    {
        SeedRunningRevision();
        var gate = new RecordingGate(c => c.Attempt < 3 ? GateDecision.Wait(TimeSpan.FromSeconds(30), "error budget not settled") : GateDecision.Approve("alice"));
        var progress = new Recorder();

        var result = await new CanaryDeployment(Services, CanaryRequest(50, 100), new DeploymentOptions { Gate = gate }).RunAsync(progress);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        gate.Asked.Select(c => (c.StageName, c.Attempt, c.Waited)).Should().Equal(
            ("phase 2 of 2 (100 %)", 1, TimeSpan.Zero),
            ("phase 2 of 2 (100 %)", 2, TimeSpan.FromSeconds(30)),
            ("phase 2 of 2 (100 %)", 3, TimeSpan.FromSeconds(60)));
        var events = progress.Of<GateEvent>().ToList();
        events.Select(e => (e.Attempt, e.Verdict, e.Reason)).Should().Equal(
            (1, GateVerdict.Wait, "error budget not settled"),
            (2, GateVerdict.Wait, "error budget not settled"),
            (3, GateVerdict.Approve, "alice"));
        (events[2].Time - events[0].Time).Should().Be(TimeSpan.FromSeconds(60), "the gate's pauses run on the deployment's clock");
        GroupState().Should().Equal(Deployed);
    }

    [Fact]
    public async Task WaitBeyondGateTimeout_FailsAndRollsBack()
    {
        SeedRunningRevision();
        var gate = new RecordingGate(_ => GateDecision.Wait(TimeSpan.FromMinutes(1), "still checking"));
        var options = new DeploymentOptions { Gate = gate, GateTimeout = TimeSpan.FromMinutes(2) };

        var run = () => new CanaryDeployment(Services, CanaryRequest(50, 100), options).RunAsync();

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack);
        failure.InnerException.Should().BeOfType<TimeoutException>().Which.Message.Should().Contain("GateTimeout");
        gate.Asked.Select(c => c.Waited).Should().Equal(TimeSpan.Zero, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2));
        GroupState().Should().Equal(Started);
    }

    [Fact]
    public async Task Decisions_AreReportedAsGateEventsAndJournaledAsGateNotes()
    {
        SeedRunningRevision();
        var gate = new RecordingGate(c => c.Attempt == 1 ? GateDecision.Wait(TimeSpan.FromSeconds(10), "warming up") : GateDecision.Approve("bob"));
        var progress = new Recorder();

        var result = await new CanaryDeployment(Services, CanaryRequest(50, 100), new DeploymentOptions { Gate = gate }).RunAsync(progress);

        progress.Of<GateEvent>().Select(e => (e.StageName, e.Attempt, e.Verdict, e.Reason)).Should().Equal(
            ("phase 2 of 2 (100 %)", 1, GateVerdict.Wait, "warming up"),
            ("phase 2 of 2 (100 %)", 2, GateVerdict.Approve, "bob"));
        var notes = (await RecordAsync(result.DeploymentId)).Entries.Where(e => e.Kind == JournalEntryKind.Note && e.Operation == "gate").ToList();
        notes.Select(n => (n.StepId, n.Data!["verdict"]!.GetValue<string>(), n.Data["reason"]!.GetValue<string>(), n.Data["attempt"]!.GetValue<int>())).Should().Equal(
            ("stage-2", "Wait", "warming up", 1),
            ("stage-2", "Approve", "bob", 2));
    }

    [Fact]
    public async Task GateThrows_DeploymentFailsAndRollsBack()
    {
        SeedRunningRevision();
        var gate = new DeploymentGate((_, _) => throw new InvalidOperationException("metrics backend unreachable"));

        var run = () => new CanaryDeployment(Services, CanaryRequest(50, 100), new DeploymentOptions { Gate = gate }).RunAsync();

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack);
        failure.InnerException.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Be("metrics backend unreachable");
        GroupState().Should().Equal(Started);
    }

    [Fact]
    public async Task AsyncGateFunction_TheDeploymentWaitsForItsAnswer()
    {
        SeedRunningRevision();
        var questions = Channel.CreateUnbounded<(string Stage, TaskCompletionSource<GateDecision> Answer)>();
        var gate = new DeploymentGate(async (context, ct) =>
        {
            var answer = new TaskCompletionSource<GateDecision>(TaskCreationOptions.RunContinuationsAsynchronously);
            await questions.Writer.WriteAsync((context.StageName, answer), ct);
            return await answer.Task;
        });

        var run = new CanaryDeployment(Services, CanaryRequest(25, 50, 100), new DeploymentOptions { Gate = gate }).RunAsync();
        var asked = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var (stage, answer) = await questions.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(1));
            asked.Add(stage);
            run.IsCompleted.Should().BeFalse("the deployment waits for the gate's answer");
            answer.SetResult(GateDecision.Approve());
        }

        var result = await run;

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        asked.Should().Equal("phase 2 of 3 (50 %)", "phase 3 of 3 (100 %)");
    }

    [Fact]
    public async Task AbortWithOnFailureStop_LeavesPhaseOneInPlaceAndNeedsAttention()
    {
        SeedRunningRevision();
        var gate = new RecordingGate(_ => GateDecision.Abort("hold"));
        var options = new DeploymentOptions { Gate = gate, OnFailure = FailurePolicy.Stop };

        var run = () => new CanaryDeployment(Services, CanaryRequest(25, 50, 100), options).RunAsync();

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.NeedsAttention);
        failure.InnerException.Should().BeOfType<DeploymentGateAbortedException>();
        GroupState().Should().Equal($"web__3 3/3/3 {OldImage} live=3", $"web__4 1/1/1 {NewImage} live=1");
        (await RecordAsync(failure.DeploymentId!)).Status.Should().Be(DeploymentStatus.NeedsAttention);
    }
}
