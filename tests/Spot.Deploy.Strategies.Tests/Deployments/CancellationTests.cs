namespace Spot.Deploy.Strategies.Tests.Deployments;

/// <summary>Cancellation stops between calls, rolls nothing back, says where it stopped, and leaves a resumable deployment.</summary>
public sealed class CancellationTests : ControlFlowTestBase
{
    [Fact]
    public async Task CancelDuringPhaseTwoSteadyStateWait_SaysWhereItStoppedAndRollsNothingBack()
    {
        SeedRunningRevision();
        using var cts = new CancellationTokenSource();
        var progress = CancelOnFirstPoll(stage: 2, cts);

        var run = () => new CanaryDeployment(Services, CanaryRequest(25, 50, 100)).RunAsync(progress, cts.Token);

        var canceled = (await run.Should().ThrowAsync<DeploymentCanceledException>()).Which;
        var started = progress.Of<DeploymentStartedEvent>().Single();
        canceled.DeploymentId.Should().Be(started.DeploymentId);
        canceled.CompletedSteps.Should().Be(3, "the create and both scales of phase 1 completed").And.Be(progress.Of<StepCompletedEvent>().Count());
        canceled.StepInFlight.Should().NotBeNull().And.Be(progress.Of<StepStartedEvent>().Last().Description).And.Contain("web__4");
        canceled.Message.Should().Contain("Nothing was rolled back").And.Contain("NeedsAttention").And.Contain(canceled.DeploymentId);
        canceled.CancellationToken.Should().Be(cts.Token);
        progress.Of<RollbackStartedEvent>().Should().BeEmpty();
        progress.Events[^1].Should().BeOfType<DeploymentFinishedEvent>().Which.Status.Should().Be(DeploymentStatus.NeedsAttention);
        GroupState().Should().Equal($"web__3 3/3/3 {OldImage} live=3", $"web__4 2/2/2 {NewImage} live=2");
        var record = await RecordAsync(canceled.DeploymentId!);
        record.Status.Should().Be(DeploymentStatus.NeedsAttention);
        record.Entries.Should().Contain(e => e.Kind == JournalEntryKind.Note && e.Operation == "canceled");
        (await IsUnlockedAsync()).Should().BeTrue("a cancelled deployment releases the app lock");
    }

    [Fact]
    public async Task CancelDuringPhaseTwo_ThenResume_FinishesTheDeployment()
    {
        SeedRunningRevision();
        using var cts = new CancellationTokenSource();
        var progress = CancelOnFirstPoll(stage: 2, cts);
        var run = () => new CanaryDeployment(Services, CanaryRequest(25, 50, 100)).RunAsync(progress, cts.Token);
        var id = (await run.Should().ThrowAsync<DeploymentCanceledException>()).Which.DeploymentId!;
        var resumed = new Recorder();

        var result = await new DeploymentRecovery(Services).ResumeAsync(id, resumed);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        result.DeploymentId.Should().Be(id);
        result.GroupName.Should().Be("web__4");
        GroupState().Should().Equal(Deployed);
        (await RecordAsync(id)).Status.Should().Be(DeploymentStatus.Succeeded);
        resumed.Of<StageStartedEvent>().Select(s => s.Index).Should().Equal(2, 3);
        State.Groups.Should().ContainSingle(g => g.Name == "web__4", "the resume re-checked the step in flight instead of creating anything twice");
    }

    [Fact]
    public async Task CancelDuringPhaseTwo_ThenRollback_RestoresTheStartingState()
    {
        SeedRunningRevision();
        using var cts = new CancellationTokenSource();
        var progress = CancelOnFirstPoll(stage: 2, cts);
        var run = () => new CanaryDeployment(Services, CanaryRequest(25, 50, 100)).RunAsync(progress, cts.Token);
        var id = (await run.Should().ThrowAsync<DeploymentCanceledException>()).Which.DeploymentId!;

        var result = await new DeploymentRecovery(Services).RollbackAsync(id);

        result.Status.Should().Be(DeploymentStatus.RolledBack);
        GroupState().Should().Equal(Started);
        (await RecordAsync(id)).Status.Should().Be(DeploymentStatus.RolledBack);
        (await IsUnlockedAsync()).Should().BeTrue();
    }

