namespace Spot.Deploy.Strategies;

/// <content>The history: summaries of the journal files, read as <see cref="IDeploymentJournal.ListByAppAsync"/> and <see cref="IDeploymentJournal.ListUnfinishedAsync"/> read them.</content>
public sealed partial class FileDeploymentJournal
{
    /// <inheritdoc />
    /// <remarks>Reads the first kilobytes of every journal file and the app's own files in full (<see cref="ListByAppAsync"/>); a corrupt file that may be the app's is reported, never skipped.</remarks>
    public async Task<IReadOnlyList<DeploymentSummary>> GetHistoryAsync(string appName, int limit = 50, CancellationToken cancellationToken = default)
    {
        HistoryRules.ValidateQuery(appName, limit);
        return HistoryRules.NewestFirst(await ListByAppAsync(appName, cancellationToken).ConfigureAwait(false), limit);
    }

    /// <inheritdoc />
    /// <remarks>Reads every journal file in full (<see cref="ListUnfinishedAsync"/>); a corrupt one is reported, never skipped.</remarks>
    public async Task<IReadOnlyList<DeploymentSummary>> GetUnfinishedAsync(CancellationToken cancellationToken = default) =>
        HistoryRules.Summaries(await ListUnfinishedAsync(cancellationToken).ConfigureAwait(false));
}
