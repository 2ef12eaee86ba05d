using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Strategies.Execution;

namespace Spot.Deploy.Strategies;

/// <summary>
/// Finishes deployments another process left unfinished (crashed, cancelled, stopped for a person): lists
/// them, resumes them, rolls them back, or — once a person has checked the app — abandons them, all from the journal
/// alone. Every step re-checks the actual state first, so a step that was in flight is neither lost nor done twice.
/// An old deployment is never resumed or rolled back over a newer one of the same app.
/// </summary>
public sealed class DeploymentRecovery
{
    /// <summary>Creates the recovery helper.</summary>
    /// <param name="services">The same journal and lock as the deployments used.</param>
    /// <param name="options">Gates, steady-state waits and failure policy for resumed deployments.</param>
    public DeploymentRecovery(DeploymentServices services, DeploymentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        Services = services;
        Options = options ?? new DeploymentOptions();
    }

    /// <summary>The services.</summary>
    public DeploymentServices Services { get; }

    /// <summary>The options.</summary>
    public DeploymentOptions Options { get; }

    /// <summary>Deployments whose status is running or needs attention, oldest first.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records.</returns>
    public Task<IReadOnlyList<DeploymentRecord>> ListUnfinishedAsync(CancellationToken cancellationToken = default) =>
        Services.Journal.ListUnfinishedAsync(cancellationToken);

    /// <summary>
    /// Resumes a deployment from its journal: steps done are skipped, a step in flight is re-checked, the rest
    /// run (gates asked where gated). A deployment whose rollback had started finishes its rollback instead.
    /// A deployment that is finished already (succeeded, rolled back, abandoned) is reported as it is and nothing is done:
    /// the result has <see cref="DeploymentResult.AlreadyFinished"/> set and the journal's final status.
    /// </summary>
    /// <param name="deploymentId">The deployment.</param>
    /// <param name="progress">Receives events, or null.</param>
    /// <param name="cancellationToken">Stops between calls.</param>
    /// <returns>The result.</returns>
    /// <exception cref="DeploymentJournalException">There is no such deployment, or its journal is corrupt.</exception>
    /// <exception cref="NewerDeploymentExistsException">A newer deployment of the app is in the journal; nothing was changed.</exception>
    /// <exception cref="AppLockedException">Another deployment of the app runs.</exception>
    /// <exception cref="SpotApiException">A read of the check before the first change failed (the clients' retries exhausted, e.g. a storm of 429 or 5xx); nothing was changed and the journal is as it was: run the same call again.</exception>
    /// <exception cref="Spot.Deploy.Aws.AwsApiException">The same for a read of a route (ELBv2) in that check.</exception>
    /// <exception cref="DeploymentFailedException">A step failed (see its status).</exception>
    /// <exception cref="DeploymentCanceledException">Cancelled again.</exception>
    /// <exception cref="DeploymentDriftException">The live state differs from what the journal says the deployment last set; nothing was changed, the status is NeedsAttention.</exception>
    /// <exception cref="DeploymentDocumentException">The group has still to be created and the journal kept values of its create body out: pass the document (the other overloads); nothing was changed.</exception>
    public Task<DeploymentResult> ResumeAsync(string deploymentId, IProgress<DeploymentEvent>? progress = null, CancellationToken cancellationToken = default) =>
        ResumeCoreAsync(deploymentId, null, null, progress, cancellationToken);

