namespace Spot.Deploy.Strategies.Execution;

/// <summary>What the attempted operations of a deployment changed, as a rollback planner needs it.</summary>
internal sealed class RollbackFacts
{
    /// <summary>The group this deployment creates may exist (its create was attempted).</summary>
    public bool NewGroupMayExist { get; set; }

    /// <summary>Blue/Green: old stage groups whose set-aside (scale to 0, rename) was attempted, by id.</summary>
    public HashSet<string> SetAsideStarted { get; } = new(StringComparer.Ordinal);

    /// <summary>Groups (by id) an attempted operation scaled, renamed or deleted.</summary>
    public HashSet<string> GroupsChangeStarted { get; } = new(StringComparer.Ordinal);

    /// <summary>Blue/Green: a change of the routes (a traffic step, the swap) was attempted.</summary>
    public bool RoutesChangeStarted { get; set; }

    /// <summary>Spot roll: the image change was attempted.</summary>
    public bool ImageChangeStarted { get; set; }

    /// <summary>Spot roll: the forward roll's start was attempted.</summary>
    public bool RollStarted { get; set; }

    /// <summary>Facts from every attempted operation of <paramref name="operations"/>.</summary>
    public static RollbackFacts Of(IEnumerable<Operation> operations, RunState state)
    {
        var facts = new RollbackFacts();
        foreach (var operation in operations.Where(state.WasAttempted))
        {
            operation.RecordAttempt(facts);
        }

        return facts;
    }
}
