namespace Spot.Deploy.Planning;

/// <summary>What a Basic or Canary rollback is planned from: what setup recorded in the journal.</summary>
/// <param name="NewGroupName">The new group's name.</param>
/// <param name="NewGroupId">The new group's id, or null when it was never created (setup failed before it existed).</param>
/// <param name="Previous">The previous group with its pre-setup capacity, or null on a first deployment.</param>
/// <param name="ScaledDownGroups">Older groups setup scaled to 0, with the capacities they had.</param>
public sealed record RollbackRequest(string NewGroupName, string? NewGroupId, RecordedGroup? Previous, IReadOnlyList<RecordedGroup> ScaledDownGroups)
{
    /// <summary>Also bring back the older groups setup scaled to 0 (ours; the reference leaves them at 0).</summary>
    public bool RestoreScaledDownGroups { get; init; }
}

/// <summary>A rollback: the steps that return every group to where the deployment found it.</summary>
/// <param name="Steps">The steps in execution order; empty when nothing changed.</param>
public sealed record RollbackPlan(IReadOnlyList<PlanStep> Steps)
{
    /// <summary>True when the deployment changed nothing, so there is nothing to undo.</summary>
    public bool NothingToRollBack => Steps.Count == 0;

    /// <summary>
    /// What the rollback leaves alone because it is already as it should be (the deployment never attempted to change it),
    /// each as <c>what (state)</c>, such as <c>production name (web)</c>; empty when every part needs a step.
    /// </summary>
    public IReadOnlyList<string> AlreadyAsItShouldBe { get; init; } = [];
}

/// <summary>Plans rollbacks from journaled records. Pure: same input, same plan.</summary>
public static class RollbackPlanner
{
    /// <summary>
    /// Plans a Basic/Canary rollback: the previous group back to its pre-setup capacity (wait), the
    /// older groups back to theirs when asked (wait), the new group to 0/0/0 (wait), then delete it.
    /// Capacity is restored before anything shrinks. With no new group, setup changed nothing.
    /// </summary>
    public static RollbackPlan Plan(RollbackRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var steps = new List<PlanStep>();
        if (request.NewGroupId is null)
        {
            // The create comes first in setup; without a new group no other step ran.
            return new RollbackPlan(steps.AsReadOnly());
        }

        if (request.Previous is { } previous)
        {
            steps.Add(new ScaleGroupStep(new GroupRef(previous.Name, previous.Id, GroupRole.Previous), null, previous.Capacity, WaitForSteadyState: true));
        }

        if (request.RestoreScaledDownGroups && request.ScaledDownGroups is not null)
        {
            foreach (var older in request.ScaledDownGroups)
            {
                steps.Add(new ScaleGroupStep(new GroupRef(older.Name, older.Id, GroupRole.Older), null, older.Capacity, WaitForSteadyState: true));
            }
        }

        var newGroup = new GroupRef(request.NewGroupName, request.NewGroupId, GroupRole.New);
        steps.Add(new ScaleGroupStep(newGroup, null, Capacity.Zero, WaitForSteadyState: true));
        steps.Add(new DeleteGroupStep(newGroup));
        return new RollbackPlan(steps.AsReadOnly());
    }
}
