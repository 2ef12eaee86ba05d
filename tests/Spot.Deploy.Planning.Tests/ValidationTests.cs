using Spot.Deploy.Planning;
using static Spot.Deploy.Planning.Tests.Groups;

namespace Spot.Deploy.Planning.Tests;

/// <summary>
/// Every refusal names its field and says what is wrong in words a person can act on; null
/// arguments are programming errors (ArgumentNullException), not validation errors.
/// </summary>
public class ValidationTests
{
    private static readonly BlueGreenLoadBalancer Alb = new(new ListenerRoute("arn:l/prod"), new ListenerRoute("arn:l/stage"));

    private static void Refused(Action act, string field, string reason)
    {
        var error = act.Should().Throw<DeploymentValidationException>().Which;
        error.Field.Should().Be(field);
        error.Reason.Should().Be(reason);
        error.Message.Should().Be(field + ": " + reason);
    }

    [Fact]
    public void Capacity_Messages()
    {
        Refused(() => _ = new Capacity(1, 1, 1, ""), "Capacity.Unit", "The capacity unit must not be empty.");
        Refused(() => _ = new Capacity(0, -1, 5), "Capacity.Target", "Must not be negative (was -1).");
        Refused(() => _ = new Capacity(3, 2, 5), "Capacity.Target", "The target (2) is below the minimum (3).");
        Refused(() => _ = new Capacity(1, 6, 5), "Capacity.Target", "The target (6) is above the maximum (5).");
        Refused(() => Capacity.Widen(-2, 1, 1), "Capacity.Minimum", "Must not be negative (was -2).");
    }

    [Fact]
    public void Equality_EachPartCounts()
    {
        var a = new Capacity(1, 2, 4);

        a.Should().NotBe(new Capacity(0, 2, 4));
        a.Should().NotBe(new Capacity(1, 3, 4));
        a.Should().NotBe(new Capacity(1, 2, 5));
        a.Should().NotBe(new Capacity(1, 2, 4, "weight"));
        new Capacity(2, 2, 2).Should().NotBe(new Capacity(0, 2, 3));
    }

    [Fact]
    public void AppName_Messages()
    {
        Refused(() => AppName.Validate(""), "AppName", "The app name must not be empty.");
        Refused(() => AppName.Validate(" a"), "AppName", "The app name must not start or end with white space.");
        Refused(() => AppName.Validate("a\u0001b"), "AppName", "The app name must not contain control characters.");
        Refused(() => RevisionName.Format("", 1), "AppName", "The app name must not be empty.");
        Refused(() => RevisionName.Format("a", 0), "Revision", "A revision number must be between 1 and 2147483646 (was 0).");
    }

    [Fact]
    public void Setup_Messages()
    {
        Refused(() => SetupPlanner.Plan(new SetupRequest("app", [], null!)), "Capacity", "A capacity request is required.");
        Refused(() => SetupPlanner.Plan(new SetupRequest("app", [Running("app__1", 1), null!], CapacityRequest.SameAsRunning())), "Groups[1]", "A group must not be null.");
        Refused(() => SetupPlanner.Plan(new SetupRequest("app", [Running("app__2147483646", 1)], CapacityRequest.SameAsRunning())),
            "AppName", "The newest revision app__2147483646 has the largest possible number; no new revision name is left.");
        Refused(() => SetupPlanner.Plan(new SetupRequest("app", [], CapacityRequest.Fixed(0, 0, 1))),
            "Capacity.Target", "The planned target must be at least 1: a deployment to 0 instances deploys nothing.");
        Refused(() => SetupPlanner.Plan(new SetupRequest("app", [], CapacityRequest.SameAsRunning()) { RetainedEmptyRevisions = -2 }),
            "RetainedEmptyRevisions", "Must not be negative (was -2).");
    }

    [Fact]
    public void Setup_AppNameIsCheckedBeforeTheGroups()
    {
        Refused(() => SetupPlanner.Plan(new SetupRequest(" app", [null!], CapacityRequest.SameAsRunning())),
            "AppName", "The app name must not start or end with white space.");
    }

