namespace Spot.Deploy.Cli.Tests;

/// <summary>The pause flags and the promote/abort commands refuse bad input before anything changes (exit 3), naming the flag.</summary>
public sealed class PauseCommandTests : IDisposable
{
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), "spot-deploy-pause-cmd-" + Guid.NewGuid().ToString("N"));

    public PauseCommandTests() => Directory.CreateDirectory(_stateDir);

    public void Dispose() => Directory.Delete(_stateDir, recursive: true);

    [Theory]
    [InlineData("roll", "--pause")]
    [InlineData("roll", "--approve")]
    public async Task PauseOrApprove_OnAStrategyWithoutStagesToPauseBefore_IsRefused_NamingTheFlag(string strategy, string flag)
    {
        var run = await CliRun.RunAsync("deploy", strategy, "--app", "web", flag, "--state-dir", _stateDir);

        run.ExitCode.Should().Be(ExitCodes.InvalidInput, run.Output + run.Error);
        run.Error.Should().Contain($"{flag} does not apply to {strategy} (only to basic, canary, bluegreen)");
        run.Sandboxes.Should().BeEmpty("refused before any emulator or cloud is touched");
    }

    [Theory]
    [InlineData("--pause-timeout", "10m", "--pause-timeout needs --pause or --approve")]
    [InlineData("--pause-default", "promote", "--pause-default needs --pause or --approve")]
    public async Task PauseSettings_WithoutAPause_AreRefused(string flag, string value, string message)
    {
        var run = await CliRun.RunAsync("deploy", "canary", "--app", "web", flag, value, "--state-dir", _stateDir);

        run.ExitCode.Should().Be(ExitCodes.InvalidInput);
        run.Error.Should().Contain(message);
    }

    [Theory]
    [InlineData("--pause-timeout", "soon", "--pause-timeout")]
    [InlineData("--pause-default", "maybe", "--pause-default must be promote or abort, got 'maybe'")]
    public async Task BadPauseSettings_AreRefused(string flag, string value, string message)
    {
        var run = await CliRun.RunAsync("deploy", "canary", "--app", "web", "--pause", flag, value, "--state-dir", _stateDir);

        run.ExitCode.Should().Be(ExitCodes.InvalidInput);
        run.Error.Should().Contain(message);
        run.Sandboxes.Should().BeEmpty();
    }

    [Theory]
    [InlineData("promote")]
    [InlineData("abort")]
    public async Task Decision_ForAnUnknownDeployment_IsRefused(string command)
    {
        var run = await CliRun.RunAsync(command, "web-20261204T000000Z-0000abcd", "--state-dir", _stateDir);

        run.ExitCode.Should().Be(ExitCodes.InvalidInput);
        run.Error.Should().Contain("there is no deployment 'web-20261204T000000Z-0000abcd'").And.Contain("nothing was recorded");
    }

    [Fact]
    public async Task Decision_ForADeploymentThatIsNotPaused_IsRefused_AndNothingIsRecorded()
    {
        var journal = new Strategies.FileDeploymentJournal(Path.Combine(_stateDir, "journal"));
        await journal.CreateAsync(new Strategies.DeploymentRecord { Id = "web-1", AppName = "web", Strategy = "Canary" });

        var run = await CliRun.RunAsync("abort", "web-1", "--reason", "x", "--state-dir", _stateDir);

        run.ExitCode.Should().Be(ExitCodes.InvalidInput);
        run.Error.Should().Contain("deployment web-1 of web is not paused");
        (await journal.ReadAsync("web-1")).Should().BeEmpty();
        File.Exists(journal.GetControlFilePath("web-1")).Should().BeFalse();
    }

    [Fact]
    public async Task Promote_ThenAbortOfTheSameStage_TheFirstDecisionWins_TheSecondIsRefusedClearly()
    {
        var journal = new Strategies.FileDeploymentJournal(Path.Combine(_stateDir, "journal"));
        await journal.CreateAsync(new Strategies.DeploymentRecord { Id = "web-1", AppName = "web", Strategy = "Canary" });
        await journal.AppendAsync("web-1", Strategies.JournalEntry.Note("stage-2", "paused", new System.Text.Json.Nodes.JsonObject { ["stage"] = 2, ["name"] = "phase 2 of 3 (50 %)" }));

        var promote = await CliRun.RunAsync("promote", "web-1", "--state-dir", _stateDir);
        var again = await CliRun.RunAsync("promote", "web-1", "--state-dir", _stateDir, "--output", "json");
        var abort = await CliRun.RunAsync("abort", "web-1", "--reason", "too late", "--state-dir", _stateDir);

        promote.ExitCode.Should().Be(ExitCodes.Success, promote.Error);
        promote.Output.Should().Contain("recorded: promote of deployment web-1 (web) before \"phase 2 of 3 (50 %)\"");
        again.ExitCode.Should().Be(ExitCodes.Success, again.Error);
        again.Output.Should().Contain("\"alreadyRecorded\":true").And.Contain("\"sequence\":1");
        abort.ExitCode.Should().Be(ExitCodes.InvalidInput);
        abort.Error.Should().Contain("already chose to promote stage 2").And.Contain("the first decision wins");
        (await journal.ReadAsync("web-1")).Should().ContainSingle();
    }
}
