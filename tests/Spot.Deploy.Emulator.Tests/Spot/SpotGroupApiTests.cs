using System.Net;
using System.Text.Json.Nodes;
using Spot.Deploy.Elastigroup;

namespace Spot.Deploy.Emulator.Tests.Spot;

public sealed class SpotGroupApiTests : SpotEmulatorTestBase
{
    [Fact]
    public async Task CreateGroup_ValidDocument_ReturnsGroupWithIdTimestampsAndDefaultUnit()
    {
        var created = await Client.CreateGroupAsync(SpotGroups.Document("app__1", 1, 2, 4));

        created.Id.Should().MatchRegex("^sig-[0-9a-f]{8}$");
        created.Name.Should().Be("app__1");
        created.Capacity!.Unit.Should().Be("instance", "an absent unit defaults to instance");
        created.CreatedAt.Should().Be(Clock.GetUtcNow());
        created.UpdatedAt.Should().Be(Clock.GetUtcNow());
        var stored = State.GetGroup(created.Id!)!;
        stored["createdAt"]!.GetValue<string>().Should().Be("2026-11-21T12:00:00.000+0000", "groups use Spot's +0000 style");
        stored.Select(p => p.Key).Should().StartWith("id").And.EndWith(["createdAt", "updatedAt"]);
    }

    [Fact]
    public async Task CreateGroup_ReadOnlyFieldsInBody_AreIgnored()
    {
        var group = SpotGroups.Group("app__1", 0, 0, 1);
        group["id"] = "sig-chosen";
        group["createdAt"] = "2001-01-01T00:00:00.000+0000";

        var created = await Client.CreateGroupAsync(ElastigroupDocument.FromGroup(group));

        created.Id.Should().NotBe("sig-chosen");
        created.CreatedAt.Should().Be(Clock.GetUtcNow());
    }

    [Fact]
    public async Task GetGroup_AfterCreate_ReturnsTheStoredDocument()
    {
        var created = await Client.CreateGroupAsync(SpotGroups.Document("app__1", 1, 1, 1));

        var document = await Client.GetGroupDocumentAsync(created.Id!);
        var typed = await Client.GetGroupAsync(created.Id!);

        ExactJson.Difference(State.GetGroup(created.Id!), document.Group).Should().BeNull();
        typed.Compute!.LaunchSpecification!.ImageId.Should().Be("ami-11111111");
    }

    [Fact]
    public async Task ListGroups_SeveralGroups_ReturnsAllInCreationOrder()
    {
        var first = await Client.CreateGroupAsync(SpotGroups.Document("app__1", 0, 0, 0));
        var second = await Client.CreateGroupAsync(SpotGroups.Document("app__2", 0, 0, 0));
        var seeded = State.SeedGroup(SpotGroups.Group("other", 0, 0, 0));

        var groups = await Client.ListGroupsAsync();
        var app = await Client.ListGroupsAsync("app__");

        groups.Select(g => g.Id).Should().Equal(first.Id, second.Id, seeded);
        app.Select(g => g.Name).Should().Equal("app__1", "app__2");
    }

    [Fact]
    public async Task UpdateGroup_Patch_MergesRecursivelyClearsNullsAndReplacesArrays()
    {
        var group = SpotGroups.Group("app__1", 0, 0, 2);
        group["strategy"]!["onDemandCount"] = 1;
        group["description"] = "before";
        var id = State.SeedGroup(group);
        var patch = JsonNode.Parse("""
            {
              "description": null,
              "strategy": { "risk": 50, "onDemandCount": null },
              "compute": { "instanceTypes": { "spot": ["c5.large"] }, "launchSpecification": { "imageId": "ami-22222222" } },
              "scheduling": { "tasks": [] }
            }
            """)!.AsObject();

        var updated = await Client.UpdateGroupAsync(id, patch);

        var stored = State.GetGroup(id)!;
        stored.Should().ContainKey("description").WhoseValue.Should().BeNull("an explicit null clears the field");
        stored["strategy"]!.ToJsonString().Should().Be("""{"risk":50,"availabilityVsCost":"balanced","onDemandCount":null}""");
        stored["compute"]!["instanceTypes"]!.ToJsonString().Should().Be("""{"ondemand":"m5.large","spot":["c5.large"]}""", "arrays are replaced, siblings kept");
        stored["compute"]!["launchSpecification"]!["healthCheckType"]!.GetValue<string>().Should().Be("TARGET_GROUP");
        stored["compute"]!["availabilityZones"]!.AsArray().Should().HaveCount(2, "absent fields stay");
        stored["scheduling"]!.ToJsonString().Should().Be("""{"tasks":[]}""", "new sections are added");
        stored["name"]!.GetValue<string>().Should().Be("app__1");
        updated.Compute!.LaunchSpecification!.ImageId.Should().Be("ami-22222222");
        State.Groups.Single().ImageId.Should().Be("ami-22222222");
    }

