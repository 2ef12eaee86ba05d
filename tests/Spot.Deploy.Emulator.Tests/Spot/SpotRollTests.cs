using System.Text.Json;
using System.Text.Json.Nodes;
using Spot.Deploy.Elastigroup;

namespace Spot.Deploy.Emulator.Tests.Spot;

/// <summary>Spot-managed rolls on the fake clock: boot 30 s + health delay 30 s per batch.</summary>
public sealed class SpotRollTests : SpotEmulatorTestBase
{
    private async Task<string> GroupOnNewImageAsync(string newImage, int target = 4)
    {
        var id = State.SeedGroup(SpotGroups.Group("app", target, target, target, "ami-old"));
        await Client.UpdateGroupAsync(id, new JsonObject { ["compute"] = new JsonObject { ["launchSpecification"] = new JsonObject { ["imageId"] = newImage } } });
        return id;
    }

    [Fact]
    public async Task StartRoll_AfterImageUpdate_ReplacesEveryInstanceWithTheNewImage()
    {
        var id = await GroupOnNewImageAsync("ami-new");
        var old = Live(id).Select(i => i.InstanceId).ToList();
        Live(id).Should().OnlyContain(i => i.ImageId == "ami-old", "an image update alone does not touch running instances");

        var roll = await Client.StartRollAsync(id, new RollRequest { BatchSizePercentage = 50, GracePeriod = 300, HealthCheckType = "TARGET_GROUP" });

        roll.Should().NotBeNull();
        roll!.Id.Should().MatchRegex("^sbgd-[0-9a-f]{8}$");
        roll.Status.Should().Be("starting");
        roll.NumOfBatches.Should().Be(2);
        roll.Progress!.Value.Should().Be(0);
        Live(id).Should().HaveCount(6, "the first batch boots on top of the target");

        Advance(31);
        (await Client.GetRollAsync(id, roll.Id!)).Status.Should().Be("in_progress");
        Advance(29);
        var half = await Client.GetRollAsync(id, roll.Id!);
        half.Progress!.Value.Should().Be(50);
        half.CurrentBatch.Should().Be(2);
        Live(id).Count(i => old.Contains(i.InstanceId)).Should().Be(2, "the first batch's old instances are detached");

        Advance(60);
        var done = await Client.GetRollAsync(id, roll.Id!);
        done.Status.Should().Be("finished");
        done.IsFinished.Should().BeTrue();
        done.Progress!.Value.Should().Be(100);
        var health = await Client.GetInstanceHealthinessAsync(id);
        health.Should().HaveCount(4).And.OnlyContain(h => h.IsHealthy);
        health.Select(h => h.InstanceId).Should().NotIntersectWith(old);
        Live(id).Should().OnlyContain(i => i.ImageId == "ami-new");
        State.Groups.Single().Target.Should().Be(4);
    }

    [Fact]
    public async Task StartRoll_Raw_AnswersWithNoItemsLikeRealSpotAndAcceptsStringNumbers()
    {
        var id = await GroupOnNewImageAsync("ami-new", target: 2);

        var (status, envelope, _) = await SendRawAsync(HttpMethod.Put, $"/aws/ec2/group/{id}/roll", SpotFixtures.Read("sdkpy-roll-request.json"));

        status.Should().Be(200);
        envelope["response"]!["kind"]!.GetValue<string>().Should().Be("spotinst:aws:ec2:group:roll");
        envelope["response"]!["items"]!.AsArray().Should().BeEmpty();
        envelope["response"]!["count"]!.GetValue<int>().Should().Be(0);
        var rolls = await Client.ListRollsAsync(id);
        rolls.Should().ContainSingle().Which.Status.Should().Be("starting");
        var detail = await Client.GetRollStatusAsync(id, rolls[0].Id!);
        detail.NumberOfBatches.Should().Be(2, "20 % of 2 is one instance per batch");
        detail.AdditionalProperties!["strategyAction"].GetString().Should().Be("REPLACE_SERVER");
        detail.AdditionalProperties["healthCheck"].GetString().Should().Be("NONE");
    }

    [Fact]
    public async Task StartRoll_WhileOneIsActive_IsRefusedAsDeploymentAlreadyInProgress()
    {
        var id = await GroupOnNewImageAsync("ami-new");
        await Client.StartRollAsync(id, new RollRequest { BatchSizePercentage = 25, GracePeriod = 300 });

        var second = () => Client.StartRollAsync(id, new RollRequest { BatchSizePercentage = 25, GracePeriod = 300 });

        var error = (await second.Should().ThrowAsync<SpotApiException>()).Which;
        error.ErrorCode.Should().Be("DEPLOYMENT_ALREADY_IN_PROGRESS");
        (await Client.ListRollsAsync(id)).Should().ContainSingle();
    }

