using Spot.Deploy.Planning;
using static Spot.Deploy.Planning.Tests.Groups;

namespace Spot.Deploy.Planning.Tests;

public class BlueGreenPlannerTests
{
    private static readonly BlueGreenLoadBalancer Alb = new(new ListenerRoute("arn:listener/prod"), new ListenerRoute("arn:listener/stage"));
    private static readonly BlueGreenLoadBalancer RuleAlb = new(new ListenerRoute("arn:listener/l1", "arn:rule/prod"), new ListenerRoute("arn:listener/l1", "arn:rule/stage"));

    private static BlueGreenRequest Request(params ExistingGroup[] groups) => new("app", groups, CapacityRequest.SameAsRunning(), [Alb]);

    public class ThePlanMethod
    {
        [Fact]
        public void Plan_HardSwap_StageSetupSwapThenRenames()
        {
            var plan = BlueGreenPlanner.Plan(Request(G("app", 1, 3, 6), Running("app__STAGE", 2), Running("other", 9)));

            plan.Production.Should().Be(new RecordedGroup("sig-app", "app", new Capacity(1, 3, 6)));
            plan.PlannedCapacity.Should().Be(new Capacity(1, 3, 6));
            plan.CapacitySource.Should().Be(CapacitySource.SameAsRunning);
            Names(plan.StageGroupsToDelete).Should().Equal("app__STAGE");
            plan.TrafficSteps.Should().BeEmpty();
            plan.Steps.Select(s => s.Describe()).Should().Equal(
                "scale group app__STAGE (sig-app__STAGE, OldStage) from (min 2, target 2, max 2) to (min 0, target 0, max 0), wait for steady state",
                "rename group app__STAGE (sig-app__STAGE, OldStage) to app__STAGE__retired-app__STAGE",
                "create group app__STAGE at min 0, target 0, max 0 with the stage target groups",
                "scale group app__STAGE (New) from (min 0, target 0, max 0) to (min 1, target 3, max 6), wait for steady state",
                "swap production and stage routes on 1 load balancer(s)",
                "rename group app (sig-app, Production) to app__STAGE",
                "rename group app__STAGE (New) to app",
                "clean-up: delete group app__STAGE__retired-app__STAGE (sig-app__STAGE, OldStage)");
        }

        [Fact]
        public void Plan_HardSwap_HasTheStagesTheEngineRuns()
        {
            var plan = BlueGreenPlanner.Plan(Request(G("app", 1, 3, 6), Running("app__STAGE", 2)) with { DownsizeOldGroup = true });

            plan.Stages.Select(s => (s.Name, s.GateBefore, s.Steps.Count)).Should().Equal(("stage setup", false, 4), ("swap", true, 5));
            plan.Stages[1].Steps.Select(s => s.Kind).Should().Equal(
                PlanStepKind.SwapRoutes, PlanStepKind.RenameGroup, PlanStepKind.RenameGroup, PlanStepKind.ScaleGroup, PlanStepKind.DeleteGroup);
            plan.Steps.Should().Equal(plan.Stages.SelectMany(s => s.Steps));
        }

        [Fact]
        public void Plan_TrafficShift_EachShiftIsAStageAfterAGate()
        {
            var plan = BlueGreenPlanner.Plan(Request(Running("app", 2)) with { TrafficShiftPercents = [10, 50, 100] });

            plan.Stages.Select(s => (s.Name, s.GateBefore)).Should().Equal(
                ("stage setup", false), ("traffic 10 %", true), ("traffic 50 %", true), ("swap", true));
            plan.Stages[1].Steps.Should().ContainSingle().Which.Should().BeOfType<ShiftTrafficStep>().Which.Weights.Should().Be(new TrafficWeights(10, 10, 90));
            plan.Stages[2].Steps.Should().ContainSingle().Which.Should().BeOfType<ShiftTrafficStep>().Which.Weights.Should().Be(new TrafficWeights(50, 50, 50));
            plan.Stages[3].Steps[0].Should().BeOfType<SwapRoutesStep>();
        }

        [Fact]
        public void Plan_NoOldStageGroup_NothingSetAsideAndNoCleanup()
        {
            var plan = BlueGreenPlanner.Plan(Request(Running("app", 2)));

            plan.SetAside.Should().BeEmpty();
            plan.Stages[0].Steps.Select(s => s.Kind).Should().Equal(PlanStepKind.CreateGroup, PlanStepKind.ScaleGroup);
            plan.Steps.ShouldAll(s => !s.IsCleanup);
        }

