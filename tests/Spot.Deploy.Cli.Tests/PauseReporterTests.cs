using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli.Tests;

/// <summary>
/// <c>--approve</c> on an interactive terminal: the question, and the answer recorded in the control channel as the
/// runner; without a terminal the PAUSED lines with the exact commands instead. (The terminal is a reader here; the
/// process tests cover redirected input.)
/// </summary>
public sealed class PauseReporterTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 18, 0, 0, TimeSpan.Zero);
    private readonly InMemoryDeploymentJournal _journal = new();

    private static PausedEvent Paused() => new(Now, "web-1", 2, "phase 2 of 3 (50 %)", null, ControlAction.Abort, Now);

    private async Task<(string Output, IReadOnlyList<ControlRequest> Requests)> AskAsync(string answer)
    {
        await _journal.CreateAsync(new DeploymentRecord { Id = "web-1", AppName = "web", Strategy = "Canary" });
        using var output = new StringWriter();
        var reporter = new PauseReporter(new EventWriter(output, OutputFormat.Text), new PauseChoice(true, true, null, ControlAction.Abort), _journal, " --state-dir s", new StringReader(answer)) { Asks = true };

        reporter.Report(Paused());
        await reporter.Asked;

        return (output.ToString(), await _journal.ReadAsync("web-1"));
    }

    private static string Runner => Environment.GetEnvironmentVariable("SPOT_DEPLOY_RUNNER") is { Length: > 0 } set ? set : $"{Environment.UserName}@{Environment.MachineName}";

    [Theory]
    [InlineData("y\n")]
    [InlineData("YES\n")]
    public async Task Yes_RecordsAPromote_AsTheRunner(string answer)
    {
        var (output, requests) = await AskAsync(answer);

        output.Should().Contain("promote web-1 to phase 2 of 3 (50 %)? [y/N]");
        var request = requests.Should().ContainSingle().Subject;
        (request.Action, request.Stage, request.RequestedBy, request.Reason).Should().Be((ControlAction.Promote, 2, Runner, "answered yes to --approve on the terminal"));
    }

    [Theory]
    [InlineData("n\n")]
    [InlineData("\n")]
    [InlineData("")]
    public async Task AnythingElse_RecordsAnAbort(string answer)
    {
        var (_, requests) = await AskAsync(answer);

        var request = requests.Should().ContainSingle().Subject;
        (request.Action, request.Reason).Should().Be((ControlAction.Abort, "answered no to --approve on the terminal"));
    }

    [Fact]
    public void WithoutATerminal_PrintsThePauseAndTheExactCommands_AndRecordsNothing()
    {
        using var output = new StringWriter();
        var reporter = new PauseReporter(new EventWriter(output, OutputFormat.Text), new PauseChoice(true, true, TimeSpan.FromMinutes(30), ControlAction.Promote), _journal, " --state-dir s", new StringReader("y\n")) { Asks = false };

        reporter.Report(Paused() with { Timeout = TimeSpan.FromMinutes(30), DefaultVerdict = ControlAction.Promote });

        reporter.Notice.Should().StartWith("--approve: no interactive terminal");
        output.ToString().Should().Contain("PAUSED before \"phase 2 of 3 (50 %)\" (stage 2): waiting for promote or abort; after 00:30:00 without a decision: promote.")
            .And.Contain("  spot-deploy promote web-1 --state-dir s")
            .And.Contain("  spot-deploy abort web-1 --reason \"<why>\" --state-dir s");
        reporter.Asked.IsCompleted.Should().BeTrue("nothing was asked");
    }
}