    [Fact]
    public async Task CancelWhileTheGateWaits_StopsAtTheGateWithNoStepInFlight()
    {
        SeedRunningRevision();
        using var cts = new CancellationTokenSource();
        var gate = new RecordingGate(_ => GateDecision.Wait(TimeSpan.FromSeconds(30)));
        var progress = new Recorder { OnEvent = e => { if (e is GateEvent) { cts.Cancel(); } } };

        var run = () => new CanaryDeployment(Services, CanaryRequest(50, 100), new DeploymentOptions { Gate = gate }).RunAsync(progress, cts.Token);

        var canceled = (await run.Should().ThrowAsync<DeploymentCanceledException>()).Which;
        canceled.StepInFlight.Should().BeNull("a gate is not a step: nothing was in flight");
        canceled.Message.Should().Contain("waiting at the gate before phase 2 of 2 (100 %)").And.Contain("Nothing was rolled back");
        canceled.CompletedSteps.Should().Be(3);
        gate.Asked.Should().ContainSingle();
        GroupState().Should().Equal($"web__3 2/2/2 {OldImage} live=2", $"web__4 2/2/2 {NewImage} live=2");
        var record = await RecordAsync(canceled.DeploymentId!);
        record.Status.Should().Be(DeploymentStatus.NeedsAttention);
        record.Entries.Single(e => e.Operation == "canceled").Data!["atGate"]!.GetValue<string>().Should().Be("the gate before phase 2 of 2 (100 %)");
    }

    [Fact]
    public async Task GateReceivesTheDeploymentsToken()
    {
        SeedRunningRevision();
        using var cts = new CancellationTokenSource();
        bool? sawCancellation = null;
        var gate = new DeploymentGate((_, ct) =>
        {
            cts.Cancel();
            sawCancellation = ct.IsCancellationRequested;
            ct.ThrowIfCancellationRequested();
            return Task.FromResult(GateDecision.Approve());
        });

        var run = () => new CanaryDeployment(Services, CanaryRequest(50, 100), new DeploymentOptions { Gate = gate }).RunAsync(null, cts.Token);

        await run.Should().ThrowAsync<DeploymentCanceledException>();
        sawCancellation.Should().BeTrue();
        GroupState().Should().Equal($"web__3 2/2/2 {OldImage} live=2", $"web__4 2/2/2 {NewImage} live=2");
    }

    [Fact]
    public async Task AlreadyCancelledToken_ChangesNothingAndJournalsNothing()
    {
        SeedRunningRevision();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var run = () => new CanaryDeployment(Services, CanaryRequest(50, 100)).RunAsync(null, cts.Token);

        await run.Should().ThrowAsync<OperationCanceledException>();
        Emulator.Calls.Mutating.Should().BeEmpty();
        (await Journal.ListUnfinishedAsync()).Should().BeEmpty();
        GroupState().Should().Equal(Started);
        (await IsUnlockedAsync()).Should().BeTrue();
    }

    [Fact]
    public async Task CancelASpotRoll_StopsSpotsRoll()
    {
        var id = SeedGroup("web", Cap(1, 2, 3));
        var request = new SpotRollDeploymentRequest { AppName = App, BatchSizePercentage = 50, GracePeriodSeconds = 300 };
        request.UseImage(NewImage);
        using var cts = new CancellationTokenSource();
        var progress = new Recorder { OnEvent = e => { if (e is RollProgressEvent) { cts.Cancel(); } } };

        var run = () => new SpotRollDeployment(Services, request).RunAsync(progress, cts.Token);

        var canceled = (await run.Should().ThrowAsync<DeploymentCanceledException>()).Which;
        canceled.StepInFlight.Should().Contain("roll");
        RollStatuses().Should().Equal("stopped");
        Emulator.Calls.Mutating.Should().ContainSingle(c => c.Method == "PUT" && c.Path.Contains("/roll/", StringComparison.Ordinal), "the roll is stopped once (PUT …/roll/{rollId})");
        (await RecordAsync(canceled.DeploymentId!)).Status.Should().Be(DeploymentStatus.NeedsAttention);
        State.GetInstances(id).Where(i => i.State != "terminated").Should().OnlyContain(i => i.ImageId == OldImage, "the stopped roll replaced nothing");
    }

    [Fact]
    public async Task CancelledSpotRoll_ThenRollback_PutsTheOldImageBack()
    {
        var id = SeedGroup("web", Cap(1, 2, 3));
        var request = new SpotRollDeploymentRequest { AppName = App, BatchSizePercentage = 50, GracePeriodSeconds = 300 };
        request.UseImage(NewImage);
        using var cts = new CancellationTokenSource();
        var progress = new Recorder { OnEvent = e => { if (e is RollProgressEvent) { cts.Cancel(); } } };
        var run = () => new SpotRollDeployment(Services, request).RunAsync(progress, cts.Token);
        var deploymentId = (await run.Should().ThrowAsync<DeploymentCanceledException>()).Which.DeploymentId!;

        var result = await new DeploymentRecovery(Services).RollbackAsync(deploymentId);

        result.Status.Should().Be(DeploymentStatus.RolledBack);
        GroupState().Should().Equal($"web 1/2/3 {OldImage} live=2");
        State.GetInstances(id).Where(i => i.State != "terminated").Should().OnlyContain(i => i.ImageId == OldImage);
    }

