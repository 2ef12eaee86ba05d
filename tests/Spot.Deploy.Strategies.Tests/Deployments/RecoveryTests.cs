using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Emulator;

namespace Spot.Deploy.Strategies.Tests.Deployments;

/// <summary>OnFailure = Stop leaves things for a person; DeploymentRecovery resumes or rolls back from the journal alone.</summary>
public sealed class RecoveryTests : ControlFlowTestBase
{
    private static readonly DeploymentOptions Stop = new() { OnFailure = FailurePolicy.Stop, SteadyState = { Timeout = TimeSpan.FromMinutes(5) } };

    /// <summary>The first capacity change (phase 1, the new group) fails with a non-transient 400, once.</summary>
    private FaultRule FailFirstCapacityChange() =>
        Emulator.Faults.Add(new FaultRule { Service = "spot", Method = "PUT", PathContains = "/capacity", Status = 400, Times = 1 });

    [Fact]
    public async Task OnFailureStop_LeavesEverythingAsItIs_AndNeedsAttention()
    {
        SeedRunningRevision();
        var fault = FailFirstCapacityChange();
        var progress = new Recorder();

        var run = () => new CanaryDeployment(Services, CanaryRequest(25, 50, 100), Stop).RunAsync(progress);

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        fault.HitCount.Should().Be(1);
        failure.Status.Should().Be(DeploymentStatus.NeedsAttention);
        failure.IsRolledBack.Should().BeFalse();
        failure.RollbackException.Should().BeNull();
        failure.FailedStep.Should().Contain("web__4");
        failure.InnerException.Should().BeAssignableTo<SpotApiException>();
        failure.Message.Should().Contain("OnFailure = Stop").And.Contain(failure.DeploymentId);
        GroupState().Should().Equal($"web__3 2/4/6 {OldImage} live=4", $"web__4 0/0/0 {NewImage} live=0");
        progress.Of<RollbackStartedEvent>().Should().BeEmpty();
        progress.Events[^1].Should().BeOfType<DeploymentFinishedEvent>().Which.Status.Should().Be(DeploymentStatus.NeedsAttention);
        (await RecordAsync(failure.DeploymentId!)).Status.Should().Be(DeploymentStatus.NeedsAttention);
        (await IsUnlockedAsync()).Should().BeTrue();
    }

