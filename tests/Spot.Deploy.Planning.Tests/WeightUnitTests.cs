using Spot.Deploy.Planning;

namespace Spot.Deploy.Planning.Tests;

/// <summary>Capacity in weight units (<c>capacity.unit: "weight"</c>): every number of a plan is in weight units.</summary>
public class WeightUnitTests
{
    private const string Weight = InstanceWeights.WeightUnit;

    // c5.large counts 2, c5.xlarge 4: the smallest instance adds 2 weight units.
    private static readonly InstanceWeights LargeAndXLarge = InstanceWeights.Create(
        Weight, ["c5.large", "c5.xlarge"], new Dictionary<string, int> { ["c5.large"] = 2, ["c5.xlarge"] = 4 });

    private static ExistingGroup Running(string name, int target, string unit = Weight) =>
        new("sig-" + name.Replace("_", string.Empty, StringComparison.Ordinal), name, new Capacity(target, target, target, unit));

    public class TheCreateMethod
    {
        [Fact]
        public void Create_InstanceUnitOrNone_IsInstancesWhateverTheWeights()
        {
            InstanceWeights.Create(null, ["m5.large"], null).Should().BeSameAs(InstanceWeights.Instances);
            InstanceWeights.Create("instance", ["m5.large"], new Dictionary<string, int> { ["m5.large"] = 8 }).SmallestWeight.Should().Be(1);
        }

        [Fact]
        public void Create_WeightUnit_KeepsTheWeightsAndTheSmallest()
        {
            LargeAndXLarge.IsWeighted.Should().BeTrue();
            LargeAndXLarge.SmallestWeight.Should().Be(2);
            LargeAndXLarge.Weights.Should().Equal(new Dictionary<string, int> { ["c5.large"] = 2, ["c5.xlarge"] = 4 });
        }

        [Fact]
        public void Create_WeightUnitWithoutWeights_IsRefusedNamingTheField()
        {
            var act = () => InstanceWeights.Create(Weight, ["c5.large"], null);

            act.Should().Throw<DeploymentValidationException>()
                .Where(e => e.Field == "Document.compute.instanceTypes.weights" && e.Message.Contains("no compute.instanceTypes.weights", StringComparison.Ordinal));
        }

        [Fact]
        public void Create_ATypeWithoutWeight_IsRefusedNamingTheType()
        {
            var act = () => InstanceWeights.Create(Weight, ["c5.large", "m5.large"], new Dictionary<string, int> { ["c5.large"] = 2 });

            act.Should().Throw<DeploymentValidationException>()
                .Where(e => e.Field == "Document.compute.instanceTypes.weights" && e.Message.Contains("m5.large", StringComparison.Ordinal));
        }

        [Theory]
        [InlineData(0)]
        [InlineData(-3)]
        public void Create_AWeightBelowOne_IsRefused(int weight)
        {
            var act = () => InstanceWeights.Create(Weight, ["c5.large"], new Dictionary<string, int> { ["c5.large"] = weight });

            act.Should().Throw<DeploymentValidationException>().Where(e => e.Field == "Document.compute.instanceTypes.weights");
        }

        [Fact]
        public void Create_AnUnknownUnit_IsRefused()
        {
            var act = () => InstanceWeights.Create("vcpu", [], null);

            act.Should().Throw<DeploymentValidationException>().Where(e => e.Field == "Document.capacity.unit");
        }
    }

    public class ThePhases
    {
        private static readonly Capacity Planned = new(4, 8, 16, Weight);

        private static PhasePlan Phase(PhaseStep step, RecordedGroup? previous = null, DownsizeStep? downsize = null, InstanceWeights? weights = null) =>
            PhasePlanner.PlanPhase(new PhaseRequest("app__2", Planned, previous, step, downsize) { Weights = weights ?? LargeAndXLarge });

        [Theory]
        [InlineData(50, 4)]  // 50 % of 8 weight units
        [InlineData(25, 2)]  // exactly the smallest weight
        [InlineData(10, 2)]  // 0.8 → 1, raised to the smallest weight: one instance's worth
        [InlineData(1, 2)]
        [InlineData(30, 2)]  // 2.4 → 2
        [InlineData(40, 3)]  // 3.2 → 3: Spot launches two c5.large (4) for it; the steady state counts ≥ 3
        public void PlanPhase_Percent_IsAPercentOfTheWeightedTargetAndAtLeastTheSmallestWeight(int percent, int expected)
        {
            var plan = Phase(PhaseStep.Percent(percent));

            plan.NewCapacity.Should().Be(new Capacity(expected, expected, expected, Weight));
        }

        [Fact]
        public void PlanPhase_SmallestWeightAboveThePlannedTarget_NeverAsksMoreThanTheTarget()
        {
            var heavy = InstanceWeights.Create(Weight, ["c5.4xlarge"], new Dictionary<string, int> { ["c5.4xlarge"] = 16 });

            Phase(PhaseStep.Percent(10), weights: heavy).NewCapacity.Target.Should().Be(8);
        }

        [Fact]
        public void PlanPhase_CountBelowTheSmallestWeight_IsRefused()
        {
            var act = () => Phase(PhaseStep.Count(1));

            act.Should().Throw<DeploymentValidationException>()
                .Where(e => e.Field == "Step" && e.Message.Contains("smallest instance weight (2)", StringComparison.Ordinal));
        }