    /// <summary>
    /// Resumes a deployment from its journal, with the Elastigroup document it started with. The journal never holds a
    /// document's sensitive values (see <see cref="DeploymentPreview.KeptOutOfJournal"/>), so a resume in a new process
    /// that has yet to create the group rebuilds the create body from <paramref name="document"/> and checks it
    /// against the digest journaled when the deployment started. The document is read only then: once the group
    /// exists (or when nothing was kept out) it is not needed, and a rollback never needs it.
    /// </summary>
    /// <param name="deploymentId">The deployment.</param>
    /// <param name="document">The document the deployment started with (<see cref="DeploymentRequest.Document"/>).</param>
    /// <param name="progress">Receives events, or null.</param>
    /// <param name="cancellationToken">Stops between calls.</param>
    /// <returns>The result.</returns>
    /// <exception cref="DeploymentDocumentException">The document is not the one the deployment started with (<see cref="DeploymentDocumentException.Differences"/> names where); nothing was changed.</exception>
    /// <exception cref="DeploymentJournalException">There is no such deployment, or its journal is corrupt.</exception>
    /// <exception cref="InvalidOperationException">The deployment is finished.</exception>
    /// <exception cref="AppLockedException">Another deployment of the app runs.</exception>
    /// <exception cref="SpotApiException">A read of the check before the first change failed (the clients' retries exhausted, e.g. a storm of 429 or 5xx); nothing was changed and the journal is as it was: run the same call again.</exception>
    /// <exception cref="Spot.Deploy.Aws.AwsApiException">The same for a read of a route (ELBv2) in that check.</exception>
    /// <exception cref="DeploymentFailedException">A step failed (see its status).</exception>
    /// <exception cref="DeploymentCanceledException">Cancelled again.</exception>
    public Task<DeploymentResult> ResumeAsync(string deploymentId, ElastigroupDocument document, IProgress<DeploymentEvent>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        return ResumeCoreAsync(deploymentId, document, null, progress, cancellationToken);
    }

    /// <summary>
    /// Resumes a deployment from its journal, with the Elastigroup document and the user data
    /// (<see cref="DeploymentRequest.UserData"/>) it started with; see
    /// <see cref="ResumeAsync(string, ElastigroupDocument, IProgress{DeploymentEvent}, CancellationToken)"/>.
    /// </summary>
    /// <param name="deploymentId">The deployment.</param>
    /// <param name="document">The document the deployment started with.</param>
    /// <param name="userData">The user data the deployment started with (plain text), or null when it kept the document's.</param>
    /// <param name="progress">Receives events, or null.</param>
    /// <param name="cancellationToken">Stops between calls.</param>
    /// <returns>The result.</returns>
    /// <exception cref="DeploymentDocumentException">The document or user data is not what the deployment started with; nothing was changed.</exception>
    /// <exception cref="DeploymentJournalException">There is no such deployment, or its journal is corrupt.</exception>
    /// <exception cref="InvalidOperationException">The deployment is finished.</exception>
    /// <exception cref="AppLockedException">Another deployment of the app runs.</exception>
    /// <exception cref="SpotApiException">A read of the check before the first change failed (the clients' retries exhausted, e.g. a storm of 429 or 5xx); nothing was changed and the journal is as it was: run the same call again.</exception>
    /// <exception cref="Spot.Deploy.Aws.AwsApiException">The same for a read of a route (ELBv2) in that check.</exception>
    /// <exception cref="DeploymentFailedException">A step failed (see its status).</exception>
    /// <exception cref="DeploymentCanceledException">Cancelled again.</exception>
    public Task<DeploymentResult> ResumeAsync(string deploymentId, ElastigroupDocument document, string? userData, IProgress<DeploymentEvent>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        return ResumeCoreAsync(deploymentId, document, userData, progress, cancellationToken);
    }