    [Fact]
    public async Task RenameGroup_ChangesTheNameAndNothingElse()
    {
        var id = State.SeedGroup(SpotGroups.Group("app__1", 0, 0, 2));
        var expected = State.GetGroup(id)!;
        Advance(5);

        var renamed = await Client.RenameGroupAsync(id, "app__2");

        renamed.Id.Should().Be(id);
        renamed.Name.Should().Be("app__2");
        expected["name"] = "app__2";
        expected["updatedAt"] = "2026-11-21T12:00:05.000+0000";
        ExactJson.Difference(expected, State.GetGroup(id)).Should().BeNull();
        (await Client.ListGroupsAsync("app__2")).Should().ContainSingle().Which.Id.Should().Be(id);
    }

    [Fact]
    public async Task SetImage_ImageId_ReplacesTheImage()
    {
        var id = State.SeedGroup(SpotGroups.Group("app__1", 0, 0, 2));
        var current = (await Client.GetGroupDocumentAsync(id)).LaunchImage!;

        var updated = await Client.SetImageAsync(id, current.WithFirst("ami-22222222"));

        updated.Compute!.LaunchSpecification!.ImageId.Should().Be("ami-22222222");
        var document = await Client.GetGroupDocumentAsync(id);
        document.LaunchImage.Should().Be(LaunchImage.FromImageId("ami-22222222"));
        document.HealthCheckType.Should().Be("TARGET_GROUP", "the rest of the launch specification stays");
        State.Groups.Single().ImageId.Should().Be("ami-22222222");
    }

    [Fact]
    public async Task SetImage_Images_KeepsEveryImageInOrderAndLaunchesTheFirst()
    {
        var group = SpotGroups.Group("app__1", 0, 0, 2);
        var launchSpecification = group["compute"]!["launchSpecification"]!.AsObject();
        launchSpecification.Remove("imageId");
        launchSpecification["images"] = new JsonArray(new JsonObject { ["id"] = "ami-11111111" }, new JsonObject { ["id"] = "ami-aaaaaaaa" });
        var id = State.SeedGroup(group);
        var current = (await Client.GetGroupDocumentAsync(id)).LaunchImage!;

        await Client.SetImageAsync(id, current.WithFirst("ami-22222222"));
        await Client.UpdateCapacityAsync(id, 0, 1, 2);

        var document = await Client.GetGroupDocumentAsync(id);
        document.LaunchImage.Should().Be(LaunchImage.FromImages(["ami-22222222", "ami-aaaaaaaa"]));
        document.ImageId.Should().BeNull("the images patch adds no imageId next to images");
        Live(id).Should().ContainSingle().Which.ImageId.Should().Be("ami-22222222");
    }

    [Fact]
    public async Task UpdateGroup_ReadOnlyIdAndTimestamps_AreIgnoredAndUpdatedAtMoves()
    {
        var id = State.SeedGroup(SpotGroups.Group("app__1", 0, 0, 1));
        var createdAt = State.GetGroup(id)!["createdAt"]!.GetValue<string>();
        Advance(5);

        await Client.UpdateGroupAsync(id, new JsonObject { ["id"] = "sig-other", ["createdAt"] = "x", ["updatedAt"] = "y", ["name"] = "app__1b" });

        var stored = State.GetGroup(id)!;
        stored["id"]!.GetValue<string>().Should().Be(id);
        stored["createdAt"]!.GetValue<string>().Should().Be(createdAt);
        stored["updatedAt"]!.GetValue<string>().Should().Be("2026-11-21T12:00:05.000+0000");
        stored["name"]!.GetValue<string>().Should().Be("app__1b");
    }

