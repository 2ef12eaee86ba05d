using Spot.Deploy.Emulator;

namespace Spot.Deploy.Cli.Tests;

/// <summary><c>spot-deploy emulator --spot-rate-limit …</c>: the flags reach the emulator's options, and bad values are invalid input.</summary>
public sealed class EmulatorRateLimitFlagsTests
{
    [Fact]
    public async Task Emulator_WithRateLimitFlags_LimitsTheAccountAndPrintsTheLimitAndStatsAddress()
    {
        using var cancel = new CancellationTokenSource();
        Sandbox? started = null;
        Sandbox.Started.Value = s =>
        {
            started = s;
            cancel.Cancel();
        };
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await Cli.RunAsync(["emulator", "--spot-rate-limit", "5", "--spot-rate-limit-scope", "account", "--spot-rate-limit-window", "10"], output, error, cancel.Token);
        Sandbox.Started.Value = null;

        code.Should().Be(ExitCodes.Success, error.ToString());
        var options = started!.Emulator.Options;
        (options.SpotRequestsPerMinute, options.SpotRateLimitScope, options.SpotRateLimitWindow).Should().Be((5, SpotRateLimitScope.Account, TimeSpan.FromSeconds(10)));
        output.ToString().Should().Contain("Spot rate limit: 5 calls per 10 s per account")
            .And.Contain("Stats:           " + started.Emulator.StatsEndpoint)
            .And.Contain("CloudWatch:      " + started.Emulator.CloudWatchEndpoint).And.Contain("Metrics:         " + started.Emulator.MetricsEndpoint);
    }

    [Theory]
    [InlineData("--spot-rate-limit", "-1")]
    [InlineData("--spot-rate-limit-window", "0")]
    [InlineData("--spot-rate-limit-scope", "organisation")]
    public async Task Emulator_BadRateLimitFlag_IsInvalidInput(string flag, string value)
    {
        var run = await CliRun.RunAsync("emulator", flag, value);

        run.ExitCode.Should().Be(ExitCodes.InvalidInput, run.Output + run.Error);
        run.Error.Should().ContainAny(flag, "'" + value + "'");
        run.Sandboxes.Should().BeEmpty("nothing starts on a bad flag");
    }
}
