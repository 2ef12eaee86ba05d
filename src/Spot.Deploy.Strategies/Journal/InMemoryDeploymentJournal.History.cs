namespace Spot.Deploy.Strategies;

/// <content>The history: summaries of the journals held, read as the file journal's are.</content>
public sealed partial class InMemoryDeploymentJournal
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<DeploymentSummary>> GetHistoryAsync(string appName, int limit = 50, CancellationToken cancellationToken = default)
    {
        HistoryRules.ValidateQuery(appName, limit);
        return HistoryRules.NewestFirst(await ListByAppAsync(appName, cancellationToken).ConfigureAwait(false), limit);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeploymentSummary>> GetUnfinishedAsync(CancellationToken cancellationToken = default) =>
        HistoryRules.Summaries(await ListUnfinishedAsync(cancellationToken).ConfigureAwait(false));
}