        [Fact]
        public void Plan_OldStageGroupWithCapacity_IsEmptiedThenRenamedThenDeletedInTheCleanup()
        {
            var plan = BlueGreenPlanner.Plan(Request(Running("app", 2), G("app__STAGE", 1, 2, 3)));

            var oldStage = new GroupRef("app__STAGE", "sig-app__STAGE", GroupRole.OldStage);
            plan.SetAside.Should().Equal(new SetAsideGroup(new RecordedGroup("sig-app__STAGE", "app__STAGE", new Capacity(1, 2, 3)), "app__STAGE__retired-app__STAGE"));
            plan.Stages[0].Steps.Take(2).Should().Equal(
                new ScaleGroupStep(oldStage, new Capacity(1, 2, 3), Capacity.Zero, WaitForSteadyState: true),
                new RenameGroupStep(oldStage, "app__STAGE__retired-app__STAGE"));
            plan.Steps[^1].Should().Be(new DeleteGroupStep(new GroupRef("app__STAGE__retired-app__STAGE", "sig-app__STAGE", GroupRole.OldStage)) { IsCleanup = true });
        }

        [Theory]
        [InlineData(0, 0, 0)]
        [InlineData(null, null, null)]
        public void Plan_EmptyOldStageGroup_IsOnlyRenamed(int? min, int? target, int? max)
        {
            Capacity? capacity = min is null ? null : new Capacity(min.Value, target!.Value, max!.Value);
            var plan = BlueGreenPlanner.Plan(Request(Running("app", 2), new ExistingGroup("sig-9", "app__STAGE", capacity)));

            plan.SetAside.Should().Equal(new SetAsideGroup(new RecordedGroup("sig-9", "app__STAGE", Capacity.Zero), "app__STAGE__retired-9"));
            plan.Stages[0].Steps.Select(s => s.Describe()).Should().Equal(
                "rename group app__STAGE (sig-9, OldStage) to app__STAGE__retired-9",
                "create group app__STAGE at min 0, target 0, max 0 with the stage target groups",
                "scale group app__STAGE (New) from (min 0, target 0, max 0) to (min 2, target 2, max 2), wait for steady state");
        }

        [Fact]
        public void Plan_OldStageGroupWithMaximumOnly_IsScaledToZeroToo()
        {
            var plan = BlueGreenPlanner.Plan(Request(Running("app", 2), new ExistingGroup("sig-9", "app__STAGE", new Capacity(0, 0, 4))));

            plan.Stages[0].Steps[0].Should().Be(new ScaleGroupStep(new GroupRef("app__STAGE", "sig-9", GroupRole.OldStage), new Capacity(0, 0, 4), Capacity.Zero, true));
        }

        [Fact]
        public void Plan_SeveralOldStageGroups_AreSetAsideAndCleanedUpInTheOrderFound()
        {
            var plan = BlueGreenPlanner.Plan(Request(Running("app", 2), Empty("app__STAGE"), Running("app__STAGE__Harness", 1)) with
            {
                Naming = BlueGreenNaming.Reference("app"),
            });

            plan.SetAside.Select(a => a.RetiredName).Should().Equal("app__STAGE__retired-app__STAGE", "app__STAGE__Harness__retired-app__STAGE__Harness");
            plan.Stages[0].Steps.Select(s => s.Kind).Should().Equal(
                PlanStepKind.RenameGroup, PlanStepKind.ScaleGroup, PlanStepKind.RenameGroup, PlanStepKind.CreateGroup, PlanStepKind.ScaleGroup);
            plan.Steps.Where(s => s.IsCleanup).Select(s => s.Describe()).Should().Equal(
                "clean-up: delete group app__STAGE__retired-app__STAGE (sig-app__STAGE, OldStage)",
                "clean-up: delete group app__STAGE__Harness__retired-app__STAGE__Harness (sig-app__STAGE__Harness, OldStage)");
            plan.Steps.TakeLast(2).ShouldAll(s => s.IsCleanup);
        }

        [Fact]
        public void Plan_NeverDeletesAGroupUnderItsOriginalName()
        {
            var plan = BlueGreenPlanner.Plan(Request(Running("app", 2), Running("app__STAGE", 2)) with { DownsizeOldGroup = true });

            plan.Steps.OfType<DeleteGroupStep>().Should().ContainSingle().Which.Group.Name.Should().Be("app__STAGE__retired-app__STAGE");
        }

