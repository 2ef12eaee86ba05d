using Spot.Deploy.Testing;

namespace Spot.Deploy.Cli.Tests;

/// <summary>
/// <c>--bake</c> and <c>--analysis</c>: a canary on the embedded emulator whose analysis file points at a metrics
/// endpoint served over real HTTP; a bad build is rolled back at the first bake with the check and its value printed;
/// mistakes in the options or the file exit 3 before anything changes.
/// </summary>
public sealed class AnalysisCommandTests : IAsyncLifetime, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spot-deploy-analysis-").FullName;
    private LoopbackServer _metrics = null!;
    private string _errorRate = "0";

    public async Task InitializeAsync() =>
        _metrics = await LoopbackServer.StartAsync(_ => ScriptedResponse.Json("{\"errorRate\":" + _errorRate + "}"));

    public async Task DisposeAsync() => await _metrics.DisposeAsync();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string AnalysisFile(string? text = null)
    {
        var path = Path.Combine(_dir, "analysis.json");
        File.WriteAllText(path, text ?? $$"""
            {
              "interval": "1m",
              "checks": [
                { "name": "error-rate", "type": "http", "url": "{{_metrics.BaseAddress}}stats?group={newGroupName}",
                  "jsonPointer": "/errorRate", "threshold": "< 0.05" }
              ]
            }
            """);
        return path;
    }

    [Fact]
    public async Task BadBuild_IsRolledBackAtTheFirstBake_ShowingTheCheckAndItsValue()
    {
        _errorRate = "0.25";

        var run = await CliRun.RunAsync("deploy", "canary", "--app", "web", "--emulator", "--phase", "50", "--phase", "100", "--bake", "3m", "--analysis", AnalysisFile());

        run.ExitCode.Should().Be(ExitCodes.RolledBack, run.Output + run.Error);
        run.Output.Should().Contain("bake after phase 1 of 2 (50 %): error-rate #1 FAIL - 0.25 (threshold < 0.05)");
        run.Output.Should().Contain("analysis Failed - check 'error-rate' saw 0.25 (threshold < 0.05)");
        (run.Output + run.Error).Should().Contain("rolled back");
        _metrics.Requests.Should().ContainSingle("the first measurement failed the analysis").Which.Query.Should().Be("?group=web__2");
    }

    [Fact]
    public async Task GoodBuild_BakesThreeMinutesAfterPhaseOne_AndSucceeds_WithMeasurementsAsJson()
    {
        _errorRate = "0.001";

        var run = await CliRun.RunAsync("deploy", "canary", "--app", "web", "--emulator", "--phase", "50", "--phase", "100", "--bake", "3m", "--analysis", AnalysisFile(), "--output", "json");

        run.ExitCode.Should().Be(ExitCodes.Success, run.Output + run.Error);
        var measurements = run.Lines.Where(l => l.Contains("\"event\":\"Measurement\"", StringComparison.Ordinal)).ToList();
        measurements.Should().HaveCount(3);
        measurements[0].Should().Contain("\"check\":\"error-rate\"").And.Contain("\"verdict\":\"Pass\"").And.Contain("\"value\":0.001");
        run.Lines.Should().ContainSingle(l => l.Contains("\"event\":\"AnalysisCompleted\"", StringComparison.Ordinal) && l.Contains("\"verdict\":\"Successful\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--bake", "ten minutes", "--bake")]
    [InlineData("--bake", "0", "--bake")]
    [InlineData("--analysis", "/no/such/analysis.json", "no such file")]
    public async Task BadOption_ExitsThree_BeforeAnyChange(string option, string value, string expected)
    {
        var run = await CliRun.RunAsync("deploy", "canary", "--app", "web", "--emulator", "--phase", "100", option, value);

        run.ExitCode.Should().Be(ExitCodes.InvalidInput, run.Output + run.Error);
        run.Error.Should().Contain(expected);
        run.Sandboxes.SelectMany(s => s.Emulator.Calls.Mutating).Should().BeEmpty();
    }

    [Fact]
    public async Task MistakeInTheFile_ExitsThree_NamingItsJsonPath()
    {
        var file = AnalysisFile("""{ "checks": [ { "name": "a", "type": "http", "url": "http://x/", "treshold": "< 1" } ] }""");

        var run = await CliRun.RunAsync("deploy", "canary", "--app", "web", "--emulator", "--phase", "100", "--analysis", file);

        run.ExitCode.Should().Be(ExitCodes.InvalidInput, run.Output + run.Error);
        run.Error.Should().Contain("$.checks[0].treshold").And.Contain("not a known property");
        run.Sandboxes.SelectMany(s => s.Emulator.Calls.Mutating).Should().BeEmpty();
    }

    [Fact]
    public async Task Basic_BadBuild_IsRolledBackByTheBakeAtFullSize_BeforeThePreviousGroupIsDownsized()
    {
        _errorRate = "0.25";

        var run = await CliRun.RunAsync("deploy", "basic", "--app", "web", "--emulator", "--bake", "3m", "--analysis", AnalysisFile());

        run.ExitCode.Should().Be(ExitCodes.RolledBack, run.Output + run.Error);
        run.Output.Should().Contain("bake after phase 1 of 1 (100 %): error-rate #1 FAIL - 0.25 (threshold < 0.05)");
        run.Output.Should().NotContain("downsize previous", "the stage that downsizes the previous group never started");
        _metrics.Requests.Should().ContainSingle().Which.Query.Should().Be("?group=web__2");
    }
}
