using NSubstitute;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Tests.Deployments;

public sealed class DryRunTests : StrategyTestBase
{
    [Fact]
    public async Task PlanAsync_Basic_ChangesNothingJournalsNothingLocksNothing_AndListsEveryStepWithItsCalls()
    {
        var journal = new WriteCountingJournal(Journal);
        var appLock = Substitute.For<IAppLock>();
        var services = new DeploymentServices(Spot, Aws, journal, appLock, Clock);
        var surplus = SeedGroup("web__1", Cap(0, 0, 0));
        var older = SeedGroup("web__2", Cap(1, 1, 1));
        SeedGroup("web__3", Cap(0, 0, 0));
        SeedGroup("web__4", Cap(0, 0, 0));
        SeedGroup("web__5", Cap(0, 0, 0));
        var previous = SeedGroup("web__6", Cap(2, 3, 4));
        var leftover = SeedGroup("web__7", Cap(0, 0, 0));
        var before = State.Snapshot().ToJsonString();

        var preview = await new BasicDeployment(services, BasicRequest()).PlanAsync();

        NoMutatingCall();
        State.Snapshot().ToJsonString().Should().Be(before);
        journal.Writes.Should().Be(0);
        appLock.ReceivedCalls().Should().BeEmpty("a dry run takes no lock");
        (await Journal.ListUnfinishedAsync()).Should().BeEmpty();

        preview.Strategy.Should().Be(DeploymentStrategy.Basic);
        preview.ImageId.Should().Be(NewImage);
        preview.NewGroupName.Should().Be("web__8");
        preview.PlannedCapacity.Should().Be(Cap(2, 3, 4));
        preview.CapacitySource.Should().Be(CapacitySource.SameAsRunning);
        preview.Stages.Should().Equal("setup", "phase 1 of 1 (100 %)");
        preview.Steps.Select(s => $"{s.StepId} {s.Stage} {(s.IsCleanup ? "clean-up" : "step")}: {s.Description}").Should().Equal(
            $"s1 0 step: create group web__8 at min 0, target 0, max 0, image {NewImage}",
            $"s2 0 step: scale group web__2 ({older}, Older) from (min 1, target 1, max 1) to (min 0, target 0, max 0)",
            "s3 1 step: scale group web__8 (New) to (min 2, target 3, max 4), wait for steady state",
            $"s4 1 step: scale group web__6 ({previous}, Previous) to (min 0, target 0, max 0), wait for steady state",
            $"s5 1 clean-up: clean-up: delete group web__7 ({leftover}, Leftover)",
            $"s6 1 clean-up: clean-up: delete group web__1 ({surplus}, Surplus)");
        preview.Steps.Select(s => s.ApiCalls).Should().SatisfyRespectively(
            calls => calls.Should().Equal($"POST /aws/ec2/group (name web__8, capacity min 0, target 0, max 0, imageId {NewImage})"),
            calls => calls.Should().Equal($"PUT /aws/ec2/group/{older}/capacity (capacity minimum 0, target 0, maximum 0)"),
            calls => calls.Should().Equal(
                "PUT /aws/ec2/group/{id of web__8}/capacity (capacity minimum 2, target 3, maximum 4)",
                "GET /aws/ec2/group/{id of web__8}/instanceHealthiness, polled until 3 instance(s) are HEALTHY",
                "GET /aws/ec2/group/{id of web__8}/status, polled until the group has exactly 3 instance(s)"),
            calls => calls.Should().Equal(
                $"PUT /aws/ec2/group/{previous}/capacity (capacity minimum 0, target 0, maximum 0)",
                $"GET /aws/ec2/group/{previous}/status, polled until the group has no instances"),
            calls => calls.Should().Equal($"DELETE /aws/ec2/group/{leftover}"),
            calls => calls.Should().Equal($"DELETE /aws/ec2/group/{surplus}"));
        var text = preview.ToString().Split(Environment.NewLine);
        text[0].Should().Be($"Basic deployment of web, image {NewImage}, new group web__8, planned capacity min 2, target 3, max 4 (SameAsRunning)");
        text.Should().Contain("2. phase 1 of 1 (100 %)")
            .And.Contain($"       PUT /aws/ec2/group/{previous}/capacity (capacity minimum 0, target 0, maximum 0)");
    }