        [Fact]
        public void Plan_DownsizeOldGroup_ScalesOldToZeroAfterRenames()
        {
            var plan = BlueGreenPlanner.Plan(Request(G("app", 1, 3, 6)) with { DownsizeOldGroup = true });

            plan.DownsizeOldGroup.Should().BeTrue();
            plan.Steps[^1].Should().Be(new ScaleGroupStep(new GroupRef("app__STAGE", "sig-app", GroupRole.Production), new Capacity(1, 3, 6), Capacity.Zero, true));
        }

        [Fact]
        public void Plan_FirstDeployment_NoProductionGroup_UsesFallbackAndRenamesOnlyNew()
        {
            var plan = BlueGreenPlanner.Plan(Request() with { DownsizeOldGroup = true });

            plan.Production.Should().BeNull();
            plan.CapacitySource.Should().Be(CapacitySource.Fallback);
            plan.Steps.OfType<RenameGroupStep>().Should().ContainSingle().Which.NewName.Should().Be("app");
            plan.Steps.OfType<ScaleGroupStep>().Should().ContainSingle();
        }

        [Fact]
        public void Plan_EmptyProductionGroup_IsRenamedButCapacityFallsBack()
        {
            var plan = BlueGreenPlanner.Plan(Request(NoCapacity("app")));

            plan.Production.Should().Be(new RecordedGroup("sig-app", "app", Capacity.Zero));
            plan.CapacitySource.Should().Be(CapacitySource.Fallback);
        }

        [Fact]
        public void Plan_TrafficShift_WeightedStepsBeforeTheSwap()
        {
            var plan = BlueGreenPlanner.Plan(Request(Running("app", 2)) with { TrafficShiftPercents = BlueGreenRequest.DefaultTrafficShift });

            plan.TrafficSteps.Should().Equal(new TrafficWeights(10, 10, 90), new TrafficWeights(25, 25, 75), new TrafficWeights(50, 50, 50));
            plan.Steps.Select(s => s.Kind).Should().Equal(
                PlanStepKind.CreateGroup, PlanStepKind.ScaleGroup,
                PlanStepKind.ShiftTraffic, PlanStepKind.ShiftTraffic, PlanStepKind.ShiftTraffic,
                PlanStepKind.SwapRoutes, PlanStepKind.RenameGroup, PlanStepKind.RenameGroup);
            plan.Stages.Select(s => s.Name).Should().Equal("stage setup", "traffic 10 %", "traffic 25 %", "traffic 50 %", "swap");
            plan.Steps.OfType<ShiftTrafficStep>().First().Describe().Should().Be("shift traffic on 1 load balancer(s): new 10, old 90 (10 % to the new group)");
        }

        [Fact]
        public void Plan_TrafficShiftOnlyHundred_IsAHardSwap()
        {
            BlueGreenPlanner.Plan(Request() with { TrafficShiftPercents = [100] }).TrafficSteps.Should().BeEmpty();
        }

        [Theory]
        [InlineData(new[] { 10, 50 }, "TrafficShiftPercents[1]")]
        [InlineData(new[] { 0, 100 }, "TrafficShiftPercents[0]")]
        [InlineData(new[] { 50, 101 }, "TrafficShiftPercents[1]")]
        [InlineData(new[] { 50, 50, 100 }, "TrafficShiftPercents[1]")]
        [InlineData(new[] { 60, 40, 100 }, "TrafficShiftPercents[1]")]
        public void Plan_BadTrafficShift_IsRefused(int[] percents, string field)
        {
            var act = () => BlueGreenPlanner.Plan(Request() with { TrafficShiftPercents = percents });

            act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be(field);
        }

        [Fact]
        public void Plan_ReferenceNaming_AdoptsTheReferenceStageNames()
        {
            var plan = BlueGreenPlanner.Plan(Request(Running("app", 2), Running("app__STAGE__Harness", 1), Empty("app__STAGE")) with
            {
                Naming = BlueGreenNaming.Reference("app"),
            });

            Names(plan.StageGroupsToDelete).Should().Equal("app__STAGE__Harness", "app__STAGE");
            plan.SetAside.Select(a => a.Group.Name).Should().Equal("app__STAGE__Harness", "app__STAGE");
            plan.Steps.OfType<CreateGroupStep>().Single().Name.Should().Be("app__STAGE__Harness");
            plan.Steps.OfType<RenameGroupStep>().Single(r => r.Group.Role == GroupRole.Production).NewName.Should().Be("app__STAGE__Harness");
        }

