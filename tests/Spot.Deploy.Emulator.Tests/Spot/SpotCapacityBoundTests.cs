using System.Net;
using System.Text.Json.Nodes;
using Spot.Deploy.Elastigroup;

namespace Spot.Deploy.Emulator.Tests.Spot;

/// <summary>
/// The emulator launches a group's whole target at once, so a capacity above <see cref="EmulatorOptions.MaxCapacity"/>
/// is refused like Spot refuses a bad field (HTTP 400, VALIDATION_ERROR, the field) before a single instance exists:
/// a capacity of 2147483647 can never make it hold (and run out of memory on) two billion instances.
/// </summary>
public sealed class SpotCapacityBoundTests : SpotEmulatorTestBase
{
    private const string Huge = """{"minimum":1,"target":2147483647,"maximum":2147483647}""";

    [Fact]
    public void MaxCapacity_DefaultsToThePlannersBound()
    {
        new EmulatorOptions().MaxCapacity.Should().Be(10_000, "the planner never plans more (Capacity.MaxPlanned)");
    }

    [Fact]
    public async Task CreateGroup_HugeCapacity_Returns400NamingTheMaximum_AndLaunchesNothing()
    {
        var body = """{"group":{"name":"app__1","capacity":""" + Huge + ""","compute":{"launchSpecification":{"imageId":"ami-1"}}}}""";

        var (status, envelope, _) = await SendRawAsync(HttpMethod.Post, "/aws/ec2/group", body);

        status.Should().Be(400);
        var error = envelope["response"]!["errors"]!.AsArray().Should().ContainSingle().Subject!;
        error["code"]!.GetValue<string>().Should().Be("VALIDATION_ERROR");
        error["field"]!.GetValue<string>().Should().Be("group.capacity.maximum");
        error["message"]!.GetValue<string>().Should().Be("maximum must be at most 10000 (was 2147483647).");
        State.Groups.Should().BeEmpty();
    }

    [Fact]
    public async Task CreateGroup_ThroughTheClient_IsASpotApiExceptionWithTheField()
    {
        var act = () => Client.CreateGroupAsync(SpotGroups.Document("app__1", 0, 0, 10_001));

        var error = (await act.Should().ThrowAsync<SpotApiException>()).Which;
        error.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        error.Errors.Single().Field.Should().Be("group.capacity.maximum");
        State.Groups.Should().BeEmpty();
    }

    [Fact]
    public async Task UpdateCapacity_HugeTarget_Returns400_AndTheGroupKeepsItsInstances()
    {
        var id = State.SeedGroup(SpotGroups.Group("app__1", 1, 2, 4));

        var (status, envelope, _) = await SendRawAsync(HttpMethod.Put, $"/aws/ec2/group/{id}/capacity", """{"capacity":""" + Huge + "}");

        status.Should().Be(400);
        envelope["response"]!["errors"]![0]!["field"]!.GetValue<string>().Should().Be("capacity.maximum");
        State.Groups.Single().Target.Should().Be(2);
        State.GetInstances(id).Should().HaveCount(2, "not one instance was launched");
    }

    [Fact]
    public async Task UpdateGroup_HugeCapacity_IsRefusedAndChangesNothing()
    {
        var id = State.SeedGroup(SpotGroups.Group("app__1", 1, 2, 4));
        var before = State.Snapshot().ToJsonString();

        var act = () => Client.UpdateGroupAsync(id, JsonNode.Parse("""{"capacity":""" + Huge + "}")!.AsObject());

        (await act.Should().ThrowAsync<SpotApiException>()).Which.Errors.Single().Field.Should().Be("group.capacity.maximum");
        State.Snapshot().ToJsonString().Should().Be(before);
    }

    [Fact]
    public void SeedGroup_HugeCapacity_ThrowsNamingTheField()
    {
        var act = () => State.SeedGroup(SpotGroups.Group("app__1", 1, int.MaxValue, int.MaxValue));

        act.Should().Throw<ArgumentException>().WithMessage("*group.capacity.maximum*");
        State.Groups.Should().BeEmpty();
    }

    [Fact]
    public async Task TheBound_IsAccepted_AndLaunchedInFull()
    {
        var id = State.SeedGroup(SpotGroups.Group("app__1", 0, 0, 10_000));

        await Client.UpdateCapacityAsync(id, 0, 10_000, 10_000);

        Live(id).Should().HaveCount(10_000);
    }
}

/// <summary><see cref="EmulatorOptions.MaxCapacity"/> can be set to emulate another limit.</summary>
public sealed class SpotCapacityBoundOptionTests : SpotEmulatorTestBase
{
    protected override void Configure(EmulatorOptions options) => options.MaxCapacity = 3;

    [Fact]
    public async Task ACustomBound_IsWhatIsRefused()
    {
        var id = State.SeedGroup(SpotGroups.Group("app__1", 0, 3, 3));

        var act = () => Client.UpdateCapacityAsync(id, 0, 4, 4);

        (await act.Should().ThrowAsync<SpotApiException>()).Which.Errors.Single().Field.Should().Be("capacity.maximum");
        Live(id).Should().HaveCount(3);
    }
}
