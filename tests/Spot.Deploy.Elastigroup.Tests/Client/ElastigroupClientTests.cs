using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Elastigroup.Tests.Client;

public sealed class ElastigroupClientTests : IAsyncLifetime
{
    private LoopbackServer _server = null!;
    private readonly CapturingLogger _log = new();
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private ElastigroupClient Client(VirtualClock? time = null, Action<ElastigroupClientOptions>? configure = null)
    {
        var options = Spot.Options(_server, time);
        configure?.Invoke(options);
        return new ElastigroupClient(_http, options, _log);
    }

    private void Answer(string body, int status = 200) => _server.Handler = _ => new ScriptedResponse(status, body);

    private RecordedRequest Only() => _server.Requests.Should().ContainSingle().Subject;

    private static JsonNode Json(string body) => JsonNode.Parse(body)!;

    [Fact]
    public async Task EveryCall_SendsBearerAccountJsonAndUserAgent()
    {
        Answer(Spot.Envelope("spotinst:aws:ec2:group", "[]", 0));

        await Client().ListGroupsAsync();

        var request = Only();
        request.Method.Should().Be("GET");
        request.Path.Should().Be("/aws/ec2/group");
        request.Query.Should().Be("?accountId=act-12345");
        request.Header("Authorization").Should().Be("Bearer " + Spot.Token);
        request.Header("Accept").Should().Be("application/json");
        request.Header("User-Agent").Should().StartWith("Spot.Deploy.Elastigroup/").And.Contain(".NET");
    }

    [Fact]
    public async Task ListGroups_ParsesTypedFieldsAndKeepsTheRest()
    {
        Answer(Spot.Envelope("spotinst:aws:ec2:group", "[" + Spot.Group + "]"));

        var groups = await Client().ListGroupsAsync();

        var group = groups.Should().ContainSingle().Subject;
        group.Id.Should().Be("sig-1");
        group.Capacity!.Minimum.Should().Be(1, "a number written as a string is read");
        group.Capacity.Target.Should().Be(2);
        group.Strategy!.FallbackToOd.Should().BeTrue("a boolean written as a string is read");
        group.Strategy.AdditionalProperties!.Should().ContainKey("persistence");
        group.Compute!.LaunchSpecification!.ImageId.Should().Be("ami-1");
        group.Compute.LaunchSpecification.LoadBalancersConfig!.LoadBalancers!.Single().Arn.Should().Be("arn:tg");
        group.AdditionalProperties!.Should().ContainKey("mesosphere");
        group.CreatedAt.Should().Be(new DateTimeOffset(2018, 8, 29, 18, 9, 1, 431, TimeSpan.Zero));
        group.UpdatedAt.Should().Be(group.CreatedAt, "both timestamp styles are read");
    }

    [Fact]
    public async Task ListGroups_NamePrefix_FiltersExactlyByPrefix()
    {
        Answer(Spot.Envelope("spotinst:aws:ec2:group", """[{"id":"a","name":"app__1"},{"id":"b","name":"other"},{"id":"c","name":"app__2"},{"id":"d"}]""", 4));

        var groups = await Client().ListGroupsAsync("app__");

        groups.Select(g => g.Id).Should().Equal("a", "c");
    }