    [Fact]
    public async Task StartRoll_NeverHealthyImage_FailsAfterTheGracePeriodAndKeepsOldInstances()
    {
        State.MarkImageNeverHealthy("ami-bad");
        var id = await GroupOnNewImageAsync("ami-bad");
        var old = Live(id).Select(i => i.InstanceId).ToList();
        var roll = await Client.StartRollAsync(id, new RollRequest { BatchSizePercentage = 50, GracePeriod = 120 });

        Advance(149);
        (await Client.GetRollAsync(id, roll!.Id!)).Status.Should().Be("in_progress");
        Advance(1);
        var failed = await Client.GetRollAsync(id, roll.Id!);

        failed.Status.Should().Be("failed", "the batch was not healthy by boot time + grace period");
        failed.IsFailedOrStopped.Should().BeTrue();
        failed.Progress!.Value.Should().Be(0);
        Live(id).Select(i => i.InstanceId).Should().BeEquivalentTo(old);
        (await Client.GetInstanceHealthinessAsync(id)).Should().HaveCount(4).And.OnlyContain(h => h.IsHealthy);
        var detail = await Client.GetRollStatusAsync(id, roll.Id!);
        var batch = detail.AdditionalProperties!["instances"][0];
        batch.GetProperty("blue").EnumerateArray().Should().OnlyContain(b => b.GetProperty("status").GetString() == "RUNNING");
        batch.GetProperty("green").EnumerateArray().Should().HaveCount(2).And.OnlyContain(g => g.GetProperty("status").GetString() == "DETACHED");
        var next = await Client.StartRollAsync(id, new RollRequest { BatchSizePercentage = 50, GracePeriod = 120 });
        next!.Id.Should().NotBe(roll.Id, "a failed roll does not block the next one");
    }

    [Fact]
    public async Task StartRoll_HealthCheckNone_DoesNotWaitForHealth()
    {
        State.MarkImageNeverHealthy("ami-bad");
        var id = await GroupOnNewImageAsync("ami-bad", target: 2);
        var roll = await Client.StartRollAsync(id, new RollRequest { BatchSizePercentage = 100, GracePeriod = 10, HealthCheckType = "NONE" });

        Advance(39);
        (await Client.GetRollAsync(id, roll!.Id!)).Status.Should().Be("in_progress");
        Advance(1);

        (await Client.GetRollAsync(id, roll.Id!)).Status.Should().Be("finished", "with NONE a batch takes boot time + grace period and checks nothing");
        Live(id).Should().HaveCount(2).And.OnlyContain(i => i.ImageId == "ami-bad");
    }

    [Fact]
    public async Task StopRoll_Active_StopsItAndKeepsTheOldInstances()
    {
        var id = await GroupOnNewImageAsync("ami-new");
        var old = Live(id).Select(i => i.InstanceId).ToList();
        var roll = await Client.StartRollAsync(id, new RollRequest { BatchSizePercentage = 50, GracePeriod = 300 });
        Advance(10);

        await Client.StopRollAsync(id, roll!.Id!);

        var stopped = await Client.GetRollAsync(id, roll.Id!);
        stopped.Status.Should().Be("stopped");
        Live(id).Select(i => i.InstanceId).Should().BeEquivalentTo(old);
        Advance(600);
        (await Client.GetRollAsync(id, roll.Id!)).Status.Should().Be("stopped");
        Live(id).Select(i => i.InstanceId).Should().BeEquivalentTo(old);
        await Client.StopRollAsync(id, roll.Id!);
        var unknown = () => Client.StopRollAsync(id, "sbgd-missing");
        await unknown.Should().ThrowAsync<SpotNotFoundException>();
    }

