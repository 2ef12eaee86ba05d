using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Tests.Deployments;

public sealed class CanaryDeploymentTests : StrategyTestBase
{
    [Fact]
    public async Task ThreePhases_OverARunningGroup_EndsWithTheNewRevisionAtThePlannedCapacity()
    {
        var previous = SeedGroup("web__3", Cap(2, 4, 6));
        var progress = new Recorder();

        var result = await new CanaryDeployment(Services, CanaryRequest(25, 50, 100)).RunAsync(progress);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        result.GroupName.Should().Be("web__4");
        GroupState().Should().Equal(
            $"web__3 0/0/0 {OldImage} live=0",
            $"web__4 2/4/6 {NewImage} live=4");
        progress.Of<StageStartedEvent>().Select(s => s.Name).Should().Equal("setup", "phase 1 of 3 (25 %)", "phase 2 of 3 (50 %)", "phase 3 of 3 (100 %)");
        progress.Of<CapacityChangedEvent>().Select(c => $"{c.Name} {c.Capacity.Minimum}/{c.Capacity.Target}/{c.Capacity.Maximum}").Should().Equal(
            "web__4 1/1/1", "web__3 3/3/3",
            "web__4 2/2/2", "web__3 2/2/2",
            "web__4 2/4/6", "web__3 0/0/0");
        progress.Of<InstancesProgressEvent>().Should().NotBeEmpty();
        (await Journal.LoadAsync(result.DeploymentId))!.Status.Should().Be(DeploymentStatus.Succeeded);
        _ = previous;
    }

    [Fact]
    public async Task Run_CountPhases_GrowTheNewGroupByCountAndShrinkThePreviousInProportion()
    {
        SeedGroup("web__1", Cap(2, 4, 6));
        var progress = new Recorder();
        var request = CanaryRequest(new CanaryPhase(PhaseStep.Count(1)), new CanaryPhase(PhaseStep.Count(3)), new CanaryPhase(PhaseStep.Count(4)));

        var result = await new CanaryDeployment(Services, request).RunAsync(progress);

        result.GroupName.Should().Be("web__2");
        progress.Of<StageStartedEvent>().Select(s => s.Name).Should().Equal(
            "setup", "phase 1 of 3 (1 instances)", "phase 2 of 3 (3 instances)", "phase 3 of 3 (4 instances)");
        CapacityChanges(progress).Should().Equal(
            "web__2 1/1/1", "web__1 3/3/3",
            "web__2 3/3/3", "web__1 1/1/1",
            "web__2 2/4/6", "web__1 0/0/0");
        GroupState().Should().Equal(
            $"web__1 0/0/0 {OldImage} live=0",
            $"web__2 2/4/6 {NewImage} live=4");
    }

    [Fact]
    public async Task Run_ExplicitDownsize_PercentAndCount_KeepWhatTheyAsk()
    {
        SeedGroup("web__1", Cap(2, 4, 6));
        var progress = new Recorder();
        var request = CanaryRequest(
            new CanaryPhase(PhaseStep.Percent(25), DownsizeStep.Percent(100)),
            new CanaryPhase(PhaseStep.Count(2), DownsizeStep.Count(3)),
            new CanaryPhase(PhaseStep.Percent(75), DownsizeStep.Percent(0)),
            new CanaryPhase(PhaseStep.Percent(100)));

        await new CanaryDeployment(Services, request).RunAsync(progress);

        progress.Of<StageStartedEvent>().Select(s => s.Name).Skip(1).Should().Equal(
            "phase 1 of 4 (25 %)", "phase 2 of 4 (2 instances)", "phase 3 of 4 (75 %)", "phase 4 of 4 (100 %)");
        CapacityChanges(progress).Should().Equal(
            "web__2 1/1/1", "web__1 4/4/4",
            "web__2 2/2/2", "web__1 3/3/3",
            "web__2 3/3/3", "web__1 0/0/0",
            "web__2 2/4/6", "web__1 0/0/0");
        GroupState().Should().Equal(
            $"web__1 0/0/0 {OldImage} live=0",
            $"web__2 2/4/6 {NewImage} live=4");
    }

    [Fact]
    public async Task Run_PercentOfAnOddTarget_RoundsHalfAwayFromZero()
    {
        SeedGroup("web__1", Cap(5, 5, 5));
        var progress = new Recorder();
        var request = CanaryRequest(
            new CanaryPhase(PhaseStep.Percent(10)),
            new CanaryPhase(PhaseStep.Percent(50), DownsizeStep.Percent(50)),
            new CanaryPhase(PhaseStep.Percent(90)),
            new CanaryPhase(PhaseStep.Percent(100)));

        await new CanaryDeployment(Services, request).RunAsync(progress);

        // 10 % of 5 = 0.5 → 1; 50 % of 5 = 2.5 → 3 (banker's rounding would say 2), and so does keeping 50 % of 5;
        // 90 % of 5 = 4.5 → 5 (banker's: 4), leaving the previous group 5 − 5 = 0.
        CapacityChanges(progress).Should().Equal(
            "web__2 1/1/1", "web__1 4/4/4",
            "web__2 3/3/3", "web__1 3/3/3",
            "web__2 5/5/5", "web__1 0/0/0",
            "web__2 5/5/5", "web__1 0/0/0");
        GroupState().Should().Equal(
            $"web__1 0/0/0 {OldImage} live=0",
            $"web__2 5/5/5 {NewImage} live=5");
    }

