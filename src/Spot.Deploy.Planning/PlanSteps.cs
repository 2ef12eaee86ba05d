using System.Globalization;

namespace Spot.Deploy.Planning;

/// <summary>The kind of a <see cref="PlanStep"/>, for callers that switch on it (PowerShell, logs).</summary>
public enum PlanStepKind
{
    /// <summary><see cref="CreateGroupStep"/>.</summary>
    CreateGroup,

    /// <summary><see cref="DeleteGroupStep"/>.</summary>
    DeleteGroup,

    /// <summary><see cref="ScaleGroupStep"/>.</summary>
    ScaleGroup,

    /// <summary><see cref="RenameGroupStep"/>.</summary>
    RenameGroup,

    /// <summary><see cref="SwapRoutesStep"/>.</summary>
    SwapRoutes,

    /// <summary><see cref="ShiftTrafficStep"/>.</summary>
    ShiftTraffic,

    /// <summary><see cref="RestoreRoutesStep"/>.</summary>
    RestoreRoutes,

    /// <summary><see cref="SetImageStep"/>.</summary>
    SetImage,

    /// <summary><see cref="RollGroupStep"/>.</summary>
    RollGroup,

    /// <summary><see cref="StopRollStep"/>.</summary>
    StopRoll,
}

/// <summary>
/// One change a plan makes, in execution order. Plans are intents: nothing here performs I/O. The engine
/// maps each step to exactly one operation.
/// </summary>
public abstract record PlanStep
{
    /// <summary>What <see cref="Describe"/> puts before the description of a clean-up step.</summary>
    public const string CleanupPrefix = "clean-up: ";

    /// <summary>The kind of step.</summary>
    public abstract PlanStepKind Kind { get; }

    /// <summary>
    /// A clean-up step runs after everything else of the deployment succeeded; its failure is a warning,
    /// not a failure of the deployment. Plans put clean-up steps at the end of their last stage.
    /// </summary>
    public bool IsCleanup { get; init; }

    /// <summary>A one-line description with every number, for dry runs and logs; a clean-up step's starts with <c>clean-up: </c>.</summary>
    public string Describe() => IsCleanup ? CleanupPrefix + DescribeChange() : DescribeChange();

    /// <summary>Same as <see cref="Describe"/>.</summary>
    public sealed override string ToString() => Describe();

    /// <summary>The description of the change itself, without the clean-up prefix.</summary>
    protected abstract string DescribeChange();
}

/// <summary>
/// One stage of a plan: the steps between two gates. The engine runs the stages in order and asks its gate
/// (if any) before a stage whose <paramref name="GateBefore"/> is set.
/// </summary>
/// <param name="Name">The stage's name, as logs and gates show it (for example <c>phase 2 of 3 (50 %)</c>).</param>
/// <param name="GateBefore">True when the deployment pauses for a gate before the stage starts.</param>
/// <param name="Steps">The stage's steps in execution order.</param>
public sealed record PlanStage(string Name, bool GateBefore, IReadOnlyList<PlanStep> Steps)
{
    internal static IReadOnlyList<PlanStep> Flatten(IReadOnlyList<PlanStage> stages)
    {
        var steps = new List<PlanStep>();
        foreach (var stage in stages)
        {
            steps.AddRange(stage.Steps);
        }

        return steps.AsReadOnly();
    }
}

/// <summary>Create a group from the user's document, at a given (normally 0/0/0) capacity.</summary>
/// <param name="Name">The new group's name.</param>
/// <param name="Capacity">The capacity to create it with.</param>
/// <param name="UseStageTargetGroups">Blue/Green: the document's load balancers are replaced by the stage target groups.</param>
public sealed record CreateGroupStep(string Name, Capacity Capacity, bool UseStageTargetGroups = false) : PlanStep
{
    /// <inheritdoc />
    public override PlanStepKind Kind => PlanStepKind.CreateGroup;

    /// <inheritdoc />
    protected override string DescribeChange() =>
        UseStageTargetGroups
            ? $"create group {Name} at {Capacity} with the stage target groups"
            : $"create group {Name} at {Capacity}";
}