    [Fact]
    public async Task PlanAsync_WhileAnotherDeploymentHoldsTheApp_StillPlans()
    {
        SeedGroup("web__1", Cap(1, 1, 1));
        await using var held = await Lock.AcquireAsync(App, "someone else");

        var preview = await new BasicDeployment(Services, BasicRequest()).PlanAsync();
        var run = () => new BasicDeployment(Services, BasicRequest()).RunAsync();

        preview.Steps.Should().HaveCount(3);
        await run.Should().ThrowAsync<AppLockedException>();
        NoMutatingCall();
    }

    [Fact]
    public async Task PlanThenRun_Basic_ExecutedStepsAreThePreviewsSteps()
    {
        SeedGroup("web__1", Cap(0, 0, 0));
        SeedGroup("web__2", Cap(1, 1, 1));
        SeedGroup("web__3", Cap(0, 0, 0));
        SeedGroup("web__4", Cap(1, 2, 2));
        SeedGroup("web__5", Cap(0, 0, 0));
        var request = BasicRequest(retained: 0);
        var progress = new Recorder();

        var preview = await new BasicDeployment(Services, request).PlanAsync();
        await new BasicDeployment(Services, request).RunAsync(progress);

        preview.Steps.Where(s => s.IsCleanup).Should().HaveCount(3);
        ForwardSteps(progress).Should().Equal(preview.Steps.Select(s => s.Description));
        progress.Of<StepStartedEvent>().Select(s => s.StepId).Should().Equal(preview.Steps.Select(s => s.StepId));
        progress.Of<StageStartedEvent>().Select(s => s.Name).Should().Equal(preview.Stages);
    }

    [Fact]
    public async Task PlanThenRun_Canary_ExecutedStepsAreThePreviewsSteps()
    {
        SeedGroup("web__3", Cap(2, 4, 6));
        SeedGroup("web__4", Cap(0, 0, 0));
        var request = CanaryRequest(new CanaryPhase(PhaseStep.Percent(25), DownsizeStep.Percent(100)), new CanaryPhase(PhaseStep.Count(2)), new CanaryPhase(PhaseStep.Percent(100)));
        var progress = new Recorder();

        var preview = await new CanaryDeployment(Services, request).PlanAsync();
        await new CanaryDeployment(Services, request).RunAsync(progress);

        preview.Stages.Should().Equal("setup", "phase 1 of 3 (25 %)", "phase 2 of 3 (2 instances)", "phase 3 of 3 (100 %)");
        preview.Steps.Select(s => s.Description).Should().Contain(
            "scale group web__5 (New) to (min 1, target 1, max 1), wait for steady state",
            $"scale group web__3 ({IdOf("web__3")}, Previous) to (min 4, target 4, max 4), wait for steady state");
        ForwardSteps(progress).Should().Equal(preview.Steps.Select(s => s.Description));
        progress.Of<StageStartedEvent>().Select(s => s.Name).Should().Equal(preview.Stages);
    }

