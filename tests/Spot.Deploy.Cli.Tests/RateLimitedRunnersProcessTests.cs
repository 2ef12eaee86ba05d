using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Spot.Deploy.Cli.Tests;

/// <summary>
/// Issue #16 as processes: four <c>spot-deploy deploy</c> runners, each its own OS process with its own limiter and state
/// directory, deploy four apps at once against one <c>spot-deploy emulator</c> process that allows only 2 Spot calls per
/// 2 s for the whole account — fewer than one runner's setup makes at once. Every deployment succeeds, and the emulator did refuse calls (so the back-off was tested,
/// not skipped).
/// </summary>
public sealed class RateLimitedRunnersProcessTests(ITestOutputHelper output) : IDisposable
{
    private const int Runners = 4;
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), "spot-deploy-ratelimit-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_stateDir, recursive: true);

    [Fact]
    public async Task FourRunners_OneAccountWideLimit_EveryDeploymentSucceeds_AfterRefusedCalls()
    {
        Directory.CreateDirectory(_stateDir);
        using var emulator = await EmulatorProcess.StartAsync("web", "--spot-rate-limit", "2", "--spot-rate-limit-scope", "account", "--spot-rate-limit-window", "2");
        var apps = Enumerable.Range(1, Runners).Select(i => "rl" + i).ToList();
        var clock = Stopwatch.StartNew();

        var runs = new List<CliProcess>();
        try
        {
            foreach (var app in apps)
            {
                var document = Path.Combine(_stateDir, app + ".json");
                await File.WriteAllTextAsync(document, Sandbox.Document(app, emulator.BlueTargetGroup).ToJsonString());
                runs.Add(CliProcess.Start(
                    ["deploy", "basic", "--app", app, "--image", Sandbox.ImageV2, "--document", document, "--capacity", "1/1/1",
                        "--state-dir", Path.Combine(_stateDir, app), .. emulator.EndpointFlags],
                    emulator.Environment));
            }

            await Task.WhenAll(runs.Select(r => r.WaitForExitAsync(RunTimeout)));
            var stats = await StatsAsync(emulator);
            var rateLimited = stats["spot"]!["rateLimited"]!.GetValue<int>();
            output.WriteLine($"{Runners} deployments in {clock.Elapsed.TotalSeconds:0.0} s: {stats["spot"]!["calls"]} Spot calls, {rateLimited} answered 429");

            for (var i = 0; i < Runners; i++)
            {
                runs[i].ExitCode.Should().Be(0, $"{apps[i]} deploys despite the shared limit:\n{runs[i].Output}\n{runs[i].Error}");
                runs[i].Output.Should().Contain("Succeeded").And.NotContain("429");
            }

            rateLimited.Should().BeGreaterThan(0, "a runner's setup alone (list, create, capacity) exceeds 2 calls per 2 s, so the back-off was needed");
            var groups = await emulator.Spot.ListGroupsAsync();
            foreach (var app in apps)
            {
                var group = groups.Should().ContainSingle(g => g.Name == app + "__1", "one revision of {0}", app).Subject;
                group.Capacity!.Target.Should().Be(1);
                group.Compute!.LaunchSpecification!.ImageId.Should().Be(Sandbox.ImageV2);
            }
        }
        finally
        {
            foreach (var run in runs)
            {
                run.Dispose();
            }
        }
    }

    private static async Task<JsonNode> StatsAsync(EmulatorProcess emulator)
    {
        using var http = new HttpClient();
        return JsonNode.Parse(await http.GetStringAsync(new Uri(emulator.SpotApi, "_emulator/stats")))!;
    }
}
