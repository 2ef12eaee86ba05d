using Spot.Deploy.Planning;
using static Spot.Deploy.Planning.Tests.Groups;

namespace Spot.Deploy.Planning.Tests;

/// <summary>A running group named exactly like the app (how groups are named before revisions) is refused, or adopted as revision 0.</summary>
public class UnversionedGroupTests
{
    private static SetupPlan Plan(bool adopt, params ExistingGroup[] groups) =>
        SetupPlanner.Plan(new SetupRequest("app", groups, CapacityRequest.SameAsRunning()) { AdoptUnversionedGroup = adopt });

    [Fact]
    public void Running_NotAdopted_IsRefusedNamingTheGroupAndTheChoices()
    {
        var act = () => Plan(false, Running("app", 2));

        var refused = act.Should().Throw<DeploymentValidationException>().Which;
        refused.Field.Should().Be("AdoptUnversionedGroup");
        refused.Message.Should().Contain("app (sig-app").And.Contain("rename it to app__0").And.Contain("--adopt").And.Contain("second fleet");
    }

    [Fact]
    public void Running_BesideRevisions_NotAdopted_IsRefusedToo()
    {
        var act = () => Plan(false, Running("app", 2), Running("app__3", 4));

        act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("AdoptUnversionedGroup");
    }

    [Fact]
    public void Adopted_Alone_IsThePreviousRevision_DownsizedByThePhases()
    {
        var plan = Plan(true, Running("app", 2));
        var canary = PhasePlanner.PlanCanary(plan, [new CanaryPhase(PhaseStep.Percent(50)), new CanaryPhase(PhaseStep.Percent(100))]);

        plan.NewGroupName.Should().Be("app__1");
        plan.Previous.Should().Be(new RecordedGroup("sig-app", "app", new Capacity(2, 2, 2)));
        plan.PlannedCapacity.Should().Be(new Capacity(2, 2, 2));
        plan.CapacitySource.Should().Be(CapacitySource.SameAsRunning);
        canary.AllSteps().OfType<ScaleGroupStep>().Where(s => s.Group.Name == "app").Select(s => s.To.Target).Should().Equal(1, 0);
        canary.AllSteps().OfType<DeleteGroupStep>().Should().NotContain(d => d.Group.Name == "app", "an adopted group is kept");
    }

    [Fact]
    public void Adopted_BesideANewerRunningRevision_IsAnOlderRevision_ScaledToZeroAndRestoredByARollback()
    {
        var plan = Plan(true, Running("app", 2), Running("app__3", 4));
        var rollback = RollbackPlanner.Plan(plan.ToRollbackRequest("sig-new", restoreScaledDownGroups: true));

        plan.NewGroupName.Should().Be("app__4");
        plan.Previous!.Name.Should().Be("app__3");
        plan.GroupsToScaleDown.Should().ContainSingle().Which.Name.Should().Be("app");
        rollback.Steps.OfType<ScaleGroupStep>().Should().Contain(s => s.Group.Name == "app" && s.To == new Capacity(2, 2, 2));
    }

    [Fact]
    public void Empty_GroupNamedLikeTheApp_IsNeitherRefusedNorTouched()
    {
        var plan = Plan(false, Empty("app"), Running("app__2", 3));

        plan.Previous!.Name.Should().Be("app__2");
        plan.Steps.Should().NotContain(s => s.ToString().Contains("app (", StringComparison.Ordinal));
    }

    [Fact]
    public void Adopt_WithNothingToAdopt_ChangesNothing()
    {
        var adopted = Plan(true, Running("app__2", 3), Empty("app__1"));
        var plain = Plan(false, Running("app__2", 3), Empty("app__1"));

        adopted.Steps.Should().Equal(plain.Steps);
        adopted.NewGroupName.Should().Be(plain.NewGroupName);
    }

    [Fact]
    public void TwoRunningGroupsNamedLikeTheApp_AreRefusedEvenWhenAdopting()
    {
        var act = () => Plan(true, Running("app", 2), new ExistingGroup("sig-other", "app", new Capacity(1, 1, 1)));

        act.Should().Throw<DeploymentValidationException>().Which.Message.Should().Contain("2 running groups are named exactly app");
    }
}
