using Spot.Deploy.Emulator;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Tests.Deployments;

public sealed class BlueGreenDeploymentTests : StrategyTestBase
{
    private const string FixedResponse =
        "<member><Type>fixed-response</Type><Order>1</Order><FixedResponseConfig><StatusCode>503</StatusCode><ContentType>text/plain</ContentType><MessageBody>down for maintenance</MessageBody></FixedResponseConfig></member>";

    private const string Redirect =
        "<member><Type>redirect</Type><Order>1</Order><RedirectConfig><Protocol>HTTPS</Protocol><Port>443</Port><Host>#{host}</Host><Path>/new/#{path}</Path><Query>#{query}</Query><StatusCode>HTTP_301</StatusCode></RedirectConfig></member>";

    [Fact]
    public async Task Run_HardSwap_DefaultRules_ProductionForwardsToTheNewGroupAndNamesSwap()
    {
        var routes = SeedRoutes();
        var old = SeedGroup("web", Cap(1, 2, 3), targetGroupArn: routes.Blue);
        var productionBefore = Actions(routes.Production);
        var stageBefore = Actions(routes.Stage);
        var progress = new Recorder();

        var result = await new BlueGreenDeployment(Services, BlueGreenRequest(routes)).RunAsync(progress);

        var created = progress.Of<GroupCreatedEvent>().Single();
        created.Name.Should().Be("web__STAGE");
        result.GroupName.Should().Be("web");
        result.GroupId.Should().Be(created.GroupId);
        GroupState().Should().Equal($"web 1/2/3 {NewImage} live=2", $"web__STAGE 1/2/3 {OldImage} live=2");
        IdOf("web").Should().Be(created.GroupId);
        IdOf("web__STAGE").Should().Be(old);
        Actions(routes.Production).Should().Be(stageBefore, "production now forwards to the stage target group, exactly as stage did");
        Actions(routes.Stage).Should().Be(productionBefore);
        ForwardWeights(routes.Production).Should().Equal($"{routes.Green}=1");

        // The new group was created behind the stage target group only.
        var balancers = State.GetGroup(created.GroupId)!["compute"]!["launchSpecification"]!["loadBalancersConfig"]!["loadBalancers"]!.AsArray();
        balancers.Select(b => (string?)b!["arn"]).Should().Equal(routes.Green);

        progress.Of<StageStartedEvent>().Select(s => s.Name).Should().Equal("stage setup", "swap");
        CapacityChanges(progress).Should().Equal("web__STAGE 1/2/3");
        progress.Of<TrafficWeightsEvent>().Select(t => $"{t.PercentToNew} {t.NewWeight}/{t.OldWeight} on {t.Routes}").Should().Equal("100 999/0 on 1");
        progress.Of<GroupRenamedEvent>().Select(r => $"{r.GroupId} {r.NewName}").Should().Equal($"{old} web__STAGE", $"{created.GroupId} web");
        Emulator.Calls.Mutating.Where(c => c.Service == "elasticloadbalancing").Select(c => c.Action).Should().Equal("ModifyListener", "ModifyListener");
        IntentsThenSucceeded(await RecordAsync(result.DeploymentId)).Should().HaveCount(5);
    }