    [Theory]
    [InlineData("""{"capacity":{"unit":"weight"}}""", "group.capacity.unit")]
    [InlineData("""{"capacity":{"unit":null}}""", "group.capacity.unit")]
    [InlineData("""{"compute":{"product":"Windows"}}""", "group.compute.product")]
    [InlineData("""{"capacity":{"minimum":3}}""", "group.capacity")]
    [InlineData("""{"capacity":null}""", "group.capacity")]
    [InlineData("""{"name":null}""", "group.name")]
    [InlineData("""{"compute":{"launchSpecification":{"images":[{"id":"ami-2"}]}}}""", "group.compute.launchSpecification.images")]
    public async Task UpdateGroup_ForbiddenChange_IsRefusedWithTheFieldAndChangesNothing(string patch, string field)
    {
        var id = State.SeedGroup(SpotGroups.Group("app__1", 1, 2, 2));
        var before = State.Snapshot().ToJsonString();

        var act = () => Client.UpdateGroupAsync(id, JsonNode.Parse(patch)!.AsObject());

        var error = (await act.Should().ThrowAsync<SpotApiException>()).Which;
        error.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        error.ErrorCode.Should().Be("VALIDATION_ERROR");
        error.Errors.Single().Field.Should().Be(field);
        State.Snapshot().ToJsonString().Should().Be(before);
    }

    [Fact]
    public async Task UpdateGroup_SameUnitAndProductSentAgain_IsAccepted()
    {
        var id = State.SeedGroup(SpotGroups.Group("app__1", 0, 0, 1));

        await Client.UpdateGroupAsync(id, JsonNode.Parse("""{"capacity":{"unit":"instance"},"compute":{"product":"Linux/UNIX"}}""")!.AsObject());

        State.GetGroup(id)!["compute"]!["product"]!.GetValue<string>().Should().Be("Linux/UNIX");
    }

    [Fact]
    public async Task UpdateCapacity_ValidNumbers_ChangesTheDocumentAndTheInstances()
    {
        var id = State.SeedGroup(SpotGroups.Group("app__1", 0, 0, 1));

        await Client.UpdateCapacityAsync(id, 1, 3, 5);

        State.Groups.Single().Should().Be(new SpotGroupInfo(id, "app__1", 1, 3, 5, "instance", "ami-11111111"));
        State.GetGroup(id)!["capacity"]!.ToJsonString().Should().Be("""{"minimum":1,"maximum":5,"target":3,"unit":"instance"}""");
        Live(id).Should().HaveCount(3);
    }

    [Theory]
    [InlineData("""{"capacity":{"minimum":3,"target":2,"maximum":4}}""", "capacity")]
    [InlineData("""{"capacity":{"minimum":0,"target":5,"maximum":4}}""", "capacity")]
    [InlineData("""{"capacity":{"target":-1}}""", "capacity.target")]
    [InlineData("""{"capacity":{"target":"two"}}""", "capacity.target")]
    [InlineData("""{"capacity":{"target":1.5}}""", "capacity.target")]
    [InlineData("""{"capacity":{"unit":"weight"}}""", "capacity.unit")]
    [InlineData("""{"minimum":1}""", "capacity")]
    public async Task UpdateCapacity_InvalidBody_Returns400WithTheField(string body, string field)
    {
        var id = State.SeedGroup(SpotGroups.Group("app__1", 1, 2, 4));

        var (status, envelope, _) = await SendRawAsync(HttpMethod.Put, $"/aws/ec2/group/{id}/capacity", body);

        status.Should().Be(400);
        envelope["response"]!["status"]!["code"]!.GetValue<int>().Should().Be(400);
        envelope["response"]!["errors"]![0]!["code"]!.GetValue<string>().Should().Be("VALIDATION_ERROR");
        envelope["response"]!["errors"]![0]!["field"]!.GetValue<string>().Should().Be(field);
        State.Groups.Single().Target.Should().Be(2);
    }

