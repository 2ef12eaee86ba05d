using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Spot.Deploy.Emulator.Tests.Spot;

/// <summary>The emulator's Spot rate limit: per route × method or per account, its headers on every answer, and its count of 429s.</summary>
public abstract class SpotRateLimitTests : SpotEmulatorTestBase
{
    protected const int Limit = 3;

    protected abstract SpotRateLimitScope Scope { get; }

    protected override void Configure(EmulatorOptions options)
    {
        options.SpotRequestsPerMinute = Limit;
        options.SpotRateLimitScope = Scope;
        options.SpotRateLimitWindow = TimeSpan.FromSeconds(10);
    }

    [Fact]
    public async Task EveryAnswer_CarriesLimitRemainingAndReset()
    {
        var first = await GetAsync("/aws/ec2/group");
        Advance(4);
        var second = await GetAsync("/aws/ec2/group");

        Headers(first).Should().Be((Limit, Limit - 1, 10), "a fresh window: its only call leaves it in 10 s");
        Headers(second).Should().Be((Limit, Limit - 2, 6), "the first call leaves the window 6 s later");
    }

    [Fact]
    public async Task OverTheLimit_Answers429WithZeroRemaining_UntilTheOldestCallLeavesTheWindow()
    {
        for (var i = 0; i < Limit; i++)
        {
            (await GetAsync("/aws/ec2/group")).StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
            Advance(1);
        }

        var refused = await GetAsync("/aws/ec2/group");
        Advance(7);
        var admitted = await GetAsync("/aws/ec2/group");

        refused.StatusCode.Should().Be(System.Net.HttpStatusCode.TooManyRequests);
        Headers(refused).Should().Be((Limit, 0, 7), "the first call, 3 s old, leaves the 10 s window in 7 s");
        admitted.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        Emulator.Calls.All.Count(c => c.Status == 429).Should().Be(1);
    }

    [Fact]
    public async Task StatsEndpoint_CountsRateLimitedAnswers_WithoutCredentialsAndUncounted()
    {
        for (var i = 0; i < Limit + 2; i++)
        {
            await GetAsync("/aws/ec2/group");
        }

        using var http = new HttpClient();
        var stats = JsonNode.Parse(await http.GetStringAsync(Emulator.StatsEndpoint))!;
        var again = JsonNode.Parse(await http.GetStringAsync(Emulator.StatsEndpoint))!;

        stats["spot"]!["calls"]!.GetValue<int>().Should().Be(Limit + 2);
        stats["spot"]!["rateLimited"]!.GetValue<int>().Should().Be(2);
        stats["rateLimit"]!["requestsPerWindow"]!.GetValue<int>().Should().Be(Limit);
        stats["rateLimit"]!["windowSeconds"]!.GetValue<double>().Should().Be(10);
        stats["rateLimit"]!["scope"]!.GetValue<string>().Should().Be(Scope == SpotRateLimitScope.Account ? "account" : "route");
        again["spot"]!["calls"]!.GetValue<int>().Should().Be(Limit + 2, "reading the stats is not a Spot call");
    }

    protected async Task<HttpResponseMessage> GetAsync(string path)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Emulator.SpotBaseAddress, path.TrimStart('/') + "?accountId=" + Emulator.Options.AccountId));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Emulator.Options.SpotToken);
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    protected static (int Limit, int Remaining, int Reset) Headers(HttpResponseMessage response) =>
        (Value(response, "X-RateLimit-Limit"), Value(response, "X-RateLimit-Remaining"), Value(response, "X-RateLimit-Reset"));

    private static int Value(HttpResponseMessage response, string name) =>
        int.Parse(response.Headers.GetValues(name).Single(), System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Spot's documented scope: each route × method has its own window.</summary>
public sealed class SpotRateLimitRouteScopeTests : SpotRateLimitTests
{
    protected override SpotRateLimitScope Scope => SpotRateLimitScope.Route;

    [Fact]
    public async Task AnotherRoute_HasItsOwnWindow()
    {
        var id = State.SeedGroup(SpotGroups.Group("web", 1, 1, 2));
        for (var i = 0; i < Limit; i++)
        {
            await GetAsync("/aws/ec2/group");
        }

        var group = await GetAsync("/aws/ec2/group/" + id);

        group.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        Headers(group).Remaining.Should().Be(Limit - 1, "GET /aws/ec2/group/{id} is another route");
    }
}

/// <summary>The account-wide scope: every route of the account shares one window.</summary>
public sealed class SpotRateLimitAccountScopeTests : SpotRateLimitTests
{
    protected override SpotRateLimitScope Scope => SpotRateLimitScope.Account;

    [Fact]
    public async Task AnotherRoute_SharesTheAccountsWindow()
    {
        var id = State.SeedGroup(SpotGroups.Group("web", 1, 1, 2));
        for (var i = 0; i < Limit - 1; i++)
        {
            await GetAsync("/aws/ec2/group");
        }

        var last = await GetAsync("/aws/ec2/group/" + id + "/status");
        var refused = await GetAsync("/aws/ec2/group/" + id);

        Headers(last).Remaining.Should().Be(0, "the account's third call in the window");
        refused.StatusCode.Should().Be(System.Net.HttpStatusCode.TooManyRequests, "a route not called yet is still over the account's limit");
    }
}
