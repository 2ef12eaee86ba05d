using System.Net;
using System.Text.Json.Nodes;
using Spot.Deploy.Elastigroup;

namespace Spot.Deploy.Emulator.Tests.Spot;

/// <summary>Instances boot, become healthy, scale in, get interrupted — all on the fake clock (defaults: boot 30 s, health delay 30 s).</summary>
public sealed class SpotLifecycleTests : SpotEmulatorTestBase
{
    private const string TargetGroup = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/app-tg/0123456789abcdef";

    [Fact]
    public async Task ScaleUp_Capacity_InstancesBootThenBecomeHealthy()
    {
        var group = await Client.CreateGroupAsync(SpotGroups.Document("app__1", 0, 0, 5));

        await Client.UpdateCapacityAsync(group.Id!, 2, 2, 5);

        var status = await Client.GetGroupStatusAsync(group.Id!);
        status.Should().HaveCount(2).And.OnlyContain(i => i.Status == "pending" && i.GroupId == group.Id && i.InstanceType == "m5.large" && i.Product == "Linux/UNIX");
        status.Select(i => i.AvailabilityZone).Should().BeSubsetOf(["us-east-1a", "us-east-1b"]);
        status.Should().OnlyContain(i => i.CreatedAt == Clock.GetUtcNow());
        (await Client.GetInstanceHealthinessAsync(group.Id!)).Should().OnlyContain(h => h.HealthStatus == "INSUFFICIENT_DATA");

        Advance(29);
        Live(group.Id!).Should().OnlyContain(i => i.State == "pending");
        Advance(1);
        (await Client.GetGroupStatusAsync(group.Id!)).Should().OnlyContain(i => i.Status == "running");
        (await Client.GetInstanceHealthinessAsync(group.Id!)).Should().OnlyContain(h => h.HealthStatus == "INSUFFICIENT_DATA", "health needs the health check delay after boot");

        Advance(30);
        var health = await Client.GetInstanceHealthinessAsync(group.Id!);
        health.Should().HaveCount(2).And.OnlyContain(h => h.IsHealthy && h.GroupId == group.Id && h.LifeCycle == "SPOT");
        health.Select(h => h.InstanceId).Should().BeEquivalentTo(status.Select(i => i.InstanceId));
        health.Select(h => h.SpotRequestId).Should().BeEquivalentTo(status.Select(i => i.SpotInstanceRequestId));
    }

    [Fact]
    public async Task ScaleDown_Capacity_TerminatesNewestFirstAtOnce()
    {
        var id = State.SeedGroup(SpotGroups.Group("app__1", 2, 2, 5));
        var seeded = Live(id).Select(i => i.InstanceId).ToList();
        await Client.UpdateCapacityAsync(id, 2, 4, 5);
        var added = Live(id).Select(i => i.InstanceId).Except(seeded).ToList();

        await Client.UpdateCapacityAsync(id, 1, 1, 5);

        var remaining = await Client.GetGroupStatusAsync(id);
        remaining.Select(i => i.InstanceId).Should().Equal(seeded[0]);
        (await Client.GetInstanceHealthinessAsync(id)).Select(h => h.InstanceId).Should().Equal(seeded[0]);
        State.GetInstances(id).Where(i => i.State == "terminated").Select(i => i.InstanceId).Should().BeEquivalentTo(added.Append(seeded[1]));
    }

    [Fact]
    public async Task ScaleToZero_Capacity_LeavesNoInstances()
    {
        var id = State.SeedGroup(SpotGroups.Group("app__1", 3, 3, 3));

        await Client.UpdateCapacityAsync(id, 0, 0, 0);

        (await Client.GetGroupStatusAsync(id)).Should().BeEmpty();
        (await Client.GetInstanceHealthinessAsync(id)).Should().BeEmpty();
    }

    [Fact]
    public void SeedGroup_WithTarget_InstancesAreAlreadyRunningAndHealthy()
    {
        var id = State.SeedGroup(SpotGroups.Group("app__1", 3, 3, 3));

        State.GetInstances(id).Should().HaveCount(3).And.OnlyContain(i => i.State == "running" && i.Health == "HEALTHY" && i.ImageId == "ami-11111111");
    }

