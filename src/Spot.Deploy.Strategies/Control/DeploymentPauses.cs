using System.Globalization;
using System.Text.Json.Nodes;

namespace Spot.Deploy.Strategies;

/// <summary>Where a deployment is paused, as its journal says (for <c>status</c>, <c>list</c>, and a promote that names no stage).</summary>
/// <param name="StageIndex">The stage it waits before.</param>
/// <param name="StageName">Its name.</param>
/// <param name="Since">When the pause began.</param>
/// <param name="Timeout">How long it waits in all, or null.</param>
/// <param name="DefaultVerdict">What happens when the timeout passes.</param>
public sealed record DeploymentPause(int StageIndex, string StageName, DateTimeOffset Since, TimeSpan? Timeout, ControlAction DefaultVerdict)
{
    /// <summary>The journal note a deployment writes when it pauses.</summary>
    public const string PausedNote = "paused";

    /// <summary>The journal note a deployment writes when a pause ends (promoted, aborted or timed out).</summary>
    public const string DecidedNote = "pauseDecided";

    /// <summary>
    /// The pause an unfinished deployment waits at: its last <c>paused</c> note with no <c>pauseDecided</c> note after it.
    /// Null for a finished deployment or one that is not paused. A deployment interrupted while paused is still paused
    /// here: resumed, it pauses again at the same stage (counting its timeout from <see cref="Since"/>) unless a promote
    /// was recorded meanwhile.
    /// </summary>
    /// <param name="record">The deployment's record.</param>
    /// <returns>The open pause, or null.</returns>
    public static DeploymentPause? Of(DeploymentRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!record.IsUnfinished)
        {
            return null;
        }

        DeploymentPause? open = null;
        foreach (var entry in record.Entries)
        {
            if (entry.Kind != JournalEntryKind.Note)
            {
                continue;
            }

            if (entry.Operation == PausedNote && Read(entry) is { } pause)
            {
                open = pause;
            }
            else if (entry.Operation is DecidedNote or "stageStarted" || entry.Operation == Execution.RunState.RollbackPlanNote)
            {
                open = null;
            }
        }

        return open;
    }

    /// <summary>The note data of a pause.</summary>
    internal JsonObject ToNote(bool resumed) => new()
    {
        ["stage"] = StageIndex,
        ["name"] = StageName,
        ["since"] = Since.ToString("O", CultureInfo.InvariantCulture),
        ["timeoutSeconds"] = Timeout?.TotalSeconds,
        ["defaultVerdict"] = DefaultVerdict.ToString(),
        ["resumed"] = resumed,
    };

    private static DeploymentPause? Read(JournalEntry entry)
    {
        try
        {
            var data = entry.Data;
            if (data?["stage"] is not JsonValue stage || data["name"] is not JsonValue name)
            {
                return null;
            }

            var since = data["since"] is JsonValue s && DateTimeOffset.TryParse(s.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed) ? parsed : entry.Time;
            TimeSpan? timeout = data["timeoutSeconds"] is JsonValue t ? TimeSpan.FromSeconds(t.GetValue<double>()) : null;
            var verdict = data["defaultVerdict"] is JsonValue v && Enum.TryParse<ControlAction>(v.GetValue<string>(), out var action) ? action : ControlAction.Abort;
            return new DeploymentPause(stage.GetValue<int>(), name.GetValue<string>(), since, timeout, verdict);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