/// <summary>Delete a group.</summary>
/// <param name="Group">The group to delete.</param>
public sealed record DeleteGroupStep(GroupRef Group) : PlanStep
{
    /// <inheritdoc />
    public override PlanStepKind Kind => PlanStepKind.DeleteGroup;

    /// <inheritdoc />
    protected override string DescribeChange() => $"delete group {Group}";
}

/// <summary>Set a group's capacity, optionally waiting until it is steady at the new target.</summary>
/// <param name="Group">The group to scale.</param>
/// <param name="From">Its capacity before the step when the plan knows it (journaled for rollback).</param>
/// <param name="To">The capacity to set.</param>
/// <param name="WaitForSteadyState">Wait until the group has exactly <c>To.Target</c> healthy instances.</param>
public sealed record ScaleGroupStep(GroupRef Group, Capacity? From, Capacity To, bool WaitForSteadyState) : PlanStep
{
    /// <inheritdoc />
    public override PlanStepKind Kind => PlanStepKind.ScaleGroup;

    /// <inheritdoc />
    protected override string DescribeChange()
    {
        var from = From is { } before ? $" from ({before})" : string.Empty;
        var wait = WaitForSteadyState ? ", wait for steady state" : string.Empty;
        return $"scale group {Group}{from} to ({To}){wait}";
    }
}

/// <summary>Rename a group (Blue/Green).</summary>
/// <param name="Group">The group to rename, by its name before the step.</param>
/// <param name="NewName">Its name after the step.</param>
public sealed record RenameGroupStep(GroupRef Group, string NewName) : PlanStep
{
    /// <inheritdoc />
    public override PlanStepKind Kind => PlanStepKind.RenameGroup;

    /// <inheritdoc />
    protected override string DescribeChange() => $"rename group {Group} to {NewName}";
}

/// <summary>
/// Blue/Green swap on every load balancer: the production route forwards to the target group the stage
/// route forwards to, and the stage route to the production one. The executor reads both target groups
/// from ELBv2 when it runs the step, never from an earlier read.
/// </summary>
/// <param name="LoadBalancers">The routes to swap, one pair per load balancer.</param>
public sealed record SwapRoutesStep(IReadOnlyList<BlueGreenLoadBalancer> LoadBalancers) : PlanStep
{
    /// <inheritdoc />
    public override PlanStepKind Kind => PlanStepKind.SwapRoutes;

    /// <inheritdoc />
    protected override string DescribeChange() =>
        string.Create(CultureInfo.InvariantCulture, $"swap production and stage routes on {LoadBalancers.Count} load balancer(s)");
}

/// <summary>
/// Blue/Green traffic shift: every production route forwards to both target groups with the given
/// weights (ALB forward weights, 0–999).
/// </summary>
/// <param name="LoadBalancers">The routes whose production forward is weighted.</param>
/// <param name="Weights">The weights of this step.</param>
public sealed record ShiftTrafficStep(IReadOnlyList<BlueGreenLoadBalancer> LoadBalancers, TrafficWeights Weights) : PlanStep
{
    /// <inheritdoc />
    public override PlanStepKind Kind => PlanStepKind.ShiftTraffic;

    /// <inheritdoc />
    protected override string DescribeChange() =>
        string.Create(CultureInfo.InvariantCulture,
            $"shift traffic on {LoadBalancers.Count} load balancer(s): new {Weights.NewWeight}, old {Weights.OldWeight} ({Weights.Percent} % to the new group)");
}

/// <summary>
/// Blue/Green rollback: put back every route the deployment changed, exactly as journaled, and leave
/// routes it did not change alone.
/// </summary>
/// <param name="LoadBalancers">The routes the deployment may have changed.</param>
public sealed record RestoreRoutesStep(IReadOnlyList<BlueGreenLoadBalancer> LoadBalancers) : PlanStep
{
    /// <inheritdoc />
    public override PlanStepKind Kind => PlanStepKind.RestoreRoutes;

    /// <inheritdoc />
    protected override string DescribeChange() =>
        string.Create(CultureInfo.InvariantCulture, $"restore the routes changed on {LoadBalancers.Count} load balancer(s)");
}
