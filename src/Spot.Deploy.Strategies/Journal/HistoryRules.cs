namespace Spot.Deploy.Strategies;

/// <summary>The argument checks and the order every <see cref="IDeploymentHistory"/> of this package shares.</summary>
internal static class HistoryRules
{
    public static void ValidateQuery(string appName, int limit)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appName);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, DeploymentSummary.MaxHistoryLimit);
    }

    /// <summary>An app's records (oldest first, as <see cref="IDeploymentJournal.ListByAppAsync"/> returns them) as its newest <paramref name="limit"/> summaries.</summary>
    public static IReadOnlyList<DeploymentSummary> NewestFirst(IReadOnlyList<DeploymentRecord> oldestFirst, int limit) =>
        [.. JournalRules.OldestFirst(oldestFirst).Reverse().Take(limit).Select(DeploymentSummary.Create)];

    public static IReadOnlyList<DeploymentSummary> Summaries(IReadOnlyList<DeploymentRecord> records) =>
        [.. records.Select(DeploymentSummary.Create)];
}
