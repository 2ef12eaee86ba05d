using Spot.Deploy.Planning;
using static Spot.Deploy.Planning.Tests.Groups;

namespace Spot.Deploy.Planning.Tests;

public class SetupPlannerTests
{
    private static SetupPlan Plan(params ExistingGroup[] groups) =>
        SetupPlanner.Plan(new SetupRequest("app", groups, CapacityRequest.SameAsRunning()));

    [Fact]
    public void Plan_NoRevisions_CreatesApp1WithFallback()
    {
        var plan = Plan(Running("other__4", 3), Empty("app"));

        plan.NewGroupName.Should().Be("app__1");
        plan.NewRevision.Should().Be(1);
        plan.Previous.Should().BeNull();
        plan.PlannedCapacity.Should().Be(new Capacity(1, 2, 4));
        plan.CapacitySource.Should().Be(CapacitySource.Fallback);
        plan.Steps.Should().ContainSingle().Which.Should().Be(new CreateGroupStep("app__1", Capacity.Zero));
    }

    [Fact]
    public void Plan_RevisionNumbers_SortedAsIntegersNotStrings()
    {
        var plan = Plan(Running("app__9", 2), Empty("app__10"), Running("app__2", 1));

        plan.NewGroupName.Should().Be("app__11");
        plan.Previous!.Name.Should().Be("app__9");
    }

    [Fact]
    public void Plan_NewName_NeverReusesANumberEvenWhenThatGroupIsDeleted()
    {
        // app__5 is a leftover deleted by this very setup; its number is still taken.
        var plan = Plan(Running("app__4", 2), Empty("app__5"));

        plan.LeftoversToDelete.Should().ContainSingle().Which.Name.Should().Be("app__5");
        plan.NewGroupName.Should().Be("app__6");
    }

    [Fact]
    public void PlanSetup_NewestRevisionEmpty_TakesNewestNonEmptyAsPrevious()
    {
        var plan = Plan(Running("app__1", 1), Running("app__2", 3), Empty("app__3"));

        plan.Previous.Should().Be(new RecordedGroup("sig-app__2", "app__2", new Capacity(3, 3, 3)));
    }

    [Fact]
    public void Plan_TrailingEmptyRevisions_AreLeftoversToDelete()
    {
        var plan = Plan(Running("app__1", 2), Empty("app__2"), NoCapacity("app__3"));

        Names(plan.LeftoversToDelete).Should().Equal("app__2", "app__3");
        plan.EmptyGroupsKept.Should().BeEmpty();
        plan.EmptyGroupsToDelete.Should().BeEmpty();
    }

    [Fact]
    public void Plan_NothingRunning_NoLeftoversAndRetentionApplies()
    {
        var plan = Plan(Empty("app__1"), Empty("app__2"), Empty("app__3"), Empty("app__4"), Empty("app__5"));

        plan.Previous.Should().BeNull();
        plan.LeftoversToDelete.Should().BeEmpty();
        Names(plan.EmptyGroupsKept).Should().Equal("app__3", "app__4", "app__5");
        Names(plan.EmptyGroupsToDelete).Should().Equal("app__1", "app__2");
        plan.NewGroupName.Should().Be("app__6");
    }

    [Fact]
    public void Plan_OlderRunningRevisions_AreScaledToZeroWithTheirCapacityRecorded()
    {
        var plan = Plan(G("app__1", 1, 2, 3), Empty("app__2"), G("app__3", 0, 1, 5), Running("app__4", 4));

        plan.GroupsToScaleDown.Should().Equal(
            new RecordedGroup("sig-app__1", "app__1", new Capacity(1, 2, 3)),
            new RecordedGroup("sig-app__3", "app__3", new Capacity(0, 1, 5)));
        plan.Previous!.Name.Should().Be("app__4");
    }

    [Fact]
    public void Plan_EmptyRevisions_KeepsTheKNewestAndDeletesTheRest()
    {
        var plan = Plan(Empty("app__1"), Empty("app__2"), Empty("app__3"), Empty("app__4"), Empty("app__5"), Running("app__6", 2));

        Names(plan.EmptyGroupsKept).Should().Equal("app__3", "app__4", "app__5");
        Names(plan.EmptyGroupsToDelete).Should().Equal("app__1", "app__2");
    }