    [Fact]
    public async Task ScaleUpAndDown_Adjustment_MoveTheTargetWithinBounds()
    {
        var id = State.SeedGroup(SpotGroups.Group("app__1", 1, 2, 4));

        await Client.ScaleUpAsync(id, 2);
        State.Groups.Single().Target.Should().Be(4);
        Live(id).Should().HaveCount(4);

        await Client.ScaleDownAsync(id, 3);
        State.Groups.Single().Target.Should().Be(1);
        Live(id).Should().HaveCount(1);

        var beyondMinimum = () => Client.ScaleDownAsync(id, 1);
        (await beyondMinimum.Should().ThrowAsync<SpotApiException>()).Which.Errors.Single().Field.Should().Be("adjustment");
        State.Groups.Single().Target.Should().Be(1);
    }

    [Fact]
    public async Task ScaleUp_Raw_ListsTheNewSpotRequests()
    {
        var id = State.SeedGroup(SpotGroups.Group("app__1", 0, 0, 4));

        var (_, up, _) = await SendRawAsync(HttpMethod.Put, $"/aws/ec2/group/{id}/scale/up", query: "adjustment=2");
        var (_, down, _) = await SendRawAsync(HttpMethod.Put, $"/aws/ec2/group/{id}/scale/down");

        var launched = up["response"]!["items"]![0]!["newSpotRequests"]!.AsArray();
        launched.Should().HaveCount(2);
        launched.Select(r => r!["instanceId"]!.GetValue<string>()).Should().BeEquivalentTo(State.GetInstances(id).Select(i => i.InstanceId));
        launched.Should().OnlyContain(r => r!["spotInstanceRequestId"]!.GetValue<string>().StartsWith("sir-", StringComparison.Ordinal));
        var victims = down["response"]!["items"]![0]!["victimInstances"]!.AsArray();
        victims.Select(v => v!["instanceId"]!.GetValue<string>()).Should().Equal(launched[1]!["instanceId"]!.GetValue<string>());
        State.Groups.Single().Target.Should().Be(1, "the adjustment defaults to 1");
    }

    [Fact]
    public async Task Interrupt_RunningInstance_IsTerminatedAndReplaced()
    {
        var id = State.SeedGroup(SpotGroups.Group("app__1", 2, 2, 2));
        var victim = Live(id)[0].InstanceId;

        var replacement = State.Interrupt(victim);

        replacement.Should().NotBeNull().And.NotBe(victim);
        var health = await Client.GetInstanceHealthinessAsync(id);
        health.Select(h => h.InstanceId).Should().HaveCount(2).And.Contain(replacement!).And.NotContain(victim);
        health.Single(h => h.InstanceId == replacement).HealthStatus.Should().Be("INSUFFICIENT_DATA");
        State.GetInstances(id).Single(i => i.InstanceId == victim).State.Should().Be("terminated");
        State.GetInstances(id).Single(i => i.InstanceId == replacement).State.Should().Be("pending");
        Advance(60);
        (await Client.GetInstanceHealthinessAsync(id)).Should().HaveCount(2).And.OnlyContain(h => h.IsHealthy);
        var again = () => State.Interrupt(victim);
        again.Should().Throw<ArgumentException>();
    }

    [Fact]
    public async Task NeverHealthyImage_AfterBootAndDelay_StaysUnhealthy()
    {
        State.MarkImageNeverHealthy("ami-bad");
        var group = await Client.CreateGroupAsync(SpotGroups.Document("app__1", 2, 2, 2, imageId: "ami-bad"));

        Advance(59);
        (await Client.GetInstanceHealthinessAsync(group.Id!)).Should().OnlyContain(h => h.HealthStatus == "INSUFFICIENT_DATA");
        Advance(1);
        (await Client.GetInstanceHealthinessAsync(group.Id!)).Should().HaveCount(2).And.OnlyContain(h => h.HealthStatus == "UNHEALTHY");
        Advance(3600);
        (await Client.GetInstanceHealthinessAsync(group.Id!)).Should().OnlyContain(h => h.HealthStatus == "UNHEALTHY");
        (await Client.GetGroupStatusAsync(group.Id!)).Should().OnlyContain(i => i.Status == "running", "an unhealthy instance still runs");
    }