        [Fact]
        public void Plan_DefaultNaming_DoesNotTouchReferenceStageGroups()
        {
            var plan = BlueGreenPlanner.Plan(Request(Running("app__STAGE__Harness", 1)));

            plan.StageGroupsToDelete.Should().BeEmpty();
            plan.SetAside.Should().BeEmpty();
        }

        [Fact]
        public void Plan_TwoProductionGroups_IsRefused()
        {
            var act = () => BlueGreenPlanner.Plan(Request(Running("app", 1), new ExistingGroup("sig-other", "app", Capacity.Exactly(1))));

            act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Groups");
        }

        [Fact]
        public void Plan_StageNameEqualToProduction_IsRefused()
        {
            var act = () => BlueGreenPlanner.Plan(Request() with { Naming = new BlueGreenNaming("app", "app") });

            act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Naming.StageName");
        }

        [Fact]
        public void Plan_RecognizedStageNameEqualToProduction_IsRefused()
        {
            var act = () => BlueGreenPlanner.Plan(Request() with { Naming = new BlueGreenNaming("app", "app-stage", ["app"]) });

            act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Naming.StageName");
        }

        [Fact]
        public void Plan_NoLoadBalancers_IsRefused()
        {
            var act = () => BlueGreenPlanner.Plan(new BlueGreenRequest("app", [], CapacityRequest.SameAsRunning(), []));

            act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("LoadBalancers");
        }

        [Fact]
        public void Plan_SameProductionAndStageRoute_IsRefused()
        {
            var route = new ListenerRoute("arn:listener/x", "arn:rule/y");
            var act = () => BlueGreenPlanner.Plan(new BlueGreenRequest("app", [], CapacityRequest.SameAsRunning(), [new BlueGreenLoadBalancer(route, route with { })]));

            act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("LoadBalancers[0].Stage");
        }

        [Theory]
        [InlineData("", null, "LoadBalancers[0].Production.ListenerArn")]
        [InlineData("arn:l", " ", "LoadBalancers[0].Production.RuleArn")]
        public void Plan_BadRoute_IsRefused(string listener, string? rule, string field)
        {
            var act = () => BlueGreenPlanner.Plan(new BlueGreenRequest("app", [], CapacityRequest.SameAsRunning(),
                [new BlueGreenLoadBalancer(new ListenerRoute(listener, rule), new ListenerRoute("arn:stage"))]));

            act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be(field);
        }

        [Fact]
        public void Plan_ConditionalRules_AreCarriedToTheSwap()
        {
            var plan = BlueGreenPlanner.Plan(new BlueGreenRequest("app", [], CapacityRequest.Fixed(1, 1, 1), [Alb, RuleAlb]));

            var swap = plan.Steps.OfType<SwapRoutesStep>().Single();
            swap.LoadBalancers.Should().Equal(Alb, RuleAlb);
            swap.LoadBalancers[1].Production.IsDefaultRule.Should().BeFalse();
            swap.LoadBalancers[0].Production.IsDefaultRule.Should().BeTrue();
        }

        [Fact]
        public void Plan_InvalidAppNameOrMissingCapacity_IsRefused()
        {
            var badName = () => BlueGreenPlanner.Plan(new BlueGreenRequest(" ", [], CapacityRequest.SameAsRunning(), [Alb]));
            var noCapacity = () => BlueGreenPlanner.Plan(new BlueGreenRequest("app", [], null!, [Alb]));

            badName.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("AppName");
            noCapacity.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Capacity");
        }
    }

    public class ThePlanRollbackMethod
    {
        [Fact]
        public void PlanRollback_NoNewGroup_NothingToRollBack()
        {
            var plan = BlueGreenPlanner.Plan(Request(Running("app", 2)));

            BlueGreenPlanner.PlanRollback(plan.ToRollbackRequest(null)).NothingToRollBack.Should().BeTrue();
        }

