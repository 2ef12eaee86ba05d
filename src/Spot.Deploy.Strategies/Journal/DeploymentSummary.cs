namespace Spot.Deploy.Strategies;

/// <summary>
/// One deployment in the history (<see cref="IDeploymentHistory"/>): what was deployed where, by whom, when, and how it
/// ended. Its outcome is <see cref="Status"/> and <see cref="LastError"/>.
/// </summary>
public sealed class DeploymentSummary
{
    /// <summary>The most deployments <see cref="IDeploymentHistory.GetHistoryAsync"/> returns at once (10,000).</summary>
    public const int MaxHistoryLimit = 10_000;

    /// <summary>The deployment id.</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>The app deployed.</summary>
    public string AppName { get; init; } = string.Empty;

    /// <summary>The strategy, such as <c>canary</c>.</summary>
    public string Strategy { get; init; } = string.Empty;

    /// <summary>The image deployed (the request's <c>imageId</c>), or null when the request does not name one.</summary>
    public string? ImageId { get; init; }

    /// <summary>The status now.</summary>
    public DeploymentStatus Status { get; init; }

    /// <summary>
    /// Who and where it was started (<see cref="DeploymentRecord.Runner"/>, such as <c>alice@build-7</c>), or null when the
    /// journal does not say (a journal file written before runners were recorded).
    /// </summary>
    public string? Runner { get; init; }

    /// <summary>When it started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When it reached a final status, or null while unfinished.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>
    /// The error of the latest failed or unknown result (<see cref="JournalEntry.Error"/>), or null when every result
    /// succeeded. Errors are the messages of the exceptions that failed the steps, which never carry the Spot token or
    /// AWS keys.
    /// </summary>
    public string? LastError { get; init; }

    /// <summary>How many journal entries it has.</summary>
    public long EntryCount { get; init; }

    /// <summary>True while <see cref="Status"/> is <see cref="DeploymentStatus.Running"/> or <see cref="DeploymentStatus.NeedsAttention"/> (<see cref="DeploymentRecord.IsUnfinished"/>).</summary>
    public bool IsUnfinished => Status is DeploymentStatus.Running or DeploymentStatus.NeedsAttention;

    /// <summary>The summary of a record, as every journal of this package makes it: for a custom <see cref="IDeploymentHistory"/>.</summary>
    /// <param name="record">The deployment, with its entries.</param>
    /// <returns>The summary.</returns>
    public static DeploymentSummary Create(DeploymentRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new DeploymentSummary
        {
            Id = record.Id,
            AppName = record.AppName,
            Strategy = record.Strategy,
            ImageId = record.Request["imageId"] is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var image) ? image : null,
            Status = record.Status,
            Runner = record.Runner,
            StartedAt = record.StartedAt,
            FinishedAt = record.FinishedAt,
            LastError = record.Entries.LastOrDefault(e => e.Kind == JournalEntryKind.Result && e.Outcome != JournalOutcome.Succeeded && e.Error is not null)?.Error,
            EntryCount = record.Entries.Count,
        };
    }
}
