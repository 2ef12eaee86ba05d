using System.Globalization;
using System.Text.Json.Nodes;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>
/// What happens when a run fails or is cancelled: the failure policy (roll back, or stop for a person), the journal's
/// status, and the exception that says where things are and what to do next.
/// </summary>
internal static class RunFailures
{
    public static async Task<DeploymentCanceledException> CanceledAsync(DeploymentRun run, OperationCanceledException e, CancellationToken cancellationToken)
    {
        var inFlight = run.InFlight;
        DeploymentLog.Canceled(run.Logger, run.Id, run.CompletedSteps, inFlight ?? run.AtGate);
        await run.Services.Journal.AppendAsync(run.Id, JournalEntry.Note("deployment", "canceled", new JsonObject { ["inFlight"] = inFlight, ["atGate"] = run.AtGate }), CancellationToken.None).ConfigureAwait(false);
        await run.NeedsAttentionAsync("canceled").ConfigureAwait(false);
        var compiled = run.Compiled;
        var message = string.Create(CultureInfo.InvariantCulture, $"Deployment {run.Id} ({compiled.Strategy}) of {compiled.AppName} was cancelled after {run.CompletedSteps} completed step(s); ")
            + (inFlight is not null ? $"in flight: {inFlight} (its effect is unknown; a resume or rollback checks it). "
                : run.AtGate is not null ? $"it was waiting at {run.AtGate}. " : "no step was in flight. ")
            + (run.IsRollingBack
                ? $"The rollback had started and was interrupted; the status is NeedsAttention. Finish it with DeploymentRecovery (RollbackAsync or ResumeAsync) and id {run.Id}."
                : $"Nothing was rolled back; the status is NeedsAttention. Resume it or roll it back with DeploymentRecovery and id {run.Id}.");
        return new DeploymentCanceledException(message, run.Id, run.CompletedSteps, inFlight, e, cancellationToken);
    }

    public static async Task<DeploymentFailedException> FailedAsync(DeploymentRun run, Exception failure, CancellationToken cancellationToken)
    {
        var failedStep = run.InFlight;
        run.InFlight = null;
        var compiled = run.Compiled;
        DeploymentLog.StepFailed(run.Logger, failure, run.Id, failedStep ?? "(no step)");
        var what = Sentence(failedStep is null ? failure.Message : $"{failedStep}: {failure.Message}");
        if (run.IsPastPointOfNoReturn)
        {
            await run.NeedsAttentionAsync("needs_attention").ConfigureAwait(false);
            return new DeploymentFailedException(
                $"Deployment {run.Id} of {compiled.AppName} is deployed ({compiled.FinalGroupName} runs {compiled.ImageId}), but its clean-up failed at {what} Nothing was rolled back; the status is NeedsAttention. Resume it with DeploymentRecovery and id {run.Id} to finish the clean-up.",
                run.Id, DeploymentStatus.NeedsAttention, failedStep, failure, null);
        }

        if (failure is AnalysisInconclusiveException)
        {
            await run.NeedsAttentionAsync("needs_attention").ConfigureAwait(false);
            return new DeploymentFailedException(
                $"Deployment {run.Id} of {compiled.AppName} stopped for a person: {what} Nothing was rolled back; the status is NeedsAttention. Resume it to go on (the bake runs again; a background analysis starts afresh), or roll it back, with DeploymentRecovery and id {run.Id}.",
                run.Id, DeploymentStatus.NeedsAttention, failedStep, failure, null);
        }

        if (run.Options.OnFailure == FailurePolicy.Stop)
        {
            await run.NeedsAttentionAsync("needs_attention").ConfigureAwait(false);
            return new DeploymentFailedException(
                $"Deployment {run.Id} of {compiled.AppName} failed at {what} It was stopped as configured (OnFailure = Stop) and left as it is; the status is NeedsAttention. Resume it or roll it back with DeploymentRecovery and id {run.Id}.",
                run.Id, DeploymentStatus.NeedsAttention, failedStep, failure, null);
        }

        try
        {
            await run.RollbackAsync(what, cancellationToken).ConfigureAwait(false);
            run.Finish(DeploymentStatus.RolledBack, "rolled_back");
            return new DeploymentFailedException(
                $"Deployment {run.Id} of {compiled.AppName} failed at {what} It was rolled back: every group and route is back where the deployment started.",
                run.Id, DeploymentStatus.RolledBack, failedStep, failure, null);
        }
        catch (OperationCanceledException rollbackCanceled) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled while rolling back: stop there and say so; a recovery finishes the journaled rollback.
            throw await CanceledAsync(run, rollbackCanceled, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception rollbackFailure)
        {
            DeploymentLog.RollbackFailed(run.Logger, rollbackFailure, run.Id);
            await run.NeedsAttentionAsync("needs_attention").ConfigureAwait(false);
            return new DeploymentFailedException(
                $"Deployment {run.Id} of {compiled.AppName} failed at {what} The rollback failed too ({run.InFlight}: {rollbackFailure.Message}); the status is NeedsAttention. Roll it back again with DeploymentRecovery and id {run.Id} once the cause is fixed.",
                run.Id, DeploymentStatus.NeedsAttention, failedStep, failure, rollbackFailure);
        }
    }

    private static string Sentence(string text)
    {
        var trimmed = text.TrimEnd();
        return trimmed.Length == 0 || trimmed[^1] is '.' or '!' or '?' ? trimmed : trimmed + ".";
    }
}
