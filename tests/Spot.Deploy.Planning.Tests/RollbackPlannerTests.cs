using Spot.Deploy.Planning;

namespace Spot.Deploy.Planning.Tests;

public class RollbackPlannerTests
{
    private static readonly RecordedGroup Previous = new("sig-prev", "app__4", new Capacity(2, 5, 8));
    private static readonly RecordedGroup[] Older = [new("sig-1", "app__1", new Capacity(1, 1, 2)), new("sig-2", "app__2", Capacity.Exactly(3))];

    [Fact]
    public void Plan_NewGroupNeverCreated_NothingToRollBack()
    {
        var plan = RollbackPlanner.Plan(new RollbackRequest("app__5", null, Previous, Older) { RestoreScaledDownGroups = true });

        plan.NothingToRollBack.Should().BeTrue();
        plan.Steps.Should().BeEmpty();
    }

    [Fact]
    public void Plan_Default_RestoresPreviousThenRemovesNew()
    {
        var plan = RollbackPlanner.Plan(new RollbackRequest("app__5", "sig-new", Previous, Older));

        plan.NothingToRollBack.Should().BeFalse();
        plan.Steps.Should().Equal(
            new ScaleGroupStep(new GroupRef("app__4", "sig-prev", GroupRole.Previous), null, new Capacity(2, 5, 8), true),
            new ScaleGroupStep(new GroupRef("app__5", "sig-new", GroupRole.New), null, Capacity.Zero, true),
            new DeleteGroupStep(new GroupRef("app__5", "sig-new", GroupRole.New)));
    }

    [Fact]
    public void Plan_RestoreScaledDown_BringsOlderGroupsBackBeforeRemovingNew()
    {
        var plan = RollbackPlanner.Plan(new RollbackRequest("app__5", "sig-new", Previous, Older) { RestoreScaledDownGroups = true });

        plan.Steps.Select(s => s.Describe()).Should().Equal(
            "scale group app__4 (sig-prev, Previous) to (min 2, target 5, max 8), wait for steady state",
            "scale group app__1 (sig-1, Older) to (min 1, target 1, max 2), wait for steady state",
            "scale group app__2 (sig-2, Older) to (min 3, target 3, max 3), wait for steady state",
            "scale group app__5 (sig-new, New) to (min 0, target 0, max 0), wait for steady state",
            "delete group app__5 (sig-new, New)");
    }

    [Fact]
    public void Plan_FirstDeployment_OnlyRemovesNew()
    {
        var plan = RollbackPlanner.Plan(new RollbackRequest("app__1", "sig-new", null, []));

        plan.Steps.Should().HaveCount(2);
        plan.Steps[0].Should().BeOfType<ScaleGroupStep>().Which.To.Should().Be(Capacity.Zero);
        plan.Steps[1].Should().BeOfType<DeleteGroupStep>();
    }

    [Fact]
    public void Plan_FromASetupPlan_RestoresExactlyTheJournaledCapacities()
    {
        var setup = SetupPlanner.Plan(new SetupRequest("app",
            [new ExistingGroup("a", "app__1", new Capacity(0, 2, 9)), new ExistingGroup("b", "app__2", new Capacity(3, 4, 5))],
            CapacityRequest.Fixed(1, 1, 1)));

        var plan = RollbackPlanner.Plan(setup.ToRollbackRequest("sig-new", restoreScaledDownGroups: true));

        var restored = plan.Steps.OfType<ScaleGroupStep>().Where(s => s.Group.Role != GroupRole.New).ToDictionary(s => s.Group.Id!, s => s.To);
        restored.Should().BeEquivalentTo(new Dictionary<string, Capacity> { ["a"] = new Capacity(0, 2, 9), ["b"] = new Capacity(3, 4, 5) });
    }

    [Fact]
    public void Plan_Null_Throws()
    {
        var act = () => RollbackPlanner.Plan(null!);

        act.Should().Throw<ArgumentNullException>();
    }
}
