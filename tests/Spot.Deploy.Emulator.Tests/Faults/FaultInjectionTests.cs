using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Emulator.Tests.Faults;

/// <summary>Faults appear exactly as configured — by route, method, action, n-th call or seeded probability — and the real clients see them as they would see the real services'.</summary>
public sealed class FaultInjectionTests : IAsyncLifetime
{
    private readonly VirtualClock _time = new() { AutoAdvanceLimit = TimeSpan.FromMinutes(5) };
    private readonly HttpClient _http = new();
    private SpotDeployEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await SpotDeployEmulator.StartAsync(new EmulatorOptions { TimeProvider = _time, RandomSeed = 11 });

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
    }

    private ElastigroupClient Spot(Action<ElastigroupClientOptions>? configure = null)
    {
        var options = new ElastigroupClientOptions
        {
            BaseAddress = _emulator.SpotBaseAddress,
            Token = _emulator.Options.SpotToken,
            AccountId = _emulator.Options.AccountId,
            TimeProvider = _time,
            AttemptTimeout = TimeSpan.FromHours(1),
            RandomSeed = 3,
        };
        configure?.Invoke(options);
        return new ElastigroupClient(_http, options);
    }

    private AwsConnection Aws() => new(_http, new AwsConnectionOptions
    {
        Region = _emulator.Options.Region,
        AccessKeyId = "AKIDEMULATOR",
        SecretAccessKey = "secret",
        Ec2Endpoint = _emulator.Ec2Endpoint,
        ElasticLoadBalancingEndpoint = _emulator.ElasticLoadBalancingEndpoint,
        TimeProvider = _time,
        AttemptTimeout = TimeSpan.FromHours(1),
        RandomSeed = 3,
    });

    private string SeedGroup(string name = "app__1", int target = 2) =>
        _emulator.State.SeedGroup(new JsonObject
        {
            ["name"] = name,
            ["capacity"] = new JsonObject { ["minimum"] = 0, ["target"] = target, ["maximum"] = 4 },
            ["compute"] = new JsonObject { ["launchSpecification"] = new JsonObject { ["imageId"] = "ami-0a1b2c3d4e5f60001" } },
        });

    private async Task<HttpResponseMessage> RawSpotGetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_emulator.SpotBaseAddress, path.TrimStart('/') + "?accountId=" + _emulator.Options.AccountId));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _emulator.Options.SpotToken);
        return await _http.SendAsync(request);
    }

    /// <summary>Waits (on the emulator's signal, no polling) until the faulted call is in flight; bounded only to stop a hang.</summary>
    private static Task WaitUntilAppliedAsync(FaultRule rule) => rule.WaitUntilAppliedAsync().WaitAsync(TimeSpan.FromMinutes(1));

    [Fact]
    public async Task HttpError_OnTheSecondCallOfARoute_HitsExactlyThatCall()
    {
        var id = SeedGroup();
        var rule = _emulator.Faults.Add(new FaultRule { Service = "spot", Method = "GET", PathContains = "/status", NthCall = 2, Status = 503 });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await RawSpotGetAsync($"/aws/ec2/group/{id}/status");
            statuses.Add(response.StatusCode);
        }

        statuses.Should().Equal(HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        rule.HitCount.Should().Be(1);
        var logged = _emulator.Calls.All.Where(c => c.Path.EndsWith("/status", StringComparison.Ordinal)).ToList();
        logged.Select(c => c.Status).Should().Equal(200, 503, 200);
        logged[1].Fault.Should().Contain("HttpError 503");
    }

    [Fact]
    public async Task HttpError_TheClientRetriesAndSucceeds()
    {
        var id = SeedGroup();
        _emulator.Faults.Add(new FaultRule { Service = "spot", PathContains = "/instanceHealthiness", Times = 2, Status = 500 });

        var health = await Spot().GetInstanceHealthinessAsync(id);

        health.Should().HaveCount(2).And.OnlyContain(h => h.IsHealthy);
        _emulator.Calls.All.Count(c => c.Path.EndsWith("/instanceHealthiness", StringComparison.Ordinal)).Should().Be(3);
    }

    [Fact]
    public async Task RateLimited_Storm_SendsRateLimitHeadersAndTheClientWaitsEachReset()
    {
        var id = SeedGroup();
        var rule = _emulator.Faults.Add(new FaultRule { Service = "spot", Kind = FaultKind.RateLimited, Times = 3, Delay = TimeSpan.FromSeconds(7) });

        using (var raw = await RawSpotGetAsync($"/aws/ec2/group/{id}"))
        {
            raw.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
            raw.Headers.GetValues("X-RateLimit-Reset").Single().Should().Be("7");
            raw.Headers.GetValues("X-RateLimit-Remaining").Single().Should().Be("0");
            var body = JsonNode.Parse(await raw.Content.ReadAsStringAsync())!;
            body["response"]!["errors"].Should().BeNull("Spot's 429 carries no errors");
        }

        var group = await Spot().GetGroupAsync(id);

        group.Id.Should().Be(id);
        rule.HitCount.Should().Be(3);
        _time.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(14), "two more 429s, each asking for 7 s");
    }

    [Fact]
    public async Task Throttling_Ec2AndElb_UseTheirOwnCodes_AndTheClientRetries()
    {
        _emulator.State.SeedImage("ami-0a1b2c3d4e5f60001", "web-1", new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
        var loadBalancer = _emulator.State.SeedLoadBalancer("web-alb");
        _emulator.Faults.Add(new FaultRule { Service = "ec2", Kind = FaultKind.Throttling, Times = 1 });
        _emulator.Faults.Add(new FaultRule { Service = "elasticloadbalancing", Kind = FaultKind.Throttling, Times = 1 });
        using var aws = Aws();
        var query = new AmiQuery();
        query.Owners.Add("self");

        var image = await aws.Images.ResolveAsync(query);
        var listeners = await aws.Traffic.DescribeListenersAsync(loadBalancer);

        image.Id.Should().Be("ami-0a1b2c3d4e5f60001");
        listeners.Should().BeEmpty();
        var aws1 = _emulator.Calls.All.Where(c => c.Service != "spot").Select(c => (c.Service, c.Status)).ToList();
        aws1.Should().Equal(("ec2", 503), ("ec2", 200), ("elasticloadbalancing", 400), ("elasticloadbalancing", 200));
    }

    [Fact]
    public async Task Latency_DelaysTheAnswerOnTheEmulatorsClock()
    {
        var id = SeedGroup();
        _emulator.Faults.Add(new FaultRule { Service = "spot", Kind = FaultKind.Latency, Delay = TimeSpan.FromSeconds(42), Times = 1 });

        await Spot().GetGroupAsync(id);

        _time.Elapsed.Should().Be(TimeSpan.FromSeconds(42));
    }

    [Fact]
    public async Task Timeout_NeverAnswers_UntilTheClientGivesUp()
    {
        var id = SeedGroup();
        var rule = _emulator.Faults.Add(new FaultRule { Service = "spot", Kind = FaultKind.Timeout, Times = 1 });
        using var cancel = new CancellationTokenSource();

        var call = Spot().GetGroupAsync(id, cancel.Token);
        await WaitUntilAppliedAsync(rule);
        call.IsCompleted.Should().BeFalse("the emulator does not answer");
        await cancel.CancelAsync();

        await call.Invoking(c => c).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task DropConnection_IsAConnectionFailureTheClientRetries()
    {
        var id = SeedGroup();
        var rule = _emulator.Faults.Add(new FaultRule { Service = "spot", Kind = FaultKind.DropConnection, Times = 1 });

        var instances = await Spot().GetGroupStatusAsync(id);

        instances.Should().HaveCount(2);
        rule.HitCount.Should().Be(1);
    }

    [Fact]
    public async Task TimeoutAfterApplying_OnCreate_TheGroupExistsAndTheClientFindsItInsteadOfPostingTwice()
    {
        var rule = _emulator.Faults.Add(new FaultRule { Service = "spot", Method = "POST", Kind = FaultKind.TimeoutAfterApplying, Times = 1 });
        var document = ElastigroupDocument.Parse("""{"group":{"name":"app__7","capacity":{"minimum":0,"target":0,"maximum":0},"compute":{"launchSpecification":{"imageId":"ami-0a1b2c3d4e5f60001"}}}}""");

        var create = Spot().CreateGroupAsync(document);
        await WaitUntilAppliedAsync(rule);

        _emulator.State.Groups.Should().ContainSingle(g => g.Name == "app__7", "the create is applied before the emulator stops answering");
        create.IsCompleted.Should().BeFalse();
        _time.Advance(TimeSpan.FromHours(1));
        var group = await create;

        group.Name.Should().Be("app__7");
        _emulator.State.Groups.Should().ContainSingle(g => g.Name == "app__7", "the create was applied once and never posted again");
        _emulator.Calls.Mutating.Should().ContainSingle();
    }

    [Fact]
    public async Task MutatingOnly_LeavesReadsAlone()
    {
        var id = SeedGroup();
        _emulator.Faults.Add(new FaultRule { Service = "spot", MutatingOnly = true, Status = 500 });
        var client = Spot(o => o.MaxRetries = 0);

        await client.GetGroupAsync(id);
        var act = () => client.UpdateCapacityAsync(id, 1, 1, 1);

        (await act.Should().ThrowAsync<SpotApiException>()).Which.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
    }

    [Fact]
    public async Task Probability_IsReproducibleFromTheSeed()
    {
        static async Task<List<int>> RunAsync(int seed)
        {
            await using var emulator = await SpotDeployEmulator.StartAsync(new EmulatorOptions { RandomSeed = seed, TimeProvider = new VirtualClock() });
            emulator.Faults.Add(new FaultRule { Service = "spot", Probability = 0.3, Status = 503 });
            using var http = new HttpClient();
            var statuses = new List<int>();
            for (var i = 0; i < 40; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(emulator.SpotBaseAddress, "aws/ec2/group?accountId=" + emulator.Options.AccountId));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", emulator.Options.SpotToken);
                using var response = await http.SendAsync(request);
                statuses.Add((int)response.StatusCode);
            }

            return statuses;
        }

        var first = await RunAsync(5);
        var again = await RunAsync(5);
        var other = await RunAsync(6);

        again.Should().Equal(first);
        first.Should().Contain(503).And.Contain(200);
        other.Should().NotEqual(first);
    }
}