    [Fact]
    public async Task GetRollStatus_MidRoll_DescribesBatchesWithBlueAndGreenInstances()
    {
        var id = await GroupOnNewImageAsync("ami-new", target: 3);
        var old = Live(id).Select(i => i.InstanceId).ToList();
        var roll = await Client.StartRollAsync(id, new RollRequest { BatchSizePercentage = 34, GracePeriod = 600 });
        Advance(80);

        var (_, envelope, _) = await SendRawAsync(HttpMethod.Get, $"/aws/ec2/group/{id}/roll/{roll!.Id}/status");

        envelope["response"]!["kind"]!.GetValue<string>().Should().Be("spotinst:aws:ec2:group:roll:status");
        var item = envelope["response"]!["items"]![0]!;
        item["numberOfBatches"]!.GetValue<int>().Should().Be(2, "34 % of 3 rounds up to two per batch");
        item["currentBatch"]!.GetValue<int>().Should().Be(2);
        item["progress"]!.ToJsonString().Should().Be("""{"unit":"percent","value":50}""");
        item["gracePeriod"]!.GetValue<int>().Should().Be(600);
        var batches = item["instances"]!.AsArray();
        batches.Should().HaveCount(2);
        batches[0]!["blue"]!.AsArray().Select(b => b!["instanceId"]!.GetValue<string>()).Should().Equal(old.Take(2));
        batches[0]!["blue"]!.AsArray().Should().OnlyContain(b => b!["status"]!.GetValue<string>() == "DETACHED" && b["batchNum"]!.GetValue<int>() == 1);
        batches[0]!["green"]!.AsArray().Should().HaveCount(2).And.OnlyContain(g => g!["status"]!.GetValue<string>() == "RUNNING" && g["lifeCycle"]!.GetValue<string>() == "spot");
        batches[1]!["blue"]!.AsArray().Select(b => b!["instanceId"]!.GetValue<string>()).Should().Equal(old[2]);
        batches[1]!["green"]!.AsArray().Single()!["status"]!.GetValue<string>().Should().Be("PENDING", "the second batch started at 60 s and boots for 30 s");
        var list = await Client.ListRollsAsync(id);
        list.Single().AdditionalProperties!["blueInstances"].GetInt32().Should().Be(1);
        list.Single().AdditionalProperties!["greenInstances"].GetInt32().Should().Be(3);
    }

    [Fact]
    public async Task ListRolls_SeveralRolls_NewestFirstUnlessSortedAscendingAndLimited()
    {
        var id = await GroupOnNewImageAsync("ami-new", target: 1);
        var first = await Client.StartRollAsync(id, new RollRequest { BatchSizePercentage = 100, GracePeriod = 60 });
        Advance(60);
        var second = await Client.StartRollAsync(id, new RollRequest { BatchSizePercentage = 100, GracePeriod = 60 });

        var newestFirst = await Client.ListRollsAsync(id);
        var (_, ascending, _) = await SendRawAsync(HttpMethod.Get, $"/aws/ec2/group/{id}/roll", query: "limit=1&sort=createdAt%3AASC");

        newestFirst.Select(r => r.Id).Should().Equal(second!.Id, first!.Id);
        newestFirst[1].Status.Should().Be("finished");
        newestFirst[0].CreatedAt.Should().Be(Clock.GetUtcNow());
        ascending["response"]!["items"]!.AsArray().Single()!["id"]!.GetValue<string>().Should().Be(first.Id);
        ascending["response"]!["items"]![0]!["createdAt"]!.GetValue<string>().Should().EndWith("+0000");
    }

    [Fact]
    public async Task RollAction_DetachNewAfterFailure_DetachesWhatTheRollLaunched()
    {
        State.MarkImageNeverHealthy("ami-bad");
        var id = await GroupOnNewImageAsync("ami-bad", target: 2);
        var roll = await Client.StartRollAsync(id, new RollRequest { BatchSizePercentage = 50, GracePeriod = 60 });
        var during = () => Client.RollActionAsync(id, roll!.Id!, new RollActionRequest { ActionType = "DETACH_NEW" });
        await during.Should().ThrowAsync<SpotApiException>("actions apply to a failed or stopped roll");
        Advance(90);
        var launchedByRoll = State.GetInstances(id).Where(i => i.ImageId == "ami-bad").Select(i => i.InstanceId).ToList();

        var result = await Client.RollActionAsync(id, roll!.Id!, new RollActionRequest { ActionType = "DETACH_OLD", ShouldDecrementTargetCapacity = false });

        result!.ActionType.Should().Be("DETACH_OLD");
        result.RollId.Should().Be(roll.Id);
        result.GroupId.Should().Be(id);
        result.DetachedInstances.Should().HaveCount(2);
        launchedByRoll.Should().HaveCount(1, "the failed first batch launched one");
        Live(id).Should().HaveCount(2, "without decrement the group refills").And.OnlyContain(i => i.ImageId == "ami-bad" && i.State == "pending");
    }

