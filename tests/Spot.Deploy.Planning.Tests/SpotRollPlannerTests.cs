using Spot.Deploy.Planning;

namespace Spot.Deploy.Planning.Tests;

public class SpotRollPlannerTests
{
    private static readonly GroupRef Web = new("web", "sig-1", GroupRole.Rolled);

    private static SpotRollRequest Request(int target = 3) => new("web", "sig-1", "web", ["ami-a"], false, "ami-b", target);

    private static SpotRollRequest ListRequest() => new("web", "sig-1", "web", ["ami-a", "ami-c", "ami-d"], true, "ami-b", 3);

    private static void Refused(Func<object> act, string field, string reason)
    {
        var error = act.Should().Throw<DeploymentValidationException>().Which;
        error.Field.Should().Be(field);
        error.Reason.Should().Be(reason);
    }

    public class ThePlanMethod
    {
        [Fact]
        public void Plan_SetsTheImageThenRolls_InOneStageWithoutAGate()
        {
            var plan = SpotRollPlanner.Plan(Request());

            plan.Group.Should().Be(Web);
            plan.Stages.Should().ContainSingle().Which.Should().Match<PlanStage>(s => s.Name == "roll" && !s.GateBefore);
            plan.Steps.Should().Equal(plan.Stages[0].Steps);
            plan.Steps.Select(s => s.Describe()).Should().Equal(
                "set the image of web (sig-1) from ami-a to ami-b",
                "roll web (sig-1): 3 instance(s) in batches of 20 %, grace period 600 s, wait until finished");
            plan.Steps.Select(s => s.Kind).Should().Equal(PlanStepKind.SetImage, PlanStepKind.RollGroup);
            plan.Steps[1].Should().Be(new RollGroupStep(Web, 20, 600, null) { Instances = 3 });
            plan.Steps.ShouldAll(s => !s.IsCleanup);
        }

        [Fact]
        public void Plan_WatchTheRoll_SetsTheImageInOneStage_ThenRollsInAGatedOne_SameSteps()
        {
            var plan = SpotRollPlanner.Plan(Request() with { WatchTheRoll = true });

            plan.Stages.Select(s => (s.Name, s.GateBefore, s.Steps.Count)).Should().Equal(("set image", false, 1), ("roll", true, 1));
            plan.Steps.Select(s => s.Describe()).Should().Equal(SpotRollPlanner.Plan(Request()).Steps.Select(s => s.Describe()));
        }

        [Fact]
        public void Plan_WatchTheRoll_NothingToRoll_StaysOneStage()
        {
            var plan = SpotRollPlanner.Plan(Request(target: 0) with { WatchTheRoll = true });

            plan.Stages.Should().ContainSingle().Which.Steps.Should().ContainSingle().Which.Kind.Should().Be(PlanStepKind.SetImage);
        }

        [Fact]
        public void Plan_ImageId_ReplacesTheImage()
        {
            var plan = SpotRollPlanner.Plan(Request());

            var set = plan.Steps[0].Should().BeOfType<SetImageStep>().Which;
            set.Group.Should().Be(Web);
            set.From.Should().Equal("ami-a");
            set.To.Should().Equal("ami-b");
            set.UsesImagesList.Should().BeFalse();
            plan.PreviousImages.Should().Equal("ami-a");
            plan.NewImages.Should().Equal("ami-b");
            plan.UsesImagesList.Should().BeFalse();
        }

        [Fact]
        public void Plan_ImagesList_ReplacesOnlyTheFirstImageAndKeepsTheRest()
        {
            var plan = SpotRollPlanner.Plan(ListRequest());

            var set = plan.Steps[0].Should().BeOfType<SetImageStep>().Which;
            set.From.Should().Equal("ami-a", "ami-c", "ami-d");
            set.To.Should().Equal("ami-b", "ami-c", "ami-d");
            set.UsesImagesList.Should().BeTrue();
            plan.PreviousImages.Should().Equal("ami-a", "ami-c", "ami-d");
            plan.NewImages.Should().Equal("ami-b", "ami-c", "ami-d");
            plan.UsesImagesList.Should().BeTrue();
            set.Describe().Should().Be("set the images of web (sig-1) from [ami-a, ami-c, ami-d] to [ami-b, ami-c, ami-d]");
        }

        [Fact]
        public void Plan_ImagesListOfOne_IsStillAList()
        {
            var plan = SpotRollPlanner.Plan(Request() with { UsesImagesList = true });

            plan.NewImages.Should().Equal("ami-b");
            plan.Steps[0].Describe().Should().Be("set the images of web (sig-1) from [ami-a] to [ami-b]");
        }

        [Fact]
        public void Plan_CopiesTheCurrentImages()
        {
            var images = new List<string> { "ami-a" };
            var plan = SpotRollPlanner.Plan(Request() with { CurrentImages = images });

            images[0] = "ami-z";

            plan.PreviousImages.Should().Equal("ami-a");
        }

