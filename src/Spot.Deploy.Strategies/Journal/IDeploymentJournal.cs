namespace Spot.Deploy.Strategies;

/// <summary>
/// Durable record of deployments: every intended mutation is appended before it is made and its result
/// after, so another process can resume or roll back an unfinished deployment.
/// Implementations: <see cref="FileDeploymentJournal"/> (the default) and <see cref="InMemoryDeploymentJournal"/>.
/// </summary>
public interface IDeploymentJournal
{
    /// <summary>Stores a new deployment. Its entries, if any, are numbered from 1 and stamped with the journal's clock.</summary>
    /// <param name="record">The deployment; its id must not exist yet.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The record as stored.</returns>
    /// <exception cref="DeploymentJournalException">The id exists, a secret-like property was found, or the write failed.</exception>
    Task<DeploymentRecord> CreateAsync(DeploymentRecord record, CancellationToken cancellationToken = default);

    /// <summary>Appends an entry, assigning its sequence (one more than the last) and time; the entry is durable when the task completes.</summary>
    /// <param name="deploymentId">The deployment.</param>
    /// <param name="entry">The entry; its <see cref="JournalEntry.Sequence"/> and <see cref="JournalEntry.Time"/> are ignored.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entry as stored.</returns>
    /// <exception cref="DeploymentJournalException">The deployment is unknown, the entry holds a secret-like property, or the write failed.</exception>
    Task<JournalEntry> AppendAsync(string deploymentId, JournalEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Loads a deployment.</summary>
    /// <param name="deploymentId">The deployment.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The record, or null when there is none.</returns>
    /// <exception cref="DeploymentJournalException">The stored journal is corrupt.</exception>
    Task<DeploymentRecord?> LoadAsync(string deploymentId, CancellationToken cancellationToken = default);

    /// <summary>Lists deployments whose status is <see cref="DeploymentStatus.Running"/> or <see cref="DeploymentStatus.NeedsAttention"/>, oldest first.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The unfinished deployments.</returns>
    /// <exception cref="DeploymentJournalException">A stored journal is corrupt.</exception>
    Task<IReadOnlyList<DeploymentRecord>> ListUnfinishedAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists every deployment of one app, whatever its status, oldest first (by <see cref="DeploymentRecord.StartedAt"/>, then id).
    /// Deployments start through it (no other deployment of the app may be unfinished) and recovery does (no deployment is
    /// resumed over a newer one), so it must see every record of the app that <see cref="LoadAsync"/> would.
    /// </summary>
    /// <param name="appName">The app, compared ordinally (case-sensitive, as the app lock is).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The app's deployments.</returns>
    /// <exception cref="DeploymentJournalException">A stored journal that may belong to the app is corrupt.</exception>
    Task<IReadOnlyList<DeploymentRecord>> ListByAppAsync(string appName, CancellationToken cancellationToken = default);

    /// <summary>Sets a deployment's status; a final status (succeeded, rolled back, failed, abandoned) also sets <see cref="DeploymentRecord.FinishedAt"/>, an unfinished one clears it.</summary>
    /// <param name="deploymentId">The deployment.</param>
    /// <param name="status">The new status.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the status is durable.</returns>
    /// <exception cref="DeploymentJournalException">The deployment is unknown or the write failed.</exception>
    Task SetStatusAsync(string deploymentId, DeploymentStatus status, CancellationToken cancellationToken = default);
}