    [Fact]
    public async Task Run_CapacityNeverDips_ThePreviousGroupShrinksOnlyOnceTheNewOneIsSteady()
    {
        var previous = SeedGroup("web__3", Cap(2, 4, 6));
        var progress = new Recorder();
        var checks = new List<string>();
        var dips = new List<string>();
        progress.OnEvent = e =>
        {
            var created = State.Groups.FirstOrDefault(g => g.Name == "web__4");
            var newHealthy = created is null ? 0 : HealthyInstances(created.Id);
            if (newHealthy + HealthyInstances(previous) < 4)
            {
                dips.Add($"{e}: {newHealthy} new + {HealthyInstances(previous)} previous healthy");
            }

            if (e is CapacityChangedEvent change && change.GroupId == previous)
            {
                // At the moment the previous group shrinks, the new one has exactly its target, all HEALTHY.
                var live = State.GetInstances(created!.Id).Count(i => i.State != "terminated");
                checks.Add($"{Describe(change)}: new {created.Target} target, {newHealthy} healthy, {live} live");
            }
        };

        await new CanaryDeployment(Services, CanaryRequest(25, 50, 100)).RunAsync(progress);

        checks.Should().Equal(
            "web__3 3/3/3: new 1 target, 1 healthy, 1 live",
            "web__3 2/2/2: new 2 target, 2 healthy, 2 live",
            "web__3 0/0/0: new 4 target, 4 healthy, 4 live");
        dips.Should().BeEmpty();
    }

    [Fact]
    public async Task Run_NewImageFailsInTheSecondPhase_RollsBackToTheExactStartState()
    {
        var previous = SeedGroup("web__3", Cap(2, 4, 6));
        var leftover = SeedGroup("web__4", Cap(0, 0, 0));
        SeedGroup("web__2", Cap(1, 1, 1));
        var before = GroupState();
        var progress = new Recorder();
        IReadOnlyList<string>? afterPhase1 = null;
        progress.OnEvent = e =>
        {
            if (e is StageCompletedEvent { Index: 1 })
            {
                afterPhase1 = GroupState();
                State.MarkImageNeverHealthy(NewImage);
            }
        };

        var run = () => new CanaryDeployment(Services, CanaryRequest(25, 50, 100), ShortTimeouts()).RunAsync(progress);

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        afterPhase1.Should().Equal(
            $"web__2 0/0/0 {OldImage} live=0",
            $"web__3 3/3/3 {OldImage} live=3",
            $"web__4 0/0/0 {OldImage} live=0",
            $"web__5 1/1/1 {NewImage} live=1");
        failure.Status.Should().Be(DeploymentStatus.RolledBack);
        failure.FailedStep.Should().Be("scale group web__5 (New) to (min 2, target 2, max 2), wait for steady state");
        GroupState().Should().Equal(before);
        State.GetInstances(previous).Where(i => i.State != "terminated").Should().HaveCount(4).And.OnlyContain(i => i.ImageId == OldImage && i.Health == "HEALTHY");
        State.GetGroup(leftover).Should().NotBeNull("the leftover is deleted only after a successful final phase");
        var events = progress.Events.ToList();
        var rollback = events.FindIndex(e => e is RollbackStartedEvent);
        events.Skip(rollback).OfType<CapacityChangedEvent>().Select(Describe).Should().Equal("web__3 2/4/6", "web__2 1/1/1", "web__5 0/0/0");
        events.Skip(rollback).OfType<GroupDeletedEvent>().Select(d => d.Name).Should().Equal("web__5");
        (await RecordAsync(failure.DeploymentId!)).Status.Should().Be(DeploymentStatus.RolledBack);
    }

    [Fact]
    public async Task StageByStage_EachPhaseLeavesTheGroupsAtItsNumbers()
    {
        SeedGroup("web__1", Cap(4, 4, 4));
        await using var deployment = new CanaryDeployment(Services, CanaryRequest(25, 50, 100));
        var states = new List<IReadOnlyList<string>>();

        await deployment.StartAsync();
        states.Add(GroupState());
        while (await deployment.RunNextStageAsync())
        {
            states.Add(GroupState());
        }

        states.Add(GroupState());
        deployment.IsComplete.Should().BeTrue();
        deployment.NextStage.Should().Be(4);
        states.Should().HaveCount(4);
        states[0].Should().Equal($"web__1 4/4/4 {OldImage} live=4", $"web__2 0/0/0 {NewImage} live=0");
        states[1].Should().Equal($"web__1 3/3/3 {OldImage} live=3", $"web__2 1/1/1 {NewImage} live=1");
        states[2].Should().Equal($"web__1 2/2/2 {OldImage} live=2", $"web__2 2/2/2 {NewImage} live=2");
        states[3].Should().Equal($"web__1 0/0/0 {OldImage} live=0", $"web__2 4/4/4 {NewImage} live=4");
    }
}
