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

    public HashSet<string> Done { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, DateTimeOffset> Attempted { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> RollIds { get; } = new(StringComparer.Ordinal);

    /// <summary>The id of the group this deployment creates, once known.</summary>
    public string? NewGroupId { get; set; }

    /// <summary>The journaled rollback plan, or null while the deployment goes forward.</summary>
    public IReadOnlyList<Operation>? RollbackPlan { get; set; }

    public int CompletedSteps { get; set; }

    public int UnresolvedCount => Attempted.Keys.Count(k => !Done.Contains(k));

    public bool WasAttempted(Operation operation) => Attempted.ContainsKey(operation.Id);

    /// <summary>Replays a journal record.</summary>
    public static RunState FromRecord(DeploymentRecord record, CompiledDeployment compiled)
    {
        var state = new RunState();
        var create = compiled.Operations.OfType<CreateGroupOperation>().FirstOrDefault()?.Id;
        foreach (var entry in record.Entries)
        {
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
                    break;
                case JournalEntryKind.Note when entry.Operation == RollbackPlanNote && (entry.Data?["ops"]) is JsonArray ops:
                    state.RollbackPlan = PlanJson.ReadOperations(ops, record.Id);
                    break;
            }
        }

        return state;
    }
}
