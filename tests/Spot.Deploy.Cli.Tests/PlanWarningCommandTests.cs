using System.Text.Json.Nodes;
using Spot.Deploy.Cli;

namespace Spot.Deploy.Cli.Tests;

/// <summary>`plan` and `deploy` say when consecutive canary phases give the same instance count (the emulator's web has a target of 2).</summary>
public sealed class PlanWarningCommandTests
{
    private const string Expected = "phases 1 (25 %) and 2 (50 %) both give the new group a target of 1 of 2 (instances): phase 2 changes nothing";

    [Fact]
    public async Task Plan_Text_WarnsWithTheTargetOfEveryPhase()
    {
        var run = await CliRun.RunAsync("plan", "canary", "--app", "web", "--emulator", "--phase", "25", "--phase", "50", "--phase", "100");

        run.ExitCode.Should().Be(ExitCodes.Success, run.Error);
        run.Lines.Should().ContainSingle(l => l.StartsWith("Warning: ", StringComparison.Ordinal))
            .Which.Should().Contain(Expected).And.Contain("phase 1 (25 %) → 1, phase 2 (50 %) → 1, phase 3 (100 %) → 2");
    }

    [Fact]
    public async Task Plan_Json_HasTheWarnings_AndNoneWhenEveryPhaseChangesSomething()
    {
        var warned = await CliRun.RunAsync("plan", "canary", "--app", "web", "--emulator", "--phase", "25", "--phase", "50", "--phase", "100", "--format", "json");
        var quiet = await CliRun.RunAsync("plan", "canary", "--app", "web", "--emulator", "--phase", "50", "--phase", "100", "--format", "json");

        warned.ExitCode.Should().Be(ExitCodes.Success, warned.Error);
        JsonNode.Parse(warned.Output)!["warnings"]!.AsArray().Select(w => (string?)w).Should().ContainSingle().Which.Should().StartWith(Expected);
        JsonNode.Parse(quiet.Output)!["warnings"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task Deploy_PrintsTheWarning_AndStillDeploys()
    {
        var run = await CliRun.RunAsync("deploy", "canary", "--app", "web", "--emulator", "--phase", "25", "--phase", "50", "--phase", "100");

        run.ExitCode.Should().Be(ExitCodes.Success, run.Error);
        run.Lines.Should().Contain(l => l.Contains("warning: " + Expected, StringComparison.Ordinal));
    }
}