    [Fact]
    public async Task Run_HardSwap_ConditionalRules_SwapsOnlyThoseRulesAndLeavesEveryOtherRuleActionAndCondition()
    {
        var routes = SeedRoutes(conditionalRules: true);
        var maintenance = State.SeedRule(routes.ProductionListener, 5, "/maintenance/*", routes.Blue);
        var moved = State.SeedRule(routes.StageListener, 5, "/old/*", routes.Green);
        await ReplaceRuleActionsAsync(routes.ProductionListener, maintenance, FixedResponse);
        await ReplaceRuleActionsAsync(routes.StageListener, moved, Redirect);
        SeedGroup("web", Cap(1, 1, 1), targetGroupArn: routes.Blue);
        var untouched = Untouched(routes, maintenance, moved);
        var productionConditions = State.GetRuleConditions(routes.Production.RuleArn!).ToJsonString();
        var stageConditions = State.GetRuleConditions(routes.Stage.RuleArn!).ToJsonString();
        var productionBefore = Actions(routes.Production);
        var stageBefore = Actions(routes.Stage);
        Emulator.Calls.Clear();

        await new BlueGreenDeployment(Services, BlueGreenRequest(routes)).RunAsync();

        Actions(routes.Production).Should().Be(stageBefore);
        Actions(routes.Stage).Should().Be(productionBefore);
        State.GetRuleConditions(routes.Production.RuleArn!).ToJsonString().Should().Be(productionConditions);
        State.GetRuleConditions(routes.Stage.RuleArn!).ToJsonString().Should().Be(stageConditions);
        Untouched(routes, maintenance, moved).Should().Equal(untouched);
        State.GetRuleActions(maintenance).ToJsonString().Should().Contain("down for maintenance");
        Emulator.Calls.Mutating.Where(c => c.Service == "elasticloadbalancing").Select(c => c.Action).Should().Equal("ModifyRule", "ModifyRule");
        GroupState().Should().Equal($"web 1/1/1 {NewImage} live=1", $"web__STAGE 1/1/1 {OldImage} live=1");
    }

    [Fact]
    public async Task Run_DownsizeOldGroup_ScalesTheOldProductionGroupToZeroAfterTheSwap()
    {
        var routes = SeedRoutes();
        var old = SeedGroup("web", Cap(1, 2, 3), targetGroupArn: routes.Blue);
        var request = BlueGreenRequest(routes);
        request.DownsizeOldGroup = true;
        var progress = new Recorder();
        string? productionAtDownsize = null;
        progress.OnEvent = e =>
        {
            if (e is CapacityChangedEvent c && c.GroupId == old)
            {
                productionAtDownsize = Actions(routes.Production);
            }
        };

        await new BlueGreenDeployment(Services, request).RunAsync(progress);

        GroupState().Should().Equal($"web 1/2/3 {NewImage} live=2", $"web__STAGE 0/0/0 {OldImage} live=0");
        CapacityChanges(progress).Should().Equal("web__STAGE 1/2/3", "web__STAGE 0/0/0");
        progress.Of<CapacityChangedEvent>().Last().GroupId.Should().Be(old);
        productionAtDownsize.Should().Contain(routes.Green).And.NotContain(routes.Blue, "the old group is emptied only once production no longer routes to it");
    }

    [Fact]
    public async Task Run_FirstDeployment_NoProductionGroup_CreatesAtTheFallbackAndNamesItProduction()
    {
        var routes = SeedRoutes();
        var deployment = new BlueGreenDeployment(Services, BlueGreenRequest(routes));

        var preview = await deployment.StartAsync();
        var result = await deployment.CompleteAsync();

        preview.CapacitySource.Should().Be(CapacitySource.Fallback);
        result.GroupName.Should().Be("web");
        GroupState().Should().Equal($"web 1/2/4 {NewImage} live=2");
        ForwardWeights(routes.Production).Should().Equal($"{routes.Green}=1");
        ForwardWeights(routes.Stage).Should().Equal($"{routes.Blue}=1");
    }

    [Fact]
    public async Task Run_ReferenceNaming_AdoptsTheReferenceStageGroupAndRetiresIt()
    {
        var routes = SeedRoutes();
        var old = SeedGroup("web", Cap(2, 2, 2), targetGroupArn: routes.Blue);
        var reference = SeedGroup("web__STAGE__Harness", Cap(1, 1, 1), targetGroupArn: routes.Green);
        var request = BlueGreenRequest(routes);
        request.Naming = BlueGreenNaming.Reference(App);
        var progress = new Recorder();

        await new BlueGreenDeployment(Services, request).RunAsync(progress);

        GroupState().Should().Equal($"web 2/2/2 {NewImage} live=2", $"web__STAGE__Harness 2/2/2 {OldImage} live=2");
        IdOf("web__STAGE__Harness").Should().Be(old);
        progress.Of<GroupCreatedEvent>().Single().Name.Should().Be("web__STAGE__Harness");
        progress.Of<GroupDeletedEvent>().Single().GroupId.Should().Be(reference);
        progress.Of<GroupRenamedEvent>().Select(r => r.NewName).Should().Equal(
            $"web__STAGE__Harness__retired-{reference["sig-".Length..]}", "web__STAGE__Harness", "web");
    }

