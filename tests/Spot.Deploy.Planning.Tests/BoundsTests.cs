using Spot.Deploy.Planning;
using static Spot.Deploy.Planning.Tests.Groups;

namespace Spot.Deploy.Planning.Tests;

/// <summary>
/// What a plan may ask of Spot is bounded: capacities by <see cref="Capacity.MaxPlanned"/>, canary phases by
/// <see cref="PhasePlanner.MaxPhases"/>, Blue/Green traffic steps by <see cref="BlueGreenPlanner.MaxTrafficShiftPercents"/>.
/// Every refusal names its field and happens while planning, before anything changes.
/// </summary>
public class BoundsTests
{
    private const int Max = Capacity.MaxPlanned;
    private static readonly BlueGreenLoadBalancer Alb = new(new ListenerRoute("arn:l/prod"), new ListenerRoute("arn:l/stage"));

    private static DeploymentValidationException Refused(Action act, string field)
    {
        var error = act.Should().Throw<DeploymentValidationException>().Which;
        error.Field.Should().Be(field);
        return error;
    }

    [Fact]
    public void MaxPlanned_IsTenThousand()
    {
        Capacity.MaxPlanned.Should().Be(10_000);
        PhasePlanner.MaxPhases.Should().Be(20);
        BlueGreenPlanner.MaxTrafficShiftPercents.Should().Be(20);
    }

    [Fact]
    public void Fixed_TheIssuesCapacity_IsRefusedNamingTheMaximum()
    {
        // 1/2147483647/2147483647 used to be planned with 1,073,741,824 instances in a 50 % first phase.
        var error = Refused(() => CapacityRequest.Fixed(1, int.MaxValue, int.MaxValue), "Capacity.Maximum");

        error.Reason.Should().Be("The maximum (2147483647) is above 10000, the largest capacity a deployment plans.");
    }

    [Theory]
    [InlineData(0, 1, Max)]
    [InlineData(Max, Max, Max)]
    public void Fixed_UpToTheBound_IsPlanned(int min, int target, int max)
    {
        var setup = SetupPlanner.Plan(new SetupRequest("app", [], CapacityRequest.Fixed(min, target, max)));

        setup.PlannedCapacity.Should().Be(new Capacity(min, target, max));
    }

    [Theory]
    [InlineData(0, 1, Max + 1)]
    [InlineData(0, Max + 1, Max + 1)]
    [InlineData(Max + 1, Max + 1, Max + 1)]
    public void Fixed_AboveTheBound_IsRefused(int min, int target, int max)
    {
        Refused(() => CapacityRequest.Fixed(min, target, max), "Capacity.Maximum");
        Refused(() => CapacityRequest.Fixed(new Capacity(min, target, max, "weight")), "Capacity.Maximum");
    }

    [Fact]
    public void SameAsRunning_AFallbackAboveTheBound_IsRefusedWhenMade()
    {
        Refused(() => CapacityRequest.SameAsRunning(new Capacity(1, 2, Max + 1)), "Capacity.Fallback.Maximum")
            .Reason.Should().Be("The fallback's maximum (10001) is above 10000, the largest capacity a deployment plans.");
    }

    [Fact]
    public void SameAsRunning_ARunningGroupAboveTheBound_IsRefusedWithAdvice()
    {
        var groups = new[] { G("app__1", 1, 2, int.MaxValue) };

        var error = Refused(() => SetupPlanner.Plan(new SetupRequest("app", groups, CapacityRequest.SameAsRunning())), "Capacity.Maximum");

        error.Reason.Should().Be("The running group's maximum (2147483647) is above 10000, the largest capacity a deployment plans. Give a fixed capacity with a maximum of at most 10000.");
    }

    [Fact]
    public void SameAsRunning_ARunningGroupAboveTheBound_CanBeReplacedByAFixedCapacity_AndIsStillRestoredOnRollback()
    {
        var groups = new[] { G("app__1", 1, 2, 50_000), G("other__1", 0, 40_000, 40_000) };

        var setup = SetupPlanner.Plan(new SetupRequest("app", groups, CapacityRequest.Fixed(1, 2, 4)));
        var rollback = RollbackPlanner.Plan(setup.ToRollbackRequest("sig-new"));

        setup.PlannedCapacity.Should().Be(new Capacity(1, 2, 4));
        setup.Previous!.Capacity.Should().Be(new Capacity(1, 2, 50_000), "what a group reports is read as it is");
        rollback.Steps.OfType<ScaleGroupStep>().Select(s => s.To).Should().Contain(new Capacity(1, 2, 50_000), "a rollback restores exactly what was there");
    }

