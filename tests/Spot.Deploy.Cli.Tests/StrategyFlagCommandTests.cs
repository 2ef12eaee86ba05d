using Spot.Deploy.Cli;

namespace Spot.Deploy.Cli.Tests;

/// <summary>A flag the chosen strategy would ignore is refused before anything is read or changed (exit 3), naming the flag.</summary>
public sealed class StrategyFlagCommandTests
{
    [Theory]
    [InlineData("basic", "--phase", "25", "--phase does not apply to basic (only to canary)")]
    [InlineData("roll", "--document", "web.json", "--document does not apply to roll (only to basic, canary, bluegreen)")]
    [InlineData("roll", "--traffic-shift", "10,100", "--traffic-shift does not apply to roll (only to bluegreen)")]
    [InlineData("canary", "--batch-size", "50", "--batch-size does not apply to canary (only to roll)")]
    [InlineData("bluegreen", "--grace-period", "300", "--grace-period does not apply to bluegreen (only to roll)")]
    [InlineData("roll", "--bake", "5m", "--bake does not apply to roll (only to basic, canary, bluegreen)")]
    [InlineData("roll", "--analysis", "a.json", "--analysis does not apply to roll (only to basic, canary, bluegreen)")]
    public async Task FlagOfAnotherStrategy_Refused_NamingIt(string strategy, string flag, string value, string message)
    {
        foreach (var command in new[] { "plan", "deploy" })
        {
            var run = await CliRun.RunAsync(command, strategy, "--app", "web", "--emulator", flag, value);

            run.ExitCode.Should().Be(ExitCodes.InvalidInput, run.Output);
            run.Error.Should().Contain(message);
            run.Sandboxes.Should().BeEmpty("nothing is started for a refused command line");
        }
    }

    [Fact]
    public async Task Roll_GracePeriodAndHealthCheckType_ReachTheRollRequest()
    {
        string[] flags = ["--app", "web", "--emulator", "--batch-size", "50", "--grace-period", "120", "--health-check-type", "EC2"];
        var plan = await CliRun.RunAsync(["plan", "roll", .. flags]);
        var deploy = await CliRun.RunAsync(["deploy", "roll", .. flags]);

        plan.ExitCode.Should().Be(ExitCodes.Success, plan.Error);
        plan.Output.Should().Contain("in batches of 50 %, grace period 120 s, health check EC2")
            .And.Contain("(batchSizePercentage 50, gracePeriod 120, healthCheckType EC2)");
        deploy.ExitCode.Should().Be(ExitCodes.Success, deploy.Error);
    }

    [Theory]
    [InlineData("--health-check-type", "ec2")]
    [InlineData("--health-check-type", "HTTP")]
    [InlineData("--grace-period", "-1")]
    public async Task Roll_BadValues_Refused(string flag, string value)
    {
        var run = await CliRun.RunAsync("plan", "roll", "--app", "web", "--emulator", flag, value);

        run.ExitCode.Should().Be(ExitCodes.InvalidInput);
        run.Error.Should().Contain(flag);
    }

    [Fact]
    public async Task EveryTableFlag_IsAFlagOfPlan()
    {
        // The table names flags by their text: a renamed flag must not silently escape the check.
        var help = await CliRun.RunAsync("plan", "--help");
        foreach (var flag in new[] { "--phase", "--adopt", "--document", "--capacity", "--traffic-shift", "--downsize-old", "--production-listener", "--group-id", "--batch-size", "--grace-period", "--health-check-type", "--bake", "--analysis" })
        {
            help.Output.Should().Contain(flag + " ");
            StrategyFlags.StrategiesOf(flag).Should().NotBeNull();
        }
    }
}