        [Theory]
        [InlineData(1, true)]
        [InlineData(0, false)]
        public void Plan_RollsOnlyAGroupWithInstances(int target, bool rolls)
        {
            var plan = SpotRollPlanner.Plan(Request(target));

            plan.Steps.OfType<RollGroupStep>().Any().Should().Be(rolls);
            plan.Steps.Should().HaveCount(rolls ? 2 : 1);
        }

        [Fact]
        public void Plan_CarriesTheRollSettings()
        {
            var plan = SpotRollPlanner.Plan(Request() with { BatchSizePercentage = 50, GracePeriodSeconds = 0, HealthCheckType = "ELB" });

            plan.Steps[1].Should().Be(new RollGroupStep(Web, 50, 0, "ELB") { Instances = 3 });
            plan.Steps[1].Describe().Should().Be("roll web (sig-1): 3 instance(s) in batches of 50 %, grace period 0 s, health check ELB, wait until finished");
        }

        [Fact]
        public void Request_Defaults_AreTwentyPercentAndTenMinutes()
        {
            var request = Request();

            request.BatchSizePercentage.Should().Be(20);
            request.GracePeriodSeconds.Should().Be(600);
            request.HealthCheckType.Should().BeNull();
        }

        [Theory]
        [InlineData(1)]
        [InlineData(100)]
        public void Plan_BatchSizeBounds_AreAccepted(int batch)
        {
            SpotRollPlanner.Plan(Request() with { BatchSizePercentage = batch }).Steps.OfType<RollGroupStep>().Single().BatchSizePercentage.Should().Be(batch);
        }

        [Theory]
        [InlineData("ELB")]
        [InlineData("ECS_CLUSTER_INSTANCE")]
        [InlineData("TARGET_GROUP")]
        [InlineData("OPSWORKS")]
        [InlineData("NOMAD_NODE")]
        [InlineData("HCS")]
        [InlineData("EC2")]
        [InlineData("NONE")]
        public void Plan_EveryHealthCheckTypeSpotAccepts_IsAccepted(string type)
        {
            SpotRollPlanner.Plan(Request() with { HealthCheckType = type }).Steps.OfType<RollGroupStep>().Single().HealthCheckType.Should().Be(type);
        }

        [Fact]
        public void HealthCheckTypes_AreTheValuesOfTheRollRequestSchema()
        {
            SpotRollPlanner.HealthCheckTypes.Should().Equal("ELB", "ECS_CLUSTER_INSTANCE", "TARGET_GROUP", "OPSWORKS", "NOMAD_NODE", "HCS", "EC2", "NONE");
        }
    }

    public class TheValidation
    {
        [Fact]
        public void AppName_FollowsTheAppNameRules()
        {
            Refused(() => SpotRollPlanner.Plan(Request() with { AppName = "" }), "AppName", "The app name must not be empty.");
            Refused(() => SpotRollPlanner.Plan(Request() with { AppName = "web " }), "AppName", "The app name must not start or end with white space.");
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData(" ")]
        public void GroupIdAndName_AreRequired(string? blank)
        {
            Refused(() => SpotRollPlanner.Plan(Request() with { GroupId = blank! }), "GroupId", "The rolled group's id is required.");
            Refused(() => SpotRollPlanner.Plan(Request() with { GroupName = blank! }), "GroupName", "The rolled group's name is required.");
        }

        [Fact]
        public void CurrentImages_MustNotBeEmpty()
        {
            const string Reason = "The group's current image is required: it is what a rollback puts back.";
            Refused(() => SpotRollPlanner.Plan(Request() with { CurrentImages = [] }), "CurrentImages", Reason);
            Refused(() => SpotRollPlanner.Plan(Request() with { CurrentImages = null! }), "CurrentImages", Reason);
            Refused(() => SpotRollPlanner.Plan(ListRequest() with { CurrentImages = [] }), "CurrentImages", Reason);
        }

        [Fact]
        public void CurrentImages_EveryImageIsNamed()
        {
            Refused(() => SpotRollPlanner.Plan(ListRequest() with { CurrentImages = ["ami-a", " "] }), "CurrentImages[1]", "An image id must not be empty.");
            Refused(() => SpotRollPlanner.Plan(Request() with { CurrentImages = [null!] }), "CurrentImages[0]", "An image id must not be empty.");
        }

        [Fact]
        public void CurrentImages_ImageIdGroupHasOneImage()
        {
            Refused(() => SpotRollPlanner.Plan(ListRequest() with { UsesImagesList = false }), "CurrentImages",
                "A group that uses imageId has one image (was 3); set UsesImagesList for an images list.");
        }

