using System.Globalization;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Strategies.Execution;

namespace Spot.Deploy.Strategies;

/// <summary>
/// Finishes deployments another process left unfinished (crashed, cancelled, stopped for a person): lists
/// them, resumes them, or rolls them back — all from the journal alone. Every step re-checks the actual
/// state first, so a step that was in flight is neither lost nor done twice.
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
    /// </summary>
    /// <param name="deploymentId">The deployment.</param>
    /// <param name="progress">Receives events, or null.</param>
    /// <param name="cancellationToken">Stops between calls.</param>
    /// <returns>The result.</returns>
    /// <exception cref="DeploymentJournalException">There is no such deployment, or its journal is corrupt.</exception>
    /// <exception cref="InvalidOperationException">The deployment is finished.</exception>
    /// <exception cref="AppLockedException">Another deployment of the app runs.</exception>
    /// <exception cref="DeploymentFailedException">A step failed (see its status).</exception>
    /// <exception cref="DeploymentCanceledException">Cancelled again.</exception>
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
        var record = await LoadUnfinishedAsync(deploymentId, cancellationToken).ConfigureAwait(false);
        await using var handle = await Services.AppLock.AcquireAsync(record.AppName, Owner(deploymentId), cancellationToken).ConfigureAwait(false);
        var run = DeploymentRun.FromRecord(Services, Options, record);
        run.Progress = progress;
        if (run.IsRollingBack)
        {
            return await RecoveryCore.RollbackAsync(run, "finishing the rollback that had started", cancellationToken).ConfigureAwait(false);
        }

        await run.SupplyCreateBodyAsync(document, userData, cancellationToken).ConfigureAwait(false);
        await Services.Journal.SetStatusAsync(record.Id, DeploymentStatus.Running, cancellationToken).ConfigureAwait(false);
        run.LogResumed();
        return await run.GuardAsync(async () =>
        {
            while (!run.IsComplete)
            {
                await run.RunStageAsync(run.NextStage, askGate: true, cancellationToken).ConfigureAwait(false);
            }

            return await run.SucceedAsync().ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Rolls a deployment back from its journal: every group and route back where it started, the new group
    /// deleted. Idempotent: a rollback that was interrupted continues where it stopped.
    /// </summary>
    /// <param name="deploymentId">The deployment.</param>
    /// <param name="progress">Receives events, or null.</param>
    /// <param name="cancellationToken">Stops between calls.</param>
    /// <returns>The result (status <see cref="DeploymentStatus.RolledBack"/>).</returns>
    /// <exception cref="DeploymentJournalException">There is no such deployment, or its journal is corrupt.</exception>
    /// <exception cref="InvalidOperationException">The deployment succeeded, or every step but the clean-up did (resume it to finish; deploy the previous image to go back).</exception>
    /// <exception cref="AppLockedException">Another deployment of the app runs.</exception>
    /// <exception cref="DeploymentFailedException">The rollback failed; the deployment still needs attention.</exception>
    public async Task<DeploymentResult> RollbackAsync(string deploymentId, IProgress<DeploymentEvent>? progress = null, CancellationToken cancellationToken = default)
    {
        Options.Validate();
        var record = await Services.Journal.LoadAsync(deploymentId, cancellationToken).ConfigureAwait(false)
            ?? throw new DeploymentJournalException($"There is no deployment {deploymentId} in the journal.", deploymentId, null);
        if (record.Status == DeploymentStatus.Succeeded)
        {
            throw new InvalidOperationException($"Deployment {deploymentId} succeeded; deploy the previous image to go back.");
        }

        await using var handle = await Services.AppLock.AcquireAsync(record.AppName, Owner(deploymentId), cancellationToken).ConfigureAwait(false);
        var run = DeploymentRun.FromRecord(Services, Options, record);
        run.Progress = progress;
        if (record.Status == DeploymentStatus.RolledBack)
        {
            return run.Finish(DeploymentStatus.RolledBack, "rolled_back");
        }

        RecoveryCore.EnsureRollbackPossible(run);

        return await RecoveryCore.RollbackAsync(run, "rollback requested", cancellationToken).ConfigureAwait(false);
    }

    private async Task<DeploymentRecord> LoadUnfinishedAsync(string deploymentId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deploymentId);
        var record = await Services.Journal.LoadAsync(deploymentId, cancellationToken).ConfigureAwait(false)
            ?? throw new DeploymentJournalException($"There is no deployment {deploymentId} in the journal.", deploymentId, null);
        if (!record.IsUnfinished && record.Status != DeploymentStatus.Failed)
        {
            throw new InvalidOperationException($"Deployment {deploymentId} is finished ({record.Status}); there is nothing to resume.");
        }

        return record;
    }

    private string Owner(string deploymentId) =>
        Options.Owner ?? string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}/pid {Environment.ProcessId}/recovery of {deploymentId}");
}

/// <summary>The rollback used by deployments and recovery: runs it, maps a failure to NeedsAttention.</summary>
internal static class RecoveryCore
{
    /// <summary>Refuses to roll back a deployment whose every step but the clean-up succeeded (clean-up may have deleted groups).</summary>
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