    [Fact]
    public async Task OnFailureStop_ThenRollbackAsync_RestoresTheStartingState()
    {
        SeedRunningRevision();
        SeedGroup("web__2", Cap(1, 1, 1));
        var before = GroupState();
        FailFirstCapacityChange();
        var run = () => new CanaryDeployment(Services, CanaryRequest(25, 50, 100), Stop).RunAsync();
        var id = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which.DeploymentId!;
        var progress = new Recorder();

        var result = await new DeploymentRecovery(Services).RollbackAsync(id, progress);

        result.Status.Should().Be(DeploymentStatus.RolledBack);
        result.GroupId.Should().BeNull();
        GroupState().Should().Equal(before);
        progress.Of<RollbackStartedEvent>().Should().ContainSingle();
        (await RecordAsync(id)).Status.Should().Be(DeploymentStatus.RolledBack);
        (await new DeploymentRecovery(Services).ListUnfinishedAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task OnFailureStop_ThenResumeOnceTheFaultIsGone_Completes()
    {
        SeedRunningRevision();
        var fault = FailFirstCapacityChange();
        var run = () => new CanaryDeployment(Services, CanaryRequest(25, 50, 100), Stop).RunAsync();
        var id = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which.DeploymentId!;

        var result = await new DeploymentRecovery(Services).ResumeAsync(id);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        result.GroupName.Should().Be("web__4");
        fault.HitCount.Should().Be(1);
        GroupState().Should().Equal(Deployed);
        (await RecordAsync(id)).Status.Should().Be(DeploymentStatus.Succeeded);
    }

    [Fact]
    public async Task CapacityShortfall_Stops_ThenResumeAfterClearing_Completes()
    {
        SeedRunningRevision();
        string? newGroupId = null;
        var progress = new Recorder
        {
            OnEvent = e =>
            {
                if (e is GroupCreatedEvent created)
                {
                    newGroupId = created.GroupId;
                    State.SetCapacityShortfall(created.GroupId, 0);
                }
            },
        };
        var run = () => new CanaryDeployment(Services, CanaryRequest(25, 50, 100), Stop).RunAsync(progress);
        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.NeedsAttention);
        failure.InnerException.Should().BeOfType<SteadyStateTimeoutException>();
        GroupState().Should().Equal($"web__3 2/4/6 {OldImage} live=4", $"web__4 1/1/1 {NewImage} live=0");

        State.ClearCapacityShortfall(newGroupId!);
        var result = await new DeploymentRecovery(Services).ResumeAsync(failure.DeploymentId!);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        result.GroupId.Should().Be(newGroupId);
        GroupState().Should().Equal(Deployed);
    }

    [Fact]
    public async Task Resume_AsksTheRecoveryGateForTheGatedPhasesLeft()
    {
        SeedRunningRevision();
        FailFirstCapacityChange();
        var run = () => new CanaryDeployment(Services, CanaryRequest(25, 50, 100), Stop).RunAsync();
        var id = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which.DeploymentId!;
        var gate = new RecordingGate();

        await new DeploymentRecovery(Services, new DeploymentOptions { Gate = gate }).ResumeAsync(id);

        gate.Asked.Select(c => (c.DeploymentId, c.StageIndex)).Should().Equal((id, 2), (id, 3));
    }

    [Fact]
    public async Task Resume_WhoseGateAborts_RollsBack()
    {
        SeedRunningRevision();
        FailFirstCapacityChange();
        var run = () => new CanaryDeployment(Services, CanaryRequest(25, 50, 100), Stop).RunAsync();
        var id = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which.DeploymentId!;
        var recovery = new DeploymentRecovery(Services, new DeploymentOptions { Gate = new RecordingGate(_ => GateDecision.Abort("not today")) });

        var resume = () => recovery.ResumeAsync(id);

        var failure = (await resume.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack);
        failure.InnerException.Should().BeOfType<DeploymentGateAbortedException>().Which.Reason.Should().Be("not today");
        GroupState().Should().Equal(Started);
        (await RecordAsync(id)).Status.Should().Be(DeploymentStatus.RolledBack);
    }

    [Fact]
    public async Task ResumeOrRollback_WhileTheDeploymentStillHoldsTheLock_IsRefused()
    {
        SeedRunningRevision();
        await using var deployment = new CanaryDeployment(Services, CanaryRequest(25, 50, 100), new DeploymentOptions { Owner = "the running one" });
        await deployment.StartAsync();
        var recovery = new DeploymentRecovery(Services);
        var mutating = Emulator.Calls.Mutating.Count;

        var resume = () => recovery.ResumeAsync(deployment.DeploymentId!);
        var rollback = () => recovery.RollbackAsync(deployment.DeploymentId!);

        (await resume.Should().ThrowAsync<AppLockedException>()).Which.Owner.Should().Be("the running one");
        await rollback.Should().ThrowAsync<AppLockedException>();
        Emulator.Calls.Mutating.Should().HaveCount(mutating);
        (await deployment.RunNextStageAsync()).Should().BeTrue("the running deployment goes on undisturbed");
    }

    [Fact]
    public async Task ListUnfinishedAsync_ListsOnlyTheStoppedDeployment()
    {
        SeedRunningRevision();
        SeedGroup("api__1", Cap(1, 1, 1));
        var finished = await new CanaryDeployment(Services, CanaryRequestFor("api", 100)).RunAsync();
        FailFirstCapacityChange();
        var run = () => new CanaryDeployment(Services, CanaryRequest(25, 50, 100), Stop).RunAsync();
        var id = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which.DeploymentId!;

        var unfinished = await new DeploymentRecovery(Services).ListUnfinishedAsync();

        finished.Status.Should().Be(DeploymentStatus.Succeeded);
        unfinished.Should().ContainSingle();
        unfinished[0].Id.Should().Be(id);
        unfinished[0].AppName.Should().Be(App);
        unfinished[0].Strategy.Should().Be(nameof(DeploymentStrategy.Canary));
        unfinished[0].Status.Should().Be(DeploymentStatus.NeedsAttention);
    }

    [Fact]
    public async Task Resume_OfASucceededDeployment_ReportsIt_AndRollbackIsRefusedNamingTheWayBack()
    {
        SeedRunningRevision();
        var result = await new CanaryDeployment(Services, CanaryRequest(100)).RunAsync();
        var recovery = new DeploymentRecovery(Services);
        var mutating = Emulator.Calls.Mutating.Count;
        var progress = new Recorder();

        var resumed = await recovery.ResumeAsync(result.DeploymentId, progress);
        var rollback = () => recovery.RollbackAsync(result.DeploymentId);

        resumed.Status.Should().Be(DeploymentStatus.Succeeded);
        resumed.AlreadyFinished.Should().BeTrue();
        resumed.DeploymentId.Should().Be(result.DeploymentId);
        resumed.GroupName.Should().Be("web__4");
        resumed.GroupId.Should().Be(result.GroupId);
        resumed.ToString().Should().Contain("already Succeeded");
        progress.Events.Should().BeEmpty("nothing happened");
        var refused = (await rollback.Should().ThrowAsync<DeploymentFinishedException>()).Which;
        refused.Status.Should().Be(DeploymentStatus.Succeeded);
        refused.DeploymentId.Should().Be(result.DeploymentId);
        refused.PreviousImageId.Should().BeNull("the app's previous image was not deployed through this journal");
        refused.Message.Should().Contain("deploy the previous image").And.Contain("does not know");
        Emulator.Calls.Mutating.Should().HaveCount(mutating);
        GroupState().Should().Equal(Deployed);
    }

    [Fact]
    public async Task Rollback_OfASucceededDeployment_NamesThePreviousImageTheJournalKnows()
    {
        SeedRunningRevision();
        await new CanaryDeployment(Services, CanaryRequest(100)).RunAsync();
        var back = CanaryRequest(100);
        back.UseImage(OldImage);
        var second = await new CanaryDeployment(Services, back).RunAsync();

        var rollback = () => new DeploymentRecovery(Services).RollbackAsync(second.DeploymentId);

        var refused = (await rollback.Should().ThrowAsync<DeploymentFinishedException>()).Which;
        refused.PreviousImageId.Should().Be(NewImage);
        refused.Message.Should().Contain(NewImage);
    }

    [Fact]
    public async Task Resume_OfARolledBackDeployment_ReportsIt_AndRollbackAgainIsANoOp()
    {
        SeedRunningRevision();
        var run = () => new CanaryDeployment(Services, CanaryRequest(50, 100), new DeploymentOptions { Gate = new RecordingGate(_ => GateDecision.Abort("no")) }).RunAsync();
        var id = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which.DeploymentId!;
        var recovery = new DeploymentRecovery(Services);
        var mutating = Emulator.Calls.Mutating.Count;

        var resumed = await recovery.ResumeAsync(id);
        var rolledBack = await recovery.RollbackAsync(id);

        resumed.Status.Should().Be(DeploymentStatus.RolledBack);
        resumed.AlreadyFinished.Should().BeTrue();
        resumed.GroupId.Should().BeNull();
        rolledBack.Status.Should().Be(DeploymentStatus.RolledBack);
        rolledBack.AlreadyFinished.Should().BeTrue();
        Emulator.Calls.Mutating.Should().HaveCount(mutating);
        GroupState().Should().Equal(Started);
    }

    [Fact]
    public async Task Resume_OfAnAbandonedDeployment_ReportsIt_AndRollbackIsRefused()
    {
        SeedRunningRevision();
        FailFirstCapacityChange();
        var run = () => new CanaryDeployment(Services, CanaryRequest(25, 50, 100), Stop).RunAsync();
        var id = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which.DeploymentId!;
        var recovery = new DeploymentRecovery(Services);
        await recovery.AbandonAsync(id, "checked by hand");
        var mutating = Emulator.Calls.Mutating.Count;

        var resumed = await recovery.ResumeAsync(id);
        var rollback = () => recovery.RollbackAsync(id);

        resumed.Status.Should().Be(DeploymentStatus.Abandoned);
        resumed.AlreadyFinished.Should().BeTrue();
        (await rollback.Should().ThrowAsync<DeploymentFinishedException>()).Which.Message.Should().Contain("abandoned");
        Emulator.Calls.Mutating.Should().HaveCount(mutating);
    }

    [Fact]
    public async Task Resume_AfterTheProcessDiedRightAfterJournalingSucceeded_ReportsSucceeded()
    {
        SeedRunningRevision();
        var crashing = new Faults.CrashingJournal(Journal, mode: Faults.CrashMode.AfterWrite, crashOn: write => write == "Status Succeeded");
        var run = () => new CanaryDeployment(new DeploymentServices(Spot, Aws, crashing, Lock, Clock), CanaryRequest(25, 100)).RunAsync();
        await run.Should().ThrowAsync<Faults.CrashException>();
        var id = crashing.DeploymentId!;
        (await RecordAsync(id)).Status.Should().Be(DeploymentStatus.Succeeded);
        var mutating = Emulator.Calls.Mutating.Count;

        var resumed = await new DeploymentRecovery(Services).ResumeAsync(id);

        resumed.Status.Should().Be(DeploymentStatus.Succeeded);
        resumed.AlreadyFinished.Should().BeTrue();
        resumed.GroupName.Should().Be("web__4");
        Emulator.Calls.Mutating.Should().HaveCount(mutating);
        GroupState().Should().Equal(Deployed);
    }

    [Fact]
    public async Task UnknownId_ThrowsDeploymentJournalException()
    {
        var recovery = new DeploymentRecovery(Services);

        var resume = () => recovery.ResumeAsync("web-20261121T120000Z-deadbeef");
        var rollback = () => recovery.RollbackAsync("web-20261121T120000Z-deadbeef");

        await resume.Should().ThrowAsync<DeploymentJournalException>();
        await rollback.Should().ThrowAsync<DeploymentJournalException>();
        Emulator.Calls.All.Should().BeEmpty();
    }

    [Fact]
    public async Task RollbackFailsToo_NeedsAttention_ThenRecoveryFinishesTheRollback()
    {
        SeedRunningRevision();
        var before = GroupState();
        var deleteFault = Emulator.Faults.Add(new FaultRule { Service = "spot", Method = "DELETE", Status = 400, Times = 1 });
        var gate = new RecordingGate(_ => GateDecision.Abort("bad canary"));
        var run = () => new CanaryDeployment(Services, CanaryRequest(50, 100), new DeploymentOptions { Gate = gate }).RunAsync();

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;

        deleteFault.HitCount.Should().Be(1);
        failure.Status.Should().Be(DeploymentStatus.NeedsAttention);
        failure.RollbackException.Should().NotBeNull();
        failure.InnerException.Should().BeOfType<DeploymentGateAbortedException>();
        (await RecordAsync(failure.DeploymentId!)).Status.Should().Be(DeploymentStatus.NeedsAttention);
        GroupState().Should().Equal($"web__3 2/4/6 {OldImage} live=4", $"web__4 0/0/0 {NewImage} live=0");

        var result = await new DeploymentRecovery(Services).RollbackAsync(failure.DeploymentId!);

        result.Status.Should().Be(DeploymentStatus.RolledBack);
        GroupState().Should().Equal(before);
    }

    [Fact]
    public async Task ResumeOfADeploymentWhoseRollbackStarted_FinishesTheRollback()
    {
        SeedRunningRevision();
        Emulator.Faults.Add(new FaultRule { Service = "spot", Method = "DELETE", Status = 400, Times = 1 });
        var gate = new RecordingGate(_ => GateDecision.Abort("bad canary"));
        var run = () => new CanaryDeployment(Services, CanaryRequest(50, 100), new DeploymentOptions { Gate = gate }).RunAsync();
        var id = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which.DeploymentId!;

        var result = await new DeploymentRecovery(Services).ResumeAsync(id);

        result.Status.Should().Be(DeploymentStatus.RolledBack, "a resume never runs forward over a rollback that had started");
        GroupState().Should().Equal(Started);
    }

    [Fact]
    public async Task FileJournal_ANewProcessResumesFromTheFile()
    {
        SeedRunningRevision();
        using var directory = new TempDirectory();
        var firstProcess = new DeploymentServices(Spot, Aws, new FileDeploymentJournal(directory.Path, Clock), new InProcessAppLock(Clock), Clock);
        FailFirstCapacityChange();
        var run = () => new CanaryDeployment(firstProcess, CanaryRequest(25, 50, 100), Stop).RunAsync();
        var id = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which.DeploymentId!;

        using var spot = new ElastigroupClient(new ElastigroupClientOptions
        {
            BaseAddress = Emulator.SpotBaseAddress,
            Token = Emulator.Options.SpotToken,
            AccountId = Emulator.Options.AccountId,
            TimeProvider = Clock,
            AttemptTimeout = TimeSpan.FromHours(1),
        });
        using var aws = new AwsConnection(new AwsConnectionOptions
        {
            Region = Emulator.Options.Region,
            AccessKeyId = "AKIDTEST",
            SecretAccessKey = "secret",
            Ec2Endpoint = Emulator.Ec2Endpoint,
            ElasticLoadBalancingEndpoint = Emulator.ElasticLoadBalancingEndpoint,
            TimeProvider = Clock,
            AttemptTimeout = TimeSpan.FromHours(1),
        });
        var secondProcess = new DeploymentServices(spot, aws, new FileDeploymentJournal(directory.Path, Clock), new InProcessAppLock(Clock), Clock);
        var recovery = new DeploymentRecovery(secondProcess);
        (await recovery.ListUnfinishedAsync()).Select(r => r.Id).Should().Equal(id);

        var result = await recovery.ResumeAsync(id);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        GroupState().Should().Equal(Deployed);
        (await new FileDeploymentJournal(directory.Path, Clock).LoadAsync(id))!.Status.Should().Be(DeploymentStatus.Succeeded);
        State.Groups.Should().ContainSingle(g => g.Name == "web__4");
    }
}