    [Theory]
    [InlineData(0, new string[0], new[] { "app__1", "app__2", "app__3" })]
    [InlineData(1, new[] { "app__3" }, new[] { "app__1", "app__2" })]
    [InlineData(3, new[] { "app__1", "app__2", "app__3" }, new string[0])]
    [InlineData(10, new[] { "app__1", "app__2", "app__3" }, new string[0])]
    public void Plan_RetentionK_KeepsExactlyKNewest(int k, string[] kept, string[] deleted)
    {
        var request = new SetupRequest("app", [Empty("app__1"), Empty("app__2"), Empty("app__3"), Running("app__4", 1)], CapacityRequest.SameAsRunning())
        {
            RetainedEmptyRevisions = k,
        };

        var plan = SetupPlanner.Plan(request);

        Names(plan.EmptyGroupsKept).Should().Equal(kept);
        Names(plan.EmptyGroupsToDelete).Should().Equal(deleted);
    }

    [Fact]
    public void Plan_GroupsScaledDownByThisSetup_AreNeverDeletedByIt()
    {
        var request = new SetupRequest("app", [Running("app__1", 1), Running("app__2", 1), Running("app__3", 1)], CapacityRequest.SameAsRunning())
        {
            RetainedEmptyRevisions = 0,
        };

        var plan = SetupPlanner.Plan(request);

        Names(plan.GroupsToScaleDown).Should().Equal("app__1", "app__2");
        plan.EmptyGroupsToDelete.Should().BeEmpty();
        plan.Steps.OfType<DeleteGroupStep>().Should().BeEmpty();
    }

    [Fact]
    public void Plan_SameAsRunning_UsesThePreviousPreSetupCapacity()
    {
        var plan = Plan(G("app__3", 2, 5, 10));

        plan.PlannedCapacity.Should().Be(new Capacity(2, 5, 10));
        plan.CapacitySource.Should().Be(CapacitySource.SameAsRunning);
    }

    [Fact]
    public void Plan_SameAsRunning_KeepsTheRunningUnit()
    {
        var plan = SetupPlanner.Plan(new SetupRequest("app", [new ExistingGroup("sig-1", "app__1", new Capacity(2, 4, 8, "weight"))], CapacityRequest.SameAsRunning()));

        plan.PlannedCapacity.Unit.Should().Be("weight");
        plan.Steps[0].Should().Be(new CreateGroupStep("app__2", new Capacity(0, 0, 0, "weight")));
    }

    [Fact]
    public void Plan_SameAsRunningWithCustomFallback_UsesItOnFirstDeployment()
    {
        var plan = SetupPlanner.Plan(new SetupRequest("app", [], CapacityRequest.SameAsRunning(new Capacity(3, 3, 6))));

        plan.PlannedCapacity.Should().Be(new Capacity(3, 3, 6));
        plan.CapacitySource.Should().Be(CapacitySource.Fallback);
    }

    [Fact]
    public void Plan_Fixed_IgnoresTheRunningCapacity()
    {
        var plan = SetupPlanner.Plan(new SetupRequest("app", [Running("app__1", 7)], CapacityRequest.Fixed(10, 20, 30)));

        plan.PlannedCapacity.Should().Be(new Capacity(10, 20, 30));
        plan.CapacitySource.Should().Be(CapacitySource.Fixed);
        plan.Previous!.Capacity.Should().Be(new Capacity(7, 7, 7));
    }

    [Fact]
    public void Plan_Steps_CreateFirstThenLeftoversThenScaleDownsThenSurplus()
    {
        var plan = SetupPlanner.Plan(new SetupRequest("app",
            [Empty("app__1"), Running("app__2", 1), Empty("app__3"), Running("app__4", 3), Empty("app__5")],
            CapacityRequest.SameAsRunning())
        {
            RetainedEmptyRevisions = 1,
        });

        plan.Steps.Select(s => s.Describe()).Should().Equal(
            "create group app__6 at min 0, target 0, max 0",
            "delete group app__5 (sig-app__5, Leftover)",
            "scale group app__2 (sig-app__2, Older) from (min 1, target 1, max 1) to (min 0, target 0, max 0)",
            "delete group app__1 (sig-app__1, Surplus)");
        Names(plan.EmptyGroupsKept).Should().Equal("app__3");
    }