    [Fact]
    public async Task Run_ExistingStageGroup_IsEmptiedAndSetAsideDuringSetup_AndDeletedAtTheEnd()
    {
        var routes = SeedRoutes();
        SeedGroup("web", Cap(1, 2, 3), targetGroupArn: routes.Blue);
        var stage = SeedGroup("web__STAGE", Cap(1, 1, 1), image: OldImage, targetGroupArn: routes.Green);
        var progress = new Recorder();
        string? retiredAtSwap = null;
        progress.OnEvent = e =>
        {
            if (e is TrafficWeightsEvent)
            {
                var group = State.Groups.Single(g => g.Id == stage);
                retiredAtSwap = $"{group.Name} {group.Minimum}/{group.Target}/{group.Maximum}";
            }
        };

        var result = await new BlueGreenDeployment(Services, BlueGreenRequest(routes)).RunAsync(progress);

        retiredAtSwap.Should().Be($"web__STAGE__retired-{stage["sig-".Length..]} 0/0/0", "it is named after its own id, so a dry run shows the same name");
        result.Status.Should().Be(DeploymentStatus.Succeeded);
        State.GetGroup(stage).Should().BeNull();
        GroupState().Should().Equal($"web 1/2/3 {NewImage} live=2", $"web__STAGE 1/2/3 {OldImage} live=2");
        var events = progress.Events.ToList();
        events.FindIndex(e => e is GroupDeletedEvent d && d.GroupId == stage)
            .Should().BeGreaterThan(events.FindLastIndex(e => e is GroupRenamedEvent), "the old stage group is deleted in clean-up, after the swap and renames");
        CapacityChanges(progress).Should().Equal("web__STAGE 0/0/0", "web__STAGE 1/2/3");
        progress.Of<CapacityChangedEvent>().First().GroupId.Should().Be(stage);
    }

