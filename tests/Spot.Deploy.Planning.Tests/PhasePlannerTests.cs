using Spot.Deploy.Planning;

namespace Spot.Deploy.Planning.Tests;

public class PhasePlannerTests
{
    private static readonly Capacity Planned = new(10, 20, 30);

    private static RecordedGroup PreviousOf(int target) => new("sig-prev", "app__1", Capacity.Exactly(target));

    private static PhasePlan Phase(Capacity planned, RecordedGroup? previous, PhaseStep step, DownsizeStep? downsize = null) =>
        PhasePlanner.PlanPhase(new PhaseRequest("app__2", planned, previous, step, downsize));

    public class ThePlanPhaseMethod
    {
        // Reference case: S = 20, count 200 → final, new keeps planned (10, 20, 30), previous 0/0/0.
        [Fact]
        public void PlanPhase_CountAboveTarget_IsFinalWithPlannedCapacity()
        {
            var plan = Phase(Planned, PreviousOf(7), PhaseStep.Count(200));

            plan.IsFinal.Should().BeTrue();
            plan.NewCapacity.Should().Be(new Capacity(10, 20, 30));
            plan.PreviousCapacity.Should().Be(Capacity.Zero);
        }

        // Reference case: S = 20, 50 % → new (10, 10, 10).
        [Fact]
        public void PlanPhase_FiftyPercentOfTwenty_IsTenTenTen()
        {
            var plan = Phase(Planned, null, PhaseStep.Percent(50));

            plan.IsFinal.Should().BeFalse();
            plan.NewCapacity.Should().Be(new Capacity(10, 10, 10));
            plan.PreviousCapacity.Should().BeNull();
        }

        // Reference case: previous 100 % of 2 → (2, 2, 2).
        [Fact]
        public void PlanPhase_DownsizeHundredPercentOfTwo_KeepsTwoTwoTwo()
        {
            var plan = Phase(Planned, PreviousOf(2), PhaseStep.Percent(50), DownsizeStep.Percent(100));

            plan.PreviousCapacity.Should().Be(new Capacity(2, 2, 2));
        }

        [Theory]
        [InlineData(50, 5, 3)]   // 2.5 → 3 (banker's rounding would give 2)
        [InlineData(50, 3, 2)]   // 1.5 → 2
        [InlineData(10, 25, 3)]  // 2.5 → 3
        [InlineData(25, 7, 2)]   // 1.75 → 2
        [InlineData(30, 5, 2)]   // 1.5 → 2
        [InlineData(10, 1, 1)]   // 0.1 → 0, at least 1
        [InlineData(1, 40, 1)]   // 0.4 → 0, at least 1
        [InlineData(99, 100, 99)]
        public void PlanPhase_Percent_RoundsHalfAwayFromZeroAndKeepsAtLeastOne(int percent, int plannedTarget, int expected)
        {
            var plan = Phase(Capacity.Exactly(plannedTarget), null, PhaseStep.Percent(percent));

            plan.NewCapacity.Target.Should().Be(expected);
        }

        [Theory]
        [InlineData(3, 3)]
        [InlineData(19, 19)]
        public void PlanPhase_CountBelowTarget_IsThatCountAndNotFinal(int count, int expected)
        {
            var plan = Phase(Planned, null, PhaseStep.Count(count));

            plan.IsFinal.Should().BeFalse();
            plan.NewCapacity.Should().Be(Capacity.Exactly(expected));
        }

        [Fact]
        public void PlanPhase_CountEqualToTarget_IsFinal()
        {
            Phase(Planned, PreviousOf(3), PhaseStep.Count(20)).IsFinal.Should().BeTrue();
        }

        [Fact]
        public void PlanPhase_HundredPercent_IsFinal()
        {
            var plan = Phase(Planned, PreviousOf(3), PhaseStep.Percent(100));

            plan.IsFinal.Should().BeTrue();
            plan.NewCapacity.Should().Be(Planned);
            plan.PreviousCapacity.Should().Be(Capacity.Zero);
        }

        [Theory]
        [InlineData(10, 8, 2)]
        [InlineData(10, 10, 0)]
        [InlineData(4, 10, 0)]
        public void PlanPhase_NoDownsize_PreviousShrinksByTheNewTarget(int preSetup, int count, int expected)
        {
            var plan = Phase(Capacity.Exactly(20), PreviousOf(preSetup), PhaseStep.Count(count));

            plan.PreviousCapacity.Should().Be(Capacity.Exactly(expected));
        }