    [Fact]
    public async Task PlanThenRun_BlueGreen_TrafficShiftAndDownsize_ExecutedStepsAreThePreviewsSteps()
    {
        var routes = SeedRoutes(conditionalRules: true);
        var old = SeedGroup("web", Cap(1, 2, 3), targetGroupArn: routes.Blue);
        var request = BlueGreenRequest(routes);
        request.TrafficShiftPercents = [25, 100];
        request.DownsizeOldGroup = true;
        var progress = new Recorder();

        var preview = await new BlueGreenDeployment(Services, request).PlanAsync();
        await new BlueGreenDeployment(Services, request).RunAsync(progress);

        NoRouteChangeBefore(progress);
        preview.NewGroupName.Should().Be("web__STAGE");
        preview.Stages.Should().Equal("stage setup", "traffic 25 %", "swap");
        var (production, stage) = (routes.Production.RuleArn, routes.Stage.RuleArn);
        preview.Steps.Single(s => s.Description == "swap production and stage routes on 1 load balancer(s)").ApiCalls.Should().Equal(
            $"ELBv2 DescribeRules {production}",
            $"ELBv2 DescribeRules {stage}",
            $"ELBv2 ModifyRule {production}: forward {routes.Green}",
            $"ELBv2 ModifyRule {stage}: forward {routes.Blue}");
        preview.Steps.Single(s => s.Description.StartsWith("shift traffic", StringComparison.Ordinal)).ApiCalls.Should().Equal(
            $"ELBv2 DescribeRules {production}",
            $"ELBv2 ModifyRule {production}: forward {routes.Green} weight 25, {routes.Blue} weight 75");
        preview.Steps.Single(s => s.Description.StartsWith($"rename group web ({old}", StringComparison.Ordinal)).ApiCalls.Should().Equal(
            $"PUT /aws/ec2/group/{old} (name web__STAGE)");
        ForwardSteps(progress).Should().Equal(preview.Steps.Select(s => s.Description));
        progress.Of<StageStartedEvent>().Select(s => s.Name).Should().Equal(preview.Stages);
    }

    [Fact]
    public async Task PlanThenRun_BlueGreenWithAStageGroup_ExecutedStepsAreThePreviewsSteps_CleanUpIncluded()
    {
        var routes = SeedRoutes();
        SeedGroup("web", Cap(1, 2, 3), targetGroupArn: routes.Blue);
        SeedGroup("web__STAGE", Cap(1, 1, 1), targetGroupArn: routes.Green);
        var request = BlueGreenRequest(routes);
        var progress = new Recorder();

        var preview = await new BlueGreenDeployment(Services, request).PlanAsync();
        await new BlueGreenDeployment(Services, request).RunAsync(progress);

        preview.Steps[^1].IsCleanup.Should().BeTrue();
        ForwardSteps(progress).Should().Equal(preview.Steps.Select(s => s.Description));
    }

    [Fact]
    public async Task PlanThenRun_SpotRoll_ListsTheImageUpdateAndTheRoll()
    {
        var id = SeedGroup("web", Cap(1, 2, 3));
        var request = RollRequest();
        request.HealthCheckType = "TARGET_GROUP";
        var progress = new Recorder();

        var preview = await new SpotRollDeployment(Services, request).PlanAsync();
        NoMutatingCall();
        await new SpotRollDeployment(Services, request).RunAsync(progress);

        preview.Stages.Should().Equal("roll");
        preview.NewGroupName.Should().BeNull();
        preview.Steps.Select(s => s.ApiCalls).Should().SatisfyRespectively(
            calls => calls.Should().Equal($"PUT /aws/ec2/group/{id} (compute.launchSpecification.imageId {NewImage})"),
            calls => calls.Should().Equal(
                $"PUT /aws/ec2/group/{id}/roll (batchSizePercentage 50, gracePeriod 300, healthCheckType TARGET_GROUP)",
                $"GET /aws/ec2/group/{id}/roll, polled until finished"));
        preview.Steps[1].Description.Should().Be($"roll web ({id}): 2 instance(s) in batches of 50 %, grace period 300 s, health check TARGET_GROUP, wait until finished");
        ForwardSteps(progress).Should().Equal(preview.Steps.Select(s => s.Description));
    }

    /// <summary>The Blue/Green dry run made no ELBv2 change: every ModifyRule came from the real run, after its stage setup.</summary>
    private void NoRouteChangeBefore(Recorder progress)
    {
        var modifies = Emulator.Calls.Mutating.Where(c => c.Service == "elasticloadbalancing").ToList();
        modifies.Should().HaveCount(3, "one shift and the swap of two rules");
        var firstEvent = progress.Events[0].Time;
        modifies.Should().OnlyContain(c => c.Time >= firstEvent);
    }
}
