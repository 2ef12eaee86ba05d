using Spot.Deploy.Aws;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Tests.Deployments;

/// <summary>Every bad input fails before the first mutating call, naming its field; nothing is journaled and the app is not left locked.</summary>
public sealed class ValidationTests : StrategyTestBase
{
    [Fact]
    public async Task Basic_MissingDocument()
    {
        SeedGroup("web__1", Cap(1, 1, 1));
        var request = BasicRequest();
        request.Document = null;

        await RejectedAsync(() => new BasicDeployment(Services, request).RunAsync(), "Document");
    }

    [Fact]
    public async Task Basic_FixedCapacityMinimumAboveTarget_RefusedWhenTheRequestIsMade() =>
        await RejectedAsync(() => new BasicDeployment(Services, BasicRequest(CapacityRequest.Fixed(3, 2, 4))).RunAsync(), "Capacity.Target");

    [Fact]
    public async Task Basic_FixedCapacityOfZero()
    {
        SeedGroup("web__1", Cap(1, 1, 1));

        await RejectedAsync(() => new BasicDeployment(Services, BasicRequest(CapacityRequest.Fixed(0, 0, 0))).RunAsync(), "Capacity.Target");
    }

    [Fact]
    public async Task Basic_FallbackOfZeroWithNothingRunning() =>
        await RejectedAsync(() => new BasicDeployment(Services, BasicRequest(CapacityRequest.SameAsRunning(Capacity.Zero))).RunAsync(), "Capacity.Fallback.Target");

    [Theory]
    [InlineData("")]
    [InlineData(" web")]
    [InlineData("web\t1")]
    public async Task Basic_BadAppName(string appName)
    {
        var request = BasicRequest();
        request.AppName = appName;

        await RejectedAsync(() => new BasicDeployment(Services, request).RunAsync(), "AppName");
    }

    [Fact]
    public async Task Basic_TwoGroupsWithTheSameRevisionNumber()
    {
        SeedGroup("web__3", Cap(1, 1, 1));
        SeedGroup("web__3", Cap(0, 0, 0));

        await RejectedAsync(() => new BasicDeployment(Services, BasicRequest()).RunAsync(), "Groups");
    }

    [Fact]
    public async Task Basic_AmiQueryMatchingNothing()
    {
        var request = BasicRequest();
        request.Image = new AmiQuery { Owners = { "self" }, NamePattern = "api-*" };

        await RejectedAsync(() => new BasicDeployment(Services, request).RunAsync(), "Image");
    }

    [Fact]
    public async Task Basic_UnknownAmiId()
    {
        var request = BasicRequest();
        request.UseImage("ami-0123456789abcdef0");

        await RejectedAsync(() => new BasicDeployment(Services, request).RunAsync(), "Image");
    }

    [Fact]
    public async Task Basic_MalformedAmiId()
    {
        var request = BasicRequest();
        request.UseImage("ami-web-2.0");

        await RejectedAsync(() => new BasicDeployment(Services, request).RunAsync(), "Image");
    }

    [Fact]
    public async Task Canary_NoPhases() =>
        await RejectedAsync(() => new CanaryDeployment(Services, CanaryRequest(Array.Empty<CanaryPhase>())).RunAsync(), "Phases");

    [Fact]
    public async Task Canary_ShrinkingPhases()
    {
        SeedGroup("web__1", Cap(2, 4, 6));

        await RejectedAsync(() => new CanaryDeployment(Services, CanaryRequest(50, 25, 100)).RunAsync(), "Phases[1].Step");
    }

    [Fact]
    public async Task Canary_LastPhaseNotFinal()
    {
        SeedGroup("web__1", Cap(2, 4, 6));

        await RejectedAsync(() => new CanaryDeployment(Services, CanaryRequest(25, 50)).RunAsync(), "Phases[1].Step");
    }

    [Fact]
    public async Task Canary_PhaseAfterTheFinalOne()
    {
        SeedGroup("web__1", Cap(2, 4, 6));

        await RejectedAsync(() => new CanaryDeployment(Services, CanaryRequest(100, 100)).RunAsync(), "Phases[1]");
    }

    [Fact]
    public async Task Canary_CountAboveThePlannedMaximum()
    {
        SeedGroup("web__1", Cap(2, 4, 6));
        var request = CanaryRequest(new CanaryPhase(PhaseStep.Count(7)));

        await RejectedAsync(() => new CanaryDeployment(Services, request).RunAsync(), "Phases[0].Step");
    }

    [Fact]
    public async Task Canary_DownsizeCountAboveThePreviousTarget()
    {
        SeedGroup("web__1", Cap(2, 4, 6));
        var request = CanaryRequest(new CanaryPhase(PhaseStep.Percent(50), DownsizeStep.Count(5)), new CanaryPhase(PhaseStep.Percent(100)));

        await RejectedAsync(() => new CanaryDeployment(Services, request).RunAsync(), "Phases[0].Downsize");
    }

    [Fact]
    public async Task BlueGreen_NoLoadBalancer()
    {
        var request = BlueGreenRequest(SeedRoutes());
        request.LoadBalancers.Clear();

        await RejectedAsync(() => new BlueGreenDeployment(Services, request).RunAsync(), "LoadBalancers");
    }

    [Fact]
    public async Task BlueGreen_MissingListenerArn()
    {
        var routes = SeedRoutes();
        var request = BlueGreenRequest(routes with { Production = new ListenerRoute(string.Empty) });

        await RejectedAsync(() => new BlueGreenDeployment(Services, request).RunAsync(), "LoadBalancers[0].Production.ListenerArn");
    }

