namespace Spot.Deploy.Cli.Tests;

/// <summary>
/// <c>--emulator --analysis</c> with a <c>cloudwatchMetric</c> check: the embedded emulator's CloudWatch serves the ALB
/// metrics of its own traffic, so the bad build web-4.0 (half its answers 5xx) is rolled back at the first bake on the
/// target group's 5xx ratio, and the good web-2.0 bakes through.
/// </summary>
public sealed class CloudWatchAnalysisCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spot-deploy-cloudwatch-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The 5xx ratio of the sandbox's blue target group; its ALB is seeded the same way (and seed) in every sandbox.</summary>
    private async Task<(string File, string LoadBalancer, string TargetGroup)> RatioFileAsync()
    {
        await using var probe = await Sandbox.StartAsync(realTime: false);
        var (loadBalancer, targetGroup) = (probe.LoadBalancerDimension, probe.BlueTargetGroupDimension);
        var metric = $$"""
            "namespace": "AWS/ApplicationELB", "dimensions": { "LoadBalancer": "{{loadBalancer}}", "TargetGroup": "{{targetGroup}}" }, "stat": "Sum", "period": 60
            """;
        var path = Path.Combine(_dir, "analysis.json");
        await File.WriteAllTextAsync(path, $$"""
            {
              "interval": "1m",
              "checks": [
                { "name": "5xx-ratio", "type": "cloudwatchMetric", "threshold": "< 0.05",
                  "expression": "FILL(m5xx, 0) / requests",
                  "metrics": [
                    { "id": "m5xx", "metricName": "HTTPCode_Target_5XX_Count", {{metric}} },
                    { "id": "requests", "metricName": "RequestCount", {{metric}} }
                  ] }
              ]
            }
            """);
        return (path, loadBalancer, targetGroup);
    }

    [Fact]
    public async Task BadBuild_5xxRatioFromTheEmulatorsCloudWatch_RolledBackAtTheFirstBake()
    {
        var (file, loadBalancer, targetGroup) = await RatioFileAsync();

        var run = await CliRun.RunAsync("deploy", "canary", "--app", "web", "--emulator", "--image", Sandbox.BadBuildImage,
            "--phase", "50", "--phase", "100", "--bake", "3m", "--analysis", file);

        run.ExitCode.Should().Be(ExitCodes.RolledBack, run.Output + run.Error);
        var sandbox = run.Sandboxes.Single();
        (sandbox.LoadBalancerDimension, sandbox.BlueTargetGroupDimension).Should().Be((loadBalancer, targetGroup), "the file names the ALB this sandbox seeded");
        run.Output.Should().Contain("bake after phase 1 of 2 (50 %): 5xx-ratio #1 FAIL - ").And.Contain("analysis Failed - check '5xx-ratio' saw ");
        (run.Output + run.Error).Should().Contain("rolled back");
        sandbox.Emulator.Calls.All.Where(c => c.Service == "monitoring").Select(c => (c.Action, c.Status)).Should().Equal([("GetMetricData", 200)]);
        sandbox.Groups("web").Should().Equal($"web__1 2/2/4 {Sandbox.ImageV1} live=2");
    }

    [Fact]
    public async Task GoodBuild_PassesEveryMeasurement_AndSucceeds()
    {
        var (file, _, _) = await RatioFileAsync();

        var run = await CliRun.RunAsync("deploy", "canary", "--app", "web", "--emulator", "--phase", "50", "--phase", "100", "--bake", "3m", "--analysis", file);

        run.ExitCode.Should().Be(ExitCodes.Success, run.Output + run.Error);
        run.Lines.Count(l => l.Contains("5xx-ratio #", StringComparison.Ordinal) && l.Contains(" PASS - 0 (threshold < 0.05)", StringComparison.Ordinal)).Should().Be(3);
    }
}