        [Theory]
        [InlineData(50, 5, 3)]
        [InlineData(0, 5, 0)]
        [InlineData(100, 5, 5)]
        [InlineData(33, 10, 3)]
        public void PlanPhase_DownsizePercent_KeepsThatShareOfPreSetup(int percent, int preSetup, int expected)
        {
            var plan = Phase(Capacity.Exactly(20), PreviousOf(preSetup), PhaseStep.Count(1), DownsizeStep.Percent(percent));

            plan.PreviousCapacity.Should().Be(Capacity.Exactly(expected));
        }

        [Fact]
        public void PlanPhase_DownsizeCount_KeepsThatCount()
        {
            Phase(Planned, PreviousOf(5), PhaseStep.Count(1), DownsizeStep.Count(4)).PreviousCapacity.Should().Be(Capacity.Exactly(4));
        }

        [Fact]
        public void PlanPhase_DownsizeCountAbovePreSetup_IsRefused()
        {
            var act = () => Phase(Planned, PreviousOf(5), PhaseStep.Count(1), DownsizeStep.Count(6));

            act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Downsize");
        }

        [Fact]
        public void PlanPhase_DownsizeOnFinalPhase_StillLeavesPreviousAtZero()
        {
            Phase(Planned, PreviousOf(5), PhaseStep.Percent(100), DownsizeStep.Count(5)).PreviousCapacity.Should().Be(Capacity.Zero);
        }

        [Fact]
        public void PlanPhase_DownsizeWithoutPrevious_IsIgnored()
        {
            var plan = Phase(Planned, null, PhaseStep.Percent(50), DownsizeStep.Count(3));

            plan.PreviousCapacity.Should().BeNull();
            plan.Steps.Should().ContainSingle();
        }

        [Fact]
        public void PlanPhase_KeepsTheUnitOfEachGroup()
        {
            var plan = PhasePlanner.PlanPhase(new PhaseRequest("app__2", new Capacity(1, 4, 8, "weight"),
                new RecordedGroup("sig-1", "app__1", new Capacity(2, 2, 2, "weight")), PhaseStep.Percent(50)));

            plan.NewCapacity.Should().Be(new Capacity(2, 2, 2, "weight"));
            plan.PreviousCapacity.Should().Be(new Capacity(0, 0, 0, "weight"));
        }

        [Fact]
        public void PlanPhase_Steps_ScaleNewAndWaitThenPreviousAndWait()
        {
            var plan = Phase(Planned, PreviousOf(6), PhaseStep.Percent(25));

            plan.Steps.Should().Equal(
                new ScaleGroupStep(new GroupRef("app__2", null, GroupRole.New), null, Capacity.Exactly(5), true),
                new ScaleGroupStep(new GroupRef("app__1", "sig-prev", GroupRole.Previous), null, Capacity.Exactly(1), true));
        }

        [Fact]
        public void PlanPhase_PlannedTargetZero_IsRefused()
        {
            var act = () => Phase(Capacity.Zero, null, PhaseStep.Percent(50));

            act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("PlannedCapacity.Target");
        }

        [Fact]
        public void PlanPhase_MissingNameOrStep_IsRefused()
        {
            var noName = () => PhasePlanner.PlanPhase(new PhaseRequest("", Planned, null, PhaseStep.Percent(1)));
            var noStep = () => PhasePlanner.PlanPhase(new PhaseRequest("app__2", Planned, null, null!));

            noName.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("NewGroupName");
            noStep.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Step");
        }
    }

    public class TheStepFactories
    {
        [Theory]
        [InlineData(0)]
        [InlineData(-5)]
        [InlineData(101)]
        public void Percent_OutsideOneToHundred_IsRefused(int percent)
        {
            var act = () => PhaseStep.Percent(percent);

            act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Step.Percent");
        }

        [Theory]
        [InlineData(0)]
        [InlineData(-1)]
        public void Count_BelowOne_IsRefused(int count)
        {
            var act = () => PhaseStep.Count(count);

            act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Step.Count");
        }

        [Theory]
        [InlineData(-1)]
        [InlineData(101)]
        public void DownsizePercent_OutsideZeroToHundred_IsRefused(int percent)
        {
            var act = () => DownsizeStep.Percent(percent);

            act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Downsize.Percent");
        }

