using Spot.Deploy.Planning;
using static Spot.Deploy.Planning.Tests.Groups;

namespace Spot.Deploy.Planning.Tests;

/// <summary>Basic and Canary plans as the engine runs them: stages, gates, and the clean-up at the end.</summary>
public class DeploymentStagesTests
{
    private static readonly ExistingGroup[] Account =
    [
        Running("app__1", 1),      // older running: scaled to 0 in setup
        Empty("app__2"),           // history beyond K = 0: surplus, deleted in the clean-up
        G("app__3", 2, 4, 6),      // previous
        Empty("app__4"),           // leftover: deleted in the clean-up
    ];

    private static SetupPlan Setup() => SetupPlanner.Plan(new SetupRequest("app", Account, CapacityRequest.SameAsRunning()) { RetainedEmptyRevisions = 0 });

    [Fact]
    public void Canary_StagesAreSetupThenOnePerPhase_NamedAsTheEngineNamesThem()
    {
        var plan = PhasePlanner.PlanCanary(Setup(), [new CanaryPhase(PhaseStep.Percent(25)), new CanaryPhase(PhaseStep.Count(3)), new CanaryPhase(PhaseStep.Percent(100))]);

        plan.Stages.Select(s => (s.Name, s.GateBefore)).Should().Equal(
            ("setup", false), ("phase 1 of 3 (25 %)", false), ("phase 2 of 3 (3 instances)", true), ("phase 3 of 3 (100 %)", true));
    }

    [Fact]
    public void Canary_SetupStageHoldsTheCreateAndTheScaleDowns_TheDeletesAreCleanupAtTheEnd()
    {
        var plan = PhasePlanner.PlanCanary(Setup(), [new CanaryPhase(PhaseStep.Percent(50)), new CanaryPhase(PhaseStep.Percent(100))]);

        plan.Stages[0].Steps.Select(s => s.Describe()).Should().Equal(
            "create group app__5 at min 0, target 0, max 0",
            "scale group app__1 (sig-app__1, Older) from (min 1, target 1, max 1) to (min 0, target 0, max 0)");
        plan.Stages[1].Steps.Should().Equal(plan.Phases[0].Steps);
        plan.Stages[2].Steps.Select(s => s.Describe()).Should().Equal(
            "scale group app__5 (New) to (min 2, target 4, max 6), wait for steady state",
            "scale group app__3 (sig-app__3, Previous) to (min 0, target 0, max 0), wait for steady state",
            "clean-up: delete group app__4 (sig-app__4, Leftover)",
            "clean-up: delete group app__2 (sig-app__2, Surplus)");
        plan.Stages[2].Steps.TakeLast(2).Should().Equal(
            new DeleteGroupStep(new GroupRef("app__4", "sig-app__4", GroupRole.Leftover)) { IsCleanup = true },
            new DeleteGroupStep(new GroupRef("app__2", "sig-app__2", GroupRole.Surplus)) { IsCleanup = true });
    }

    [Fact]
    public void Canary_AllStepsIsTheFlatteningOfTheStages()
    {
        var plan = PhasePlanner.PlanCanary(Setup(), [new CanaryPhase(PhaseStep.Percent(50)), new CanaryPhase(PhaseStep.Percent(100))]);

        plan.AllSteps().Should().Equal(plan.Stages.SelectMany(s => s.Steps));
        plan.AllSteps().Should().HaveCount(2 + 2 + 2 + 2);
        plan.AllSteps().Where(s => s.IsCleanup).Should().HaveCount(2);
    }

    [Fact]
    public void Canary_TheSetupPlanItselfIsUnchanged()
    {
        var setup = Setup();

        PhasePlanner.PlanBasic(setup);

        setup.Steps.Select(s => s.Kind).Should().Equal(PlanStepKind.CreateGroup, PlanStepKind.DeleteGroup, PlanStepKind.ScaleGroup, PlanStepKind.DeleteGroup);
        setup.Steps.ShouldAll(s => !s.IsCleanup);
    }

    [Fact]
    public void Basic_IsSetupThenOnePhaseWithoutAGate()
    {
        var plan = PhasePlanner.PlanBasic(Setup());

        plan.Stages.Select(s => (s.Name, s.GateBefore, s.Steps.Count)).Should().Equal(("setup", false, 2), ("phase 1 of 1 (100 %)", false, 4));
    }

    [Fact]
    public void Basic_WatchedBeforeDownsize_TheNewGroupGrowsInItsPhase_ThePreviousShrinksInAGatedStageWithTheCleanup()
    {
        var plan = PhasePlanner.PlanBasic(Setup()) with { WatchBeforeDownsize = true };

        plan.Stages.Select(s => (s.Name, s.GateBefore, s.Steps.Count)).Should().Equal(
            ("setup", false, 2), ("phase 1 of 1 (100 %)", false, 1), ("downsize previous", true, 3));
        plan.Stages[1].Steps.Should().ContainSingle().Which.Should().BeOfType<ScaleGroupStep>().Which.Group.Role.Should().Be(GroupRole.New);
        plan.Stages[2].Steps[0].Should().BeOfType<ScaleGroupStep>().Which.Group.Role.Should().Be(GroupRole.Previous);
        plan.Stages[2].Steps.Skip(1).ShouldAll(s => s.IsCleanup);
        plan.AllSteps().Should().Equal(PhasePlanner.PlanBasic(Setup()).AllSteps(), "the same steps in the same order, only cut in two");
    }

    [Fact]
    public void Basic_WatchedBeforeDownsize_WithoutAPreviousGroup_StaysOneStage()
    {
        var plan = PhasePlanner.PlanBasic(SetupPlanner.Plan(new SetupRequest("app", [], CapacityRequest.Fixed(1, 2, 3)))) with { WatchBeforeDownsize = true };

        plan.Stages.Select(s => (s.Name, s.GateBefore)).Should().Equal(("setup", false), ("phase 1 of 1 (100 %)", false));
    }

    [Fact]
    public void Basic_NothingToDelete_NoCleanup()
    {
        var plan = PhasePlanner.PlanBasic(SetupPlanner.Plan(new SetupRequest("app", [Running("app__1", 2)], CapacityRequest.SameAsRunning())));

        plan.AllSteps().ShouldAll(s => !s.IsCleanup);
        plan.Stages[^1].Steps.Should().Equal(plan.Phases[0].Steps);
    }

    [Fact]
    public void NoPhases_TheCleanupStaysAtTheEndOfTheSetupStage()
    {
        var plan = new DeploymentPlan(Setup(), []);

        plan.Stages.Should().ContainSingle().Which.Steps.Select(s => (s.Kind, s.IsCleanup)).Should().Equal(
            (PlanStepKind.CreateGroup, false), (PlanStepKind.ScaleGroup, false), (PlanStepKind.DeleteGroup, true), (PlanStepKind.DeleteGroup, true));
    }
}