    [Fact]
    public void Setup_RequestCopiesItsGroups()
    {
        var groups = new List<ExistingGroup> { Running("app__1", 1) };
        var request = new SetupRequest("app", groups, CapacityRequest.SameAsRunning());

        groups.Add(Running("app__9", 1));

        request.Groups.Should().ContainSingle();
        SetupPlanner.Plan(request).NewGroupName.Should().Be("app__2");
    }

    [Fact]
    public void Phase_Messages()
    {
        var planned = new Capacity(1, 10, 12);
        var previous = new RecordedGroup("sig-p", "app__1", Capacity.Exactly(4));
        Refused(() => PhasePlanner.PlanPhases("app__2", planned, null, []), "Phases", "At least one phase is required.");
        Refused(() => PhasePlanner.PlanPhases("app__2", planned, null, [null!]), "Phases[0]", "A phase must not be null.");
        Refused(() => PhasePlanner.PlanPhases("app__2", planned, null, [new CanaryPhase(null!)]), "Phases[0].Step", "A phase needs a step.");
        Refused(() => PhasePlanner.PlanPhases("app__2", planned, null, [new CanaryPhase(PhaseStep.Percent(100)), new CanaryPhase(PhaseStep.Percent(100))]),
            "Phases[1]", "Phase 1 follows the final phase 0; remove it.");
        Refused(() => PhasePlanner.PlanPhases("app__2", planned, null, [new CanaryPhase(PhaseStep.Count(13))]),
            "Phases[0].Step", "A count of 13 is above the planned maximum of 12.");
        Refused(() => PhasePlanner.PlanPhases("app__2", planned, null, [new CanaryPhase(PhaseStep.Percent(50)), new CanaryPhase(PhaseStep.Count(2)), new CanaryPhase(PhaseStep.Percent(100))]),
            "Phases[1].Step", "Phase 1 (2 instances) would shrink the new group from 5 to 2; phases must not shrink it.");
        Refused(() => PhasePlanner.PlanPhases("app__2", planned, null, [new CanaryPhase(PhaseStep.Percent(50))]),
            "Phases[0].Step", "The last phase must be final (100 %, or a count of at least the planned target) so the deployment completes.");
        Refused(() => PhasePlanner.PlanPhases("app__2", planned, previous, [new CanaryPhase(PhaseStep.Percent(10), DownsizeStep.Count(5)), new CanaryPhase(PhaseStep.Percent(100))]),
            "Phases[0].Downsize", "The previous group app__1 can keep at most its pre-setup target of 4 (asked 5).");
        Refused(() => PhasePlanner.PlanPhase(new PhaseRequest("", planned, null, PhaseStep.Percent(1))), "NewGroupName", "The new group's name is required.");
        Refused(() => PhasePlanner.PlanPhase(new PhaseRequest("app__2", planned, null, null!)), "Step", "A phase needs a step.");
        Refused(() => PhasePlanner.PlanPhase(new PhaseRequest("app__2", Capacity.Zero, null, PhaseStep.Percent(1))), "PlannedCapacity.Target", "The planned target must be at least 1.");
        Refused(() => PhaseStep.Percent(0), "Step.Percent", "A phase percentage must be between 1 and 100 (was 0).");
        Refused(() => PhaseStep.Count(0), "Step.Count", "A phase count must be at least 1 (was 0).");
        Refused(() => DownsizeStep.Percent(101), "Downsize.Percent", "A downsize percentage must be between 0 and 100 (was 101).");
        Refused(() => DownsizeStep.Count(-1), "Downsize.Count", "A downsize count must not be negative (was -1).");
    }

    [Fact]
    public void Phase_DownsizeCountEqualToPreSetup_IsAccepted()
    {
        var plan = PhasePlanner.PlanPhase(new PhaseRequest("app__2", Capacity.Exactly(10), new RecordedGroup("sig-p", "app__1", Capacity.Exactly(4)), PhaseStep.Count(1), DownsizeStep.Count(4)));

        plan.PreviousCapacity.Should().Be(Capacity.Exactly(4));
    }