    [Fact]
    public async Task SetImageBootTime_SlowImage_StaysPendingLonger()
    {
        State.SetImageBootTime("ami-slow", TimeSpan.FromMinutes(5));
        var group = await Client.CreateGroupAsync(SpotGroups.Document("app__1", 1, 1, 1, imageId: "ami-slow"));

        Advance(299);
        Live(group.Id!).Single().State.Should().Be("pending");
        Advance(1);
        Live(group.Id!).Single().State.Should().Be("running");
        Advance(30);
        Live(group.Id!).Single().Health.Should().Be("HEALTHY");
    }

    [Fact]
    public async Task CapacityShortfall_ScaleUp_NoMoreThanTheLimitLaunch()
    {
        var id = State.SeedGroup(SpotGroups.Group("app__1", 1, 1, 10));
        State.SetCapacityShortfall(id, 3);

        await Client.UpdateCapacityAsync(id, 5, 5, 10);
        Advance(600);

        (await Client.GetInstanceHealthinessAsync(id)).Should().HaveCount(3).And.OnlyContain(h => h.IsHealthy);
        State.Groups.Single().Target.Should().Be(5, "the target is accepted; the instances are what is missing");
        State.Interrupt(Live(id)[0].InstanceId).Should().NotBeNull("an interruption frees room for one");
        Live(id).Should().HaveCount(3);

        State.ClearCapacityShortfall(id);
        Live(id).Should().HaveCount(5);
    }

    [Fact]
    public async Task DetachInstances_DefaultDecrement_RemovesThemAndLowersTheTarget()
    {
        var id = State.SeedGroup(SpotGroups.Group("app__1", 3, 3, 3));
        var victims = Live(id).Take(2).Select(i => i.InstanceId).ToList();

        await Client.DetachInstancesAsync(id, new DetachInstancesRequest { InstancesToDetach = victims, ShouldTerminateInstances = true });

        State.Groups.Single().Should().Match<SpotGroupInfo>(g => g.Minimum == 1 && g.Target == 1 && g.Maximum == 3);
        (await Client.GetGroupStatusAsync(id)).Select(i => i.InstanceId).Should().NotIntersectWith(victims).And.HaveCount(1);
    }

    [Fact]
    public async Task DetachInstances_NoDecrement_LaunchesReplacements()
    {
        var id = State.SeedGroup(SpotGroups.Group("app__1", 2, 2, 2));
        var victim = Live(id)[0].InstanceId;

        await Client.DetachInstancesAsync(id, new DetachInstancesRequest { InstancesToDetach = [victim], ShouldDecrementTargetCapacity = false });

        Live(id).Should().HaveCount(2).And.NotContain(i => i.InstanceId == victim);
        var unknown = () => Client.DetachInstancesAsync(id, new DetachInstancesRequest { InstancesToDetach = ["i-00000000000000000"] });
        (await unknown.Should().ThrowAsync<SpotApiException>()).Which.Errors.Single().Field.Should().Be("instancesToDetach");
    }

    [Fact]
    public async Task TargetRegistrations_GroupWithTargetGroup_ReportsInitialThenHealthy()
    {
        var group = SpotGroups.Group("app__1", 0, 0, 2, "ami-11111111", TargetGroup);
        group["compute"]!["launchSpecification"]!["loadBalancersConfig"]!["loadBalancers"]!.AsArray()
            .Add(new JsonObject { ["name"] = "classic", ["type"] = "CLASSIC" });
        var id = State.SeedGroup(group);
        State.SeedGroup(SpotGroups.Group("no-balancer", 1, 1, 1));
        await Client.UpdateCapacityAsync(id, 2, 2, 2);

        State.TargetRegistrations().Should().HaveCount(2).And.OnlyContain(r => r.TargetGroupArn == TargetGroup && r.HealthState == "initial");
        Advance(45);
        State.TargetRegistrations().Should().OnlyContain(r => r.HealthState == "initial", "running but not yet past the health check delay");
        Advance(15);
        State.TargetRegistrations().Select(r => r.InstanceId).Should().BeEquivalentTo(Live(id).Select(i => i.InstanceId));
        State.TargetRegistrations().Should().OnlyContain(r => r.HealthState == "healthy");

        State.MarkImageNeverHealthy("ami-11111111");
        State.TargetRegistrations().Should().OnlyContain(r => r.HealthState == "unhealthy");
        await Client.UpdateCapacityAsync(id, 0, 0, 2);
        State.TargetRegistrations().Should().BeEmpty();
    }