    [Fact]
    public void Plan_IgnoresOtherAppsAndNearMisses()
    {
        var plan = Plan(Running("app__1", 2), Empty("app__1a"), Empty("apps__9"), Empty("app__"), Running("app___7", 5), Empty("APP__8"));

        plan.NewGroupName.Should().Be("app__2");
        plan.Previous!.Name.Should().Be("app__1");
        plan.Steps.Should().ContainSingle();
    }

    [Fact]
    public void Plan_DuplicateRevisionNumber_IsRefusedNamingBothGroups()
    {
        var act = () => Plan(Running("app__3", 2), new ExistingGroup("sig-x", "app__03", new Capacity(1, 1, 1)));

        act.Should().Throw<DeploymentValidationException>()
            .Where(e => e.Field == "Groups" && e.Message.Contains("app__3") && e.Message.Contains("app__03"));
    }

    [Fact]
    public void Plan_NewestRevisionAtTheLargestNumber_IsRefused()
    {
        var act = () => Plan(Running("app__2147483646", 2));

        act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("AppName");
    }

    [Theory]
    [InlineData("")]
    [InlineData(" app")]
    public void Plan_InvalidAppName_Throws(string appName)
    {
        var act = () => SetupPlanner.Plan(new SetupRequest(appName, [], CapacityRequest.SameAsRunning()));

        act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("AppName");
    }

    [Fact]
    public void Plan_NegativeRetention_Throws()
    {
        var act = () => SetupPlanner.Plan(new SetupRequest("app", [], CapacityRequest.SameAsRunning()) { RetainedEmptyRevisions = -1 });

        act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("RetainedEmptyRevisions");
    }

    [Fact]
    public void Plan_NullCapacityRequest_Throws()
    {
        var act = () => SetupPlanner.Plan(new SetupRequest("app", [], null!));

        act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Capacity");
    }

    [Fact]
    public void Plan_NullGroupInList_ThrowsNamingItsIndex()
    {
        var act = () => SetupPlanner.Plan(new SetupRequest("app", [Running("app__1", 1), null!], CapacityRequest.SameAsRunning()));

        act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Groups[1]");
    }

    [Fact]
    public void Plan_FixedTargetZero_IsRefused()
    {
        var act = () => SetupPlanner.Plan(new SetupRequest("app", [], CapacityRequest.Fixed(0, 0, 0)));

        act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Capacity.Target");
    }

    [Fact]
    public void Plan_FallbackTargetZero_IsRefusedOnFallback()
    {
        var act = () => SetupPlanner.Plan(new SetupRequest("app", [], CapacityRequest.SameAsRunning(new Capacity(0, 0, 3))));

        act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Capacity.Fallback.Target");
    }

    [Fact]
    public void Plan_FixedInvalidNumbers_AreRefusedBeforePlanning()
    {
        var act = () => CapacityRequest.Fixed(3, 2, 4);

        act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Capacity.Target");
    }

    [Fact]
    public void Plan_GroupsAsAnyEnumerable_AreCopied()
    {
        var source = new List<ExistingGroup> { Running("app__1", 1) };
        var request = new SetupRequest("app", source.Where(_ => true), CapacityRequest.SameAsRunning());

        request.Groups.Should().HaveCount(1);
        SetupPlanner.Plan(request).NewGroupName.Should().Be("app__2");
    }

    [Fact]
    public void NewGroup_IsTheNewNameWithoutId()
    {
        Plan().NewGroup.Should().Be(new GroupRef("app__1", null, GroupRole.New));
    }

    [Fact]
    public void ToRollbackRequest_CarriesEverythingJournaled()
    {
        var plan = Plan(Running("app__1", 2), Running("app__2", 3));

        var rollback = plan.ToRollbackRequest("sig-new", restoreScaledDownGroups: true);

        rollback.NewGroupName.Should().Be("app__3");
        rollback.NewGroupId.Should().Be("sig-new");
        rollback.Previous.Should().Be(plan.Previous);
        rollback.ScaledDownGroups.Should().Equal(plan.GroupsToScaleDown);
        rollback.RestoreScaledDownGroups.Should().BeTrue();
    }

    [Fact]
    public void CapacityRequest_ToString_SaysTheMode()
    {
        CapacityRequest.Fixed(1, 2, 3).ToString().Should().Be("Fixed (min 1, target 2, max 3)");
        CapacityRequest.SameAsRunning().ToString().Should().Be("Same as running (fallback min 1, target 2, max 4)");
        CapacityRequest.SameAsRunning().Mode.Should().Be(CapacityMode.SameAsRunning);
    }
}