    [Fact]
    public async Task ListGroups_EmptyItemsOrMissingResponse_IsAnEmptyList()
    {
        Answer("""{"request":{"id":"r"},"response":{"status":{"code":200},"kind":"spotinst:aws:ec2:group","count":0}}""");

        (await Client().ListGroupsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task GetGroup_CallsTheGroupRoute()
    {
        Answer(Spot.Envelope("spotinst:aws:ec2:group", "[" + Spot.Group + "]"));

        var group = await Client().GetGroupAsync("sig-1");

        group.Name.Should().Be("app__3");
        Only().Path.Should().Be("/aws/ec2/group/sig-1");
    }

    [Fact]
    public async Task GetGroup_GroupDoesntExist_IsNotFoundWithEverything()
    {
        Answer(Spot.Error(400, ("GROUP_DOESNT_EXIST", "Group doesn't exist"), ("OTHER", "second")), 400);

        var act = () => Client().GetGroupAsync("sig-404");

        var error = (await act.Should().ThrowAsync<SpotNotFoundException>()).Subject.Single();
        error.IsNotFound.Should().BeTrue();
        error.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        error.Errors.Select(e => e.Code).Should().Equal("GROUP_DOESNT_EXIST", "OTHER");
        error.RequestId.Should().Be("req-err-7");
        error.Method.Should().Be("GET");
        error.Route.Should().Be("/aws/ec2/group/sig-404");
        error.Message.Should().Be("Spot API GET /aws/ec2/group/sig-404 failed with HTTP 400 (BadRequest): GROUP_DOESNT_EXIST Group doesn't exist; OTHER second [request id req-err-7]");
    }

    [Fact]
    public async Task Http404_IsNotFound()
    {
        Answer("", 404);

        var act = () => Client().GetGroupAsync("sig-x");

        await act.Should().ThrowAsync<SpotNotFoundException>();
    }

    [Fact]
    public async Task Http401_IsAuthenticationErrorAndNotRetried()
    {
        Answer(Spot.Error(401, ("UNAUTHORIZED", "Bad token")), 401);

        var act = () => Client().ListGroupsAsync();

        await act.Should().ThrowAsync<SpotAuthenticationException>();
        _server.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task Http400_IsNotRetried()
    {
        Answer(Spot.Error(400, ("CANT_CREATE_GROUP", "no")), 400);

        var act = () => Client().UpdateCapacityAsync("sig-1", 1, 1, 1);

        (await act.Should().ThrowAsync<SpotApiException>()).Which.ErrorCode.Should().Be("CANT_CREATE_GROUP");
        _server.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task Http500_IdempotentCall_IsRetriedUntilItSucceeds()
    {
        var calls = 0;
        _server.Handler = _ => Interlocked.Increment(ref calls) < 3 ? new ScriptedResponse(503, "oops") : new ScriptedResponse(200, Spot.Envelope("k", "[]", 0));

        await Client().GetGroupStatusAsync("sig-1");

        _server.Requests.Should().HaveCount(3);
        _log.Lines.Should().Contain(l => l.Contains("retry 1") && l.Contains("HTTP 503"));
    }

    [Fact]
    public async Task Http500_RetriesExhausted_ThrowsTheLastError()
    {
        Answer("{}", 500);

        var act = () => Client(configure: o => o.MaxRetries = 2).GetGroupAsync("sig-1");

        (await act.Should().ThrowAsync<SpotApiException>()).Which.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        _server.Requests.Should().HaveCount(3);
    }

    [Fact]
    public async Task Http500_RelativeScale_IsNeverRepeated()
    {
        Answer("{}", 500);

        var act = () => Client().ScaleUpAsync("sig-1", 2);

        await act.Should().ThrowAsync<SpotApiException>();
        _server.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task Http429_WithReset2_WaitsAtLeastTwoSecondsOfVirtualTime()
    {
        var time = new VirtualClock { AutoAdvanceLimit = TimeSpan.FromMinutes(5) };
        var calls = 0;
        _server.Handler = _ => Interlocked.Increment(ref calls) == 1
            ? new ScriptedResponse(429, """{"request":{"id":"r429"},"response":{"status":{"code":429,"message":"Too Many Requests"}}}""",
                new Dictionary<string, string> { ["X-RateLimit-Limit"] = "100", ["X-RateLimit-Remaining"] = "0", ["X-RateLimit-Reset"] = "2" })
            : new ScriptedResponse(200, Spot.Envelope("k", "[]", 0));

        await Client(time).ListGroupsAsync();

        _server.Requests.Should().HaveCount(2);
        time.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Http429_ResetLongerThanMaxRetryDelay_StillWaitsTheWholeReset()
    {
        var time = new VirtualClock { AutoAdvanceLimit = TimeSpan.FromMinutes(5) };
        var calls = 0;
        _server.Handler = _ => Interlocked.Increment(ref calls) == 1
            ? new ScriptedResponse(429, "", new Dictionary<string, string> { ["X-RateLimit-Reset"] = "45" })
            : new ScriptedResponse(200, Spot.Envelope("k", "[]", 0));

        await Client(time, o => o.MaxRetryDelay = TimeSpan.FromSeconds(30)).ListGroupsAsync();

        time.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(45));
    }

    [Fact]
    public async Task Http429_WaitsTheResetPlusJitter_AndLogsTheBackOffWithoutTheToken()
    {
        var time = new VirtualClock { AutoAdvanceLimit = TimeSpan.FromMinutes(5) };
        var stamps = new List<(string Path, DateTimeOffset Time)>();
        var statusCalls = 0;
        _server.Handler = r =>
        {
            lock (stamps)
            {
                stamps.Add((r.Path, time.GetUtcNow()));
            }

            return r.Path.EndsWith("/status", StringComparison.Ordinal) && Interlocked.Increment(ref statusCalls) == 1
                ? new ScriptedResponse(429, "", new Dictionary<string, string> { ["X-RateLimit-Limit"] = "10", ["X-RateLimit-Remaining"] = "0", ["X-RateLimit-Reset"] = "8" })
                : new ScriptedResponse(200, Spot.Envelope("k", "[]", 0), new Dictionary<string, string> { ["X-RateLimit-Limit"] = "10", ["X-RateLimit-Remaining"] = "9", ["X-RateLimit-Reset"] = "60" });
        };
        var client = Client(time, o => o.RandomSeed = 5);

        await client.GetGroupStatusAsync("sig-1");
        await client.GetInstanceHealthinessAsync("sig-1");

        stamps.Select(s => s.Path).Should().Equal("/aws/ec2/group/sig-1/status", "/aws/ec2/group/sig-1/status", "/aws/ec2/group/sig-1/instanceHealthiness");
        (stamps[1].Time - stamps[0].Time).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(8)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(16), "the reset plus jitter of up to the reset again");
        _log.Lines.Should().Contain(l => l.StartsWith("Warning 1006 ", StringComparison.Ordinal) && l.Contains("calls/min", StringComparison.Ordinal));
        _log.Lines.Should().Contain(l => l.StartsWith("Information 1007 ", StringComparison.Ordinal) && l.Contains("waited", StringComparison.Ordinal), "the retry waited for the reset's jitter");
        _log.Lines.Should().NotContain(l => l.Contains(Spot.Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Http429_LimiterOff_IsRetriedWithoutBackOff()
    {
        var time = new VirtualClock { AutoAdvanceLimit = TimeSpan.FromMinutes(5) };
        var calls = 0;
        _server.Handler = _ => Interlocked.Increment(ref calls) == 1
            ? new ScriptedResponse(429, "", new Dictionary<string, string> { ["X-RateLimit-Reset"] = "8" })
            : new ScriptedResponse(200, Spot.Envelope("k", "[]", 0));

        await Client(time, o => o.RequestsPerMinutePerRoute = 0).ListGroupsAsync();

        time.Elapsed.Should().Be(TimeSpan.FromSeconds(8), "only the retry's wait for the reset, no jitter or pacing");
        _log.Lines.Should().NotContain(l => l.Contains(" 1006 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Http503_Backoff_GrowsAndStaysUnderMaxDelay()
    {
        var time = new VirtualClock { AutoAdvanceLimit = TimeSpan.FromMinutes(5) };
        var stamps = new List<DateTimeOffset>();
        _server.Handler = _ =>
        {
            lock (stamps)
            {
                stamps.Add(time.GetUtcNow());
                return stamps.Count <= 4 ? new ScriptedResponse(503) : new ScriptedResponse(200, Spot.Envelope("k", "[]", 0));
            }
        };

        await Client(time, o => { o.RetryBaseDelay = TimeSpan.FromSeconds(1); o.MaxRetryDelay = TimeSpan.FromSeconds(3); }).ListGroupsAsync();

        var gaps = stamps.Zip(stamps.Skip(1), (a, b) => b - a).ToList();
        gaps.Should().HaveCount(4);
        gaps.Should().OnlyContain(g => g > TimeSpan.Zero && g <= TimeSpan.FromSeconds(3));
        gaps.Sum(g => g.TotalSeconds).Should().BeGreaterThan(2, "exponential backoff from 1 s");
    }

    [Fact]
    public async Task Http429_OnCreate_IsRetriedBecauseSpotDidNothing()
    {
        var posts = 0;
        _server.Handler = r => r.Method == "POST" && Interlocked.Increment(ref posts) == 1
            ? new ScriptedResponse(429, "{}", new Dictionary<string, string> { ["X-RateLimit-Reset"] = "1" })
            : new ScriptedResponse(200, Spot.Envelope("spotinst:aws:ec2:group", """[{"id":"sig-new","name":"app__4"}]"""));

        var group = await Client().CreateGroupAsync(ElastigroupDocument.Parse("""{"group":{"name":"app__4"}}"""));

        group.Id.Should().Be("sig-new");
        _server.Requests.Should().HaveCount(2).And.OnlyContain(r => r.Method == "POST");
    }

    [Fact]
    public async Task Http429_Exhausted_SaysRateLimited()
    {
        _server.Handler = _ => new ScriptedResponse(429, "", new Dictionary<string, string> { ["X-RateLimit-Reset"] = "1" });

        var act = () => Client(configure: o => { o.MaxRetries = 1; o.RateLimitedRetryTime = TimeSpan.Zero; }).ListGroupsAsync();

        var error = (await act.Should().ThrowAsync<SpotApiException>()).Which;
        error.IsRateLimited.Should().BeTrue();
        error.Errors.Should().BeEmpty();
        error.RetryAfter.Should().Be(TimeSpan.FromSeconds(1));
        _server.Requests.Should().HaveCount(2, "without RateLimitedRetryTime a 429 counts against MaxRetries");
    }

    [Fact]
    public async Task Http429_BeyondMaxRetries_IsRetriedForRateLimitedRetryTime_ThenFails()
    {
        var time = new VirtualClock { AutoAdvanceLimit = TimeSpan.FromMinutes(5) };
        _server.Handler = _ => new ScriptedResponse(429, "", new Dictionary<string, string> { ["X-RateLimit-Reset"] = "10" });

        var act = () => Client(time, o => { o.MaxRetries = 1; o.RateLimitedRetryTime = TimeSpan.FromMinutes(1); }).ListGroupsAsync();

        (await act.Should().ThrowAsync<SpotApiException>()).Which.IsRateLimited.Should().BeTrue();
        _server.Requests.Count.Should().BeInRange(4, 7, "one attempt per 10 s reset plus up to 10 s jitter, for a minute");
        time.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMinutes(1)).And.BeLessThan(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(21));
    }

    [Fact]
    public async Task Http503_IsNotRetriedBeyondMaxRetries_WhateverRateLimitedRetryTime()
    {
        var time = new VirtualClock { AutoAdvanceLimit = TimeSpan.FromMinutes(5) };
        _server.Handler = _ => new ScriptedResponse(503);

        var act = () => Client(time, o => { o.MaxRetries = 2; o.RateLimitedRetryTime = TimeSpan.FromMinutes(10); }).ListGroupsAsync();

        await act.Should().ThrowAsync<SpotApiException>();
        _server.Requests.Should().HaveCount(3);
    }

    [Fact]
    public async Task Create_TimedOut_LooksUpByNameAndDoesNotPostAgain()
    {
        var time = new VirtualClock { AutoAdvanceLimit = TimeSpan.FromMinutes(5) };
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Handler = r => r.Method == "POST"
            ? new ScriptedResponse(200, "{}", Before: async ct =>
            {
                arrived.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            })
            : new ScriptedResponse(200, Spot.Envelope("spotinst:aws:ec2:group", """[{"id":"sig-made","name":"app__4"},{"id":"sig-other","name":"app__41"}]""", 2));
        var client = Client(time);

        var create = client.CreateGroupAsync(ElastigroupDocument.Parse("""{"group":{"name":"app__4","capacity":{"minimum":0,"maximum":0,"target":0}}}"""));
        await arrived.Task;
        time.Advance(TimeSpan.FromHours(1));
        var group = await create;

        group.Id.Should().Be("sig-made");
        _server.Requests.Select(r => r.Method).Should().Equal("POST", "GET");
        _log.Lines.Should().Contain(l => l.Contains("looking it up by name"));
        _log.Lines.Should().Contain(l => l.Contains("not posting again"));
    }

    [Fact]
    public async Task Create_Http500AndNotFoundByName_PostsAgain()
    {
        var posts = 0;
        _server.Handler = r => r.Method switch
        {
            "POST" when Interlocked.Increment(ref posts) == 1 => new ScriptedResponse(500, "{}"),
            "POST" => new ScriptedResponse(200, Spot.Envelope("spotinst:aws:ec2:group", """[{"id":"sig-2","name":"app__4"}]""")),
            _ => new ScriptedResponse(200, Spot.Envelope("spotinst:aws:ec2:group", "[]", 0)),
        };

        var group = await Client().CreateGroupAsync(ElastigroupDocument.Parse("""{"name":"app__4"}"""));

        group.Id.Should().Be("sig-2");
        _server.Requests.Select(r => r.Method).Should().Equal("POST", "GET", "POST");
    }

    [Fact]
    public async Task Create_SendsTheDocumentWrappedInGroup()
    {
        Answer(Spot.Envelope("spotinst:aws:ec2:group", """[{"id":"sig-9","name":"app__9"}]"""));
        var document = ElastigroupDocument.Parse("""{"name":"app__9","compute":{"launchSpecification":{"ebs":{"volumeSize":"80"}}},"x":null}""");

        await Client().CreateGroupAsync(document);

        var request = Only();
        request.Method.Should().Be("POST");
        request.Path.Should().Be("/aws/ec2/group");
        request.Header("Content-Type").Should().Be("application/json; charset=utf-8");
        JsonNode.DeepEquals(Json(request.Body), Json("""{"group":{"name":"app__9","compute":{"launchSpecification":{"ebs":{"volumeSize":"80"}}},"x":null}}""")).Should().BeTrue(request.Body);
    }

    [Fact]
    public async Task Create_DocumentWithoutName_IsRefusedBeforeAnyCall()
    {
        var act = () => Client().CreateGroupAsync(ElastigroupDocument.Parse("""{"group":{"capacity":{}}}"""));

        await act.Should().ThrowAsync<ArgumentException>();
        _server.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Update_KeepsAbsentNullAndValueApart()
    {
        Answer(Spot.Envelope("spotinst:aws:ec2:group", """[{"id":"sig-1","name":"n"}]"""));
        var patch = new JsonObject { ["description"] = null, ["capacity"] = new JsonObject { ["target"] = 3 } };

        await Client().UpdateGroupAsync("sig-1", patch, autoApplyTags: true);

        var request = Only();
        request.Method.Should().Be("PUT");
        request.Path.Should().Be("/aws/ec2/group/sig-1");
        request.Query.Should().Be("?accountId=act-12345&autoApplyTags=true");
        request.Body.Should().Be("""{"group":{"description":null,"capacity":{"target":3}}}""");
    }

    [Fact]
    public async Task RenameGroup_SendsOnlyTheNameWrappedInGroup()
    {
        Answer(Spot.Envelope("spotinst:aws:ec2:group", """[{"id":"sig-1","name":"app__4"}]"""));

        var group = await Client().RenameGroupAsync("sig-1", "app__4");

        group.Name.Should().Be("app__4");
        var request = Only();
        request.Method.Should().Be("PUT");
        request.Path.Should().Be("/aws/ec2/group/sig-1");
        request.Query.Should().Be("?accountId=act-12345");
        request.Header("Content-Type").Should().Be("application/json; charset=utf-8");
        request.Body.Should().Be("""{"group":{"name":"app__4"}}""");
    }

    [Fact]
    public async Task RenameGroup_EmptyAnswer_ReturnsTheGroupId()
    {
        Answer(Spot.Envelope("spotinst:aws:ec2:group", "[]", 0));

        var group = await Client().RenameGroupAsync("sig-1", "app__4");

        group.Id.Should().Be("sig-1");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task RenameGroup_BlankName_IsRefusedBeforeAnyCall(string? name)
    {
        var act = () => Client().RenameGroupAsync("sig-1", name!);

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("name");
        _server.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task SetImage_ImageId_SendsImageIdOnly()
    {
        Answer(Spot.Envelope("spotinst:aws:ec2:group", "[" + Spot.Group + "]"));

        var group = await Client().SetImageAsync("sig-1", LaunchImage.FromImageId("ami-0abc"));

        group.Id.Should().Be("sig-1");
        var request = Only();
        request.Method.Should().Be("PUT");
        request.Path.Should().Be("/aws/ec2/group/sig-1");
        request.Query.Should().Be("?accountId=act-12345");
        request.Body.Should().Be("""{"group":{"compute":{"launchSpecification":{"imageId":"ami-0abc"}}}}""");
    }

    [Fact]
    public async Task SetImage_Images_SendsEveryIdInOrder()
    {
        Answer(Spot.Envelope("spotinst:aws:ec2:group", "[]", 0));

        await Client().SetImageAsync("sig-1", LaunchImage.FromImages(["ami-3", "ami-1", "ami-2"]));

        Only().Body.Should().Be("""{"group":{"compute":{"launchSpecification":{"images":[{"id":"ami-3"},{"id":"ami-1"},{"id":"ami-2"}]}}}}""");
    }

    [Fact]
    public async Task SetImage_NewImageIntoAGroupWithSeveral_KeepsTheOthers()
    {
        Answer(Spot.Envelope("spotinst:aws:ec2:group", "[]", 0));
        var current = ElastigroupDocument.Parse("""{"name":"app__3","compute":{"launchSpecification":{"images":[{"id":"ami-1"},{"id":"ami-arm64"}]}}}""").LaunchImage!;

        await Client().SetImageAsync("sig-1", current.WithFirst("ami-2"));

        Only().Body.Should().Be("""{"group":{"compute":{"launchSpecification":{"images":[{"id":"ami-2"},{"id":"ami-arm64"}]}}}}""");
    }

    [Fact]
    public async Task SetImage_NoImage_IsRefusedBeforeAnyCall()
    {
        var act = () => Client().SetImageAsync("sig-1", null!);

        (await act.Should().ThrowAsync<ArgumentNullException>()).Which.ParamName.Should().Be("image");
        _server.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task RenameAndSetImage_UnusableGroupId_AreRefusedBeforeAnyCall()
    {
        var client = Client();

        (await client.Invoking(c => c.RenameGroupAsync(null!, "app__4")).Should().ThrowAsync<ArgumentNullException>()).Which.ParamName.Should().Be("groupId");
        (await client.Invoking(c => c.RenameGroupAsync("..", "app__4")).Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("groupId");
        (await client.Invoking(c => c.SetImageAsync(" ", LaunchImage.FromImageId("ami-1"))).Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("groupId");
        _server.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task UpdateCapacity_SendsMinimumMaximumTargetOnly()
    {
        Answer(Spot.Envelope("spotinst:aws:ec2:group:capacity", "[]", 0));

        await Client().UpdateCapacityAsync("sig-1", 1, 2, 3);

        var request = Only();
        request.Method.Should().Be("PUT");
        request.Path.Should().Be("/aws/ec2/group/sig-1/capacity");
        JsonNode.DeepEquals(Json(request.Body), Json("""{"capacity":{"minimum":1,"maximum":3,"target":2}}""")).Should().BeTrue();
    }

    [Theory]
    [InlineData(-1, 0, 0)]
    [InlineData(2, 1, 3)]
    [InlineData(0, 4, 3)]
    public async Task UpdateCapacity_InvalidNumbers_RefusedBeforeAnyCall(int min, int target, int max)
    {
        var act = () => Client().UpdateCapacityAsync("sig-1", min, target, max);

        await act.Should().ThrowAsync<ArgumentOutOfRangeException>();
        _server.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Delete_WithoutOptions_SendsNoBody_WithOptions_SendsThem()
    {
        Answer("""{"request":{"id":"r"},"response":{"status":{"code":200,"message":"OK"}}}""");
        var client = Client();

        await client.DeleteGroupAsync("sig-1");
        await client.DeleteGroupAsync("sig-2", new DeleteGroupOptions { StatefulDeallocation = new StatefulDeallocation { ShouldDeleteVolumes = true } });

        _server.Requests.Select(r => (r.Method, r.Path)).Should().Equal(("DELETE", "/aws/ec2/group/sig-1"), ("DELETE", "/aws/ec2/group/sig-2"));
        _server.Requests[0].Body.Should().BeEmpty();
        _server.Requests[1].Body.Should().Be("""{"statefulDeallocation":{"shouldDeleteVolumes":true}}""");
    }

    [Fact]
    public async Task Status_And_Healthiness_ParseTheirItems()
    {
        _server.Handler = r => r.Path.EndsWith("/status", StringComparison.Ordinal)
            ? new ScriptedResponse(200, Spot.Envelope("spotinst:aws:ec2:group", """[{"instanceId":"i-1","instanceType":"t3.micro","status":"fulfilled","createdAt":"2018-06-25T11:49:00.000Z","lockStatus":"unlocked"}]"""))
            : new ScriptedResponse(200, File.ReadAllText(TestData.Path("spot-fixtures", "sdkpy-instance-healthiness-response.json")));
        var client = Client();

        var instances = await client.GetGroupStatusAsync("sig-1");
        var health = await client.GetInstanceHealthinessAsync("sig-1b656b92");

        instances.Single().InstanceId.Should().Be("i-1");
        instances.Single().CreatedAt.Should().Be(new DateTimeOffset(2018, 6, 25, 11, 49, 0, TimeSpan.Zero));
        instances.Single().AdditionalProperties.Should().ContainKey("lockStatus");
        health.Single().Should().BeEquivalentTo(new { InstanceId = "i-07593cd9173cd9667", HealthStatus = "HEALTHY", LifeCycle = "SPOT", IsHealthy = true });
        _server.Requests.Select(r => r.Path).Should().Equal("/aws/ec2/group/sig-1/status", "/aws/ec2/group/sig-1b656b92/instanceHealthiness");
    }

    [Fact]
    public async Task StartRoll_EmptyAnswer_ReturnsTheNewestRoll()
    {
        _server.Handler = r => r.Method == "PUT"
            ? new ScriptedResponse(200, File.ReadAllText(TestData.Path("spot-fixtures", "sdkpy-roll-start-response.json")))
            : new ScriptedResponse(200, File.ReadAllText(TestData.Path("spot-fixtures", "sdkpy-roll-list-response.json")));

        var roll = await Client().StartRollAsync("sig-1", new RollRequest { BatchSizePercentage = 20, GracePeriod = 300, HealthCheckType = "NONE" });

        roll.Should().NotBeNull();
        roll!.Id.Should().StartWith("sbgd-");
        var put = _server.Requests[0];
        put.Path.Should().Be("/aws/ec2/group/sig-1/roll");
        JsonNode.DeepEquals(Json(put.Body), Json("""{"batchSizePercentage":20,"gracePeriod":300,"healthCheckType":"NONE"}""")).Should().BeTrue(put.Body);
        _server.Requests[1].Method.Should().Be("GET");
    }

    [Fact]
    public async Task Rolls_ListGetStatusStopAction_UseTheirRoutes()
    {
        var list = File.ReadAllText(TestData.Path("spot-fixtures", "sdkpy-roll-list-response.json"));
        var rollId = JsonNode.Parse(list)!["response"]!["items"]![0]!["id"]!.GetValue<string>();
        _server.Handler = r => r.Path switch
        {
            var p when p.EndsWith("/action", StringComparison.Ordinal) => new ScriptedResponse(200, File.ReadAllText(TestData.Path("spot-fixtures", "sdkpy-deployment-action-response.json"))),
            var p when p.EndsWith("/status", StringComparison.Ordinal) => new ScriptedResponse(200, Spot.Envelope("spotinst:aws:ec2:group:roll:status", """[{"progress":{"unit":"percent","value":50},"numberOfBatches":4,"currentBatch":2,"strategyAction":"REPLACE_SERVER"}]""")),
            _ when r.Method == "PUT" => new ScriptedResponse(200, Spot.Envelope("spotinst:aws:ec2:group:roll", "[]", 0)),
            _ => new ScriptedResponse(200, list),
        };
        var client = Client();

        var rolls = await client.ListRollsAsync("sig-1");
        var one = await client.GetRollAsync("sig-1", rollId);
        var status = await client.GetRollStatusAsync("sig-1", rollId);
        await client.StopRollAsync("sig-1", rollId);
        var action = await client.RollActionAsync("sig-1", rollId, new RollActionRequest { ActionType = "DETACH_OLD", DrainingTimeout = 30 });
        var missing = () => client.GetRollAsync("sig-1", "sbgd-none");

        rolls.Should().NotBeEmpty();
        one.Id.Should().Be(rollId);
        status.NumberOfBatches.Should().Be(4);
        status.Progress!.Value.Should().Be(50);
        action!.DetachedInstances.Should().NotBeEmpty();
        await missing.Should().ThrowAsync<SpotNotFoundException>();
        _server.Requests.Select(r => r.Method + " " + r.Path).Should().StartWith(
        [
            "GET /aws/ec2/group/sig-1/roll",
            "GET /aws/ec2/group/sig-1/roll",
            $"GET /aws/ec2/group/sig-1/roll/{rollId}/status",
            $"PUT /aws/ec2/group/sig-1/roll/{rollId}",
            $"POST /aws/ec2/group/sig-1/roll/{rollId}/action",
        ]);
        _server.Requests[3].Body.Should().Be("""{"roll":{"status":"STOPPED"}}""");
        JsonNode.DeepEquals(Json(_server.Requests[4].Body), Json("""{"actionType":"DETACH_OLD","drainingTimeout":30}""")).Should().BeTrue();
    }

    [Fact]
    public async Task DetachAndScale_UseTheirRoutesAndQuery()
    {
        Answer(Spot.Envelope("spotinst:aws:ec2:scale", "[]", 0));
        var client = Client();

        await client.DetachInstancesAsync("sig-1", new DetachInstancesRequest { InstancesToDetach = ["i-1", "i-2"], ShouldTerminateInstances = true, ShouldDecrementTargetCapacity = false });
        await client.ScaleUpAsync("sig-1", 2);
        await client.ScaleDownAsync("sig-1", 1);

        _server.Requests.Select(r => r.Method + " " + r.Path + r.Query).Should().Equal(
            "PUT /aws/ec2/group/sig-1/detachInstances?accountId=act-12345",
            "PUT /aws/ec2/group/sig-1/scale/up?accountId=act-12345&adjustment=2",
            "PUT /aws/ec2/group/sig-1/scale/down?accountId=act-12345&adjustment=1");
        JsonNode.DeepEquals(Json(_server.Requests[0].Body), Json("""{"instancesToDetach":["i-1","i-2"],"shouldTerminateInstances":true,"shouldDecrementTargetCapacity":false}""")).Should().BeTrue();
    }

    [Fact]
    public async Task CodeDeployBlueGreen_StartAndGet()
    {
        _server.Handler = _ => new ScriptedResponse(200, File.ReadAllText(TestData.Path("spot-fixtures", "sdkpy-codedeploy-bg-response.json")));
        var request = JsonSerializer.Deserialize<JsonObject>(File.ReadAllText(TestData.Path("spot-fixtures", "sdkpy-codedeploy-bg-request.json")))!;
        var deployment = request["deployment"]!;
        var client = Client();

        var started = await client.StartCodeDeployBlueGreenAsync("sig-1", new CodeDeployBlueGreenRequest
        {
            Timeout = deployment["timeout"]!.GetValue<int>(),
            Tags = [.. deployment["tags"]!.AsArray().Select(t => new CodeDeployTag { TagKey = (string?)t!["tagKey"], TagValue = (string?)t["tagValue"] })],
            DeploymentGroups = [.. deployment["deploymentGroups"]!.AsArray().Select(g => new CodeDeployDeploymentGroup { ApplicationName = (string?)g!["applicationName"], DeploymentGroupName = (string?)g["deploymentGroupName"] })],
        });
        var all = await client.GetCodeDeployBlueGreenAsync("sig-1");

        started!.Id.Should().StartWith("cdbg-");
        started.Status.Should().Be("INITIALIZING");
        all.Should().ContainSingle();
        var post = _server.Requests[0];
        post.Method.Should().Be("POST");
        post.Path.Should().Be("/aws/ec2/group/sig-1/codeDeploy/blueGreenDeployment");
        JsonNode.DeepEquals(Json(post.Body), request).Should().BeTrue(post.Body);
        _server.Requests[1].Method.Should().Be("GET");
    }

    [Fact]
    public async Task GetGroupDocument_IsLossless()
    {
        Answer(File.ReadAllText(TestData.Path("spot-fixtures", "sdkpy-group-response-envelope.json")));

        var document = await Client().GetGroupDocumentAsync("sig-cf19b662");

        var expected = JsonNode.Parse(File.ReadAllText(TestData.Path("spot-fixtures", "sdkpy-group-response-envelope.json")))!["response"]!["items"]![0]!;
        JsonNode.DeepEquals(JsonNode.Parse(document.ToJsonString()), expected).Should().BeTrue();
    }

    [Fact]
    public async Task RateLimiter_ThirdCallInAMinute_WaitsForTheWindow()
    {
        var time = new VirtualClock { AutoAdvanceLimit = TimeSpan.FromMinutes(5) };
        Answer(Spot.Envelope("k", "[]", 0));
        var client = Client(time, o => o.RequestsPerMinutePerRoute = 2);

        await client.GetGroupStatusAsync("sig-1");
        await client.GetGroupStatusAsync("sig-2");
        time.Elapsed.Should().Be(TimeSpan.Zero);
        await client.GetInstanceHealthinessAsync("sig-1");
        time.Elapsed.Should().Be(TimeSpan.Zero, "another route has its own window");
        await client.GetGroupStatusAsync("sig-3");

        time.Elapsed.Should().Be(TimeSpan.FromSeconds(60));
        _log.Lines.Should().Contain(l => l.Contains("client-side rate limit"));
    }

    [Fact]
    public async Task Timeout_OfAnIdempotentCall_IsRetried()
    {
        var time = new VirtualClock { AutoAdvanceLimit = TimeSpan.FromMinutes(5) };
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        _server.Handler = _ => Interlocked.Increment(ref calls) == 1
            ? new ScriptedResponse(200, "{}", Before: async ct => { arrived.TrySetResult(); await Task.Delay(Timeout.Infinite, ct); })
            : new ScriptedResponse(200, Spot.Envelope("k", "[]", 0));

        var call = Client(time).GetGroupStatusAsync("sig-1");
        await arrived.Task;
        time.Advance(TimeSpan.FromHours(1));
        await call;

        _server.Requests.Should().HaveCount(2);
        _log.Lines.Should().Contain(l => l.Contains("a timeout"));
    }

    [Fact]
    public async Task Cancellation_StopsAtOnce()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Handler = _ => new ScriptedResponse(200, "{}", Before: async ct => { arrived.TrySetResult(); await Task.Delay(Timeout.Infinite, ct); });
        using var cts = new CancellationTokenSource();

        var call = Client().ListGroupsAsync(cancellationToken: cts.Token);
        await arrived.Task;
        await cts.CancelAsync();

        await call.Invoking(c => c).Should().ThrowAsync<OperationCanceledException>();
        _server.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task ConnectionRefused_IsTransientWithNoStatus()
    {
        var port = _server.BaseAddress.Port;
        await _server.DisposeAsync();
        _server = await LoopbackServer.StartAsync();
        var act = () => Client(configure: o => { o.BaseAddress = new Uri($"http://127.0.0.1:{port}"); o.MaxRetries = 1; }).ListGroupsAsync();

        var error = (await act.Should().ThrowAsync<SpotApiException>()).Which;
        error.StatusCode.Should().Be((HttpStatusCode)0);
        error.IsTransient.Should().BeTrue();
        error.InnerException.Should().BeOfType<HttpRequestException>();
    }

    [Fact]
    public async Task Activity_OneSpanPerCall_WithRouteTemplateAndAttempts()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == ElastigroupDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) { spans.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        var calls = 0;
        _server.Handler = _ => Interlocked.Increment(ref calls) == 1 ? new ScriptedResponse(502) : new ScriptedResponse(200, Spot.Envelope("k", "[]", 0));

        await Client().GetGroupStatusAsync("sig-77");

        var span = spans.Should().ContainSingle(s => s.DisplayName.Contains("/status")).Subject;
        span.DisplayName.Should().Be("Spot GET /aws/ec2/group/{groupId}/status");
        span.GetTagItem("spot.attempts").Should().Be(2);
        span.GetTagItem("http.response.status_code").Should().Be(200);
    }

    [Fact]
    public async Task Secrets_NeverInLogsExceptionsOrToString()
    {
        _server.Handler = r => r.Path.Contains("sig-bad", StringComparison.Ordinal)
            ? new ScriptedResponse(400, Spot.Error(400, ("GROUP_DOESNT_EXIST", "nope")))
            : new ScriptedResponse(503, "{}");
        var client = Client(configure: o => o.MaxRetries = 2);
        var texts = new List<string>();

        foreach (var act in new Func<Task>[] { () => client.GetGroupAsync("sig-bad"), () => client.ListGroupsAsync(), () => client.ScaleUpAsync("sig-1", 1) })
        {
            var error = (await act.Should().ThrowAsync<SpotApiException>()).Which;
            texts.Add(error.ToString());
            texts.Add(error.Message);
        }

        texts.Add(client.ToString());
        texts.Add(Spot.Options(_server).ToString());
        texts.AddRange(_log.Lines);
        _log.Lines.Should().NotBeEmpty();
        texts.Should().NotContain(t => t.Contains(Spot.Token, StringComparison.Ordinal) || t.Contains("SECRET", StringComparison.Ordinal));
    }
}