    private async Task<DeploymentResult> ResumeCoreAsync(string deploymentId, ElastigroupDocument? document, string? userData, IProgress<DeploymentEvent>? progress,
        CancellationToken cancellationToken)
    {
        Options.Validate();
        CloudWatchChecks.Require(Options.BakeAnalysis, Services);
        CloudWatchChecks.Require(Options.BackgroundAnalysis, Services);
        var record = await LoadAsync(deploymentId, cancellationToken).ConfigureAwait(false);
        if (await FinishedAsync(record, rollback: false, cancellationToken).ConfigureAwait(false) is { } finished)
        {
            return finished;
        }

        await using var handle = await Services.AppLock.AcquireAsync(record.AppName, Owner(deploymentId), cancellationToken).ConfigureAwait(false);
        record = await LoadAsync(deploymentId, cancellationToken).ConfigureAwait(false);
        if (await FinishedAsync(record, rollback: false, cancellationToken).ConfigureAwait(false) is { } finishedMeanwhile)
        {
            return finishedMeanwhile;
        }

        await AppStory.EnsureNoneNewerAsync(Services, record, cancellationToken).ConfigureAwait(false);
        var run = DeploymentRun.FromRecord(Services, Options, record);
        run.Progress = progress;
        await run.CheckWorldAsync("resume", cancellationToken).ConfigureAwait(false);
        if (run.IsRollingBack)
        {
            return await RecoveryCore.RollbackAsync(run, "finishing the rollback that had started", cancellationToken).ConfigureAwait(false);
        }

        await run.SupplyCreateBodyAsync(document, userData, cancellationToken).ConfigureAwait(false);
        await Services.Journal.SetStatusAsync(record.Id, DeploymentStatus.Running, cancellationToken).ConfigureAwait(false);
        run.LogResumed();
        return await run.GuardAsync(async token =>
        {
            while (!run.IsComplete)
            {
                await run.RunStageAsync(run.NextStage, askGate: true, token).ConfigureAwait(false);
            }

            return await run.SucceedAsync().ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Rolls a deployment back from its journal: every group and route back where it started, the new group
    /// deleted. Idempotent: a rollback that was interrupted continues where it stopped, and a deployment rolled back
    /// already is reported as it is (<see cref="DeploymentResult.AlreadyFinished"/>) without doing anything.
    /// </summary>
    /// <param name="deploymentId">The deployment.</param>
    /// <param name="progress">Receives events, or null.</param>
    /// <param name="cancellationToken">Stops between calls.</param>
    /// <returns>The result (status <see cref="DeploymentStatus.RolledBack"/>).</returns>
    /// <exception cref="DeploymentJournalException">There is no such deployment, or its journal is corrupt.</exception>
    /// <exception cref="DeploymentFinishedException">The deployment succeeded (deploy the previous image to go back: <see cref="DeploymentFinishedException.PreviousImageId"/>) or was abandoned; nothing was changed.</exception>
    /// <exception cref="NewerDeploymentExistsException">A newer deployment of the app is in the journal; nothing was changed.</exception>
    /// <exception cref="InvalidOperationException">Every step but the clean-up succeeded (resume it to finish; deploy the previous image to go back).</exception>
    /// <exception cref="AppLockedException">Another deployment of the app runs.</exception>
    /// <exception cref="DeploymentDriftException">The live state differs from what the journal says the deployment last set; nothing was changed, the status is NeedsAttention.</exception>
    /// <exception cref="SpotApiException">A read of the check before the first change failed (the clients' retries exhausted, e.g. a storm of 429 or 5xx); nothing was changed and the journal is as it was: run the same call again.</exception>
    /// <exception cref="Spot.Deploy.Aws.AwsApiException">The same for a read of a route (ELBv2) in that check.</exception>
    /// <exception cref="DeploymentFailedException">The rollback failed; the deployment still needs attention.</exception>
    public async Task<DeploymentResult> RollbackAsync(string deploymentId, IProgress<DeploymentEvent>? progress = null, CancellationToken cancellationToken = default)
    {
        Options.Validate();
        var record = await LoadAsync(deploymentId, cancellationToken).ConfigureAwait(false);
        if (await FinishedAsync(record, rollback: true, cancellationToken).ConfigureAwait(false) is { } finished)
        {
            return finished;
        }

        await using var handle = await Services.AppLock.AcquireAsync(record.AppName, Owner(deploymentId), cancellationToken).ConfigureAwait(false);
        record = await LoadAsync(deploymentId, cancellationToken).ConfigureAwait(false);
        if (await FinishedAsync(record, rollback: true, cancellationToken).ConfigureAwait(false) is { } finishedMeanwhile)
        {
            return finishedMeanwhile;
        }

        await AppStory.EnsureNoneNewerAsync(Services, record, cancellationToken).ConfigureAwait(false);
        var run = DeploymentRun.FromRecord(Services, Options, record);
        run.Progress = progress;
        RecoveryCore.EnsureRollbackPossible(run);
        await run.CheckWorldAsync("rollback", cancellationToken).ConfigureAwait(false);

        return await RecoveryCore.RollbackAsync(run, "rollback requested", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Marks an unfinished deployment (running but interrupted, or needing attention) as <see cref="DeploymentStatus.Abandoned"/>
    /// after a person has checked the app: its story is over, so the app can be deployed again, and it can no longer be
    /// resumed or rolled back. Nothing is changed in Spot or AWS — whatever the deployment left (a new group, changed
    /// capacities or routes) stays as it is; the journal records who abandoned it and why.
    /// </summary>
    /// <param name="deploymentId">The deployment.</param>
    /// <param name="reason">Why, for the journal (what the person checked or did by hand); required, at most 1,000 characters. Never put secrets in it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The result (status <see cref="DeploymentStatus.Abandoned"/>).</returns>
    /// <exception cref="ArgumentException">The reason is missing or too long.</exception>
    /// <exception cref="DeploymentJournalException">There is no such deployment, or its journal is corrupt.</exception>
    /// <exception cref="DeploymentFinishedException">The deployment is finished (succeeded, rolled back, failed or abandoned); nothing was changed.</exception>
    /// <exception cref="AppLockedException">The deployment (or another of the app) is running: it holds the app's lock.</exception>
    public async Task<DeploymentResult> AbandonAsync(string deploymentId, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (reason.Length > MaxReasonLength)
        {
            throw new ArgumentException($"The reason is {reason.Length} characters long; at most {MaxReasonLength} are kept in the journal.", nameof(reason));
        }

        var record = await LoadAsync(deploymentId, cancellationToken).ConfigureAwait(false);
        EnsureAbandonable(record);
        var owner = Owner(deploymentId);
        await using var handle = await Services.AppLock.AcquireAsync(record.AppName, owner, cancellationToken).ConfigureAwait(false);
        record = await LoadAsync(deploymentId, cancellationToken).ConfigureAwait(false);
        EnsureAbandonable(record);
        var strategy = AppStory.StrategyOf(record);
        await Services.Journal.AppendAsync(record.Id, JournalEntry.Note("deployment", AbandonedNote, new JsonObject
        {
            ["by"] = owner,
            ["reason"] = reason.Trim(),
            ["previousStatus"] = record.Status.ToString(),
        }), cancellationToken).ConfigureAwait(false);
        await Services.Journal.SetStatusAsync(record.Id, DeploymentStatus.Abandoned, CancellationToken.None).ConfigureAwait(false);
        DeploymentLog.Abandoned(Services.LoggerFactory.CreateLogger("Spot.Deploy.Strategies.Deployment"), record.Id, record.AppName, owner, record.Status);
        return new DeploymentResult(record.Id, record.AppName, strategy, DeploymentStatus.Abandoned, null, null, Services.TimeProvider.GetUtcNow() - record.StartedAt);
    }

    /// <summary>The journal note an abandon writes (data: <c>by</c>, <c>reason</c>, <c>previousStatus</c>).</summary>
    internal const string AbandonedNote = "abandoned";

    private const int MaxReasonLength = 1000;

    private static void EnsureAbandonable(DeploymentRecord record)
    {
        if (!record.IsUnfinished)
        {
            throw new DeploymentFinishedException(
                $"Deployment {record.Id} of app '{record.AppName}' is finished ({record.Status}); only an unfinished deployment (Running or NeedsAttention) can be abandoned. Nothing was changed.",
                record.Id, record.AppName, record.Status, null);
        }
    }

    /// <summary>
    /// What a resume or rollback of a deployment with a final status does without the lock: null when there is work to do
    /// (unfinished, or Failed: resumable), else the report of the final status or the refusal.
    /// </summary>
    private async Task<DeploymentResult?> FinishedAsync(DeploymentRecord record, bool rollback, CancellationToken cancellationToken)
    {
        if (record.IsUnfinished || record.Status == DeploymentStatus.Failed)
        {
            return null;
        }

        await AppStory.EnsureNoneNewerAsync(Services, record, cancellationToken).ConfigureAwait(false);
        if (rollback && record.Status == DeploymentStatus.Succeeded)
        {
            var previous = await AppStory.PreviousImageAsync(Services, record, cancellationToken).ConfigureAwait(false);
            throw RecoveryCore.SucceededCannotRollBack(record.Id, record.AppName, previous);
        }

        if (rollback && record.Status == DeploymentStatus.Abandoned)
        {
            throw new DeploymentFinishedException(
                $"Deployment {record.Id} of app '{record.AppName}' was abandoned: a person declared its story over, and its journal no longer describes the app, so it is not rolled back. Nothing was changed. Deploy the image the app should run.",
                record.Id, record.AppName, record.Status, null);
        }

        return RecoveryCore.AlreadyFinished(Services, record);
    }

    private async Task<DeploymentRecord> LoadAsync(string deploymentId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deploymentId);
        return await Services.Journal.LoadAsync(deploymentId, cancellationToken).ConfigureAwait(false)
            ?? throw new DeploymentJournalException($"There is no deployment {deploymentId} in the journal.", deploymentId, null);
    }

    private string Owner(string deploymentId) =>
        Options.Owner ?? string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}/pid {Environment.ProcessId}/recovery of {deploymentId}");
}

/// <summary>The rollback used by deployments and recovery: runs it, maps a failure to NeedsAttention.</summary>
internal static class RecoveryCore
{
    /// <summary>Refuses to roll back a deployment whose every step but the clean-up succeeded (clean-up may have deleted groups).</summary>
    public static DeploymentFinishedException SucceededCannotRollBack(string deploymentId, string appName, string? previousImage) =>
        new(
            $"Deployment {deploymentId} of app '{appName}' succeeded; a succeeded deployment is not rolled back (its clean-up may have deleted the groups a rollback would need). Nothing was changed. To go back, deploy the previous image"
                + (previousImage is null ? " (the journal does not know which it was)." : $", {previousImage}."),
            deploymentId, appName, DeploymentStatus.Succeeded, previousImage);

    /// <summary>The result of a call that found the deployment finished already: nothing done, no event, no metric.</summary>
    public static DeploymentResult AlreadyFinished(DeploymentServices services, DeploymentRecord record)
    {
        string? groupId = null;
        string? groupName = null;
        if (record.Status == DeploymentStatus.Succeeded && record.Plan is { } plan)
        {
            var compiled = PlanJson.Read(plan, record.Id);
            groupId = compiled.ResultGroupId(RunState.FromRecord(record, compiled));
            groupName = compiled.FinalGroupName;
        }

        var elapsed = (record.FinishedAt ?? services.TimeProvider.GetUtcNow()) - record.StartedAt;
        return new DeploymentResult(record.Id, record.AppName, AppStory.StrategyOf(record), record.Status, groupId, groupName, elapsed, alreadyFinished: true);
    }

    public static void EnsureRollbackPossible(DeploymentRun run)
    {
        if (run.IsPastPointOfNoReturn)
        {
            throw new InvalidOperationException(
                $"Deployment {run.Id} of {run.Compiled.AppName} completed its final stage ({run.Compiled.FinalGroupName} runs {run.Compiled.ImageId}); only its clean-up may be left, which can delete groups, so it cannot be rolled back. Resume it to finish the clean-up; deploy the previous image to go back.");
        }
    }

    public static async Task<DeploymentResult> RollbackAsync(DeploymentRun run, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await run.RollbackAsync(reason, cancellationToken).ConfigureAwait(false);
            return run.Finish(DeploymentStatus.RolledBack, "rolled_back");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await run.NeedsAttentionAsync("needs_attention").ConfigureAwait(false);
            throw new DeploymentFailedException(
                $"The rollback of deployment {run.Id} of {run.Compiled.AppName} failed: {e.Message} The status is NeedsAttention; roll it back again once the cause is fixed.",
                run.Id, DeploymentStatus.NeedsAttention, null, e, e);
        }
        catch (OperationCanceledException e)
        {
            await run.NeedsAttentionAsync("canceled").ConfigureAwait(false);
            throw new DeploymentCanceledException(
                $"The rollback of deployment {run.Id} was cancelled; the status is NeedsAttention. Run the rollback again to finish it.",
                run.Id, 0, null, e, cancellationToken);
        }
    }
}
