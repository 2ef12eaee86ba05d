using System.Text.Json.Nodes;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Tests.SteadyState;

/// <summary>
/// A group in weight units is steady when its HEALTHY instances' weights (type → weight from the group's
/// <c>compute.instanceTypes.weights</c>) reach the target and it holds less than one instance more than that needs.
/// The emulator launches m5.large here, which weighs 2.
/// </summary>
public sealed class SteadyStateWeightTests : SteadyStateTestBase
{
    private static readonly InstanceWeights M5LargeWeighsTwo = InstanceWeights.Create(
        InstanceWeights.WeightUnit, ["m5.large"], new Dictionary<string, int> { ["m5.large"] = 2 });

    private string SeedWeighted(int target) => State.SeedGroup(new JsonObject
    {
        ["name"] = "web__1",
        ["capacity"] = new JsonObject { ["minimum"] = 0, ["target"] = target, ["maximum"] = 20, ["unit"] = "weight" },
        ["compute"] = new JsonObject
        {
            ["product"] = "Linux/UNIX",
            ["instanceTypes"] = new JsonObject
            {
                ["spot"] = new JsonArray("m5.large"),
                ["weights"] = new JsonArray(new JsonObject { ["instanceType"] = "m5.large", ["weightedCapacity"] = 2 }),
            },
            ["launchSpecification"] = new JsonObject { ["imageId"] = "ami-11111111" },
        },
    });

    [Fact]
    public async Task WaitForCapacityAsync_ScaleUpInWeight_IsSteadyWhenTheHealthyWeightsReachTheTarget()
    {
        var groupId = SeedWeighted(0);
        await Spot.UpdateCapacityAsync(groupId, 0, 6, 20);
        var recorder = new EventRecorder();

        var result = await CreateWaiter().WaitForCapacityAsync(groupId, 6, M5LargeWeighsTwo, progress: recorder);

        result.Healthy.Should().Be(6, "three m5.large of weight 2");
        result.Total.Should().Be(6);
        result.Elapsed.Should().Be(Seconds(60));
        recorder.Events.Should().OnlyContain(e => e.Unit == "weight" && e.Target == 6);
        recorder.Events[^1].Healthy.Should().Be(6);
    }

    [Fact]
    public async Task WaitAsync_CountingInstances_NeverSeesTheWeightedTarget()
    {
        // The old behaviour: 6 healthy *instances* are waited for, but 6 weight units are 3 instances.
        var groupId = SeedWeighted(0);
        await Spot.UpdateCapacityAsync(groupId, 0, 6, 20);

        var wait = () => CreateWaiter().WaitAsync(groupId, 6, options: new SteadyStateOptions { Timeout = TimeSpan.FromMinutes(5) });

        (await wait.Should().ThrowAsync<SteadyStateTimeoutException>()).Which.Healthy.Should().Be(3);
    }

    [Fact]
    public async Task WaitForCapacityAsync_TargetNotAMultipleOfTheWeight_AcceptsTheOvershootOfWholeInstances()
    {
        var groupId = SeedWeighted(0);
        await Spot.UpdateCapacityAsync(groupId, 0, 5, 20);

        var result = await CreateWaiter().WaitForCapacityAsync(groupId, 5, M5LargeWeighsTwo);

        result.Healthy.Should().Be(6, "three instances: two (4) are short of 5");
    }

    [Fact]
    public async Task WaitForCapacityAsync_ScaleDownInWeight_IsSteadyOnceTheSurplusIsGone()
    {
        var groupId = SeedWeighted(8);
        await Spot.UpdateCapacityAsync(groupId, 0, 4, 20);

        var result = await CreateWaiter().WaitForCapacityAsync(groupId, 4, M5LargeWeighsTwo);

        (result.Healthy, result.Total, result.Polls).Should().Be((4, 4, 1));
    }

    [Fact]
    public async Task WaitForCapacityAsync_MoreInstancesThanTheTargetNeeds_IsNotSteady()
    {
        // 8 weight units running, the wait is for 4: two instances too many (Spot has not terminated them).
        var groupId = SeedWeighted(8);

        var wait = () => CreateWaiter().WaitForCapacityAsync(groupId, 4, M5LargeWeighsTwo, options: new SteadyStateOptions { Timeout = TimeSpan.FromMinutes(1) });

        var timeout = (await wait.Should().ThrowAsync<SteadyStateTimeoutException>()).Which;
        timeout.Unit.Should().Be("weight");
        timeout.Message.Should().Contain("weighing 4 weight units").And.Contain("8 healthy weight units of 8");
    }

    [Fact]
    public async Task WaitForCapacityAsync_AnInstanceTypeWithoutWeight_IsAClearError()
    {
        var groupId = SeedWeighted(4);
        var others = InstanceWeights.Create(InstanceWeights.WeightUnit, [], new Dictionary<string, int> { ["c5.large"] = 2 });

        var wait = () => CreateWaiter().WaitForCapacityAsync(groupId, 4, others);

        (await wait.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("'m5.large', which has no weight");
    }

    [Fact]
    public async Task WaitForCapacityAsync_InstanceUnits_IsTheInstanceRule()
    {
        var groupId = SeedGroup(target: 2);

        var result = await CreateWaiter().WaitForCapacityAsync(groupId, 2, InstanceWeights.Instances);

        (result.Healthy, result.Total).Should().Be((2, 2));
    }
}