        [Fact]
        public void PlanRollback_RestoresOldFirstThenRoutesThenNameThenRemovesNew()
        {
            var plan = BlueGreenPlanner.Plan(Request(G("app", 1, 3, 6)) with { DownsizeOldGroup = true });

            var rollback = BlueGreenPlanner.PlanRollback(plan.ToRollbackRequest("sig-new"));

            rollback.Steps.Select(s => s.Describe()).Should().Equal(
                "scale group app (sig-app, Production) to (min 1, target 3, max 6), wait for steady state",
                "restore the routes changed on 1 load balancer(s)",
                "rename group app (sig-app, Production) to app",
                "scale group app__STAGE (sig-new, New) to (min 0, target 0, max 0), wait for steady state",
                "delete group app__STAGE (sig-new, New)");
        }

        [Fact]
        public void PlanRollback_StoppedBeforeTheFirstRouteChange_NoRouteRestoreAndNoRenameToTheSameName()
        {
            var plan = BlueGreenPlanner.Plan(Request(G("app", 1, 3, 6)));

            var rollback = BlueGreenPlanner.PlanRollback(plan.ToRollbackRequest("sig-new") with { RoutesChanged = false, ProductionRenamed = false });

            rollback.Steps.Select(s => s.Describe()).Should().Equal(
                "scale group app (sig-app, Production) to (min 1, target 3, max 6), wait for steady state",
                "scale group app__STAGE (sig-new, New) to (min 0, target 0, max 0), wait for steady state",
                "delete group app__STAGE (sig-new, New)");
            rollback.AlreadyAsItShouldBe.Should().Equal("production name (app)", "routes (as the deployment found them)");
        }

        [Fact]
        public void PlanRollback_RoutesShiftedButNoSwap_RoutesRestored_NameLeftAlone()
        {
            var plan = BlueGreenPlanner.Plan(Request(G("app", 1, 3, 6)));

            var rollback = BlueGreenPlanner.PlanRollback(plan.ToRollbackRequest("sig-new") with { ProductionRenamed = false });

            rollback.Steps.Select(s => s.Describe()).Should().Contain("restore the routes changed on 1 load balancer(s)")
                .And.NotContain(d => d.StartsWith("rename group app (", StringComparison.Ordinal));
            rollback.AlreadyAsItShouldBe.Should().Equal("production name (app)");
        }

        [Fact]
        public void PlanRollback_AfterTheSwap_NothingIsAlreadyAsItShouldBe()
        {
            var plan = BlueGreenPlanner.Plan(Request(G("app", 1, 3, 6)));

            var rollback = BlueGreenPlanner.PlanRollback(plan.ToRollbackRequest("sig-new"));

            rollback.AlreadyAsItShouldBe.Should().BeEmpty();
        }

        [Fact]
        public void PlanRollback_FirstDeploymentBeforeAnyRouteChange_OnlyTheRoutesAreAlreadyRight_AndNoGroupNoList()
        {
            var plan = BlueGreenPlanner.Plan(Request());

            var rollback = BlueGreenPlanner.PlanRollback(plan.ToRollbackRequest("sig-new") with { RoutesChanged = false, ProductionRenamed = false });
            var nothing = BlueGreenPlanner.PlanRollback(plan.ToRollbackRequest(null) with { RoutesChanged = false, ProductionRenamed = false });

            rollback.AlreadyAsItShouldBe.Should().Equal("routes (as the deployment found them)");
            nothing.NothingToRollBack.Should().BeTrue();
            nothing.AlreadyAsItShouldBe.Should().BeEmpty("with no new group the deployment changed nothing at all");
        }

        [Fact]
        public void PlanRollback_SetAsideGroups_GetTheirNameThenTheirCapacityBackAfterTheNewGroupIsGone()
        {
            var plan = BlueGreenPlanner.Plan(Request(G("app", 1, 3, 6), G("app__STAGE", 1, 2, 3)));

            var rollback = BlueGreenPlanner.PlanRollback(plan.ToRollbackRequest("sig-new"));

            rollback.Steps.Select(s => s.Describe()).Should().Equal(
                "scale group app (sig-app, Production) to (min 1, target 3, max 6), wait for steady state",
                "restore the routes changed on 1 load balancer(s)",
                "rename group app (sig-app, Production) to app",
                "scale group app__STAGE (sig-new, New) to (min 0, target 0, max 0), wait for steady state",
                "delete group app__STAGE (sig-new, New)",
                "rename group app__STAGE__retired-app__STAGE (sig-app__STAGE, OldStage) to app__STAGE",
                "scale group app__STAGE (sig-app__STAGE, OldStage) to (min 1, target 2, max 3), wait for steady state");
        }

