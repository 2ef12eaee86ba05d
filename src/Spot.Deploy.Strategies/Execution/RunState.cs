using System.Text.Json.Nodes;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>
/// What the journal says about a deployment's operations: which were attempted (and when), which succeeded, the id of
/// the group it created, the rolls it started, and the rollback plan once one was journaled.
/// </summary>
internal sealed class RunState
{
    public const string RollbackPlanNote = "rollbackPlan";
    public const string RollStartedNote = "rollStarted";
    public const string RollsBeforeNote = "rollsBefore";
    public const string RollStoppedNote = "rollStopped";

    public HashSet<string> Done { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, DateTimeOffset> Attempted { get; } = new(StringComparer.Ordinal);

    /// <summary>The roll a step started last, by step id (its <c>rollStarted</c> note).</summary>
    public Dictionary<string, string> RollIds { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The group's rolls just before a step sent a roll start whose answer is not journaled (its <c>rollsBefore</c> note
    /// with no <c>rollStarted</c> after it): a roll of the group not in this set was started by that call.
    /// </summary>
    public Dictionary<string, HashSet<string>> RollsBefore { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// For each step, from its last intent to the next entry of the journal after it (null: none yet): the only time a call
    /// of that step can have been sent without the journal knowing (a power loss lost the note that announced it).
    /// </summary>
    public Dictionary<string, (DateTimeOffset From, DateTimeOffset? To)> IntentWindows { get; } = new(StringComparer.Ordinal);

    /// <summary>Rolls this deployment stopped itself (a cancellation, a roll timeout): they may be started again.</summary>
    public HashSet<string> StoppedRolls { get; } = new(StringComparer.Ordinal);

    /// <summary>The id of the group this deployment creates, once known.</summary>
    public string? NewGroupId { get; set; }

    /// <summary>The journaled rollback plan, or null while the deployment goes forward.</summary>
    public IReadOnlyList<Operation>? RollbackPlan { get; set; }

    /// <summary>What the journaled rollback plan left alone as already right (absent in older journals: empty).</summary>
    public IReadOnlyList<string> RollbackAlreadyRight { get; set; } = [];

    public int CompletedSteps { get; set; }

    public int UnresolvedCount => Attempted.Keys.Count(k => !Done.Contains(k));

    public bool WasAttempted(Operation operation) => Attempted.ContainsKey(operation.Id);

    public bool WasAttempted(string stepId) => Attempted.ContainsKey(stepId);

    /// <summary>Replays a journal record.</summary>
    public static RunState FromRecord(DeploymentRecord record, CompiledDeployment compiled)
    {
        var state = new RunState();
        var create = compiled.Operations.OfType<CreateGroupOperation>().FirstOrDefault()?.Id;
        string? open = null;
        foreach (var entry in record.Entries)
        {
            if (open is not null)
            {
                state.IntentWindows[open] = (state.IntentWindows[open].From, entry.Time);
                open = null;
            }

            if (entry.Kind == JournalEntryKind.Intent)
            {
                state.IntentWindows[entry.StepId] = (entry.Time, null);
                open = entry.StepId;
            }

            switch (entry.Kind)
            {
                case JournalEntryKind.Intent:
                    state.Attempted.TryAdd(entry.StepId, entry.Time);
                    break;
                case JournalEntryKind.Result when entry.Outcome == JournalOutcome.Succeeded:
                    state.Done.Add(entry.StepId);
                    state.CompletedSteps++;
                    if (entry.StepId == create && entry.Data?["groupId"]?.GetValue<string>() is { } groupId)
                    {
                        state.NewGroupId = groupId;
                    }

                    break;
                case JournalEntryKind.Note when entry.Operation == RollStartedNote && (entry.Data?["rollId"]?.GetValue<string>()) is { } rollId:
                    state.RollIds[entry.StepId] = rollId;
                    state.RollsBefore.Remove(entry.StepId);
                    break;
                case JournalEntryKind.Note when entry.Operation == RollsBeforeNote && (entry.Data?["rollIds"]) is JsonArray before:
                    state.RollsBefore[entry.StepId] = [.. before.Select(id => id!.GetValue<string>())];
                    break;
                case JournalEntryKind.Note when entry.Operation == RollStoppedNote && (entry.Data?["rollId"]?.GetValue<string>()) is { } stopped:
                    state.StoppedRolls.Add(stopped);
                    break;
                case JournalEntryKind.Note when entry.Operation == RollbackPlanNote && (entry.Data?["ops"]) is JsonArray ops:
                    state.RollbackPlan = PlanJson.ReadOperations(ops, record.Id);
                    state.RollbackAlreadyRight = entry.Data?["alreadyAsItShouldBe"] is JsonArray right ? [.. right.Select(r => r!.GetValue<string>())] : [];
                    state.NewGroupId ??= entry.Data?["newGroupId"]?.GetValue<string>();
                    break;
                case JournalEntryKind.Note when entry.Operation == WorldCheck.AdoptedNote && (entry.Data?["groupId"]?.GetValue<string>()) is { } adopted:
                    // The create's intent was lost, the group found by its planned name: the create counts as attempted.
                    state.Attempted.TryAdd(entry.StepId, entry.Time);
                    state.NewGroupId ??= adopted;
                    break;
            }
        }

        return state;
    }
}