        [Theory]
        [InlineData("img-1", "'img-1' is not an AMI id (ami-…).")]
        [InlineData("AMI-1", "'AMI-1' is not an AMI id (ami-…).")]
        [InlineData("", "'' is not an AMI id (ami-…).")]
        [InlineData(null, "'' is not an AMI id (ami-…).")]
        public void NewImageId_MustBeAnAmiId(string? image, string reason)
        {
            Refused(() => SpotRollPlanner.Plan(Request() with { NewImageId = image! }), "NewImageId", reason);
        }

        [Fact]
        public void TargetCapacity_MustNotBeNegative()
        {
            Refused(() => SpotRollPlanner.Plan(Request(-1)), "TargetCapacity", "Must not be negative (was -1).");
        }

        [Theory]
        [InlineData(0)]
        [InlineData(101)]
        [InlineData(-5)]
        public void BatchSizePercentage_IsOneToHundred(int batch)
        {
            Refused(() => SpotRollPlanner.Plan(Request() with { BatchSizePercentage = batch }), "BatchSizePercentage", $"Must be between 1 and 100 (was {batch}).");
        }

        [Fact]
        public void GracePeriodSeconds_MustNotBeNegative()
        {
            Refused(() => SpotRollPlanner.Plan(Request() with { GracePeriodSeconds = -1 }), "GracePeriodSeconds", "Must not be negative (was -1).");
        }

        [Theory]
        [InlineData("elb")]
        [InlineData("Ec2")]
        [InlineData("")]
        [InlineData("K8S_NODE")]
        [InlineData(" ELB")]
        public void HealthCheckType_OnlyWhatSpotAccepts_CaseSensitive(string type)
        {
            Refused(() => SpotRollPlanner.Plan(Request() with { HealthCheckType = type }), "HealthCheckType",
                $"Spot accepts ELB, ECS_CLUSTER_INSTANCE, TARGET_GROUP, OPSWORKS, NOMAD_NODE, HCS, EC2, NONE (case-sensitive, as Spot compares it; was '{type}'). Leave it out for the group's own health check.");
        }

        [Fact]
        public void Validation_AppliesToAGroupWithoutInstancesToo()
        {
            Refused(() => SpotRollPlanner.Plan(Request(0) with { BatchSizePercentage = 0 }), "BatchSizePercentage", "Must be between 1 and 100 (was 0).");
        }

        [Fact]
        public void NullArguments_AreProgrammingErrors()
        {
            var plan = () => SpotRollPlanner.Plan(null!);
            var rollback = () => SpotRollPlanner.PlanRollback(null!);
            var rollbackNoPlan = () => SpotRollPlanner.PlanRollback(new SpotRollRollbackRequest(null!, true, true));

            plan.Should().Throw<ArgumentNullException>();
            rollback.Should().Throw<ArgumentNullException>();
            rollbackNoPlan.Should().Throw<ArgumentNullException>();
        }
    }

    public class ThePlanRollbackMethod
    {
        [Fact]
        public void PlanRollback_NothingStarted_NothingToRollBack()
        {
            var plan = SpotRollPlanner.Plan(Request());

            SpotRollPlanner.PlanRollback(new SpotRollRollbackRequest(plan, false, false)).NothingToRollBack.Should().BeTrue();
        }

        [Fact]
        public void PlanRollback_ImageChangeOnly_PutsThePreviousImageBack()
        {
            var plan = SpotRollPlanner.Plan(Request());

            var rollback = SpotRollPlanner.PlanRollback(new SpotRollRollbackRequest(plan, ImageChangeStarted: true, RollStarted: false));

            rollback.Steps.Select(s => s.Describe()).Should().Equal("set the image of web (sig-1) from ami-b to ami-a");
            var set = rollback.Steps[0].Should().BeOfType<SetImageStep>().Which;
            set.From.Should().Equal("ami-b");
            set.To.Should().Equal("ami-a");
            set.UsesImagesList.Should().BeFalse();
        }

        [Fact]
        public void PlanRollback_RollStarted_StopsItThenPutsTheImageBackThenRollsBack()
        {
            var plan = SpotRollPlanner.Plan(Request() with { BatchSizePercentage = 50, GracePeriodSeconds = 300, HealthCheckType = "TARGET_GROUP" });

            var rollback = SpotRollPlanner.PlanRollback(new SpotRollRollbackRequest(plan, ImageChangeStarted: true, RollStarted: true));

            rollback.Steps.Select(s => s.Describe()).Should().Equal(
                "stop the roll of web (sig-1) if it still runs",
                "set the image of web (sig-1) from ami-b to ami-a",
                "roll web (sig-1) back to its previous image if the forward roll replaced any instance: 3 instance(s) in batches of 50 %, grace period 300 s, health check TARGET_GROUP, wait until finished");
            rollback.Steps.Select(s => s.Kind).Should().Equal(PlanStepKind.StopRoll, PlanStepKind.SetImage, PlanStepKind.RollGroup);
            rollback.Steps[0].Should().Be(new StopRollStep(Web));
            rollback.Steps[2].Should().Be(new RollGroupStep(Web, 50, 300, "TARGET_GROUP") { Reverse = true, Instances = 3 });
        }

