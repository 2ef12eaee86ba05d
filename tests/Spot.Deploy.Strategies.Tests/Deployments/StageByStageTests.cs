namespace Spot.Deploy.Strategies.Tests.Deployments;

/// <summary>StartAsync runs the setup only; RunNextStageAsync one stage per call, when the caller decides; the lock is held throughout.</summary>
public sealed class StageByStageTests : ControlFlowTestBase
{
    private static readonly string[] CanaryStages = ["setup", "phase 1 of 3 (25 %)", "phase 2 of 3 (50 %)", "phase 3 of 3 (100 %)"];

    [Fact]
    public async Task StartAsync_RunsOnlyTheSetup()
    {
        SeedRunningRevision();
        await using var deployment = new CanaryDeployment(Services, CanaryRequest(25, 50, 100));
        deployment.Stages.Should().BeEmpty();
        deployment.DeploymentId.Should().BeNull();

        var preview = await deployment.StartAsync();

        GroupState().Should().Equal($"web__3 2/4/6 {OldImage} live=4", $"web__4 0/0/0 {NewImage} live=0");
        deployment.Stages.Should().Equal(CanaryStages);
        preview.Stages.Should().Equal(CanaryStages);
        deployment.NextStage.Should().Be(1);
        deployment.IsComplete.Should().BeFalse();
        deployment.Result.Should().BeNull();
        deployment.DeploymentId.Should().NotBeNull();
        (await RecordAsync(deployment.DeploymentId!)).Status.Should().Be(DeploymentStatus.Running);
    }

    [Fact]
    public async Task RunNextStageAsync_OnePhasePerCall_TrueUntilTheLast()
    {
        SeedRunningRevision();
        await using var deployment = new CanaryDeployment(Services, CanaryRequest(25, 50, 100));
        await deployment.StartAsync();
        var states = new List<(bool More, int Next, bool Complete, IReadOnlyList<string> Groups)>();

        for (var i = 0; i < 3; i++)
        {
            var more = await deployment.RunNextStageAsync();
            states.Add((more, deployment.NextStage, deployment.IsComplete, GroupState()));
        }

        states.Select(s => (s.More, s.Next, s.Complete)).Should().Equal((true, 2, false), (true, 3, false), (false, 4, true));
        states[0].Groups.Should().Equal($"web__3 3/3/3 {OldImage} live=3", $"web__4 1/1/1 {NewImage} live=1");
        states[1].Groups.Should().Equal($"web__3 2/2/2 {OldImage} live=2", $"web__4 2/2/2 {NewImage} live=2");
        states[2].Groups.Should().Equal(Deployed);
        deployment.Result!.Status.Should().Be(DeploymentStatus.Succeeded);
        deployment.Result.GroupName.Should().Be("web__4");
        (await RecordAsync(deployment.DeploymentId!)).Status.Should().Be(DeploymentStatus.Succeeded);
    }

    [Fact]
    public async Task RunNextStageAsync_DoesNotAskTheGate()
    {
        SeedRunningRevision();
        var gate = new RecordingGate(_ => GateDecision.Abort("the caller decides, not the gate"));
        await using var deployment = new CanaryDeployment(Services, CanaryRequest(25, 50, 100), new DeploymentOptions { Gate = gate });
        await deployment.StartAsync();

        while (await deployment.RunNextStageAsync())
        {
        }

        gate.Asked.Should().BeEmpty();
        deployment.IsComplete.Should().BeTrue();
        GroupState().Should().Equal(Deployed);
    }

    [Fact]
    public async Task CompleteAsync_AfterAStage_AsksTheGateForTheRemainingPhases()
    {
        SeedRunningRevision();
        var gate = new RecordingGate();
        await using var deployment = new CanaryDeployment(Services, CanaryRequest(25, 50, 100), new DeploymentOptions { Gate = gate });
        await deployment.StartAsync();
        await deployment.RunNextStageAsync();

        var result = await deployment.CompleteAsync();

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        gate.Asked.Select(c => c.StageIndex).Should().Equal(2, 3);
    }

    [Fact]
    public async Task RollbackAsync_AfterPhaseOne_RestoresTheStartingState()
    {
        SeedRunningRevision();
        SeedGroup("web__1", Cap(1, 1, 2));
        var before = GroupState();
        await using var deployment = new CanaryDeployment(Services, CanaryRequest(25, 50, 100));
        await deployment.StartAsync();
        await deployment.RunNextStageAsync();

        var result = await deployment.RollbackAsync();

        result.Status.Should().Be(DeploymentStatus.RolledBack);
        GroupState().Should().Equal(before);
        deployment.IsComplete.Should().BeFalse();
        (await RecordAsync(deployment.DeploymentId!)).Status.Should().Be(DeploymentStatus.RolledBack);
        (await IsUnlockedAsync()).Should().BeTrue();
        (await deployment.RollbackAsync()).Status.Should().Be(DeploymentStatus.RolledBack, "a second rollback is a no-op");
    }

