using Spot.Deploy.Emulator;

namespace Spot.Deploy.Strategies.Tests.Deployments;

/// <summary>
/// What events carry for a person watching (issue #17): the group's name on each poll and roll progress, where a resume goes
/// on, and what a Blue/Green rollback leaves alone because it is already as it should be.
/// </summary>
public sealed class EventDetailTests : ControlFlowTestBase
{
    private static readonly DeploymentOptions Stop = new() { OnFailure = FailurePolicy.Stop, SteadyState = { Timeout = TimeSpan.FromMinutes(5) } };

    [Fact]
    public async Task EveryPoll_NamesTheGroupItWaitsFor()
    {
        SeedRunningRevision();
        var progress = new Recorder();

        await new CanaryDeployment(Services, CanaryRequest(25, 100)).RunAsync(progress);

        var created = progress.Of<GroupCreatedEvent>().Single();
        var polls = progress.Of<InstancesProgressEvent>().ToList();
        polls.Should().NotBeEmpty().And.OnlyContain(p => p.GroupName != null);
        polls.Where(p => p.GroupId == created.GroupId).Should().NotBeEmpty().And.OnlyContain(p => p.GroupName == "web__4");
        polls.Where(p => p.GroupId != created.GroupId).Should().NotBeEmpty().And.OnlyContain(p => p.GroupName == "web__3");
    }

    [Fact]
    public async Task BlueGreenSwap_EachRenameSaysTheOldName()
    {
        var setup = SeedBlueGreen();
        var progress = new Recorder();

        await new BlueGreenDeployment(Services, setup.Request).RunAsync(progress);

        progress.Of<GroupRenamedEvent>().Select(r => $"{r.OldName} -> {r.NewName}").Should().Equal("web -> web__STAGE", "web__STAGE -> web");
    }

    [Fact]
    public async Task Resume_ReportsWhereItGoesOn_BeforeAnythingElse()
    {
        SeedRunningRevision();
        Emulator.Faults.Add(new FaultRule { Service = "spot", Method = "PUT", PathContains = "/capacity", Status = 400, Times = 1 });
        var run = () => new CanaryDeployment(Services, CanaryRequest(25, 50, 100), Stop).RunAsync();
        var id = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which.DeploymentId!;
        var progress = new Recorder();

        await new DeploymentRecovery(Services).ResumeAsync(id, progress);

        var resumed = progress.Events[0].Should().BeOfType<DeploymentResumedEvent>().Subject;
        var firstStage = progress.Of<StageStartedEvent>().First();
        progress.Of<DeploymentResumedEvent>().Should().ContainSingle();
        resumed.DeploymentId.Should().Be(id);
        resumed.AppName.Should().Be("web");
        resumed.Strategy.Should().Be(DeploymentStrategy.Canary);
        resumed.StageIndex.Should().Be(firstStage.Index).And.Be(1, "setup (stage 0) completed; phase 1's first capacity change failed");
        resumed.StageCount.Should().Be(firstStage.Count).And.Be(4);
        resumed.StageName.Should().Be(firstStage.Name);
        resumed.CompletedSteps.Should().Be(1, "only the create had completed");
    }

    [Fact]
    public async Task BlueGreenRollback_BeforeTheSwap_SaysWhatIsAlreadyAsItShouldBe_AlsoWhenFinishedByAResume()
    {
        var setup = SeedBlueGreen();
        State.MarkImageNeverHealthy(NewImage);
        var run = () => new BlueGreenDeployment(Services, setup.Request, Stop).RunAsync();
        var id = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which.DeploymentId!;
        using var cts = new CancellationTokenSource();
        var rollingBack = false;
        var first = new Recorder
        {
            OnEvent = e =>
            {
                rollingBack |= e is RollbackStartedEvent;
                if (rollingBack && e is InstancesProgressEvent)
                {
                    cts.Cancel();
                }
            },
        };

        var interrupted = () => new DeploymentRecovery(Services).RollbackAsync(id, first, cts.Token);
        await interrupted.Should().ThrowAsync<DeploymentCanceledException>();
        var second = new Recorder();
        await new DeploymentRecovery(Services).ResumeAsync(id, second);

        string[] expected = ["production name (web)", "routes (as the deployment found them)"];
        first.Of<RollbackStartedEvent>().Single().AlreadyAsItShouldBe.Should().Equal(expected);
        var finished = second.Of<RollbackStartedEvent>().Single();
        finished.AlreadyAsItShouldBe.Should().Equal(expected, "the list is journaled with the rollback plan");
        finished.Reason.Should().Be("finishing the rollback that had started");
        second.Of<StepStartedEvent>().Select(s => s.Description).Should().NotContain(d => d.StartsWith("rename group web (", StringComparison.Ordinal));
    }
}

/// <summary>A Spot roll's progress names the group rolled.</summary>
public sealed class RollEventDetailTests : StrategyTestBase
{
    [Fact]
    public async Task RollProgress_NamesTheGroup()
    {
        SeedGroup("web", Cap(1, 2, 3));
        var progress = new Recorder();

        await new SpotRollDeployment(Services, RollRequest(batch: 50)).RunAsync(progress);

        progress.Of<RollProgressEvent>().Should().NotBeEmpty().And.OnlyContain(r => r.GroupName == "web");
    }
}