        [Fact]
        public void PlanRollback_EmptySetAsideGroup_IsOnlyRenamedBack()
        {
            var aside = new SetAsideGroup(new RecordedGroup("sig-9", "app__STAGE", Capacity.Zero), "app__STAGE__retired-9");
            var request = new BlueGreenRollbackRequest(BlueGreenNaming.Default("app"), null, null, [Alb]) { SetAside = [aside] };

            BlueGreenPlanner.PlanRollback(request).Steps.Should().Equal(
                new RenameGroupStep(new GroupRef("app__STAGE__retired-9", "sig-9", GroupRole.OldStage), "app__STAGE"));
        }

        [Fact]
        public void PlanRollback_SetAsideStartedButNoNewGroup_OnlyUndoesTheSetAside()
        {
            var plan = BlueGreenPlanner.Plan(Request(G("app", 1, 3, 6), Running("app__STAGE", 2)));

            var rollback = BlueGreenPlanner.PlanRollback(plan.ToRollbackRequest(null, plan.SetAside));

            rollback.Steps.Should().Equal(
                new RenameGroupStep(new GroupRef("app__STAGE__retired-app__STAGE", "sig-app__STAGE", GroupRole.OldStage), "app__STAGE"),
                new ScaleGroupStep(new GroupRef("app__STAGE", "sig-app__STAGE", GroupRole.OldStage), null, Capacity.Exactly(2), true));
        }

        [Fact]
        public void ToRollbackRequest_WithANewGroup_IncludesEverySetAside_WithoutOne_None()
        {
            var plan = BlueGreenPlanner.Plan(Request(G("app", 1, 3, 6), Running("app__STAGE", 2)));

            plan.ToRollbackRequest("sig-new").SetAside.Should().Equal(plan.SetAside);
            plan.ToRollbackRequest(null).SetAside.Should().BeEmpty();
            BlueGreenPlanner.PlanRollback(plan.ToRollbackRequest(null)).NothingToRollBack.Should().BeTrue();
            new BlueGreenRollbackRequest(plan.Naming, null, null, [Alb]).SetAside.Should().BeEmpty();
        }

        [Fact]
        public void PlanRollback_NoOldProduction_RestoresRoutesAndRemovesNew()
        {
            var plan = BlueGreenPlanner.Plan(Request());

            var rollback = BlueGreenPlanner.PlanRollback(plan.ToRollbackRequest("sig-new"));

            rollback.Steps.Select(s => s.Kind).Should().Equal(PlanStepKind.RestoreRoutes, PlanStepKind.ScaleGroup, PlanStepKind.DeleteGroup);
        }
    }

    public class TheValidateMethod
    {
        public static TheoryData<string, BlueGreenRequest> InvalidRequests() => new()
        {
            { "AppName", new BlueGreenRequest(" ", [], CapacityRequest.SameAsRunning(), [Alb]) },
            { "Naming.StageName", Request() with { Naming = new BlueGreenNaming("app", "app") } },
            { "Capacity", new BlueGreenRequest("app", [], null!, [Alb]) },
            { "Capacity.Target", new BlueGreenRequest("app", [], CapacityRequest.Fixed(0, 0, 2), [Alb]) },
            { "LoadBalancers", new BlueGreenRequest("app", [], CapacityRequest.SameAsRunning(), []) },
            { "LoadBalancers[0].Stage", new BlueGreenRequest("app", [], CapacityRequest.SameAsRunning(), [new BlueGreenLoadBalancer(Alb.Production, Alb.Production)]) },
            { "TrafficShiftPercents[1]", Request() with { TrafficShiftPercents = [50, 40, 100] } },
        };

        [Theory]
        [MemberData(nameof(InvalidRequests))]
        public void Validate_ThrowsWhatPlanThrows(string field, BlueGreenRequest request)
        {
            var validate = () => BlueGreenPlanner.Validate(request);
            var plan = () => BlueGreenPlanner.Plan(request);

            var fromValidate = validate.Should().Throw<DeploymentValidationException>().Which;
            var fromPlan = plan.Should().Throw<DeploymentValidationException>().Which;
            fromValidate.Field.Should().Be(field);
            fromValidate.Message.Should().Be(fromPlan.Message);
        }

