using System.Globalization;
using System.Text.Json.Serialization;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>
/// What a strategy's rollback starts from, journaled with the plan; <see cref="Plan"/> asks the planner for the rollback
/// of what the deployment attempted (<see cref="RollbackFacts"/>) and maps each planned step to one operation.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(RevisionsRollback), "revisions")]
[JsonDerivedType(typeof(BlueGreenRollback), "blueGreen")]
[JsonDerivedType(typeof(SpotRollRollback), "spotRoll")]
internal abstract record RollbackBasis
{
    /// <summary>The rollback's operations (ids <c>r1</c>, <c>r2</c> …), in order, and what the planner left alone as already right.</summary>
    public abstract PlannedRollback Plan(RollbackFacts facts, string? newGroupId);

    internal static string RollbackId(int index) => string.Create(CultureInfo.InvariantCulture, $"r{index + 1}");
}

/// <summary>Basic and Canary: the new revision deleted, the previous and older running revisions given their capacity back.</summary>
internal sealed record RevisionsRollback(string NewGroupName, RecordedGroup? Previous, IReadOnlyList<RecordedGroup> ScaledDown, bool RestoreScaledDown) : RollbackBasis
{
    public override PlannedRollback Plan(RollbackFacts facts, string? newGroupId)
    {
        var plan = RollbackPlanner.Plan(new RollbackRequest(NewGroupName, newGroupId, Previous, ScaledDown) { RestoreScaledDownGroups = RestoreScaledDown });
        return new([.. plan.Steps.Select((step, i) => StepOperations.ForRollback(step, RollbackId(i), []))], plan.AlreadyAsItShouldBe);
    }
}

/// <summary>Blue/Green: routes restored, the stage group deleted, the production group's name and capacity back, set-aside groups back.</summary>
internal sealed record BlueGreenRollback(
    string ProductionName, string StageName, RecordedGroup? Production, IReadOnlyList<RoutePair> Routes, IReadOnlyList<SetAsideGroup> SetAside) : RollbackBasis
{
    public override PlannedRollback Plan(RollbackFacts facts, string? newGroupId)
    {
        var naming = new BlueGreenNaming(ProductionName, StageName);
        var plan = BlueGreenPlanner.PlanRollback(new BlueGreenRollbackRequest(naming, newGroupId, Production, [.. Routes.Select(r => r.LoadBalancer)])
        {
            SetAside = [.. SetAside.Where(s => facts.SetAsideStarted.Contains(s.Group.Id))],
            RoutesChanged = facts.RoutesChangeStarted,
            ProductionRenamed = Production is { } production && facts.GroupsChangeStarted.Contains(production.Id),
        });
        return new([.. plan.Steps.Select((step, i) => StepOperations.ForRollback(step, RollbackId(i), Routes))], plan.AlreadyAsItShouldBe);
    }
}

/// <summary>Spot roll: the forward roll stopped, the previous images set back, the group rolled back when instances were replaced.</summary>
/// <param name="Request">The roll as requested; planned again (the planner is deterministic) rather than journaled as steps.</param>
/// <param name="ForwardRollStep">The forward roll's step id.</param>
internal sealed record SpotRollRollback(SpotRollRequest Request, string ForwardRollStep) : RollbackBasis
{
    public string GroupId => Request.GroupId;

    public override PlannedRollback Plan(RollbackFacts facts, string? newGroupId)
    {
        var forward = SpotRollPlanner.Plan(Request);
        var plan = SpotRollPlanner.PlanRollback(new SpotRollRollbackRequest(forward, facts.ImageChangeStarted, facts.RollStarted));
        return new([.. plan.Steps.Select((step, i) => StepOperations.ForRollback(step, RollbackId(i), [], ForwardRollStep))], []);
    }
}

/// <summary>A planned rollback: its operations, and what the planner found already as it should be (<see cref="RollbackPlan.AlreadyAsItShouldBe"/>).</summary>
internal sealed record PlannedRollback(IReadOnlyList<Operation> Operations, IReadOnlyList<string> AlreadyAsItShouldBe);