    [Fact]
    public async Task BlueGreen_UnknownListener()
    {
        var routes = SeedRoutes();
        var request = BlueGreenRequest(routes with { Stage = new ListenerRoute(routes.StageListener[..^16] + "0123456789abcdef") });

        await RejectedAsync(() => new BlueGreenDeployment(Services, request).RunAsync(), "LoadBalancers[0].Stage");
    }

    [Fact]
    public async Task BlueGreen_UnknownRuleArn()
    {
        var routes = SeedRoutes(conditionalRules: true);
        var request = BlueGreenRequest(routes with { Production = routes.Production with { RuleArn = routes.Production.RuleArn![..^16] + "0123456789abcdef" } });

        await RejectedAsync(() => new BlueGreenDeployment(Services, request).RunAsync(), "LoadBalancers[0].Production");
    }

    [Fact]
    public async Task BlueGreen_ProductionRouteIsTheStageRoute()
    {
        var routes = SeedRoutes();
        var request = BlueGreenRequest(routes with { Stage = routes.Production });

        await RejectedAsync(() => new BlueGreenDeployment(Services, request).RunAsync(), "LoadBalancers[0].Stage");
    }

    [Fact]
    public async Task BlueGreen_ProductionAndStageForwardToTheSameTargetGroup()
    {
        var routes = SeedRoutes();
        var other = State.SeedListener(routes.LoadBalancer, 9443, routes.Blue);
        var request = BlueGreenRequest(routes with { Stage = new ListenerRoute(other) });

        await RejectedAsync(() => new BlueGreenDeployment(Services, request).RunAsync(), "LoadBalancers[0].Stage");
    }

    [Fact]
    public async Task BlueGreen_ProductionForwardsToTwoTargetGroups()
    {
        var routes = SeedRoutes();
        SeedGroup("web", Cap(1, 1, 1), targetGroupArn: routes.Blue);
        await Aws.Traffic.ShiftTrafficAsync(new RouteRef(routes.ProductionListener, null), routes.Blue, routes.Green, 50, 50);
        Emulator.Calls.Clear();

        await RejectedAsync(() => new BlueGreenDeployment(Services, BlueGreenRequest(routes)).RunAsync(), "LoadBalancers[0].Production");
    }

    [Fact]
    public async Task BlueGreen_TrafficShiftNotEndingAt100()
    {
        var request = BlueGreenRequest(SeedRoutes());
        request.TrafficShiftPercents = [10, 50];

        await RejectedAsync(() => new BlueGreenDeployment(Services, request).RunAsync(), "TrafficShiftPercents[1]");
    }

    [Fact]
    public async Task Roll_NoGroupNamedAfterTheApp()
    {
        SeedGroup("web__1", Cap(1, 1, 1));

        await RejectedAsync(() => new SpotRollDeployment(Services, RollRequest()).RunAsync(), "AppName");
    }

    [Fact]
    public async Task Roll_TwoGroupsNamedAfterTheApp()
    {
        SeedGroup("web", Cap(1, 1, 1));
        SeedGroup("web", Cap(1, 1, 1));

        await RejectedAsync(() => new SpotRollDeployment(Services, RollRequest()).RunAsync(), "AppName");
    }

    [Fact]
    public async Task Roll_UnknownGroupId()
    {
        SeedGroup("web", Cap(1, 1, 1));

        await RejectedAsync(() => new SpotRollDeployment(Services, RollRequest(groupId: "sig-0badc0de")).RunAsync(), "GroupId");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public async Task Roll_BadBatchSize(int batch)
    {
        SeedGroup("web", Cap(1, 1, 1));

        await RejectedAsync(() => new SpotRollDeployment(Services, RollRequest(batch: batch)).RunAsync(), "BatchSizePercentage");
    }

    [Fact]
    public async Task DryRun_RefusesTheSameWay()
    {
        SeedGroup("web__1", Cap(2, 4, 6));

        await RejectedAsync(() => new CanaryDeployment(Services, CanaryRequest(25, 50)).PlanAsync(), "Phases[1].Step");
    }

    [Fact]
    public async Task AfterAValidationFailure_TheAppIsNotLocked_AndAValidDeploymentSucceeds()
    {
        SeedGroup("web__1", Cap(2, 4, 6));
        await RejectedAsync(() => new CanaryDeployment(Services, CanaryRequest(50, 25, 100)).RunAsync(), "Phases[1].Step");

        var result = await new CanaryDeployment(Services, CanaryRequest(50, 100)).RunAsync();

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        GroupState().Should().Equal($"web__1 0/0/0 {OldImage} live=0", $"web__2 2/4/6 {NewImage} live=4");
        await using var handle = await Lock.AcquireAsync(App, "test");
        handle.IsReleased.Should().BeFalse();
    }

    /// <summary>Runs a deployment that must be refused for <paramref name="field"/> before any change.</summary>
    private async Task RejectedAsync(Func<Task> deploy, string field)
    {
        var before = State.Snapshot().ToJsonString();

        var refused = (await deploy.Should().ThrowAsync<DeploymentValidationException>()).Which;

        refused.Field.Should().Be(field, refused.Message);
        NoMutatingCall();
        State.Snapshot().ToJsonString().Should().Be(before);
        (await Journal.ListUnfinishedAsync()).Should().BeEmpty();
        await using var handle = await Lock.AcquireAsync(App, "validation test");
        handle.IsReleased.Should().BeFalse("the app lock was released after the refusal");
    }
}