        [Fact]
        public void Validate_DoesNotLookAtTheGroups()
        {
            var twoProductions = Request(Running("app", 1), Running("app", 2));
            var nullGroup = Request([null!]);
            var zeroFallback = new BlueGreenRequest("app", [Running("app", 2)], CapacityRequest.SameAsRunning(Capacity.Zero), [Alb]);

            BlueGreenPlanner.Validate(twoProductions);
            BlueGreenPlanner.Validate(nullGroup);
            BlueGreenPlanner.Validate(zeroFallback);
            BlueGreenPlanner.Validate(new BlueGreenRequest("app", [], CapacityRequest.SameAsRunning(Capacity.Zero), [Alb]));
            BlueGreenPlanner.Plan(zeroFallback).PlannedCapacity.Should().Be(Capacity.Exactly(2));
            var plan = () => BlueGreenPlanner.Plan(twoProductions);
            plan.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Groups");
        }

        [Fact]
        public void Validate_ValidRequest_DoesNotThrow()
        {
            var act = () => BlueGreenPlanner.Validate(Request() with { TrafficShiftPercents = BlueGreenRequest.DefaultTrafficShift, Naming = BlueGreenNaming.Reference("app") });

            act.Should().NotThrow();
        }
    }

    public class TheRetiredName
    {
        [Theory]
        [InlineData("web__STAGE", "sig-1a2b3c", "web__STAGE__retired-1a2b3c")]
        [InlineData("web__STAGE", "1a2b3c", "web__STAGE__retired-1a2b3c")]
        [InlineData("web__STAGE", "SIG-1", "web__STAGE__retired-SIG-1")]
        [InlineData("web__STAGE", "sig-", "web__STAGE__retired-")]
        [InlineData("web__STAGE", "xsig-1", "web__STAGE__retired-xsig-1")]
        [InlineData("a", "sig-sig-2", "a__retired-sig-2")]
        public void RetiredName_IsNameRetiredAndTheIdWithoutSig(string name, string id, string expected)
        {
            BlueGreenNaming.RetiredName(name, id).Should().Be(expected);
        }

        [Fact]
        public void RetiredName_NullArguments_Throw()
        {
            var noName = () => BlueGreenNaming.RetiredName(null!, "sig-1");
            var noId = () => BlueGreenNaming.RetiredName("a", null!);

            noName.Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("groupName");
            noId.Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("groupId");
        }
    }

    public class TheNamingPresets
    {
        [Fact]
        public void Default_IsAppAndAppStage()
        {
            var naming = BlueGreenNaming.Default("web");

            naming.ProductionName.Should().Be("web");
            naming.StageName.Should().Be("web__STAGE");
            naming.RecognizedStageNames.Should().Equal("web__STAGE");
        }

        [Fact]
        public void Reference_RecognisesBothStageNames()
        {
            var naming = BlueGreenNaming.Reference("web");

            naming.StageName.Should().Be("web__STAGE__Harness");
            naming.RecognizedStageNames.Should().Equal("web__STAGE__Harness", "web__STAGE");
        }

        [Fact]
        public void Ctor_DuplicateAliases_AreListedOnce()
        {
            new BlueGreenNaming("a", "b", ["b", "c", "c"]).RecognizedStageNames.Should().Equal("b", "c");
        }

        [Fact]
        public void Presets_InvalidAppName_Throw()
        {
            var act = () => BlueGreenNaming.Default("");
            var act2 = () => BlueGreenNaming.Reference(" x");

            act.Should().Throw<DeploymentValidationException>();
            act2.Should().Throw<DeploymentValidationException>();
        }

        [Theory]
        [InlineData(-1)]
        [InlineData(101)]
        public void TrafficWeights_ForPercentOutOfRange_Throws(int percent)
        {
            var act = () => TrafficWeights.ForPercent(percent);

            act.Should().Throw<DeploymentValidationException>();
        }

        [Fact]
        public void TrafficWeights_AreWithinAlbLimits()
        {
            for (var p = 0; p <= 100; p++)
            {
                var w = TrafficWeights.ForPercent(p);
                w.NewWeight.Should().BeInRange(0, TrafficWeights.MaxWeight);
                w.OldWeight.Should().BeInRange(0, TrafficWeights.MaxWeight);
                (w.NewWeight + w.OldWeight).Should().Be(100);
            }
        }
    }
}
