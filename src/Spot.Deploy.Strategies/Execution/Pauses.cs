using System.Globalization;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>
/// Pauses before a gated stage (<see cref="DeploymentOptions.Pause"/>, or a pause the journal shows open when a deployment
/// is resumed) until the control channel holds a promote or an abort for it, or the timeout applies the default verdict.
/// The run only reads the channel; the decision it acts on is journaled (<c>pauseDecided</c>) by the run itself.
/// </summary>
internal static class Pauses
{
    /// <summary>Who is named for a decision made by a pause's timeout.</summary>
    public const string TimeoutDecider = "pause timeout";

    public static async Task PassAsync(DeploymentRun run, int stage, CancellationToken cancellationToken)
    {
        var options = run.Options.Pause;
        var resumed = run.OpenPause is { } open && open.StageIndex == stage ? open : null;
        if (resumed is null && (options is null || !options.PausesBefore(stage)))
        {
            return;
        }

        var control = run.Services.Control
            ?? throw new InvalidOperationException($"Deployment {run.Id} pauses before stage {stage}, but its journal ({run.Services.Journal.GetType().Name}) has no control channel (IDeploymentControl).");
        var time = run.Services.TimeProvider;
        var name = run.Compiled.Stages[stage].Name;
        var pause = resumed ?? new DeploymentPause(stage, name, time.GetUtcNow(), options!.Timeout, options.DefaultVerdict);
        var poll = options?.PollInterval ?? new PauseOptions().PollInterval;
        var stepId = "stage-" + stage.ToString(CultureInfo.InvariantCulture);
        run.AtGate = $"the pause before {name}";
        await run.NoteAsync(stepId, DeploymentPause.PausedNote, pause.ToNote(resumed is not null), cancellationToken).ConfigureAwait(false);
        PauseLog.Paused(run.Logger, run.Id, name, pause.Timeout?.ToString() ?? "none", pause.DefaultVerdict);
        run.PausedStage = stage;
        try
        {
            run.Report(new PausedEvent(time.GetUtcNow(), run.Id, stage, name, pause.Timeout, pause.DefaultVerdict, pause.Since));
            var decision = await WaitAsync(run, control, pause, poll, cancellationToken).ConfigureAwait(false);
            var timedOut = decision.RequestedBy == TimeoutDecider;
            await run.NoteAsync(stepId, DeploymentPause.DecidedNote, new()
            {
                ["verdict"] = decision.Action.ToString(),
                ["by"] = timedOut ? null : decision.RequestedBy,
                ["reason"] = decision.Reason,
                ["timedOut"] = timedOut,
                ["request"] = decision.Sequence,
            }, cancellationToken).ConfigureAwait(false);
            PauseLog.Decided(run.Logger, run.Id, name, decision.Action, decision.RequestedBy, decision.Reason);
            var waited = time.GetUtcNow() - pause.Since;
            run.Report(new PauseEndedEvent(time.GetUtcNow(), name, decision.Action, timedOut ? null : decision.RequestedBy, decision.Reason, waited));
            if (decision.Action == ControlAction.Abort)
            {
                throw new DeploymentAbortedException(name, timedOut ? null : decision.RequestedBy, decision.Reason);
            }

            run.AtGate = null;
        }
        finally
        {
            run.PausedStage = null;
        }
    }

    /// <summary>Polls until a decision for the stage is stored; at the timeout stores the default verdict (unless a person's decision got in first).</summary>
    private static async Task<ControlRequest> WaitAsync(DeploymentRun run, IDeploymentControl control, DeploymentPause pause, TimeSpan poll, CancellationToken cancellationToken)
    {
        var time = run.Services.TimeProvider;
        while (true)
        {
            var requests = await control.ReadAsync(run.Id, cancellationToken).ConfigureAwait(false);
            if (ControlRules.DecisionFor(requests, pause.StageIndex) is { } decided)
            {
                return decided;
            }

            var waited = time.GetUtcNow() - pause.Since;
            if (pause.Timeout is { } timeout && waited >= timeout)
            {
                var reason = string.Create(CultureInfo.InvariantCulture, $"nobody decided within the pause's timeout ({timeout}); its default verdict is {ControlRules.Verb(pause.DefaultVerdict)}");
                try
                {
                    return await control.RequestAsync(run.Id, new ControlRequest(pause.DefaultVerdict, pause.StageIndex, TimeoutDecider, reason), cancellationToken).ConfigureAwait(false);
                }
                catch (DeploymentControlException e) when (e.Decision is { } first && first.Stage == pause.StageIndex)
                {
                    return first; // a person decided in the meantime: the first decision wins
                }
            }

            var delay = pause.Timeout is { } limit && limit - waited < poll ? limit - waited : poll;
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
