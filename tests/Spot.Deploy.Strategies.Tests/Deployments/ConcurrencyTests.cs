using System.Globalization;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Emulator;
using Xunit.Abstractions;

namespace Spot.Deploy.Strategies.Tests.Deployments;

/// <summary>One deployment per app at a time; many apps at once through one client stay under Spot's rate limit.</summary>
public sealed class ConcurrencyTests(ITestOutputHelper output) : ControlFlowTestBase
{
    private const int RequestsPerMinute = 300;

    protected override EmulatorOptions EmulatorOptions()
    {
        var options = base.EmulatorOptions();
        options.SpotRequestsPerMinute = RequestsPerMinute;
        return options;
    }

    [Fact]
    public async Task TwoDeploymentsOfTheSameApp_ExactlyOneIsRefused()
    {
        SeedRunningRevision();

        // The winner waits at its gate until the loser was refused, so the two really overlap whatever the scheduling
        // (should both get past the lock, the second arrival opens the gate and the assertions below fail instead of hanging).
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrivals = 0;
        var gate = new DeploymentGate(async (_, _) =>
        {
            if (Interlocked.Increment(ref arrivals) == 2)
            {
                release.TrySetResult();
            }

            await release.Task;
            return GateDecision.Approve();
        });
        var first = new CanaryDeployment(Services, CanaryRequest(50, 100), new DeploymentOptions { Owner = "first", Gate = gate });
        var second = new CanaryDeployment(Services, CanaryRequest(50, 100), new DeploymentOptions { Owner = "second", Gate = gate });
        var runs = new[] { Outcome(Task.Run(() => first.RunAsync())), Outcome(Task.Run(() => second.RunAsync())) };

        var loser = await await Task.WhenAny(runs);
        release.TrySetResult();
        var outcomes = await Task.WhenAll(runs);

        loser.Error.Should().BeOfType<AppLockedException>();
        outcomes.Count(o => o.Result is { Status: DeploymentStatus.Succeeded }).Should().Be(1);
        var refused = outcomes.Select(o => o.Error).OfType<AppLockedException>().Should().ContainSingle().Which;
        outcomes.Should().OnlyContain(o => o.Result != null || o.Error is AppLockedException);
        var winner = outcomes.Single(o => o.Result != null).Result!;
        refused.Owner.Should().Be(winner.DeploymentId == first.DeploymentId ? "first" : "second", "the refusal names the deployment that holds the lock");
        GroupState().Should().Equal(Deployed);
        State.Groups.Should().NotContain(g => g.Name == "web__5");
    }