    [Fact]
    public async Task Snapshot_GroupsAndRolls_AreListedSortedWithInstances()
    {
        var second = State.SeedGroup(SpotGroups.Group("b", 1, 1, 1, "ami-22222222", TargetGroup));
        var first = await Client.CreateGroupAsync(SpotGroups.Document("a", 0, 1, 1));

        var snapshot = State.Snapshot();

        var groups = snapshot["groups"]!.AsArray();
        groups.Select(g => g!["id"]!.GetValue<string>()).Should().Equal(new[] { second, first.Id! }.Order(StringComparer.Ordinal));
        var b = groups.Single(g => g!["id"]!.GetValue<string>() == second)!;
        b["name"]!.GetValue<string>().Should().Be("b");
        b["capacity"]!.ToJsonString().Should().Be("""{"minimum":1,"target":1,"maximum":1,"unit":"instance"}""");
        b["imageId"]!.GetValue<string>().Should().Be("ami-22222222");
        b["loadBalancers"]!.ToJsonString().Should().Be($"[\"{TargetGroup}\"]");
        b["instances"]!.AsArray().Single()!["state"]!.GetValue<string>().Should().Be("running");
        b["instances"]!.AsArray().Single()!["health"]!.GetValue<string>().Should().Be("HEALTHY");
        groups.Single(g => g!["id"]!.GetValue<string>() == first.Id)!["instances"]![0]!["state"]!.GetValue<string>().Should().Be("pending");
        snapshot["rolls"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task InstanceIds_SameSeed_AreReproducibleAndWellFormed()
    {
        await using var other = await SpotDeployEmulator.StartAsync(new EmulatorOptions { TimeProvider = Clock });
        var mine = State.SeedGroup(SpotGroups.Group("a", 3, 3, 3));
        var theirs = other.State.SeedGroup(SpotGroups.Group("a", 3, 3, 3));

        var ids = State.GetInstances(mine).Select(i => i.InstanceId).ToList();

        ids.Should().Equal(other.State.GetInstances(theirs).Select(i => i.InstanceId));
        ids.Should().OnlyContain(id => System.Text.RegularExpressions.Regex.IsMatch(id, "^i-[0-9a-f]{17}$")).And.OnlyHaveUniqueItems();
        State.GetInstances(mine).Should().OnlyContain(i => System.Text.RegularExpressions.Regex.IsMatch(i.SpotRequestId, "^sir-[0-9a-z]{8}$"));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task GetInstances_UnknownGroup_Throws()
    {
        var act = () => State.GetInstances("sig-missing");

        act.Should().Throw<ArgumentException>();
        var shortfall = () => State.SetCapacityShortfall("sig-missing", 1);
        shortfall.Should().Throw<ArgumentException>();
        (await Client.ListGroupsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task StatusCalls_AreNotMutating_AndLogged()
    {
        var id = State.SeedGroup(SpotGroups.Group("a", 1, 1, 1));
        Emulator.Calls.Clear();

        await Client.GetGroupStatusAsync(id);
        await Client.UpdateCapacityAsync(id, 1, 1, 2);

        Emulator.Calls.All.Select(c => (c.Method, c.Status, c.IsMutating)).Should().Equal(("GET", 200, false), ("PUT", 200, true));
        Emulator.Calls.All.Should().OnlyContain(c => c.Service == "spot");
        var notFound = () => Client.GetGroupStatusAsync("sig-missing");
        (await notFound.Should().ThrowAsync<SpotNotFoundException>()).Which.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }
}