    [Fact]
    public async Task UpdateCapacity_PartialBodyAndNumbersAsStrings_KeepTheRest()
    {
        var id = State.SeedGroup(SpotGroups.Group("app__1", 1, 2, 4));

        var (status, envelope, _) = await SendRawAsync(HttpMethod.Put, $"/aws/ec2/group/{id}/capacity", """{"capacity":{"target":"3"}}""");

        status.Should().Be(200);
        envelope["response"]!["kind"]!.GetValue<string>().Should().Be("spotinst:aws:ec2:group:capacity");
        envelope["response"]!["items"]![0]!.ToJsonString().Should().Be("""{"capacity":{"minimum":1,"maximum":4,"target":3}}""");
        State.Groups.Single().Should().Match<SpotGroupInfo>(g => g.Minimum == 1 && g.Target == 3 && g.Maximum == 4);
    }

    [Fact]
    public async Task DeleteGroup_Existing_RemovesItAndItsInstances()
    {
        var id = State.SeedGroup(SpotGroups.Group("app__1", 2, 2, 2));

        await Client.DeleteGroupAsync(id);

        State.GetGroup(id).Should().BeNull();
        State.Groups.Should().BeEmpty();
        var again = () => Client.DeleteGroupAsync(id);
        await again.Should().ThrowAsync<SpotNotFoundException>();
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("GET", "/status")]
    [InlineData("GET", "/instanceHealthiness")]
    [InlineData("GET", "/roll")]
    [InlineData("DELETE", "")]
    public async Task AnyGroupRoute_UnknownGroup_Returns400GroupDoesntExist(string method, string suffix)
    {
        var (status, envelope, _) = await SendRawAsync(new HttpMethod(method), "/aws/ec2/group/sig-missing" + suffix);

        status.Should().Be(400);
        envelope["response"]!["errors"]![0]!["code"]!.GetValue<string>().Should().Be("GROUP_DOESNT_EXIST");
    }

    [Fact]
    public async Task GetGroup_UnknownId_ThrowsSpotNotFoundException()
    {
        var act = () => Client.GetGroupAsync("sig-missing");

        var error = (await act.Should().ThrowAsync<SpotNotFoundException>()).Which;
        error.ErrorCode.Should().Be("GROUP_DOESNT_EXIST");
        error.StatusCode.Should().Be(HttpStatusCode.BadRequest, "Spot answers a missing group with 400, not 404");
    }

    [Fact]
    public async Task AnyCall_WrongToken_ThrowsSpotAuthenticationException()
    {
        using var client = CreateClient(token: "not-the-token");

        var act = () => client.ListGroupsAsync();

        (await act.Should().ThrowAsync<SpotAuthenticationException>()).Which.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        State.Groups.Should().BeEmpty();
    }

