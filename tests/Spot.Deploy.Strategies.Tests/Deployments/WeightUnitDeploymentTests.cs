using System.Text.Json.Nodes;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Tests.Deployments;

/// <summary>
/// Groups whose <c>capacity.unit</c> is <c>weight</c>, end to end through the emulator: the document gives t3.micro a
/// weight of 2 and t3.small 4, and the emulator launches t3.micro (the first spot type), so every number of capacity is
/// twice the number of instances. Counting instances instead of weights waits for twice as many instances as Spot ever
/// launches, so these deployments would time out and roll back on the old behaviour.
/// </summary>
public sealed class WeightUnitDeploymentTests : StrategyTestBase
{
    /// <summary>The document in weight units: t3.micro weighs 2, t3.small 4.</summary>
    internal static ElastigroupDocument Weighted(ElastigroupDocument document)
    {
        var group = (JsonObject)document.Group.DeepClone();
        group["capacity"]!["unit"] = "weight";
        group["compute"]!["instanceTypes"]!["weights"] = new JsonArray(
            new JsonObject { ["instanceType"] = "t3.micro", ["weightedCapacity"] = 2 },
            new JsonObject { ["instanceType"] = "t3.small", ["weightedCapacity"] = 4 });
        return ElastigroupDocument.FromGroup(group);
    }

    private string SeedWeighted(string name, Capacity capacity, string? targetGroupArn = null)
    {
        var group = (JsonObject)Weighted(Document(targetGroupArn)).Group.DeepClone();
        group["name"] = name;
        group["capacity"] = new JsonObject { ["minimum"] = capacity.Minimum, ["target"] = capacity.Target, ["maximum"] = capacity.Maximum, ["unit"] = "weight" };
        return State.SeedGroup(group);
    }

    private int LiveCount(string groupId) => State.GetInstances(groupId).Count(i => i.State != "terminated");

    [Fact]
    public async Task Canary_WeightUnits_PhasesDownsizesAndWaitsCountWeights()
    {
        var previous = SeedWeighted("web__1", new Capacity(2, 8, 12, InstanceWeights.WeightUnit));
        var request = CanaryRequest(new CanaryPhase(PhaseStep.Percent(25)), new CanaryPhase(PhaseStep.Count(4)), new CanaryPhase(PhaseStep.Percent(100)));
        request.Document = Weighted(request.Document!);
        var progress = new Recorder();
        var liveAfterEachChange = new List<string>();
        progress.OnEvent = e =>
        {
            if (e is StepCompletedEvent)
            {
                liveAfterEachChange.Add(string.Join(" ", State.Groups.OrderBy(g => g.Name, StringComparer.Ordinal).Select(g => $"{g.Name}={LiveCount(g.Id)}")));
            }
        };

        var result = await new CanaryDeployment(Services, request).RunAsync(progress);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        CapacityChanges(progress).Should().Equal(
            "web__2 2/2/2", "web__1 6/6/6",   // 25 % of 8 weight units: one t3.micro; the previous keeps 6 (three)
            "web__2 4/4/4", "web__1 4/4/4",   // a count of 4 weight units: two t3.micro each
            "web__2 2/8/12", "web__1 0/0/0"); // final: the planned 8 weight units, four t3.micro
        progress.Of<StageStartedEvent>().Select(s => s.Name).Should().Equal("setup", "phase 1 of 3 (25 %)", "phase 2 of 3 (4 weight units)", "phase 3 of 3 (100 %)");
        liveAfterEachChange.Should().Contain("web__1=3 web__2=1").And.Contain("web__1=2 web__2=2").And.Contain("web__1=0 web__2=4");
        GroupState().Should().Equal($"web__1 0/0/0 {OldImage} live=0", $"web__2 2/8/12 {NewImage} live=4");
        State.Groups.Single(g => g.Name == "web__2").Unit.Should().Be("weight");
        // A wait for an empty group counts instances (none is none in any unit); every other wait counts weights.
        var waits = progress.Of<InstancesProgressEvent>().Where(e => e.Target > 0).ToList();
        waits.Should().NotBeEmpty().And.OnlyContain(e => e.Unit == "weight");
        waits.Last(e => e.GroupId == result.GroupId).Healthy.Should().Be(8, "four healthy t3.micro weigh 8");
        LiveCount(previous).Should().Be(0);
    }

    [Fact]
    public async Task BlueGreen_WeightUnits_StageReachesTheWeightedTargetAndSwaps()
    {
        var routes = SeedRoutes();
        var old = SeedWeighted("web", new Capacity(2, 6, 10, InstanceWeights.WeightUnit), routes.Blue);
        var request = BlueGreenRequest(routes);
        request.Document = Weighted(request.Document!);
        request.DownsizeOldGroup = true;
        var progress = new Recorder();

        var result = await new BlueGreenDeployment(Services, request).RunAsync(progress);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        CapacityChanges(progress).Should().Equal("web__STAGE 2/6/10", "web__STAGE 0/0/0");
        GroupState().Should().Equal($"web 2/6/10 {NewImage} live=3", $"web__STAGE 0/0/0 {OldImage} live=0");
        IdOf("web__STAGE").Should().Be(old);
        progress.Of<InstancesProgressEvent>().Where(e => e.Target > 0).Should().NotBeEmpty().And.OnlyContain(e => e.Unit == "weight");
    }

    [Fact]
    public async Task Basic_WeightDocumentWithoutAWeightForItsType_IsRefusedBeforeAnyChange()
    {
        SeedWeighted("web__1", new Capacity(1, 4, 8, InstanceWeights.WeightUnit));
        var request = BasicRequest();
        var group = (JsonObject)Weighted(request.Document!).Group.DeepClone();
        group["compute"]!["instanceTypes"]!["weights"]!.AsArray().RemoveAt(1);
        request.Document = ElastigroupDocument.FromGroup(group);
        Emulator.Calls.Clear();

        var run = () => new BasicDeployment(Services, request).RunAsync();

        (await run.Should().ThrowAsync<DeploymentValidationException>())
            .Which.Should().Match<DeploymentValidationException>(e => e.Field == "Document.compute.instanceTypes.weights" && e.Message.Contains("t3.small", StringComparison.Ordinal));
        Emulator.Calls.All.Should().BeEmpty("the document is checked before the first call");
    }

    [Fact]
    public async Task PlanAsync_WeightUnits_SaysWeightInTheStagesAndTheWaits()
    {
        SeedWeighted("web__1", new Capacity(2, 8, 12, InstanceWeights.WeightUnit));
        var request = CanaryRequest(new CanaryPhase(PhaseStep.Count(2)), new CanaryPhase(PhaseStep.Percent(100)));
        request.Document = Weighted(request.Document!);

        var preview = await new CanaryDeployment(Services, request).PlanAsync();

        preview.PlannedCapacity.Should().Be(new Capacity(2, 8, 12, InstanceWeights.WeightUnit));
        preview.Stages.Should().Equal("setup", "phase 1 of 2 (2 weight units)", "phase 2 of 2 (100 %)");
        preview.ToString().Should().Contain("planned capacity min 2, target 8, max 12 (weight)")
            .And.Contain("polled until the HEALTHY instances weigh 2 weight units")
            .And.Contain("the weight of each instance type (compute.instanceTypes.weights)");
    }
}