    [Fact]
    public void Canary_TheIssuesCapacity_NeverPlansAFirstPhaseOfABillionInstances()
    {
        Refused(() => PhasePlanner.PlanCanary(SetupPlanner.Plan(new SetupRequest("app", [G("app__1", 1, int.MaxValue, int.MaxValue)], CapacityRequest.SameAsRunning())),
            [new CanaryPhase(PhaseStep.Percent(50)), new CanaryPhase(PhaseStep.Percent(100))]), "Capacity.Maximum");
        Refused(() => PhasePlanner.PlanPhase(new PhaseRequest("app__2", new Capacity(1, int.MaxValue, int.MaxValue), null, PhaseStep.Percent(50))),
            "PlannedCapacity.Maximum");
        Refused(() => PhasePlanner.PlanPhases("app__2", new Capacity(1, 2, Max + 1), null, [new CanaryPhase(PhaseStep.Percent(100))]),
            "PlannedCapacity.Maximum");
    }

    [Fact]
    public void Canary_TwentyPhases_ArePlanned_TwentyOneAreRefused()
    {
        var setup = SetupPlanner.Plan(new SetupRequest("app", [], CapacityRequest.Fixed(0, 100, 100)));
        var twenty = Enumerable.Range(1, 20).Select(i => new CanaryPhase(PhaseStep.Percent(i * 5))).ToList();
        var twentyOne = Enumerable.Range(1, 21).Select(i => new CanaryPhase(PhaseStep.Percent(Math.Min(100, i * 5)))).ToList();

        PhasePlanner.PlanCanary(setup, twenty).Phases.Should().HaveCount(20);
        Refused(() => PhasePlanner.PlanCanary(setup, twentyOne), "Phases")
            .Reason.Should().Be("At most 20 phases are allowed (got 21): each phase is a stage with a wait and a gate.");
    }

    [Fact]
    public void Canary_TenThousandEqualPhases_AreRefusedBeforeAnyIsPlanned()
    {
        var setup = SetupPlanner.Plan(new SetupRequest("app", [], CapacityRequest.Fixed(0, 100, 100)));
        var phases = Enumerable.Repeat(new CanaryPhase(PhaseStep.Percent(1)), 9_999).Append(new CanaryPhase(PhaseStep.Percent(100))).ToList();

        Refused(() => PhasePlanner.PlanCanary(setup, phases), "Phases");
    }

    [Fact]
    public void BlueGreen_TwentyTrafficPercents_ArePlanned_TwentyOneAreRefused_ByPlanAndValidate()
    {
        var twenty = Enumerable.Range(1, 20).Select(i => i * 5).ToList();
        var twentyOne = Enumerable.Range(1, 20).Append(100).ToList();

        BlueGreenPlanner.Plan(new BlueGreenRequest("app", [], CapacityRequest.SameAsRunning(), [Alb]) { TrafficShiftPercents = twenty })
            .TrafficSteps.Should().HaveCount(19);
        var request = new BlueGreenRequest("app", [], CapacityRequest.SameAsRunning(), [Alb]) { TrafficShiftPercents = twentyOne };
        Refused(() => BlueGreenPlanner.Plan(request), "TrafficShiftPercents")
            .Reason.Should().Be("At most 20 traffic percentages are allowed, the final 100 included (got 21): each is a stage with a gate.");
        Refused(() => BlueGreenPlanner.Validate(request), "TrafficShiftPercents");
    }

    [Fact]
    public void BlueGreen_AProductionGroupAboveTheBound_IsRefusedForSameAsRunning_ButNotForAFixedCapacity()
    {
        var groups = new[] { G("app", 1, 20_000, 20_000) };

        Refused(() => BlueGreenPlanner.Plan(new BlueGreenRequest("app", groups, CapacityRequest.SameAsRunning(), [Alb])), "Capacity.Maximum");
        var plan = BlueGreenPlanner.Plan(new BlueGreenRequest("app", groups, CapacityRequest.Fixed(1, 2, 2), [Alb]) { DownsizeOldGroup = true });

        plan.PlannedCapacity.Should().Be(new Capacity(1, 2, 2));
        plan.Production!.Capacity.Should().Be(new Capacity(1, 20_000, 20_000));
    }
}
