namespace Spot.Deploy.Strategies;

/// <summary>
/// What a journal knows about past and unfinished deployments, as summaries: the deployments of an app, newest first, and
/// the unfinished deployments of every app. Implemented by <see cref="FileDeploymentJournal"/>,
/// <see cref="InMemoryDeploymentJournal"/> and the PostgreSQL store; read-only.
/// </summary>
public interface IDeploymentHistory
{
    /// <summary>The deployments of one app, newest first (by <see cref="DeploymentSummary.StartedAt"/>, then id, descending).</summary>
    /// <param name="appName">The app, compared ordinally (case-sensitive, as the app lock is).</param>
    /// <param name="limit">At most this many: 1 to <see cref="DeploymentSummary.MaxHistoryLimit"/> (default 50).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The deployments, newest first; empty when the app has none.</returns>
    /// <exception cref="ArgumentException"><paramref name="appName"/> is empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is out of range.</exception>
    /// <exception cref="DeploymentJournalException">The journal could not be read, or a journal that may be the app's is corrupt.</exception>
    Task<IReadOnlyList<DeploymentSummary>> GetHistoryAsync(string appName, int limit = 50, CancellationToken cancellationToken = default);

    /// <summary>The unfinished deployments (running or needing attention) of every app, oldest first (by start, then id).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The deployments, oldest first.</returns>
    /// <exception cref="DeploymentJournalException">The journal could not be read, or a stored journal is corrupt.</exception>
    Task<IReadOnlyList<DeploymentSummary>> GetUnfinishedAsync(CancellationToken cancellationToken = default);
}