        [Fact]
        public void DownsizeCount_Negative_IsRefused()
        {
            var act = () => DownsizeStep.Count(-1);

            act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Downsize.Count");
        }

        [Fact]
        public void Steps_DescribeThemselves()
        {
            PhaseStep.Percent(25).ToString().Should().Be("25 %");
            PhaseStep.Count(3).ToString().Should().Be("3 instances");
            DownsizeStep.Percent(50).ToString().Should().Be("keep 50 %");
            DownsizeStep.Count(0).ToString().Should().Be("keep 0 instances");
            PhaseStep.Count(3).Should().Be(PhaseStep.Count(3)).And.NotBe(PhaseStep.Percent(3));
        }
    }

    public class ThePercentOfMethod
    {
        [Theory]
        [InlineData(50, 5, 3)]
        [InlineData(50, 1, 1)]
        [InlineData(49, 1, 0)]
        [InlineData(100, 2147483647, 2147483647)]
        [InlineData(0, 10, 0)]
        public void PercentOf_IsExactHalfAwayFromZero(int percent, int total, int expected)
        {
            PhasePlanner.PercentOf(percent, total).Should().Be(expected);
        }

        [Fact]
        public void PercentOf_AgreesWithDecimalAwayFromZeroEverywhere()
        {
            for (var total = 0; total <= 300; total++)
            {
                for (var percent = 0; percent <= 100; percent++)
                {
                    var expected = (int)Math.Round(percent * (decimal)total / 100m, MidpointRounding.AwayFromZero);
                    PhasePlanner.PercentOf(percent, total).Should().Be(expected, "{0} % of {1}", percent, total);
                }
            }
        }

        [Fact]
        public void PercentOf_Negative_Throws()
        {
            var act = () => PhasePlanner.PercentOf(-1, 1);
            var act2 = () => PhasePlanner.PercentOf(1, -1);

            act.Should().Throw<ArgumentOutOfRangeException>();
            act2.Should().Throw<ArgumentOutOfRangeException>();
        }
    }

    public class ThePlanPhasesMethod
    {
        private static IReadOnlyList<PhasePlan> Phases(Capacity planned, RecordedGroup? previous, params CanaryPhase[] phases) =>
            PhasePlanner.PlanPhases("app__2", planned, previous, phases);

        [Fact]
        public void PlanPhases_TwentyFiveFiftyHundred_GrowsNewAndShrinksPrevious()
        {
            var plans = Phases(new Capacity(2, 8, 12), PreviousOf(8),
                new CanaryPhase(PhaseStep.Percent(25)), new CanaryPhase(PhaseStep.Percent(50)), new CanaryPhase(PhaseStep.Percent(100)));

            plans.Select(p => p.NewCapacity).Should().Equal(Capacity.Exactly(2), Capacity.Exactly(4), new Capacity(2, 8, 12));
            plans.Select(p => p.PreviousCapacity).Should().Equal(Capacity.Exactly(6), Capacity.Exactly(4), Capacity.Zero);
            plans.Select(p => p.IsFinal).Should().Equal(false, false, true);
        }

        [Fact]
        public void PlanPhases_Empty_IsRefused()
        {
            var act = () => Phases(Planned, null);

            act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Phases");
        }

        [Fact]
        public void PlanPhases_CountAbovePlannedMaximum_IsRefused()
        {
            var act = () => Phases(Planned, null, new CanaryPhase(PhaseStep.Count(31)));

            act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Phases[0].Step");
        }

        [Fact]
        public void PlanPhases_CountAtPlannedMaximum_IsAccepted()
        {
            Phases(Planned, null, new CanaryPhase(PhaseStep.Count(30))).Should().ContainSingle().Which.IsFinal.Should().BeTrue();
        }

        [Fact]
        public void PlanPhases_ShrinkingTheNewGroup_IsRefused()
        {
            var act = () => Phases(Planned, null, new CanaryPhase(PhaseStep.Percent(50)), new CanaryPhase(PhaseStep.Count(3)), new CanaryPhase(PhaseStep.Percent(100)));

            act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Phases[1].Step");
        }

        [Fact]
        public void PlanPhases_SameSizeTwice_IsAccepted()
        {
            Phases(Planned, null, new CanaryPhase(PhaseStep.Percent(50)), new CanaryPhase(PhaseStep.Count(10)), new CanaryPhase(PhaseStep.Percent(100)))
                .Should().HaveCount(3);
        }