        [Fact]
        public void PlanPhase_CountInWeightUnits_IsTakenAsIs()
        {
            Phase(PhaseStep.Count(6)).NewCapacity.Should().Be(Capacity.Widen(6, 6, 6, Weight));
        }

        [Fact]
        public void PlanPhase_InverseProportion_SubtractsWeightUnits()
        {
            // P = 12 weight units (e.g. three c5.xlarge); the new group grows to 4 weight units → the previous keeps 8.
            var previous = new RecordedGroup("sig-1", "app__1", new Capacity(12, 12, 12, Weight));

            var plan = Phase(PhaseStep.Percent(50), previous);

            plan.PreviousCapacity.Should().Be(new Capacity(8, 8, 8, Weight));
        }

        [Fact]
        public void PlanPhase_PreviousInInstancesWithoutDownsize_IsRefused()
        {
            var previous = new RecordedGroup("sig-1", "app__1", Capacity.Exactly(3));

            var act = () => Phase(PhaseStep.Percent(50), previous);

            act.Should().Throw<DeploymentValidationException>()
                .Where(e => e.Field == "Downsize" && e.Message.Contains("explicit downsize", StringComparison.Ordinal));
        }

        [Fact]
        public void PlanPhase_PreviousInInstancesWithPercentDownsize_KeepsItsOwnUnit()
        {
            var previous = new RecordedGroup("sig-1", "app__1", Capacity.Exactly(4));

            var plan = Phase(PhaseStep.Percent(50), previous, DownsizeStep.Percent(50));

            plan.PreviousCapacity.Should().Be(Capacity.Exactly(2));
        }

        [Fact]
        public void PlanPhases_CountBelowSmallestWeight_NamesThePhase()
        {
            var act = () => PhasePlanner.PlanPhases("app__2", Planned, null, [new CanaryPhase(PhaseStep.Count(1)), new CanaryPhase(PhaseStep.Percent(100))], LargeAndXLarge);

            act.Should().Throw<DeploymentValidationException>().Where(e => e.Field == "Phases[0].Step");
        }
    }

    public class TheSetupAndCanary
    {
        [Fact]
        public void PlanCanary_WeightDocument_PlansEveryNumberInWeightUnitsAndSaysSo()
        {
            // A running app__1 of 12 weight units; a canary at 25 %, 50 %, 100 % of the same capacity.
            var setup = SetupPlanner.Plan(new SetupRequest("app", [Running("app__1", 12)], CapacityRequest.SameAsRunning()) { Weights = LargeAndXLarge });

            var plan = PhasePlanner.PlanCanary(setup, [new CanaryPhase(PhaseStep.Percent(25)), new CanaryPhase(PhaseStep.Count(6)), new CanaryPhase(PhaseStep.Percent(100))]);

            setup.PlannedCapacity.Should().Be(new Capacity(12, 12, 12, Weight));
            plan.Phases.Select(p => (p.NewCapacity.Target, p.PreviousCapacity!.Value.Target)).Should().Equal((3, 9), (6, 6), (12, 0));
            plan.Stages.Select(s => s.Name).Should().Equal("setup", "phase 1 of 3 (25 %)", "phase 2 of 3 (6 weight units)", "phase 3 of 3 (100 %)");
            plan.Phases[0].NewCapacity.ToString().Should().Be("min 3, target 3, max 3 (weight)");
        }

        [Fact]
        public void Plan_FixedCapacity_TakesTheDocumentsUnit()
        {
            var setup = SetupPlanner.Plan(new SetupRequest("app", [], CapacityRequest.Fixed(2, 8, 16)) { Weights = LargeAndXLarge });

            setup.PlannedCapacity.Should().Be(new Capacity(2, 8, 16, Weight));
            setup.Steps[0].Should().BeOfType<CreateGroupStep>().Which.Capacity.Should().Be(new Capacity(0, 0, 0, Weight));
        }

        [Fact]
        public void Plan_SameAsRunningFromAGroupInAnotherUnit_IsRefused()
        {
            var request = new SetupRequest("app", [Running("app__1", 3, Capacity.InstanceUnit)], CapacityRequest.SameAsRunning()) { Weights = LargeAndXLarge };

            var act = () => SetupPlanner.Plan(request);

            act.Should().Throw<DeploymentValidationException>()
                .Where(e => e.Field == "Capacity" && e.Message.Contains("app__1", StringComparison.Ordinal) && e.Message.Contains("fixed capacity in weight units", StringComparison.Ordinal));
        }

        [Fact]
        public void Plan_FixedCapacityInWeightForAnInstanceDocument_IsRefused()
        {
            var request = new SetupRequest("app", [], CapacityRequest.Fixed(new Capacity(1, 2, 4, Weight))) { Weights = InstanceWeights.Instances };

            var act = () => SetupPlanner.Plan(request);

            act.Should().Throw<DeploymentValidationException>().Where(e => e.Field == "Capacity.Unit");
        }

        [Fact]
        public void BlueGreenPlan_WeightDocument_PlansTheStageInWeightUnits()
        {
            var routes = new BlueGreenLoadBalancer(new ListenerRoute("arn:listener/prod"), new ListenerRoute("arn:listener/stage"));
            var request = new BlueGreenRequest("app", [Running("app", 12)], CapacityRequest.SameAsRunning(), [routes]) { Weights = LargeAndXLarge };

            var plan = BlueGreenPlanner.Plan(request);

            plan.PlannedCapacity.Should().Be(new Capacity(12, 12, 12, Weight));
        }
    }
}
