using System.Net;
using System.Text.Json.Nodes;
using Spot.Deploy.Elastigroup;

namespace Spot.Deploy.Emulator.Tests.Spot;

/// <summary>
/// A group with <c>capacity.unit: "weight"</c> counts its target in the weights of <c>compute.instanceTypes.weights</c>:
/// the emulator launches its first spot type (m5.large here) until the weights reach the target, the last instance
/// possibly overshooting it, and terminates the newest while the rest still reach it.
/// </summary>
public sealed class SpotWeightTests : SpotEmulatorTestBase
{
    /// <summary>m5.large weighs 2, m5a.large 3 (the spot list's order makes m5.large the one launched).</summary>
    private static JsonObject Weighted(string name, int minimum, int target, int maximum)
    {
        var group = SpotGroups.Group(name, minimum, target, maximum);
        group["capacity"]!["unit"] = "weight";
        group["compute"]!["instanceTypes"]!["weights"] = new JsonArray(
            new JsonObject { ["instanceType"] = "m5.large", ["weightedCapacity"] = 2 },
            new JsonObject { ["instanceType"] = "m5a.large", ["weightedCapacity"] = 3 });
        return group;
    }

    [Fact]
    public async Task SeedGroup_TargetInWeight_RunsInstancesWhoseWeightsReachIt()
    {
        var id = State.SeedGroup(Weighted("app__1", 0, 8, 16));

        Live(id).Should().HaveCount(4, "four m5.large of weight 2 make 8");
        var status = await Client.GetGroupStatusAsync(id);
        status.Select(i => i.InstanceType).Should().AllBe("m5.large");
        (await Client.GetInstanceHealthinessAsync(id)).Should().HaveCount(4).And.OnlyContain(h => h.IsHealthy);
    }

    [Theory]
    [InlineData(5, 3)]  // 6 ≥ 5: Spot launches whole instances, so the last one overshoots
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(9, 5)]
    public async Task UpdateCapacity_TargetInWeight_LaunchesUntilTheWeightsReachIt(int target, int instances)
    {
        var created = await Client.CreateGroupAsync(ElastigroupDocument.FromGroup(Weighted("app__1", 0, 0, 16)));

        await Client.UpdateCapacityAsync(created.Id!, 0, target, 16);

        Live(created.Id!).Should().HaveCount(instances);
        State.Groups.Single().Unit.Should().Be("weight");
    }

    [Fact]
    public async Task UpdateCapacity_Down_TerminatesWhileTheRestStillReachTheTarget()
    {
        var id = State.SeedGroup(Weighted("app__1", 0, 8, 16));

        await Client.UpdateCapacityAsync(id, 0, 3, 16);
        Live(id).Should().HaveCount(2, "one instance (2) is short of 3; two (4) reach it");

        await Client.UpdateCapacityAsync(id, 0, 0, 16);
        Live(id).Should().BeEmpty();
    }

    [Fact]
    public async Task CreateGroup_WeightUnitWithoutWeights_Returns400NamingTheWeights()
    {
        var group = SpotGroups.Group("app__1", 0, 0, 4);
        group["capacity"]!["unit"] = "weight";

        var act = () => Client.CreateGroupAsync(ElastigroupDocument.FromGroup(group));

        var error = (await act.Should().ThrowAsync<SpotApiException>()).Which;
        error.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        error.Errors.Single().Field.Should().Be("group.compute.instanceTypes.weights");
        State.Groups.Should().BeEmpty();
    }

    [Fact]
    public async Task CreateGroup_WeightUnitMissingATypesWeight_Returns400NamingTheType()
    {
        var group = Weighted("app__1", 0, 0, 4);
        group["compute"]!["instanceTypes"]!["weights"]!.AsArray().RemoveAt(1);

        var act = () => Client.CreateGroupAsync(ElastigroupDocument.FromGroup(group));

        var error = (await act.Should().ThrowAsync<SpotApiException>()).Which;
        error.Errors.Single().Field.Should().Be("group.compute.instanceTypes.weights");
        error.Errors.Single().Message.Should().Contain("m5a.large");
    }

    [Fact]
    public void SeedGroup_WeightBelowOne_IsRefused()
    {
        var group = Weighted("app__1", 0, 2, 4);
        group["compute"]!["instanceTypes"]!["weights"]![0]!["weightedCapacity"] = 0;

        var act = () => State.SeedGroup(group);

        act.Should().Throw<ArgumentException>().WithMessage("*group.compute.instanceTypes.weights*");
    }

    [Fact]
    public void SeedGroup_LargestCapacity_NeverHoldsMoreInstancesThanTheTarget()
    {
        // Weights are at least 1, so the existing cap on capacities (MaxCapacity) still caps the instances.
        var id = State.SeedGroup(Weighted("app__1", 0, Emulator.Options.MaxCapacity, Emulator.Options.MaxCapacity));

        Live(id).Should().HaveCount(Emulator.Options.MaxCapacity / 2);
    }

    [Fact]
    public void Interrupt_WeightedGroup_ReplacesTheInstanceToKeepTheWeight()
    {
        var id = State.SeedGroup(Weighted("app__1", 0, 4, 4));

        var replacement = State.Interrupt(Live(id)[0].InstanceId);

        replacement.Should().NotBeNull();
        Live(id).Should().HaveCount(2);
    }
}