        [Fact]
        public void PlanPhases_PhaseAfterFinal_IsRefused()
        {
            var act = () => Phases(Planned, null, new CanaryPhase(PhaseStep.Percent(100)), new CanaryPhase(PhaseStep.Percent(100)));

            act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Phases[1]");
        }

        [Fact]
        public void PlanPhases_LastNotFinal_IsRefused()
        {
            var act = () => Phases(Planned, null, new CanaryPhase(PhaseStep.Percent(25)), new CanaryPhase(PhaseStep.Percent(50)));

            act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Phases[1].Step");
        }

        [Fact]
        public void PlanPhases_NullPhaseOrStep_IsRefused()
        {
            var nullPhase = () => Phases(Planned, null, new CanaryPhase[] { null! });
            var nullStep = () => Phases(Planned, null, new CanaryPhase(null!));

            nullPhase.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Phases[0]");
            nullStep.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Phases[0].Step");
        }

        [Fact]
        public void PlanPhases_DownsizeCountAbovePreSetup_NamesThePhase()
        {
            var act = () => Phases(Planned, PreviousOf(2), new CanaryPhase(PhaseStep.Percent(10), DownsizeStep.Count(3)), new CanaryPhase(PhaseStep.Percent(100)));

            act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Phases[0].Downsize");
        }

        [Fact]
        public void PlanBasic_IsOneFinalPhase()
        {
            var setup = SetupPlanner.Plan(new SetupRequest("app", [new ExistingGroup("sig-1", "app__1", new Capacity(1, 3, 5))], CapacityRequest.SameAsRunning()));

            var plan = PhasePlanner.PlanBasic(setup);

            plan.Phases.Should().ContainSingle().Which.IsFinal.Should().BeTrue();
            plan.Phases[0].NewCapacity.Should().Be(new Capacity(1, 3, 5));
            plan.AllSteps().Select(s => s.Describe()).Should().Equal(
                "create group app__2 at min 0, target 0, max 0",
                "scale group app__2 (New) to (min 1, target 3, max 5), wait for steady state",
                "scale group app__1 (sig-1, Previous) to (min 0, target 0, max 0), wait for steady state");
        }

        [Fact]
        public void PlanCanary_UsesTheSetupsNumbers()
        {
            var setup = SetupPlanner.Plan(new SetupRequest("app", [new ExistingGroup("sig-1", "app__4", Capacity.Exactly(4))], CapacityRequest.Fixed(2, 8, 10)));

            var plan = PhasePlanner.PlanCanary(setup, [new CanaryPhase(PhaseStep.Count(2)), new CanaryPhase(PhaseStep.Percent(100))]);

            plan.Setup.Should().BeSameAs(setup);
            plan.Phases[0].NewCapacity.Should().Be(Capacity.Exactly(2));
            plan.Phases[0].PreviousCapacity.Should().Be(Capacity.Exactly(2));
            plan.Phases[1].NewCapacity.Should().Be(new Capacity(2, 8, 10));
        }
    }
}

/// <summary>The plan says when consecutive phases give the new group the same target, with the target of every phase.</summary>
public class PhaseWarningTests
{
    private static DeploymentPlan Plan(int target, params int[] percents)
    {
        var setup = SetupPlanner.Plan(new SetupRequest("web", [], CapacityRequest.Fixed(target, target, target * 2)));
        return PhasePlanner.PlanCanary(setup, [.. percents.Select(p => new CanaryPhase(PhaseStep.Percent(p)))]);
    }

    [Fact]
    public void TwoInstances_25And50BothGiveOne_WarnsWithEveryPhasesTarget()
    {
        var warnings = Plan(2, 25, 50, 100).Warnings;

        warnings.Should().ContainSingle().Which.Should().Be(
            "phases 1 (25 %) and 2 (50 %) both give the new group a target of 1 of 2 (instances): phase 2 changes nothing (targets: phase 1 (25 %) → 1, phase 2 (50 %) → 1, phase 3 (100 %) → 2).");
    }

    [Fact]
    public void TenInstances_EveryPhaseChangesSomething_NoWarning() =>
        Plan(10, 25, 50, 100).Warnings.Should().BeEmpty();
}
