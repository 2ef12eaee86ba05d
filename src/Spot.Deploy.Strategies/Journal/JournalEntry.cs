using System.Text.Json.Nodes;

namespace Spot.Deploy.Strategies;

/// <summary>
/// One line of a deployment journal. <see cref="Sequence"/> and <see cref="Time"/> are assigned by the
/// journal when the entry is appended; build entries with <see cref="Intent"/>, <see cref="Result"/> and <see cref="Note"/>.
/// </summary>
public sealed class JournalEntry
{
    /// <summary>Position in the deployment's journal: 1 for the first entry, strictly increasing. Assigned by the journal.</summary>
    public long Sequence { get; init; }

    /// <summary>When the entry was written, from the journal's <see cref="TimeProvider"/>. Assigned by the journal.</summary>
    public DateTimeOffset Time { get; init; }

    /// <summary>Whether this is an intent, a result or a note.</summary>
    public JournalEntryKind Kind { get; init; }

    /// <summary>Identifies the step; an intent and its result share it. Unique per mutation within a deployment.</summary>
    public string StepId { get; init; } = string.Empty;

    /// <summary>The mutation, such as <c>scaleGroup</c> or <c>createGroup</c>.</summary>
    public string Operation { get; init; } = string.Empty;

    /// <summary>Parameters of the mutation or details of its result. Must not hold secrets (see <see cref="JournalSecrets"/>).</summary>
    public JsonObject? Data { get; init; }

    /// <summary>How the mutation ended; set on results only.</summary>
    public JournalOutcome? Outcome { get; init; }

    /// <summary>The error message of a failed or unknown result, if any.</summary>
    public string? Error { get; init; }

    /// <summary>Creates the entry written before a mutation is made.</summary>
    /// <param name="stepId">The step's id, repeated by its result.</param>
    /// <param name="operation">The mutation.</param>
    /// <param name="data">Its parameters, or null.</param>
    /// <returns>An entry to append.</returns>
    public static JournalEntry Intent(string stepId, string operation, JsonObject? data = null) =>
        new() { Kind = JournalEntryKind.Intent, StepId = stepId, Operation = operation, Data = data };

    /// <summary>Creates the entry written after a mutation returned, failed or timed out.</summary>
    /// <param name="stepId">The step id of the matching intent.</param>
    /// <param name="operation">The mutation.</param>
    /// <param name="outcome">How it ended.</param>
    /// <param name="data">Details of the result, or null.</param>
    /// <param name="error">The error message, or null.</param>
    /// <returns>An entry to append.</returns>
    public static JournalEntry Result(string stepId, string operation, JournalOutcome outcome, JsonObject? data = null, string? error = null) =>
        new() { Kind = JournalEntryKind.Result, StepId = stepId, Operation = operation, Outcome = outcome, Data = data, Error = error };

    /// <summary>Creates an informational entry.</summary>
    /// <param name="stepId">The step it belongs to.</param>
    /// <param name="operation">What it is about, such as <c>phaseStarted</c>.</param>
    /// <param name="data">Details, or null.</param>
    /// <returns>An entry to append.</returns>
    public static JournalEntry Note(string stepId, string operation, JsonObject? data = null) =>
        new() { Kind = JournalEntryKind.Note, StepId = stepId, Operation = operation, Data = data };

    internal JournalEntry Stamp(long sequence, DateTimeOffset time) => new()
    {
        Sequence = sequence,
        Time = time,
        Kind = Kind,
        StepId = StepId,
        Operation = Operation,
        Data = Data,
        Outcome = Outcome,
        Error = Error,
    };
}
