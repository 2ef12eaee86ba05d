using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Spot.Deploy.Strategies;

/// <summary>
/// Everything the journal knows about one deployment: what was asked, the plan, and every intent,
/// result and note in order. A new process resumes or rolls back from it.
/// </summary>
public sealed class DeploymentRecord
{
    /// <summary>The deployment id: letters, digits, '.', '_' and '-', starting with a letter or digit, at most 128 characters. It names the journal file.</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>The app deployed.</summary>
    public string AppName { get; init; } = string.Empty;

    /// <summary>The strategy, such as <c>canary</c> or <c>blueGreen</c>.</summary>
    public string Strategy { get; init; } = string.Empty;

    /// <summary>When the deployment started; the journal sets it from its clock when left at its default.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>
    /// Who and where the deployment was started, such as <c>alice@build-7</c> (at most 256 characters, no control
    /// characters, never a secret); the journal sets it from its own runner setting when left null. Null when read from a
    /// journal file written before runners were recorded.
    /// </summary>
    public string? Runner { get; init; }

    /// <summary>The deployment request, without secrets.</summary>
    public JsonObject Request { get; init; } = [];

    /// <summary>The plan being executed, or null before it is known.</summary>
    public JsonObject? Plan { get; init; }

    /// <summary>The deployment's status.</summary>
    public DeploymentStatus Status { get; init; } = DeploymentStatus.Running;

    /// <summary>The journal entries, ordered by <see cref="JournalEntry.Sequence"/>.</summary>
    public IReadOnlyList<JournalEntry> Entries { get; init; } = [];

    /// <summary>When the deployment reached a final status (succeeded, rolled back, failed or abandoned); null otherwise.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>
    /// True when the status is <see cref="DeploymentStatus.Running"/> or <see cref="DeploymentStatus.NeedsAttention"/>: the
    /// deployment's story is not over, so no other deployment of the app may start until it is resumed, rolled back or
    /// abandoned. <see cref="DeploymentStatus.Succeeded"/>, <see cref="DeploymentStatus.RolledBack"/>,
    /// <see cref="DeploymentStatus.Failed"/> and <see cref="DeploymentStatus.Abandoned"/> are final.
    /// </summary>
    [JsonIgnore]
    public bool IsUnfinished => Status is DeploymentStatus.Running or DeploymentStatus.NeedsAttention;

    /// <summary>
    /// The intents whose effect is not known: no result follows them, or the latest result for the step is
    /// <see cref="JournalOutcome.Unknown"/>. A resume must re-check each against the real state before going on.
    /// </summary>
    /// <returns>The latest intent of each such step, in journal order.</returns>
    public IReadOnlyList<JournalEntry> UnresolvedIntents()
    {
        var pending = new Dictionary<string, JournalEntry>(StringComparer.Ordinal);
        foreach (var entry in Entries)
        {
            if (entry.Kind == JournalEntryKind.Intent)
            {
                pending[entry.StepId] = entry;
            }
            else if (entry.Kind == JournalEntryKind.Result && entry.Outcome != JournalOutcome.Unknown)
            {
                pending.Remove(entry.StepId);
            }
        }

        return [.. pending.Values.OrderBy(e => e.Sequence)];
    }

    internal DeploymentRecord With(
        DeploymentStatus? status = null,
        IReadOnlyList<JournalEntry>? entries = null,
        DateTimeOffset? startedAt = null,
        bool setFinishedAt = false,
        DateTimeOffset? finishedAt = null,
        string? runner = null) => new()
        {
            Id = Id,
            AppName = AppName,
            Strategy = Strategy,
            StartedAt = startedAt ?? StartedAt,
            Runner = runner ?? Runner,
            Request = Request,
            Plan = Plan,
            Status = status ?? Status,
            Entries = entries ?? Entries,
            FinishedAt = setFinishedAt ? finishedAt : FinishedAt,
        };
}