    [Fact]
    public async Task BetweenCalls_TheLockIsHeld_ASecondDeploymentIsRefusedNamingTheOwner()
    {
        SeedRunningRevision();
        await using var deployment = new CanaryDeployment(Services, CanaryRequest(25, 50, 100), new DeploymentOptions { Owner = "pipeline #7 (alice)" });
        await deployment.StartAsync();
        await deployment.RunNextStageAsync();
        var mutatingBefore = Emulator.Calls.Mutating.Count;

        var second = () => new CanaryDeployment(Services, CanaryRequest(100)).RunAsync();

        var locked = (await second.Should().ThrowAsync<AppLockedException>()).Which;
        locked.Owner.Should().Be("pipeline #7 (alice)");
        locked.AppName.Should().Be(App);
        locked.Message.Should().Contain("pipeline #7 (alice)");
        Emulator.Calls.Mutating.Should().HaveCount(mutatingBefore, "the refused deployment changed nothing");
        (await Journal.ListUnfinishedAsync()).Should().ContainSingle().Which.Id.Should().Be(deployment.DeploymentId);
    }

    [Fact]
    public async Task DisposeAsync_ReleasesTheLock_AndLeavesTheDeploymentResumable()
    {
        SeedRunningRevision();
        var deployment = new CanaryDeployment(Services, CanaryRequest(25, 50, 100));
        await deployment.StartAsync();
        await deployment.RunNextStageAsync();
        (await IsUnlockedAsync()).Should().BeFalse();

        await deployment.DisposeAsync();

        (await IsUnlockedAsync()).Should().BeTrue();
        var next = () => deployment.RunNextStageAsync();
        await next.Should().ThrowAsync<InvalidOperationException>();
        (await new DeploymentRecovery(Services).ListUnfinishedAsync()).Select(r => r.Id).Should().Equal(deployment.DeploymentId);
        var resumed = await new DeploymentRecovery(Services).ResumeAsync(deployment.DeploymentId!);
        resumed.Status.Should().Be(DeploymentStatus.Succeeded);
        GroupState().Should().Equal(Deployed);
    }

    [Fact]
    public async Task Completion_ReleasesTheLock()
    {
        SeedRunningRevision();
        await using var deployment = new CanaryDeployment(Services, CanaryRequest(50, 100));
        await deployment.StartAsync();
        await deployment.RunNextStageAsync();
        (await IsUnlockedAsync()).Should().BeFalse();

        (await deployment.RunNextStageAsync()).Should().BeFalse();

        (await IsUnlockedAsync()).Should().BeTrue();
    }

    [Fact]
    public async Task RunNextStageAsync_AfterCompletion_Throws()
    {
        SeedRunningRevision();
        await using var deployment = new CanaryDeployment(Services, CanaryRequest(100));
        await deployment.StartAsync();
        (await deployment.RunNextStageAsync()).Should().BeFalse();

        var next = () => deployment.RunNextStageAsync();

        (await next.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain(deployment.DeploymentId);
        (await deployment.CompleteAsync()).Status.Should().Be(DeploymentStatus.Succeeded, "CompleteAsync of a finished deployment returns its result");
        var rollback = () => deployment.RollbackAsync();
        (await rollback.Should().ThrowAsync<DeploymentFinishedException>("a succeeded deployment is not rolled back"))
            .Which.Status.Should().Be(DeploymentStatus.Succeeded);
    }

    [Fact]
    public async Task CallsOutOfOrder_Throw()
    {
        SeedRunningRevision();
        await using var deployment = new CanaryDeployment(Services, CanaryRequest(50, 100));

        var early = () => deployment.RunNextStageAsync();
        var earlyComplete = () => deployment.CompleteAsync();
        var earlyRollback = () => deployment.RollbackAsync();
        await early.Should().ThrowAsync<InvalidOperationException>();
        await earlyComplete.Should().ThrowAsync<InvalidOperationException>();
        await earlyRollback.Should().ThrowAsync<InvalidOperationException>();
        Emulator.Calls.Mutating.Should().BeEmpty();

        await deployment.StartAsync();
        var again = () => deployment.StartAsync();
        await again.Should().ThrowAsync<InvalidOperationException>();
        State.Groups.Should().ContainSingle(g => g.Name == "web__4", "the second StartAsync created nothing");
    }

    [Fact]
    public async Task BlueGreen_StageByStage_SetupThenEachTrafficStep()
    {
        var bg = SeedBlueGreen(25, 100);
        var prodBefore = State.GetListenerActions(bg.ProductionListener).ToJsonString();
        var progress = new Recorder();
        await using var deployment = new BlueGreenDeployment(Services, bg.Request);

        await deployment.StartAsync(progress);

        deployment.Stages.Should().Equal("stage setup", "traffic 25 %", "swap");
        GroupState().Should().Equal($"web 1/2/3 {OldImage} live=2", $"web__STAGE 1/2/3 {NewImage} live=2");
        State.GetListenerActions(bg.ProductionListener).ToJsonString().Should().Be(prodBefore, "the setup touches no production route");

        (await deployment.RunNextStageAsync()).Should().BeTrue();
        progress.Of<TrafficWeightsEvent>().Should().ContainSingle().Which.PercentToNew.Should().Be(25);
        var weighted = State.GetListenerActions(bg.ProductionListener).ToJsonString();
        weighted.Should().Contain(bg.Blue).And.Contain(bg.Green);

        (await deployment.RunNextStageAsync()).Should().BeFalse();
        deployment.IsComplete.Should().BeTrue();
        GroupState().Should().Equal($"web 1/2/3 {NewImage} live=2", $"web__STAGE 1/2/3 {OldImage} live=2");
    }
}
