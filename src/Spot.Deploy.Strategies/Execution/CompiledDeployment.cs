using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>A stage of a compiled deployment: setup, a phase, a traffic step, the swap, the roll.</summary>
/// <param name="Name">Such as <c>phase 2 of 3 (50 %)</c>.</param>
/// <param name="GateBefore">The caller's gate is asked before it runs (end-to-end runs).</param>
internal sealed record StageInfo(string Name, bool GateBefore);

/// <summary>
/// A deployment turned into executable operations, one per planned step, with what its rollback needs
/// (<see cref="Rollback"/>). It is what the journal's <see cref="DeploymentRecord.Plan"/> holds (see <see cref="PlanJson"/>),
/// so a new process can resume or roll back from it.
/// </summary>
internal sealed record CompiledDeployment
{
    public required DeploymentStrategy Strategy { get; init; }

    public required string AppName { get; init; }

    public required string ImageId { get; init; }

    public required IReadOnlyList<StageInfo> Stages { get; init; }

    public required IReadOnlyList<Operation> Operations { get; init; }

    /// <summary>What a rollback starts from, per strategy.</summary>
    public required RollbackBasis Rollback { get; init; }

    /// <summary>The group the deployment creates (Basic/Canary <c>A__N</c>, Blue/Green <c>A__STAGE</c>), or null (roll).</summary>
    public string? NewGroupName { get; init; }

    /// <summary>The name the deployed group ends with (Blue/Green: the production name).</summary>
    public string? FinalGroupName { get; init; }

    public Capacity? PlannedCapacity { get; init; }

    public CapacitySource? CapacitySource { get; init; }

    /// <summary>The planner's warnings (phases that change nothing); empty when loaded from a journal.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>A summary of the request for the journal (no document, no secrets).</summary>
    public JsonObject Request { get; init; } = [];

    /// <summary>The planner's steps (for the dry run); empty when loaded from a journal.</summary>
    [JsonIgnore]
    public IReadOnlyList<PlanStep> PlanSteps { get; init; } = [];

    /// <summary>The group id a successful deployment reports: the rolled group, or the created one.</summary>
    public string? ResultGroupId(RunState state) => Rollback is SpotRollRollback roll ? roll.GroupId : state.NewGroupId;
}