    [Theory]
    [InlineData("""{"name":"x"}""", "CANT_CREATE_GROUP", "group")]
    [InlineData("""{"group":{"capacity":{"minimum":0,"target":0,"maximum":0},"compute":{"launchSpecification":{"imageId":"ami-1"}}}}""", "VALIDATION_ERROR", "group.name")]
    [InlineData("""{"group":{"name":"x","compute":{"launchSpecification":{"imageId":"ami-1"}}}}""", "VALIDATION_ERROR", "group.capacity")]
    [InlineData("""{"group":{"name":"x","capacity":{"minimum":0,"maximum":0},"compute":{"launchSpecification":{"imageId":"ami-1"}}}}""", "VALIDATION_ERROR", "group.capacity.target")]
    [InlineData("""{"group":{"name":"x","capacity":{"minimum":2,"target":1,"maximum":3},"compute":{"launchSpecification":{"imageId":"ami-1"}}}}""", "VALIDATION_ERROR", "group.capacity")]
    [InlineData("""{"group":{"name":"x","capacity":{"minimum":0,"target":0,"maximum":0,"unit":"cpu"},"compute":{"launchSpecification":{"imageId":"ami-1"}}}}""", "VALIDATION_ERROR", "group.capacity.unit")]
    [InlineData("""{"group":{"name":"x","capacity":{"minimum":0,"target":0,"maximum":0},"compute":{}}}""", "VALIDATION_ERROR", "group.compute.launchSpecification")]
    [InlineData("""{"group":{"name":"x","capacity":{"minimum":0,"target":0,"maximum":0},"compute":{"launchSpecification":{}}}}""", "VALIDATION_ERROR", "group.compute.launchSpecification.imageId")]
    [InlineData("""{"group":{"name":"x","capacity":{"minimum":0,"target":0,"maximum":0},"compute":{"launchSpecification":{"imageId":"ami-1","loadBalancersConfig":{"loadBalancers":[{"type":"TARGET_GROUP"}]}}}}}""", "VALIDATION_ERROR", "group.compute.launchSpecification.loadBalancersConfig.loadBalancers")]
    [InlineData("""{"group":{"name":"x","name":"y"}}""", "VALIDATION_ERROR", "body")]
    [InlineData("""{"group":""", "VALIDATION_ERROR", "body")]
    public async Task CreateGroup_BadBody_Returns400WithCodeAndFieldAndCreatesNothing(string body, string code, string field)
    {
        var (status, envelope, _) = await SendRawAsync(HttpMethod.Post, "/aws/ec2/group", body);

        status.Should().Be(400);
        var error = envelope["response"]!["errors"]!.AsArray().Should().ContainSingle().Subject!;
        error["code"]!.GetValue<string>().Should().Be(code);
        error["field"]!.GetValue<string>().Should().Be(field);
        error["message"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
        State.Groups.Should().BeEmpty();
    }

    [Fact]
    public async Task Envelope_EveryAnswer_HasSpotsRequestAndResponseShape()
    {
        var id = State.SeedGroup(SpotGroups.Group("app__1", 1, 1, 1));
        Advance(1.5);

        var (status, envelope, text) = await SendRawAsync(HttpMethod.Get, $"/aws/ec2/group/{id}/instanceHealthiness");

        status.Should().Be(200);
        var request = envelope["request"]!.AsObject();
        request.Select(p => p.Key).Should().Equal("id", "url", "method", "timestamp");
        Guid.TryParse(request["id"]!.GetValue<string>(), out _).Should().BeTrue();
        request["url"]!.GetValue<string>().Should().Be($"/aws/ec2/group/{id}/instanceHealthiness?accountId=act-emulator");
        request["method"]!.GetValue<string>().Should().Be("GET");
        request["timestamp"]!.GetValue<string>().Should().Be("2026-11-21T12:00:01.500Z", "the timestamp is on the emulator's clock");
        envelope.Select(p => p.Key).Should().Equal("request", "response");
        envelope["response"]!.AsObject().Select(p => p.Key).Should().Equal("status", "kind", "items", "count");
        envelope["response"]!["status"]!.ToJsonString().Should().Be("""{"code":200,"message":"OK"}""");
        envelope["response"]!["kind"]!.GetValue<string>().Should().Be("spotinst:aws:ec2:group:instanceHealthiness");
        envelope["response"]!["count"]!.GetValue<int>().Should().Be(1);
        var item = envelope["response"]!["items"]![0]!.AsObject();
        item.Select(p => p.Key).Should().Equal("instanceId", "spotRequestId", "groupId", "availabilityZone", "lifeCycle", "healthStatus");
        item["lifeCycle"]!.GetValue<string>().Should().Be("SPOT");
        text.Should().NotContain("\\u002B");
    }

    [Fact]
    public async Task Delete_Answer_HasStatusButNoKindOrItems()
    {
        var id = State.SeedGroup(SpotGroups.Group("app__1", 0, 0, 0));

        var (status, envelope, _) = await SendRawAsync(HttpMethod.Delete, $"/aws/ec2/group/{id}", """{"statefulDeallocation":{"shouldDeleteImages":false}}""");

        status.Should().Be(200);
        envelope["response"]!.AsObject().Select(p => p.Key).Should().Equal("status");
    }

    [Theory]
    [InlineData("GET", "/aws/ec2/group", "spotinst:aws:ec2:group")]
    [InlineData("GET", "/aws/ec2/group/{id}", "spotinst:aws:ec2:group")]
    [InlineData("GET", "/aws/ec2/group/{id}/status", "spotinst:aws:ec2:group")]
    [InlineData("GET", "/aws/ec2/group/{id}/roll", "spotinst:aws:ec2:group:roll")]
    [InlineData("GET", "/aws/ec2/group/{id}/codeDeploy/blueGreenDeployment", "spotinst:aws:ec2:group:codeDeploy:blueGreenDeployment")]
    [InlineData("PUT", "/aws/ec2/group/{id}/scale/up", "spotinst:aws:ec2:scale")]
    public async Task Route_Answer_CarriesTheRealKind(string method, string path, string kind)
    {
        var id = State.SeedGroup(SpotGroups.Group("app__1", 0, 1, 2));

        var (status, envelope, _) = await SendRawAsync(new HttpMethod(method), path.Replace("{id}", id, StringComparison.Ordinal));

        status.Should().Be(200);
        envelope["response"]!["kind"]!.GetValue<string>().Should().Be(kind);
        envelope["response"]!["count"]!.GetValue<int>().Should().Be(envelope["response"]!["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task CreateGroup_RealSdkCreateRequest_KeepsEveryFieldExactly()
    {
        var text = SpotFixtures.Read("sdkpy-aws-group-create-request.json");
        var expected = JsonNode.Parse(text)!["group"]!.DeepClone().AsObject();
        expected["capacity"]!["unit"] = "instance";

        var created = await Client.CreateGroupAsync(ElastigroupDocument.Parse(text));
        var document = await Client.GetGroupDocumentAsync(created.Id!);
        var (_, envelope, raw) = await SendRawAsync(HttpMethod.Get, $"/aws/ec2/group/{created.Id}");

        var returned = document.Group.DeepClone().AsObject();
        returned["id"]!.GetValue<string>().Should().Be(created.Id);
        returned.Remove("id");
        returned.Remove("createdAt");
        returned.Remove("updatedAt");
        ExactJson.Difference(expected, returned).Should().BeNull("every field, in order, with its exact text, survives create + get");
        raw.Should().Contain("\"volumeSize\":\"80\"").And.Contain("\"deleteOnTermination\":\"true\"").And.Contain("\"threshold\":0.8")
            .And.Contain("\"onDemandCount\":null").And.Contain("\"mesosphere\":{\"apiServer\":\"1.2.3.4\"}").And.Contain("\"product\":\"Linux/UNIX\"");
        envelope["response"]!["items"]![0]!["capacity"]!["unit"]!.GetValue<string>().Should().Be("instance");
        Live(created.Id!).Should().HaveCount(2, "the fixture's target is 2");
    }

    [Fact]
    public async Task UpdateGroup_NoChangeRoundTrip_KeepsTheDocumentExactly()
    {
        var text = SpotFixtures.Read("sdkpy-aws-group-create-request.json");
        var created = await Client.CreateGroupAsync(ElastigroupDocument.Parse(text));
        var before = State.GetGroup(created.Id!)!;
        var patch = before.DeepClone().AsObject();

        await Client.UpdateGroupAsync(created.Id!, patch);

        var after = State.GetGroup(created.Id!)!;
        ExactJson.Difference(before, after).Should().BeNull("sending the group back unchanged (read-only fields included) changes nothing");
    }

    [Fact]
    public async Task SeedGroup_WrappedOrBare_StoresAndKeepsGivenId()
    {
        var wrapped = new JsonObject { ["group"] = SpotGroups.Group("a", 0, 0, 0) };
        var bare = SpotGroups.Group("b", 0, 0, 0);
        bare["id"] = "sig-fixed";

        var first = State.SeedGroup(wrapped);
        var second = State.SeedGroup(bare);
        var duplicate = () => State.SeedGroup(bare);
        var invalid = () => State.SeedGroup(new JsonObject { ["name"] = "x" });

        State.GetGroup(first)!["name"]!.GetValue<string>().Should().Be("a");
        second.Should().Be("sig-fixed");
        (await Client.GetGroupAsync("sig-fixed")).Name.Should().Be("b");
        duplicate.Should().Throw<ArgumentException>().WithMessage("*sig-fixed*");
        invalid.Should().Throw<ArgumentException>().WithMessage("*group.capacity*");
    }
}