    [Fact]
    public void BlueGreen_Messages()
    {
        var groups = Array.Empty<ExistingGroup>();
        var capacity = CapacityRequest.SameAsRunning();
        Refused(() => BlueGreenPlanner.Plan(new BlueGreenRequest("app", groups, null!, [Alb])), "Capacity", "A capacity request is required.");
        Refused(() => BlueGreenPlanner.Plan(new BlueGreenRequest("app", groups, capacity, [])), "LoadBalancers",
            "Blue/Green needs at least one load balancer with a production and a stage route.");
        Refused(() => BlueGreenPlanner.Plan(new BlueGreenRequest("app", groups, capacity, [null!])), "LoadBalancers[0]", "A load balancer must not be null.");
        Refused(() => BlueGreenPlanner.Plan(new BlueGreenRequest("app", groups, capacity, [new BlueGreenLoadBalancer(null!, Alb.Stage)])),
            "LoadBalancers[0].Production", "A route is required.");
        Refused(() => BlueGreenPlanner.Plan(new BlueGreenRequest("app", groups, capacity, [new BlueGreenLoadBalancer(Alb.Production, new ListenerRoute(""))])),
            "LoadBalancers[0].Stage.ListenerArn", "A listener ARN is required.");
        Refused(() => BlueGreenPlanner.Plan(new BlueGreenRequest("app", groups, capacity, [new BlueGreenLoadBalancer(Alb.Production, new ListenerRoute("arn:l", ""))])),
            "LoadBalancers[0].Stage.RuleArn", "A rule ARN must not be blank; leave it out for the default rule.");
        Refused(() => BlueGreenPlanner.Plan(new BlueGreenRequest("app", groups, capacity, [new BlueGreenLoadBalancer(Alb.Production, Alb.Production)])),
            "LoadBalancers[0].Stage", "The stage route is the production route; they must differ.");
        Refused(() => BlueGreenPlanner.Plan(new BlueGreenRequest("app", groups, capacity, [Alb]) { TrafficShiftPercents = [10, 5, 100] }),
            "TrafficShiftPercents[1]", "Traffic percentages must increase (10 then 5).");
        Refused(() => BlueGreenPlanner.Plan(new BlueGreenRequest("app", groups, capacity, [Alb]) { TrafficShiftPercents = [10, 50] }),
            "TrafficShiftPercents[1]", "The last traffic step must be 100: it is the swap.");
        Refused(() => BlueGreenPlanner.Plan(new BlueGreenRequest("app", groups, capacity, [Alb]) { TrafficShiftPercents = [0, 100] }),
            "TrafficShiftPercents[0]", "A traffic percentage must be between 1 and 100 (was 0).");
        Refused(() => BlueGreenPlanner.Plan(new BlueGreenRequest("app", [Running("app", 1), new ExistingGroup("sig-2", "app", null)], capacity, [Alb])),
            "Groups", "Two groups are named app (sig-app and sig-2); the planner will not guess which one is production.");
        Refused(() => BlueGreenPlanner.Plan(new BlueGreenRequest("app", [null!], capacity, [Alb])), "Groups[0]", "A group must not be null.");
        Refused(() => BlueGreenPlanner.Plan(new BlueGreenRequest("app", groups, capacity, [Alb]) { Naming = new BlueGreenNaming("app", "app") }),
            "Naming.StageName", "The stage name app collides with the production name; they must differ.");
        Refused(() => BlueGreenPlanner.Plan(new BlueGreenRequest("app", groups, capacity, [Alb]) { Naming = new BlueGreenNaming("app", " ") }),
            "Naming.StageName", "Stage names must not be empty.");
        Refused(() => BlueGreenPlanner.Plan(new BlueGreenRequest("app", groups, capacity, [Alb]) { Naming = new BlueGreenNaming(" app", "stage") }),
            "AppName", "The app name must not start or end with white space.");
        Refused(() => TrafficWeights.ForPercent(101), "TrafficShift", "A traffic percentage must be between 0 and 100 (was 101).");
    }

    [Fact]
    public void BlueGreen_AppNameIsCheckedEvenWithAnExplicitNaming()
    {
        Refused(() => BlueGreenPlanner.Plan(new BlueGreenRequest("", [], CapacityRequest.SameAsRunning(), [Alb]) { Naming = BlueGreenNaming.Default("app") }),
            "AppName", "The app name must not be empty.");
    }

