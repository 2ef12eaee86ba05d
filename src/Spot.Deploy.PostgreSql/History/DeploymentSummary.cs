namespace Spot.Deploy.PostgreSql;

/// <summary>One deployment in the history: what was deployed where, by whom, when, and how it ended.</summary>
public sealed class DeploymentSummary
{
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

    /// <summary>Who and where it was started (<see cref="PostgreSqlStoreOptions.Runner"/> of the starting runner).</summary>
    public string Runner { get; init; } = string.Empty;

    /// <summary>When it started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When it reached a final status, or null while unfinished.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The error of the latest failed or unknown result, or null when every result succeeded.</summary>
    public string? LastError { get; init; }

    /// <summary>How many journal entries it has.</summary>
    public long EntryCount { get; init; }
}
