using Microsoft.Extensions.Logging;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>
/// An app has at most one live deployment story: what the journal must say before a deployment starts (no unfinished
/// deployment of the app), before one is resumed or rolled back (no newer deployment of the app), and what it knows
/// about the image an app ran before a deployment. Reads the journal only; changes nothing.
/// </summary>
internal static class AppStory
{
    /// <summary>
    /// Refuses a new deployment of <paramref name="appName"/> while the journal holds an unfinished one (call with the app
    /// lock held). Returns the start time of the app's latest deployment, or null: a new deployment starts strictly after
    /// it, so "newer" is always "started later", even when a clock has not moved in between (a fake clock, a coarse one).
    /// </summary>
    /// <exception cref="UnfinishedDeploymentException">The newest unfinished deployment of the app.</exception>
    public static async Task<DateTimeOffset?> EnsureNoneUnfinishedAsync(DeploymentServices services, string appName, CancellationToken cancellationToken)
    {
        var records = await services.Journal.ListByAppAsync(appName, cancellationToken).ConfigureAwait(false);
        if (records.LastOrDefault(r => r.IsUnfinished) is { } unfinished)
        {
            DeploymentLog.Refused(services.LoggerFactory.CreateLogger(LogCategory), appName, unfinished.Id, unfinished.Status);
            throw new UnfinishedDeploymentException(unfinished.Id, unfinished.AppName, unfinished.Status, unfinished.Strategy, unfinished.StartedAt);
        }

        return records.Count == 0 ? null : records.Max(r => r.StartedAt);
    }

    /// <summary>Refuses to resume or roll back <paramref name="record"/> when a newer deployment of its app is in the journal.</summary>
    /// <exception cref="NewerDeploymentExistsException">The newest deployment of the app.</exception>
    public static async Task EnsureNoneNewerAsync(DeploymentServices services, DeploymentRecord record, CancellationToken cancellationToken)
    {
        var records = await services.Journal.ListByAppAsync(record.AppName, cancellationToken).ConfigureAwait(false);
        if (Newest(records, record) is { } newer)
        {
            throw new NewerDeploymentExistsException(record.Id, record.AppName, record.Status, newer.Id, newer.Status, newer.StartedAt);
        }
    }

    /// <summary>
    /// The newest deployment of the app that came after <paramref name="record"/> in the journal's order (started later; at
    /// the same instant, the greater id), or null. A total order, so of two deployments exactly one is the newer.
    /// </summary>
    public static DeploymentRecord? Newest(IReadOnlyList<DeploymentRecord> appRecords, DeploymentRecord record) =>
        appRecords.Where(r => IsAfter(r, record)).OrderBy(r => r.StartedAt).ThenBy(r => r.Id, StringComparer.Ordinal).LastOrDefault();

    /// <summary>
    /// The image the app ran before <paramref name="record"/>, when the journal knows it: a Spot roll's previous image (from
    /// its plan), else the image of the app's last deployment before it that succeeded. Null when neither is known.
    /// </summary>
    public static async Task<string?> PreviousImageAsync(DeploymentServices services, DeploymentRecord record, CancellationToken cancellationToken)
    {
        if (record.Plan is { } plan)
        {
            try
            {
                if (PlanJson.Read(plan, record.Id).Rollback is SpotRollRollback roll && roll.Request.CurrentImages.Count > 0)
                {
                    return roll.Request.CurrentImages[0];
                }
            }
            catch (DeploymentJournalException)
            {
                // A plan this version cannot read: fall back to the app's earlier deployments.
            }
        }

        var records = await services.Journal.ListByAppAsync(record.AppName, cancellationToken).ConfigureAwait(false);
        return records
            .Where(r => r.Status == DeploymentStatus.Succeeded && IsAfter(record, r))
            .Select(r => r.Request["imageId"] is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var image) ? image : null)
            .LastOrDefault(image => image is not null);
    }

    /// <summary>The strategy a record names, or a journal error when it names none this version knows.</summary>
    public static DeploymentStrategy StrategyOf(DeploymentRecord record) =>
        Enum.TryParse<DeploymentStrategy>(record.Strategy, ignoreCase: true, out var strategy) && Enum.IsDefined(strategy)
            ? strategy
            : throw new DeploymentJournalException($"The journal of deployment {record.Id} names strategy '{record.Strategy}', which this version does not know.", record.Id, null);

    private const string LogCategory = "Spot.Deploy.Strategies.Deployment";

    private static bool IsAfter(DeploymentRecord candidate, DeploymentRecord record) =>
        !string.Equals(candidate.Id, record.Id, StringComparison.Ordinal)
        && (candidate.StartedAt > record.StartedAt
            || (candidate.StartedAt == record.StartedAt && string.CompareOrdinal(candidate.Id, record.Id) > 0));
}