    [Fact]
    public void BlueGreen_TrafficShiftFromOnePercent_IsAccepted()
    {
        var plan = BlueGreenPlanner.Plan(new BlueGreenRequest("app", [], CapacityRequest.SameAsRunning(), [Alb]) { TrafficShiftPercents = [1, 100] });

        plan.TrafficSteps.Should().Equal(new TrafficWeights(1, 1, 99));
    }

    [Fact]
    public void BlueGreen_RequestCopiesItsLists()
    {
        var groups = new List<ExistingGroup> { Running("app", 1) };
        var lbs = new List<BlueGreenLoadBalancer> { Alb };
        var request = new BlueGreenRequest("app", groups, CapacityRequest.SameAsRunning(), lbs);

        groups.Clear();
        lbs.Clear();

        request.Groups.Should().ContainSingle();
        request.LoadBalancers.Should().ContainSingle();
    }

    [Fact]
    public void NullArguments_AreProgrammingErrors()
    {
        var capacity = CapacityRequest.SameAsRunning();
        var naming = BlueGreenNaming.Default("app");
        var actions = new Action[]
        {
            () => SetupPlanner.Plan(null!),
            () => _ = new SetupRequest("app", null!, capacity),
            () => PhasePlanner.PlanPhase(null!),
            () => PhasePlanner.PlanCanary(null!, []),
            () => RollbackPlanner.Plan(null!),
            () => BlueGreenPlanner.Plan(null!),
            () => _ = new BlueGreenRequest("app", null!, capacity, [Alb]),
            () => _ = new BlueGreenRequest("app", [], capacity, null!),
            () => BlueGreenPlanner.PlanRollback(null!),
            () => BlueGreenPlanner.PlanRollback(new BlueGreenRollbackRequest(null!, "sig-1", null, [Alb])),
            () => BlueGreenPlanner.PlanRollback(new BlueGreenRollbackRequest(naming, "sig-1", null, null!)),
            () => BlueGreenPlanner.PlanRollback(new BlueGreenRollbackRequest(naming, "sig-1", null, [Alb]) { SetAside = null! }),
            () => BlueGreenPlanner.PlanRollback(new BlueGreenRollbackRequest(naming, null, null, [Alb]) { SetAside = null! }),
            () => BlueGreenPlanner.Validate(null!),
            () => GroupRef.Create(null!, GroupRole.New),
        };

        foreach (var act in actions)
        {
            act.Should().Throw<ArgumentNullException>();
        }
    }

    [Fact]
    public void Exception_StandardConstructors_UseTheRequestField()
    {
        var plain = new DeploymentValidationException();
        var message = new DeploymentValidationException("Bad request.");
        var inner = new InvalidOperationException("inner");
        var wrapped = new DeploymentValidationException("Bad request.", inner);

        plain.Field.Should().Be("Request");
        plain.Message.Should().Be("Request: The deployment request is invalid.");
        message.Field.Should().Be("Request");
        message.Reason.Should().Be("Bad request.");
        wrapped.Field.Should().Be("Request");
        wrapped.Reason.Should().Be("Bad request.");
        wrapped.Message.Should().Be("Request: Bad request.");
        wrapped.InnerException.Should().BeSameAs(inner);
    }

    [Fact]
    public void Exception_FieldReasonAndInner_KeepsAllThree()
    {
        var inner = new InvalidOperationException("not found");

        var error = new DeploymentValidationException("Image", "No AMI matches.", inner);

        error.Field.Should().Be("Image");
        error.Reason.Should().Be("No AMI matches.");
        error.Message.Should().Be("Image: No AMI matches.");
        error.InnerException.Should().BeSameAs(inner);
    }

    [Fact]
    public void GroupRef_Create_CopiesIdAndName()
    {
        GroupRef.Create(Running("app__3", 1), GroupRole.Older).Should().Be(new GroupRef("app__3", "sig-app__3", GroupRole.Older));
        new GroupRef("app__3", null, GroupRole.New).ToString().Should().Be("app__3 (New)");
    }
}
