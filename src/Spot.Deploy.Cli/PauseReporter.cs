using System.Globalization;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli;

/// <summary>
/// Writes a deployment's events and, at each pause, the exact commands that promote or abort it (with the state flags it
/// runs with). With <c>--approve</c> on an interactive terminal it asks instead and records the answer as the runner.
/// </summary>
internal sealed class PauseReporter(EventWriter writer, PauseChoice choice, IDeploymentControl? control, string stateFlags, TextReader input) : IProgress<DeploymentEvent>
{
    /// <summary>True when --approve can ask: input from a terminal and not in CI.</summary>
    public static bool CanAsk => !Console.IsInputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    /// <summary>Whether the pauses are asked on this terminal.</summary>
    public bool Asks { get; init; } = choice.Approve && CanAsk;

    /// <summary>The last question asked on the terminal (completed when its answer is recorded); for tests.</summary>
    public Task Asked { get; private set; } = Task.CompletedTask;

    /// <summary>The line that says --approve pauses instead, or null.</summary>
    public string? Notice => choice.Approve && !Asks
        ? "--approve: no interactive terminal (input redirected or CI): pausing instead; promote or abort from another terminal."
        : null;

    public void Report(DeploymentEvent value)
    {
        switch (value)
        {
            case PausedEvent paused:
                if (writer.Format == OutputFormat.Json)
                {
                    writer.Report(value);
                }

                if (Asks && control is not null)
                {
                    Asked = Task.Run(() => AskAsync(paused));
                }
                else
                {
                    writer.Message(Describe(paused));
                }

                break;
            case PauseEndedEvent ended when writer.Format == OutputFormat.Text:
                writer.Message(string.Create(CultureInfo.InvariantCulture,
                    $"  pause before \"{ended.StageName}\" ended after {EventWriter.Clock(ended.Waited)}: {ended.Verdict} by {ended.DecidedBy ?? "its timeout"}{(ended.Reason is null ? string.Empty : " - " + ended.Reason)}"));
                break;
            default:
                writer.Report(value);
                break;
        }
    }

    private string Describe(PausedEvent e)
    {
        var timeout = e.Timeout is { } t
            ? string.Create(CultureInfo.InvariantCulture, $"; after {t} without a decision: {e.DefaultVerdict.ToString().ToLowerInvariant()}")
            : string.Empty;
        return string.Join(Environment.NewLine,
            $"PAUSED before \"{e.StageName}\" (stage {e.StageIndex}): waiting for promote or abort{timeout}. From any terminal:",
            $"  spot-deploy promote {e.DeploymentId}{stateFlags}",
            $"  spot-deploy abort {e.DeploymentId} --reason \"<why>\"{stateFlags}");
    }

    private async Task AskAsync(PausedEvent e)
    {
        writer.Message($"promote {e.DeploymentId} to {e.StageName}? [y/N]");
        var answer = (await input.ReadLineAsync().ConfigureAwait(false))?.Trim() ?? string.Empty;
        var yes = answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase);
        var who = RunnerName.FromEnvironment() ?? $"{Environment.UserName}@{Environment.MachineName}";
        try
        {
            await control!.RequestAsync(e.DeploymentId, new ControlRequest(yes ? ControlAction.Promote : ControlAction.Abort, e.StageIndex, who,
                yes ? "answered yes to --approve on the terminal" : "answered no to --approve on the terminal")).ConfigureAwait(false);
        }
        catch (DeploymentStateException ex)
        {
            writer.Message("  not recorded: " + ex.Message);
        }
    }
}
