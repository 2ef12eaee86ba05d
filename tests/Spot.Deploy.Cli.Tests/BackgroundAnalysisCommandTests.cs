using Spot.Deploy.Testing;

namespace Spot.Deploy.Cli.Tests;

/// <summary>
/// <c>--background-analysis FILE</c>: the same file schema as <c>--analysis</c>, measured through the whole deployment on
/// the embedded emulator; a bad build is rolled back with the background check and its value printed; a good one runs
/// beside the bakes and succeeds; a Spot roll is watched and stopped; a bad file exits 3 before anything changes.
/// </summary>
public sealed class BackgroundAnalysisCommandTests : IAsyncLifetime, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spot-deploy-background-").FullName;
    private LoopbackServer _metrics = null!;
    private string _errorRate = "0";

    public async Task InitializeAsync() =>
        _metrics = await LoopbackServer.StartAsync(_ => ScriptedResponse.Json("{\"errorRate\":" + _errorRate + "}"));

    public async Task DisposeAsync() => await _metrics.DisposeAsync();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string AnalysisFile(string? text = null)
    {
        var path = Path.Combine(_dir, "background.json");
        File.WriteAllText(path, text ?? $$"""
            {
              "interval": "30s",
              "checks": [
                { "name": "error-rate", "type": "http", "url": "{{_metrics.BaseAddress}}stats?group={newGroupName}",
                  "jsonPointer": "/errorRate", "threshold": "< 0.05" }
              ]
            }
            """);
        return path;
    }

    [Fact]
    public async Task BadBuild_IsRolledBackByTheBackgroundAnalysis_ShowingTheCheckAndItsValue()
    {
        _errorRate = "0.25";

        var run = await CliRun.RunAsync("deploy", "canary", "--app", "web", "--emulator", "--phase", "50", "--phase", "100", "--bake", "2m", "--background-analysis", AnalysisFile());

        run.ExitCode.Should().Be(ExitCodes.RolledBack, run.Output + run.Error);
        run.Output.Should().Contain("background analysis: error-rate #1 FAIL - 0.25 (threshold < 0.05)");
        run.Output.Should().Contain("ROLLBACK of").And.Contain("background analysis: check 'error-rate' failed with 0.25 (threshold < 0.05)");
        (run.Output + run.Error).Should().Contain("failed at background analysis: check 'error-rate' failed with 0.25 (threshold < 0.05).");
        _metrics.Requests.Should().ContainSingle("the first measurement failed it").Which.Query.Should().Be("?group=web__2");
    }

    [Fact]
    public async Task GoodBuild_MeasuredBesideTheBake_AndSucceeds_WithMeasurementsAsJson()
    {
        _errorRate = "0.001";

        var run = await CliRun.RunAsync("deploy", "canary", "--app", "web", "--emulator", "--phase", "50", "--phase", "100", "--bake", "2m", "--background-analysis", AnalysisFile(), "--output", "json");

        run.ExitCode.Should().Be(ExitCodes.Success, run.Output + run.Error);
        var measurements = run.Lines.Where(l => l.Contains("\"event\":\"Measurement\"", StringComparison.Ordinal)).ToList();
        measurements.Should().HaveCountGreaterThanOrEqualTo(4, "a two-minute bake at 30 s").And.OnlyContain(l => l.Contains("\"where\":\"background analysis\"", StringComparison.Ordinal) && l.Contains("\"verdict\":\"Pass\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MissingFile_ExitsThree_BeforeAnyChange()
    {
        var run = await CliRun.RunAsync("deploy", "canary", "--app", "web", "--emulator", "--phase", "50", "--phase", "100", "--background-analysis", "/no/such/background.json");

        run.ExitCode.Should().Be(ExitCodes.InvalidInput, run.Output + run.Error);
        run.Error.Should().Contain("--background-analysis: no such file");
        run.Sandboxes.SelectMany(s => s.Emulator.Calls.Mutating).Should().BeEmpty();
    }

    [Fact]
    public async Task MistakeInTheFile_ExitsThree_NamingItsJsonPath()
    {
        var file = AnalysisFile("""{ "interval": "soon", "checks": [ { "name": "a", "type": "http", "url": "http://x/" } ] }""");

        var run = await CliRun.RunAsync("deploy", "bluegreen", "--app", "web", "--emulator", "--background-analysis", file);

        run.ExitCode.Should().Be(ExitCodes.InvalidInput, run.Output + run.Error);
        run.Error.Should().Contain("--background-analysis " + file).And.Contain("$.interval");
        run.Sandboxes.SelectMany(s => s.Emulator.Calls.Mutating).Should().BeEmpty();
    }

    [Fact]
    public async Task Roll_BadBuild_TheBackgroundAnalysisStopsTheRoll_AndRollsTheGroupBack()
    {
        _errorRate = "0.25";

        var run = await CliRun.RunAsync("deploy", "roll", "--app", "web", "--emulator", "--batch-size", "50", "--background-analysis", AnalysisFile());

        run.ExitCode.Should().Be(ExitCodes.RolledBack, run.Output + run.Error);
        run.Output.Should().Contain("background analysis: error-rate #1 FAIL - 0.25 (threshold < 0.05)");
        (run.Output + run.Error).Should().Contain("failed at background analysis: check 'error-rate' failed with 0.25 (threshold < 0.05).");
        _metrics.Requests.Should().ContainSingle().Which.Query.Should().Be("?group=web", "a roll's {newGroupName} is the rolled group");
    }

    [Fact]
    public async Task Roll_WithABake_ExitsThree_BeforeAnyChange()
    {
        var run = await CliRun.RunAsync("deploy", "roll", "--app", "web", "--emulator", "--bake", "5m");

        run.ExitCode.Should().Be(ExitCodes.InvalidInput, run.Output + run.Error);
        run.Error.Should().Contain("--bake does not apply to roll (only to basic, canary, bluegreen)");
        run.Sandboxes.SelectMany(s => s.Emulator.Calls.Mutating).Should().BeEmpty();
    }
}