    [Fact]
    public async Task HundredAppsAtOnce_ThroughOneClient_AllSucceedWithoutRateLimitErrors()
    {
        const int apps = 100;
        using var spot = new ElastigroupClient(new ElastigroupClientOptions
        {
            BaseAddress = Emulator.SpotBaseAddress,
            Token = Emulator.Options.SpotToken,
            AccountId = Emulator.Options.AccountId,
            TimeProvider = Clock,
            AttemptTimeout = TimeSpan.FromHours(1),
            RandomSeed = 7,
            RequestsPerMinutePerRoute = RequestsPerMinute,
        });
        var services = new DeploymentServices(spot, Aws, Journal, Lock, Clock);
        var names = Enumerable.Range(1, apps).Select(i => string.Create(CultureInfo.InvariantCulture, $"app{i:D3}")).ToList();
        foreach (var name in names)
        {
            SeedGroup(name + "__1", Cap(1, 2, 4));
        }

        var virtualStart = Clock.GetUtcNow();
        var outcomes = await Task.WhenAll(names.Select(name => Outcome(Task.Run(() => new CanaryDeployment(services, CanaryRequestFor(name, 50, 100)).RunAsync()))));

        var errors = outcomes.Select(o => o.Error).OfType<Exception>().ToList();
        var calls = Emulator.Calls.All.Where(c => c.Service == "spot").ToList();
        var rateLimited = calls.Where(c => c.Status == 429).ToList();
        var peak = calls.Where(c => c.Status != 429).GroupBy(c => c.Method + " " + RouteOf(c.Path))
            .Select(g => (Route: g.Key, Peak: PeakPerMinute([.. g.Select(c => c.Time)]), Total: g.Count()))
            .MaxBy(r => r.Total);
        output.WriteLine($"{apps} deployments: {calls.Count} Spot calls, {rateLimited.Count} answered 429, busiest route {peak.Route} with {peak.Total} calls, {peak.Peak} in its busiest minute, {Clock.GetUtcNow() - virtualStart} of virtual time, {errors.Count} failures");
        foreach (var limited in rateLimited)
        {
            output.WriteLine($"429: #{limited.Sequence} {limited.Method} {RouteOf(limited.Path)} at {limited.Time:HH:mm:ss.fff}");
        }

        foreach (var error in errors.Take(5))
        {
            output.WriteLine(error.ToString());
        }

        // How the calls spread over virtual minutes depends on thread timing (every wait moves the shared clock), so the
        // test's precondition is the demand: one route gets more calls than a minute allows, all started at once.
        peak.Total.Should().BeGreaterThan(RequestsPerMinute, "the load must exceed the limit for the test to mean anything");
        peak.Peak.Should().BeLessThanOrEqualTo(RequestsPerMinute, "the client paces each route under Spot's limit");
        errors.Where(e => e.ToString().Contains("429", StringComparison.Ordinal)).Should().BeEmpty();
        errors.Should().BeEmpty();
        outcomes.Should().OnlyContain(o => o.Result!.Status == DeploymentStatus.Succeeded);
        outcomes.Select(o => o.Result!.AppName).Should().BeEquivalentTo(names);
        var journalErrors = new List<string>();
        foreach (var outcome in outcomes)
        {
            var record = await RecordAsync(outcome.Result!.DeploymentId);
            record.Status.Should().Be(DeploymentStatus.Succeeded);
            journalErrors.AddRange(record.Entries.Select(e => e.Error).OfType<string>());
        }

        journalErrors.Should().NotContain(e => e.Contains("429", StringComparison.Ordinal));
        foreach (var name in names)
        {
            State.Groups.Where(g => g.Name!.StartsWith(name + "__", StringComparison.Ordinal))
                .Select(g => $"{g.Name} {g.Minimum}/{g.Target}/{g.Maximum} {g.ImageId}")
                .Should().Equal($"{name}__1 0/0/0 {OldImage}", $"{name}__2 1/2/4 {NewImage}");
        }

        // Last, so a failure here means everything else held. Open: SpotRateLimiter stamps at acquire, Spot counts at arrival.
        rateLimited.Select(c => $"{c.Method} {RouteOf(c.Path)} at {c.Time:HH:mm:ss.fff}").Should().BeEmpty("the client's limiter matches the emulator's limit, so Spot never has to refuse a call");
    }

    /// <summary>The route of a path: ids replaced, as Spot and the emulator count limits.</summary>
    private static string RouteOf(string path) =>
        string.Join('/', path.Split('/').Select(s => s.StartsWith("sig-", StringComparison.Ordinal) || s.StartsWith("sbgd-", StringComparison.Ordinal) ? "{id}" : s));

    /// <summary>The most calls in any 60 s window (a call at t leaves the window at t + 60 s).</summary>
    private static int PeakPerMinute(List<DateTimeOffset> times)
    {
        times.Sort();
        var peak = 0;
        for (int first = 0, last = 0; last < times.Count; last++)
        {
            while (times[last] - times[first] >= TimeSpan.FromMinutes(1))
            {
                first++;
            }

            peak = Math.Max(peak, last - first + 1);
        }

        return peak;
    }

    private static async Task<(DeploymentResult? Result, Exception? Error)> Outcome(Task<DeploymentResult> run)
    {
        try
        {
            return (await run, null);
        }
        catch (Exception e)
        {
            return (null, e);
        }
    }
}