    [Fact]
    public async Task CancelDuringTheAutomaticRollback_ThrowsDeploymentCanceled_AndRecoveryFinishesTheRollback()
    {
        SeedRunningRevision();
        using var cts = new CancellationTokenSource();
        var rollingBack = false;
        var progress = new Recorder();
        progress.OnEvent = e =>
        {
            switch (e)
            {
                case RollbackStartedEvent:
                    rollingBack = true;
                    break;
                case InstancesProgressEvent when rollingBack && !cts.IsCancellationRequested:
                    cts.Cancel();
                    break;
            }
        };
        var gate = new RecordingGate(_ => GateDecision.Abort("bad canary"));

        var run = () => new CanaryDeployment(Services, CanaryRequest(50, 100), new DeploymentOptions { Gate = gate }).RunAsync(progress, cts.Token);

        var canceled = (await run.Should().ThrowAsync<DeploymentCanceledException>("a cancellation always surfaces as DeploymentCanceledException, during a rollback too")).Which;
        canceled.DeploymentId.Should().Be(progress.Of<DeploymentStartedEvent>().Single().DeploymentId);
        (await RecordAsync(canceled.DeploymentId!)).Status.Should().Be(DeploymentStatus.NeedsAttention);
        progress.Events[^1].Should().BeOfType<DeploymentFinishedEvent>().Which.Status.Should().Be(DeploymentStatus.NeedsAttention);
        (await IsUnlockedAsync()).Should().BeTrue();

        var result = await new DeploymentRecovery(Services).ResumeAsync(canceled.DeploymentId!);

        result.Status.Should().Be(DeploymentStatus.RolledBack, "the rollback that had started is finished, never the deployment");
        GroupState().Should().Equal(Started);
    }

    [Fact]
    public async Task BlueGreen_CancelDuringStageSetup_ThenRollback_GroupsNamesAndRoutesAsTheyWere()
    {
        var bg = SeedBlueGreen();
        SeedGroup("web__STAGE", Cap(1, 1, 1), targetGroupArn: bg.Green);
        var before = GroupState();
        var prodBefore = State.GetListenerActions(bg.ProductionListener).ToJsonString();
        var stageBefore = State.GetListenerActions(bg.StageListener).ToJsonString();
        using var cts = new CancellationTokenSource();
        string? created = null;
        var progress = new Recorder();
        progress.OnEvent = e =>
        {
            switch (e)
            {
                case GroupCreatedEvent c:
                    created = c.GroupId;
                    break;
                case InstancesProgressEvent p when p.GroupId == created && !cts.IsCancellationRequested:
                    cts.Cancel();
                    break;
            }
        };

        var run = () => new BlueGreenDeployment(Services, bg.Request).RunAsync(progress, cts.Token);

        var canceled = (await run.Should().ThrowAsync<DeploymentCanceledException>()).Which;
        State.Groups.Select(g => g.Name).Should().Contain(n => n!.StartsWith("web__STAGE__retired-", StringComparison.Ordinal), "the old stage group was set aside");
        State.GetListenerActions(bg.ProductionListener).ToJsonString().Should().Be(prodBefore);

        var result = await new DeploymentRecovery(Services).RollbackAsync(canceled.DeploymentId!);

        result.Status.Should().Be(DeploymentStatus.RolledBack);
        GroupState().Should().Equal(before);
        State.GetListenerActions(bg.ProductionListener).ToJsonString().Should().Be(prodBefore);
        State.GetListenerActions(bg.StageListener).ToJsonString().Should().Be(stageBefore);
    }

    [Fact]
    public async Task StageByStage_CancelAStage_ReleasesTheLock_ThenResumeFinishes()
    {
        SeedRunningRevision();
        using var cts = new CancellationTokenSource();
        var progress = CancelOnFirstPoll(stage: 1, cts);
        await using var deployment = new CanaryDeployment(Services, CanaryRequest(50, 100));
        await deployment.StartAsync(progress);

        var next = () => deployment.RunNextStageAsync(cts.Token);

        await next.Should().ThrowAsync<DeploymentCanceledException>();
        (await IsUnlockedAsync()).Should().BeTrue();
        var again = () => deployment.RunNextStageAsync();
        await again.Should().ThrowAsync<InvalidOperationException>("a cancelled deployment is finished through DeploymentRecovery");
        (await new DeploymentRecovery(Services).ResumeAsync(deployment.DeploymentId!)).Status.Should().Be(DeploymentStatus.Succeeded);
        GroupState().Should().Equal($"web__3 0/0/0 {OldImage} live=0", $"web__4 2/4/6 {NewImage} live=4");
    }

    /// <summary>A recorder that cancels at the first steady-state poll of the given stage (its first wait).</summary>
    private static Recorder CancelOnFirstPoll(int stage, CancellationTokenSource cts)
    {
        var current = -1;
        var recorder = new Recorder();
        recorder.OnEvent = e =>
        {
            switch (e)
            {
                case StageStartedEvent s:
                    current = s.Index;
                    break;
                case InstancesProgressEvent when current == stage && !cts.IsCancellationRequested:
                    cts.Cancel();
                    break;
            }
        };
        return recorder;
    }
}