    [Fact]
    public async Task StartRoll_BadBody_IsRefusedWithTheField()
    {
        var id = await GroupOnNewImageAsync("ami-new", target: 1);

        var (status, envelope, _) = await SendRawAsync(HttpMethod.Put, $"/aws/ec2/group/{id}/roll", """{"batchSizePercentage":0,"gracePeriod":60}""");
        var (status2, envelope2, _) = await SendRawAsync(HttpMethod.Put, $"/aws/ec2/group/{id}/roll", """{"batchSizePercentage":50}""");
        var (status3, envelope3, _) = await SendRawAsync(HttpMethod.Put, $"/aws/ec2/group/{id}/roll", """{"batchSizePercentage":50,"gracePeriod":60,"healthCheckType":"PING"}""");

        (status, status2, status3).Should().Be((400, 400, 400));
        envelope["response"]!["errors"]![0]!["field"]!.GetValue<string>().Should().Be("batchSizePercentage");
        envelope2["response"]!["errors"]![0]!["field"]!.GetValue<string>().Should().Be("gracePeriod");
        envelope3["response"]!["errors"]![0]!["field"]!.GetValue<string>().Should().Be("healthCheckType");
        (await Client.ListRollsAsync(id)).Should().BeEmpty();
    }

    [Fact]
    public async Task Snapshot_WithRoll_ListsIt()
    {
        var id = await GroupOnNewImageAsync("ami-new", target: 2);
        var roll = await Client.StartRollAsync(id, new RollRequest { BatchSizePercentage = 50, GracePeriod = 60 });
        Advance(60);

        var rolls = State.Snapshot()["rolls"]!.AsArray();

        rolls.Single()!.ToJsonString().Should().Be(
            $$"""{"id":"{{roll!.Id}}","groupId":"{{id}}","status":"in_progress","currentBatch":2,"numberOfBatches":2,"progress":50}""");
    }

    [Fact]
    public async Task StartCodeDeployBlueGreen_RealRequest_IsRecordedAndProgressesToFinished()
    {
        var id = State.SeedGroup(SpotGroups.Group("app", 1, 1, 1));
        var request = JsonSerializer.Deserialize<JsonObject>(SpotFixtures.Read("sdkpy-codedeploy-bg-request.json"))!["deployment"]!;

        var started = await Client.StartCodeDeployBlueGreenAsync(id, new CodeDeployBlueGreenRequest
        {
            Timeout = request["timeout"]!.GetValue<int>(),
            Tags = [new CodeDeployTag { TagKey = "key", TagValue = "value" }],
            DeploymentGroups = [new CodeDeployDeploymentGroup { ApplicationName = "appTest", DeploymentGroupName = "deploymentGroupTest" }],
        });

        started!.Id.Should().MatchRegex("^cdbg-[0-9a-f]{8}$");
        started.GroupId.Should().Be(id);
        started.State.Should().Be("STARTING");
        started.Status.Should().Be("INITIALIZING");
        started.Config!.Timeout.Should().Be(20);
        started.Config.DeploymentGroups!.Single().ApplicationName.Should().Be("appTest");
        started.Config.Tags!.Single().TagValue.Should().Be("value");
        Advance(30);
        (await Client.GetCodeDeployBlueGreenAsync(id)).Single().State.Should().Be("IN_PROGRESS");
        Advance(30);
        var listed = await Client.GetCodeDeployBlueGreenAsync(id);
        listed.Should().ContainSingle().Which.Should().Match<CodeDeployBlueGreenDeployment>(d => d.Id == started.Id && d.State == "FINISHED");
        var unknown = () => Client.GetCodeDeployBlueGreenAsync("sig-missing");
        await unknown.Should().ThrowAsync<SpotNotFoundException>();
    }

    [Fact]
    public async Task StartCodeDeployBlueGreen_NoDeploymentWrapper_IsRefused()
    {
        var id = State.SeedGroup(SpotGroups.Group("app", 1, 1, 1));

        var (status, envelope, _) = await SendRawAsync(HttpMethod.Post, $"/aws/ec2/group/{id}/codeDeploy/blueGreenDeployment", """{"timeout":20}""");

        status.Should().Be(400);
        envelope["response"]!["errors"]![0]!["field"]!.GetValue<string>().Should().Be("deployment");
    }
}