    [Fact]
    public async Task Run_ExistingStageGroup_NewImageNeverHealthy_RestoredWithItsNameAndCapacity_RoutesUntouched()
    {
        var routes = SeedRoutes();
        SeedGroup("web", Cap(1, 2, 3), targetGroupArn: routes.Blue);
        var stage = SeedGroup("web__STAGE", Cap(1, 1, 1), targetGroupArn: routes.Green);
        var before = GroupState();
        var productionBefore = Actions(routes.Production);
        var stageBefore = Actions(routes.Stage);
        State.MarkImageNeverHealthy(NewImage);

        var progress = new Recorder();

        var run = () => new BlueGreenDeployment(Services, BlueGreenRequest(routes), ShortTimeouts()).RunAsync(progress);

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack);
        var rollbackSteps = progress.Of<StepStartedEvent>().Where(s => s.StepId.StartsWith('r')).Select(s => s.Description).ToList();
        rollbackSteps.Should().NotBeEmpty().And.NotContain(d => d.StartsWith("rename group web (", StringComparison.Ordinal), "web never lost its name")
            .And.NotContain(d => d.StartsWith("restore the routes", StringComparison.Ordinal), "no route had moved");
        GroupState().Should().Equal(before);
        IdOf("web__STAGE").Should().Be(stage);
        HealthyInstances(stage).Should().Be(1);
        Actions(routes.Production).Should().Be(productionBefore);
        Actions(routes.Stage).Should().Be(stageBefore);
        Emulator.Calls.Mutating.Where(c => c.Service == "elasticloadbalancing").Should().BeEmpty("no route had changed, so none is restored");
    }

    [Fact]
    public async Task Run_FailureAfterTheSwap_StormOfServerErrorsOnTheDownsize_RoutesNamesAndStageGroupRestored()
    {
        var routes = SeedRoutes();
        var old = SeedGroup("web", Cap(1, 2, 3), targetGroupArn: routes.Blue);
        var stage = SeedGroup("web__STAGE", Cap(1, 1, 1), targetGroupArn: routes.Green);
        var before = GroupState();
        var productionBefore = Actions(routes.Production);
        var stageBefore = Actions(routes.Stage);
        var storm = Emulator.Faults.Add(new FaultRule { Service = "spot", Method = "PUT", PathContains = $"/{old}/capacity", Status = 503, Times = 6 });
        var request = BlueGreenRequest(routes);
        request.DownsizeOldGroup = true;
        var progress = new Recorder();

        var run = () => new BlueGreenDeployment(Services, request).RunAsync(progress);

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        storm.HitCount.Should().Be(6, "the first attempt and its five retries");
        failure.Status.Should().Be(DeploymentStatus.RolledBack);
        failure.FailedStep.Should().StartWith($"scale group web__STAGE ({old}, Production) from (min 1, target 2, max 3) to (min 0, target 0, max 0)");
        progress.Of<TrafficWeightsEvent>().Select(t => t.PercentToNew).Should().Equal(100, 0);
        Actions(routes.Production).Should().Be(productionBefore);
        Actions(routes.Stage).Should().Be(stageBefore);
        GroupState().Should().Equal(before);
        IdOf("web").Should().Be(old);
        IdOf("web__STAGE").Should().Be(stage);
        (await RecordAsync(failure.DeploymentId!)).Status.Should().Be(DeploymentStatus.RolledBack);
    }

    [Fact]
    public async Task Run_FailureAfterTheSwap_RenameRefused_ConditionalRoutesAndOtherRulesRestoredExactly()
    {
        var routes = SeedRoutes(conditionalRules: true);
        var maintenance = State.SeedRule(routes.ProductionListener, 5, "/maintenance/*", routes.Blue);
        var moved = State.SeedRule(routes.StageListener, 5, "/old/*", routes.Green);
        await ReplaceRuleActionsAsync(routes.ProductionListener, maintenance, FixedResponse);
        await ReplaceRuleActionsAsync(routes.StageListener, moved, Redirect);
        var old = SeedGroup("web", Cap(2, 2, 2), targetGroupArn: routes.Blue);
        var before = GroupState();
        var untouched = Untouched(routes, maintenance, moved);
        var productionBefore = Actions(routes.Production);
        var stageBefore = Actions(routes.Stage);
        var conditionsBefore = State.GetRuleConditions(routes.Production.RuleArn!).ToJsonString() + State.GetRuleConditions(routes.Stage.RuleArn!).ToJsonString();
        Emulator.Calls.Clear();
        var refusal = Emulator.Faults.Add(new FaultRule { Service = "spot", Method = "PUT", PathContains = $"/aws/ec2/group/{old}", Status = 400, Times = 1 });
        var progress = new Recorder();
        string? productionAtRename = null;
        progress.OnEvent = e =>
        {
            if (e is StepStartedEvent { Description: var d } && d.StartsWith("rename group web (", StringComparison.Ordinal))
            {
                productionAtRename ??= Actions(routes.Production);
            }
        };

        var run = () => new BlueGreenDeployment(Services, BlueGreenRequest(routes)).RunAsync(progress);

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        refusal.HitCount.Should().Be(1);
        failure.Status.Should().Be(DeploymentStatus.RolledBack);
        failure.FailedStep.Should().Be($"rename group web ({old}, Production) to web__STAGE");
        productionAtRename.Should().Be(stageBefore, "the failure came after the swap");
        Actions(routes.Production).Should().Be(productionBefore);
        Actions(routes.Stage).Should().Be(stageBefore);
        (State.GetRuleConditions(routes.Production.RuleArn!).ToJsonString() + State.GetRuleConditions(routes.Stage.RuleArn!).ToJsonString()).Should().Be(conditionsBefore);
        Untouched(routes, maintenance, moved).Should().Equal(untouched);
        GroupState().Should().Equal(before);
        IdOf("web").Should().Be(old);
        Emulator.Calls.Mutating.Where(c => c.Service == "elasticloadbalancing").Select(c => c.Action).Should().Equal(
            "ModifyRule", "ModifyRule", "ModifyRule", "ModifyRule");
    }

    [Fact]
    public async Task Run_TrafficShift_10_25_50_100_WeightsAtEachStepThenTheSwap()
    {
        var routes = SeedRoutes();
        SeedGroup("web", Cap(1, 2, 3), targetGroupArn: routes.Blue);
        var request = BlueGreenRequest(routes);
        request.TrafficShiftPercents = [10, 25, 50, 100];
        var progress = new Recorder();
        var seen = new List<string>();
        progress.OnEvent = e =>
        {
            if (e is TrafficWeightsEvent t)
            {
                seen.Add($"{t.PercentToNew} %: production [{string.Join(", ", ForwardWeights(routes.Production))}], stage [{string.Join(", ", ForwardWeights(routes.Stage))}]");
            }
        };

        await new BlueGreenDeployment(Services, request).RunAsync(progress);

        var (blue, green) = (routes.Blue, routes.Green);
        seen.Should().Equal(
            $"10 %: production [{blue}=90, {green}=10], stage [{green}=1]",
            $"25 %: production [{blue}=75, {green}=25], stage [{green}=1]",
            $"50 %: production [{blue}=50, {green}=50], stage [{green}=1]",
            $"100 %: production [{green}=1], stage [{blue}=1]");
        progress.Of<TrafficWeightsEvent>().Select(t => $"{t.PercentToNew} {t.NewWeight}/{t.OldWeight}").Should().Equal("10 10/90", "25 25/75", "50 50/50", "100 999/0");
        progress.Of<StageStartedEvent>().Select(s => s.Name).Should().Equal("stage setup", "traffic 10 %", "traffic 25 %", "traffic 50 %", "swap");
        GroupState().Should().Equal($"web 1/2/3 {NewImage} live=2", $"web__STAGE 1/2/3 {OldImage} live=2");
    }

    [Fact]
    public async Task Run_TrafficShift_GateAbortsAtHalf_WeightedRouteRestoredExactly()
    {
        var routes = SeedRoutes(conditionalRules: true);
        var old = SeedGroup("web", Cap(1, 2, 3), targetGroupArn: routes.Blue);
        var before = GroupState();
        var productionBefore = Actions(routes.Production);
        var stageBefore = Actions(routes.Stage);
        var request = BlueGreenRequest(routes);
        request.TrafficShiftPercents = [10, 25, 50, 100];
        var options = new DeploymentOptions
        {
            Gate = new DeploymentGate((context, _) => Task.FromResult(context.StageName == "traffic 50 %" ? GateDecision.Abort("error rate too high") : GateDecision.Approve())),
        };
        var progress = new Recorder();

        var run = () => new BlueGreenDeployment(Services, request, options).RunAsync(progress);

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack);
        failure.InnerException.Should().BeOfType<DeploymentGateAbortedException>();
        progress.Of<TrafficWeightsEvent>().Select(t => t.PercentToNew).Should().Equal(10, 25, 0);
        Actions(routes.Production).Should().Be(productionBefore);
        Actions(routes.Stage).Should().Be(stageBefore);
        GroupState().Should().Equal(before);
        IdOf("web").Should().Be(old);
    }

    private IReadOnlyList<string> Untouched(BlueGreenRoutes routes, string productionExtraRule, string stageExtraRule) =>
    [
        State.GetListenerActions(routes.ProductionListener).ToJsonString(),
        State.GetListenerActions(routes.StageListener).ToJsonString(),
        State.GetRuleActions(productionExtraRule).ToJsonString(),
        State.GetRuleConditions(productionExtraRule).ToJsonString(),
        State.GetRuleActions(stageExtraRule).ToJsonString(),
        State.GetRuleConditions(stageExtraRule).ToJsonString(),
    ];
}