        [Fact]
        public void PlanRollback_RollStartedWithoutImageChange_StopsAndRollsBackOnly()
        {
            var plan = SpotRollPlanner.Plan(Request());

            var rollback = SpotRollPlanner.PlanRollback(new SpotRollRollbackRequest(plan, ImageChangeStarted: false, RollStarted: true));

            rollback.Steps.Select(s => s.Kind).Should().Equal(PlanStepKind.StopRoll, PlanStepKind.RollGroup);
        }

        [Fact]
        public void PlanRollback_ImagesList_PutsTheWholePreviousListBack()
        {
            var plan = SpotRollPlanner.Plan(ListRequest());

            var set = SpotRollPlanner.PlanRollback(new SpotRollRollbackRequest(plan, true, false)).Steps.Single().Should().BeOfType<SetImageStep>().Which;

            set.From.Should().Equal("ami-b", "ami-c", "ami-d");
            set.To.Should().Equal("ami-a", "ami-c", "ami-d");
            set.UsesImagesList.Should().BeTrue();
        }

        [Fact]
        public void PlanRollback_RollStartedButThePlanHasNoRoll_IsAProgrammingError()
        {
            var plan = SpotRollPlanner.Plan(Request(0));

            var act = () => SpotRollPlanner.PlanRollback(new SpotRollRollbackRequest(plan, true, true));

            var error = act.Should().Throw<ArgumentException>().Which;
            error.ParamName.Should().Be("request");
            error.Message.Should().StartWith("RollStarted is set, but the plan has no roll (the group had no instance to replace).");
            SpotRollPlanner.PlanRollback(new SpotRollRollbackRequest(plan, true, false)).Steps.Should().ContainSingle();
        }
    }

    public class TheSteps
    {
        [Fact]
        public void StopRoll_Describes()
        {
            new StopRollStep(Web).Describe().Should().Be("stop the roll of web (sig-1) if it still runs");
            new StopRollStep(Web).Kind.Should().Be(PlanStepKind.StopRoll);
        }

        [Fact]
        public void SetImage_ListsEveryImageItIsGiven()
        {
            new SetImageStep(Web, ["ami-a", "ami-c"], ["ami-b"], false).Describe().Should().Be("set the image of web (sig-1) from ami-a, ami-c to ami-b");
            new SetImageStep(Web, ["ami-a"], ["ami-b", "ami-c"], true).Describe().Should().Be("set the images of web (sig-1) from [ami-a] to [ami-b, ami-c]");
            new SetImageStep(Web, ["ami-a"], ["ami-b"], false).Kind.Should().Be(PlanStepKind.SetImage);
        }

        [Fact]
        public void RollGroup_ForwardIsNotReverse()
        {
            new RollGroupStep(Web, 20, 600, null).Reverse.Should().BeFalse();
            new RollGroupStep(Web, 20, 600, null).Should().NotBe(new RollGroupStep(Web, 20, 600, null) { Reverse = true });
        }

        [Fact]
        public void RollGroup_ReverseWithoutHealthCheck_Describes()
        {
            new RollGroupStep(Web, 10, 60, null) { Reverse = true, Instances = 2 }.Describe().Should().Be(
                "roll web (sig-1) back to its previous image if the forward roll replaced any instance: 2 instance(s) in batches of 10 %, grace period 60 s, wait until finished");
        }

        [Fact]
        public void Rolled_IsARoleOfItsOwn()
        {
            Enum.GetValues<GroupRole>().Should().EndWith(GroupRole.Rolled);
            Web.ToString().Should().Be("web (sig-1, Rolled)");
        }
    }
}

/// <summary>How many instances a roll's batch replaces, as Spot sizes it: the percentage of the target, rounded up, at least one.</summary>
public class RollBatchTests
{
    [Theory]
    [InlineData(2, 20, 1, 2)]
    [InlineData(2, 50, 1, 2)]
    [InlineData(10, 20, 2, 5)]
    [InlineData(10, 25, 3, 4)]
    [InlineData(7, 100, 7, 1)]
    [InlineData(1, 1, 1, 1)]
    [InlineData(0, 20, 1, 0)]
    public void Batches(int instances, int percent, int perBatch, int batches)
    {
        var step = new RollGroupStep(new GroupRef("web", "sig-1", GroupRole.Rolled), percent, 600, null) { Instances = instances };

        step.InstancesPerBatch.Should().Be(perBatch);
        step.BatchCount.Should().Be(batches);
    }
}
