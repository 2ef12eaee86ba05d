using System.Globalization;

namespace Spot.Deploy.Planning;

/// <summary>Whether a step size is a percentage or an absolute count.</summary>
public enum StepUnit
{
    /// <summary>A percentage of the planned (or pre-setup) target.</summary>
    Percent,

    /// <summary>An absolute number of instances (or weight units).</summary>
    Count,
}

/// <summary>How far a phase grows the new group: Percent 1–100 of the planned target, or Count ≥ 1.</summary>
public sealed record PhaseStep
{
    private PhaseStep(StepUnit unit, int value)
    {
        Unit = unit;
        Value = value;
    }

    /// <summary>Percent or count.</summary>
    public StepUnit Unit { get; }

    /// <summary>The percentage (1–100) or the count (≥ 1).</summary>
    public int Value { get; }

    /// <summary>Grow the new group to <paramref name="percent"/> % of its planned target (at least 1 instance).</summary>
    /// <exception cref="DeploymentValidationException"><paramref name="percent"/> is outside 1..100.</exception>
    public static PhaseStep Percent(int percent)
    {
        if (percent is < 1 or > 100)
        {
            throw new DeploymentValidationException("Step.Percent",
                string.Create(CultureInfo.InvariantCulture, $"A phase percentage must be between 1 and 100 (was {percent})."));
        }

        return new PhaseStep(StepUnit.Percent, percent);
    }

    /// <summary>Grow the new group to <paramref name="count"/> instances (capped at the planned target).</summary>
    /// <exception cref="DeploymentValidationException"><paramref name="count"/> is below 1.</exception>
    public static PhaseStep Count(int count)
    {
        if (count < 1)
        {
            throw new DeploymentValidationException("Step.Count",
                string.Create(CultureInfo.InvariantCulture, $"A phase count must be at least 1 (was {count})."));
        }

        return new PhaseStep(StepUnit.Count, count);
    }

    /// <summary>For example <c>25 %</c> or <c>3 instances</c>.</summary>
    public override string ToString() => Describe(InstanceWeights.Instances);

    /// <summary>For example <c>25 %</c>, <c>3 instances</c> or <c>6 weight units</c>: a count in the new group's unit.</summary>
    /// <param name="weights">The new group's unit.</param>
    public string Describe(InstanceWeights weights) =>
        Unit == StepUnit.Percent
            ? string.Create(CultureInfo.InvariantCulture, $"{Value} %")
            : string.Create(CultureInfo.InvariantCulture, $"{Value} {(weights ?? InstanceWeights.Instances).Plural}");
}

/// <summary>
/// An explicit downsize of the previous group in a phase: keep Percent 0–100 of its pre-setup target, or
/// Count ≥ 0 instances (at most the pre-setup target).
/// </summary>
public sealed record DownsizeStep
{
    private DownsizeStep(StepUnit unit, int value)
    {
        Unit = unit;
        Value = value;
    }

    /// <summary>Percent or count.</summary>
    public StepUnit Unit { get; }

    /// <summary>The percentage (0–100) or the count (≥ 0) the previous group keeps.</summary>
    public int Value { get; }

    /// <summary>The previous group keeps <paramref name="percent"/> % of its pre-setup target.</summary>
    /// <exception cref="DeploymentValidationException"><paramref name="percent"/> is outside 0..100.</exception>
    public static DownsizeStep Percent(int percent)
    {
        if (percent is < 0 or > 100)
        {
            throw new DeploymentValidationException("Downsize.Percent",
                string.Create(CultureInfo.InvariantCulture, $"A downsize percentage must be between 0 and 100 (was {percent})."));
        }

        return new DownsizeStep(StepUnit.Percent, percent);
    }

    /// <summary>The previous group keeps <paramref name="count"/> instances.</summary>
    /// <exception cref="DeploymentValidationException"><paramref name="count"/> is negative.</exception>
    public static DownsizeStep Count(int count)
    {
        if (count < 0)
        {
            throw new DeploymentValidationException("Downsize.Count",
                string.Create(CultureInfo.InvariantCulture, $"A downsize count must not be negative (was {count})."));
        }

        return new DownsizeStep(StepUnit.Count, count);
    }

    /// <summary>For example <c>keep 50 %</c> or <c>keep 2 instances</c>.</summary>
    public override string ToString() =>
        Unit == StepUnit.Percent
            ? string.Create(CultureInfo.InvariantCulture, $"keep {Value} %")
            : string.Create(CultureInfo.InvariantCulture, $"keep {Value} instances");
}

/// <summary>One phase of a canary: how far to grow the new group, and optionally how to shrink the previous one.</summary>
/// <param name="Step">How far the new group grows.</param>
/// <param name="Downsize">An explicit downsize of the previous group; null for the inverse proportion.</param>
public sealed record CanaryPhase(PhaseStep Step, DownsizeStep? Downsize = null);

/// <summary>What one phase is planned from.</summary>
/// <param name="NewGroupName">The new group's name.</param>
/// <param name="PlannedCapacity">The new group's planned capacity (S is its target).</param>
/// <param name="Previous">The previous group with its pre-setup capacity (P is its target); null on a first deployment.</param>
/// <param name="Step">How far the new group grows.</param>
/// <param name="Downsize">An explicit downsize of the previous group; null for the inverse proportion.</param>
public sealed record PhaseRequest(string NewGroupName, Capacity PlannedCapacity, RecordedGroup? Previous, PhaseStep Step, DownsizeStep? Downsize = null)
{
    /// <summary>
    /// The new group's unit and instance weights; null means instances. In weight units a percent phase asks for at
    /// least <see cref="InstanceWeights.SmallestWeight"/> and a count below it is refused.
    /// </summary>
    public InstanceWeights? Weights { get; init; }
}

/// <summary>The numbers of one phase and its steps: scale new, wait; then scale previous, wait.</summary>
public sealed record PhasePlan
{
    internal PhasePlan(PhaseStep step, DownsizeStep? downsize, bool isFinal, Capacity newCapacity, Capacity? previousCapacity, IReadOnlyList<PlanStep> steps)
    {
        Step = step;
        Downsize = downsize;
        IsFinal = isFinal;
        NewCapacity = newCapacity;
        PreviousCapacity = previousCapacity;
        Steps = steps;
    }

    /// <summary>The phase's step.</summary>
    public PhaseStep Step { get; }

    /// <summary>The phase's explicit downsize, if any.</summary>
    public DownsizeStep? Downsize { get; }

    /// <summary>True for the final phase (percent ≥ 100 or count ≥ S): the new group gets its planned capacity, the previous 0/0/0.</summary>
    public bool IsFinal { get; }

    /// <summary>The new group's capacity after the phase.</summary>
    public Capacity NewCapacity { get; }

    /// <summary>The previous group's capacity after the phase; null when there is no previous group.</summary>
    public Capacity? PreviousCapacity { get; }

    /// <summary>The steps: the new group first (capacity never dips below what is healthy), then the previous group.</summary>
    public IReadOnlyList<PlanStep> Steps { get; }
}

/// <summary>A whole Basic or Canary deployment: the setup and every phase.</summary>
/// <param name="Setup">The setup plan.</param>
/// <param name="Phases">The phases in order; the last one is final.</param>
public sealed record DeploymentPlan(SetupPlan Setup, IReadOnlyList<PhasePlan> Phases)
{
    /// <summary>
    /// When set, the final phase's downsizing of the previous group is a stage of its own, <c>downsize previous</c>,
    /// with a gate before it (ours): the new group is watched at its full size — baked, analysed, paused or approved —
    /// while the previous group still runs untouched, so a rollback then only removes the new group. The engine sets it
    /// for a Basic deployment given a bake, an analysis, a pause or a gate (a Basic deployment otherwise has no stage
    /// after its new version is up). No effect without a previous group.
    /// </summary>
    public bool WatchBeforeDownsize { get; init; }

    /// <summary>
    /// The stages, computed from <see cref="Setup"/> and <see cref="Phases"/>: stage 0 <c>setup</c> (no gate)
    /// holds the setup's create and scale steps; then one stage per phase, <c>phase {i} of {n} ({step})</c>,
    /// with a gate before every phase but the first (and, with <see cref="WatchBeforeDownsize"/>, the final phase's
    /// previous-group steps in a gated stage <c>downsize previous</c>). The setup's deletes (leftovers, surplus empty
    /// groups) are clean-up steps at the end of the last stage (ours): a rollback at any earlier point finds every
    /// group where it was.
    /// </summary>
    public IReadOnlyList<PlanStage> Stages
    {
        get
        {
            var setup = new List<PlanStep>();
            var cleanup = new List<PlanStep>();
            foreach (var step in Setup.Steps)
            {
                if (step.Kind == PlanStepKind.DeleteGroup)
                {
                    cleanup.Add(step with { IsCleanup = true });
                }
                else
                {
                    setup.Add(step);
                }
            }

            var stages = new List<(string Name, bool GateBefore, List<PlanStep> Steps)> { ("setup", false, setup) };
            for (var i = 0; i < Phases.Count; i++)
            {
                var phase = Phases[i];
                var name = string.Create(CultureInfo.InvariantCulture, $"phase {i + 1} of {Phases.Count} ({phase.Step.Describe(Setup.Weights)})");
                var firstOfPrevious = WatchBeforeDownsize && phase.IsFinal ? FirstPreviousGroupStep(phase.Steps) : -1;
                if (firstOfPrevious > 0)
                {
                    stages.Add((name, i > 0, [.. phase.Steps.Take(firstOfPrevious)]));
                    stages.Add(("downsize previous", true, [.. phase.Steps.Skip(firstOfPrevious)]));
                }
                else
                {
                    stages.Add((name, i > 0, [.. phase.Steps]));
                }
            }

            stages[^1].Steps.AddRange(cleanup);
            return stages.ConvertAll(static s => new PlanStage(s.Name, s.GateBefore, s.Steps.AsReadOnly())).AsReadOnly();
        }
    }

    /// <summary>The index of the first step on the previous group (a phase's steps grow the new group first), or -1.</summary>
    private static int FirstPreviousGroupStep(IReadOnlyList<PlanStep> steps)
    {
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i] is ScaleGroupStep { Group.Role: GroupRole.Previous })
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Every step of the deployment in order: exactly the steps of <see cref="Stages"/>, stage after stage.</summary>
    public IReadOnlyList<PlanStep> AllSteps() => PlanStage.Flatten(Stages);

    /// <summary>
    /// What the plan does that its author may not expect: consecutive phases that give the new group the same target (on a
    /// small group 25 % and 50 % can both round to one instance, so the later phase changes nothing). Each warning says the
    /// target every phase gives. Empty when every phase changes something.
    /// </summary>
    public IReadOnlyList<string> Warnings
    {
        get
        {
            var warnings = new List<string>();
            var weights = Setup.Weights;
            for (var i = 1; i < Phases.Count; i++)
            {
                if (Phases[i].NewCapacity.Target == Phases[i - 1].NewCapacity.Target)
                {
                    var each = string.Join(", ", Phases.Select((p, n) => string.Create(CultureInfo.InvariantCulture, $"phase {n + 1} ({p.Step.Describe(weights)}) → {p.NewCapacity.Target}")));
                    warnings.Add(string.Create(CultureInfo.InvariantCulture,
                        $"phases {i} ({Phases[i - 1].Step.Describe(weights)}) and {i + 1} ({Phases[i].Step.Describe(weights)}) both give the new group a target of {Phases[i].NewCapacity.Target} of {Setup.PlannedCapacity.Target} ({weights.Unit}s): phase {i + 1} changes nothing (targets: {each})."));
                }
            }

            return warnings.AsReadOnly();
        }
    }
}

/// <summary>Plans deploy phases. Pure: same input, same plan.</summary>
public static class PhasePlanner
{
    /// <summary>
    /// The most phases a Canary may have: 20. Each phase is a stage with a steady-state wait and (but the first) a
    /// gate, so 20 phases already mean up to 20 waits and 19 decisions; finer steps than 5 % show a health check
    /// nothing new. The bound also keeps a plan and its journal small (docs/planning.md#phases--phaseplanner).
    /// </summary>
    public const int MaxPhases = 20;

    /// <summary>
    /// Plans one phase. New target: Percent p → max(1, round(p·S/100)); Count n → min(n, S). Previous
    /// target: max(0, P − new) unless a downsize says Percent q → round(q·P/100) or Count m (≤ P).
    /// Rounding is half away from zero. The final phase gives the new group its planned capacity and
    /// the previous 0/0/0; other phases set min = target = max.
    /// </summary>
    /// <remarks>
    /// A single phase follows the reference formula even for a count above the planned maximum (it is
    /// simply final); <see cref="PlanPhases(string, Capacity, RecordedGroup?, IReadOnlyList{CanaryPhase})"/>
    /// validates a deployment's phase list and rejects such a count, which can only be a mistake.
    /// </remarks>
    /// <exception cref="DeploymentValidationException">The request is invalid (the field is named).</exception>
    public static PhasePlan PlanPhase(PhaseRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Step is null)
        {
            throw new DeploymentValidationException("Step", "A phase needs a step.");
        }

        return PlanPhase(request, request.Weights ?? InstanceWeights.Instances, "Step", "Downsize");
    }

    /// <summary>
    /// Plans and validates a deployment's phases: at most <see cref="MaxPhases"/>, none may follow the final one, none
    /// may shrink the new group, no count may exceed the planned maximum, and the last must be final.
    /// </summary>
    /// <exception cref="DeploymentValidationException">The phase list is invalid (the field names the phase).</exception>
    public static IReadOnlyList<PhasePlan> PlanPhases(string newGroupName, Capacity plannedCapacity, RecordedGroup? previous, IReadOnlyList<CanaryPhase> phases) =>
        PlanPhases(newGroupName, plannedCapacity, previous, phases, InstanceWeights.Instances);

    /// <summary>
    /// <see cref="PlanPhases(string, Capacity, RecordedGroup?, IReadOnlyList{CanaryPhase})"/> for a new group counted in
    /// <paramref name="weights"/>' unit: every number is in that unit, a percent phase asks for at least the smallest
    /// weight, a count below the smallest weight is refused, and a previous group that counts in another unit needs an
    /// explicit downsize in every phase but the final one.
    /// </summary>
    /// <exception cref="DeploymentValidationException">The phase list is invalid (the field names the phase).</exception>
    public static IReadOnlyList<PhasePlan> PlanPhases(string newGroupName, Capacity plannedCapacity, RecordedGroup? previous, IReadOnlyList<CanaryPhase> phases, InstanceWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (phases is null || phases.Count == 0)
        {
            throw new DeploymentValidationException("Phases", "At least one phase is required.");
        }

        if (phases.Count > MaxPhases)
        {
            throw new DeploymentValidationException("Phases",
                string.Create(CultureInfo.InvariantCulture, $"At most {MaxPhases} phases are allowed (got {phases.Count}): each phase is a stage with a wait and a gate."));
        }

        var plans = new List<PhasePlan>(phases.Count);
        for (var i = 0; i < phases.Count; i++)
        {
            var field = string.Create(CultureInfo.InvariantCulture, $"Phases[{i}]");
            var phase = phases[i] ?? throw new DeploymentValidationException(field, "A phase must not be null.");
            if (phase.Step is null)
            {
                throw new DeploymentValidationException(field + ".Step", "A phase needs a step.");
            }

            if (i > 0 && plans[i - 1].IsFinal)
            {
                throw new DeploymentValidationException(field,
                    string.Create(CultureInfo.InvariantCulture, $"Phase {i} follows the final phase {i - 1}; remove it."));
            }

            if (phase.Step.Unit == StepUnit.Count && phase.Step.Value > plannedCapacity.Maximum)
            {
                throw new DeploymentValidationException(field + ".Step",
                    string.Create(CultureInfo.InvariantCulture, $"A count of {phase.Step.Value} is above the planned maximum of {plannedCapacity.Maximum}."));
            }

            var plan = PlanPhase(new PhaseRequest(newGroupName, plannedCapacity, previous, phase.Step, phase.Downsize), weights, field + ".Step", field + ".Downsize");
            if (i > 0 && plan.NewCapacity.Target < plans[i - 1].NewCapacity.Target)
            {
                throw new DeploymentValidationException(field + ".Step",
                    string.Create(CultureInfo.InvariantCulture,
                        $"Phase {i} ({phase.Step}) would shrink the new group from {plans[i - 1].NewCapacity.Target} to {plan.NewCapacity.Target}; phases must not shrink it."));
            }

            plans.Add(plan);
        }

        if (!plans[^1].IsFinal)
        {
            throw new DeploymentValidationException(
                string.Create(CultureInfo.InvariantCulture, $"Phases[{phases.Count - 1}].Step"),
                "The last phase must be final (100 %, or a count of at least the planned target) so the deployment completes.");
        }

        return plans.AsReadOnly();
    }

    /// <summary>Plans a Canary deployment: the setup's new group through the given phases.</summary>
    /// <exception cref="DeploymentValidationException">The phase list is invalid.</exception>
    public static DeploymentPlan PlanCanary(SetupPlan setup, IReadOnlyList<CanaryPhase> phases)
    {
        ArgumentNullException.ThrowIfNull(setup);
        return new DeploymentPlan(setup, PlanPhases(setup.NewGroupName, setup.PlannedCapacity, setup.Previous, phases, setup.Weights));
    }

    /// <summary>Plans a Basic deployment: one phase at 100 %.</summary>
    public static DeploymentPlan PlanBasic(SetupPlan setup) => PlanCanary(setup, [new CanaryPhase(PhaseStep.Percent(100))]);

    /// <summary>
    /// <c>round(percent · total / 100)</c> with halves rounded away from zero, in exact integer arithmetic
    /// (the reference rounds like Java's <c>Math.round</c>; .NET's default banker's rounding would differ).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is negative.</exception>
    public static int PercentOf(int percent, int total)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percent);
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        return (int)(((2L * percent * total) + 100L) / 200L);
    }

    private static PhasePlan PlanPhase(PhaseRequest request, InstanceWeights weights, string stepField, string downsizeField)
    {
        if (string.IsNullOrEmpty(request.NewGroupName))
        {
            throw new DeploymentValidationException("NewGroupName", "The new group's name is required.");
        }

        var planned = request.PlannedCapacity;
        if (planned.Target < 1)
        {
            throw new DeploymentValidationException("PlannedCapacity.Target", "The planned target must be at least 1.");
        }

        Capacity.ValidatePlanned("PlannedCapacity.Maximum", planned, "The planned maximum", string.Empty);

        var step = request.Step;
        var plannedTarget = planned.Target;
        var isFinal = step.Unit == StepUnit.Percent ? step.Value >= 100 : step.Value >= plannedTarget;
        if (step.Unit == StepUnit.Count && step.Value < weights.SmallestWeight && !isFinal)
        {
            throw new DeploymentValidationException(stepField,
                string.Create(CultureInfo.InvariantCulture,
                    $"A count of {step.Value} weight units is below the smallest instance weight ({weights.SmallestWeight}): Spot launches whole instances, so the phase would run more than it says. Ask for at least {weights.SmallestWeight}."));
        }

        // Percent: at least one instance's worth (1 in instance units, the smallest weight in weight units), never above S.
        var newTarget = step.Unit == StepUnit.Percent
            ? Math.Min(plannedTarget, Math.Max(weights.SmallestWeight, PercentOf(Math.Min(step.Value, 100), plannedTarget)))
            : Math.Min(step.Value, plannedTarget);
        var newCapacity = isFinal ? planned : planned.WithExactly(newTarget);

        Capacity? previousCapacity = null;
        var previous = request.Previous;
        if (previous is not null)
        {
            var preSetup = previous.Capacity;
            var preSetupTarget = preSetup.Target;
            if (isFinal)
            {
                previousCapacity = preSetup.ToZero();
            }
            else
            {
                int previousTarget;
                if (request.Downsize is not { } downsize)
                {
                    if (!string.Equals(preSetup.Unit, planned.Unit, StringComparison.Ordinal))
                    {
                        // P − new subtracts one unit from another: refuse rather than guess a conversion.
                        throw new DeploymentValidationException(downsizeField,
                            $"The previous group {previous.Name} counts its capacity in {preSetup.Unit} units, the new group in {planned.Unit} units, so the new group's growth says nothing about how far to shrink it. Give this phase an explicit downsize (a percentage of {previous.Name}'s target).");
                    }

                    previousTarget = Math.Max(0, preSetupTarget - newTarget);
                }
                else if (downsize.Unit == StepUnit.Percent)
                {
                    previousTarget = PercentOf(Math.Min(downsize.Value, 100), preSetupTarget);
                }
                else if (downsize.Value > preSetupTarget)
                {
                    throw new DeploymentValidationException(downsizeField,
                        string.Create(CultureInfo.InvariantCulture,
                            $"The previous group {previous.Name} can keep at most its pre-setup target of {preSetupTarget} (asked {downsize.Value})."));
                }
                else
                {
                    previousTarget = downsize.Value;
                }

                previousCapacity = preSetup.WithExactly(previousTarget);
            }
        }

        var steps = new List<PlanStep>(2)
        {
            new ScaleGroupStep(new GroupRef(request.NewGroupName, null, GroupRole.New), null, newCapacity, WaitForSteadyState: true),
        };
        if (previous is not null)
        {
            steps.Add(new ScaleGroupStep(new GroupRef(previous.Name, previous.Id, GroupRole.Previous), null, previousCapacity!.Value, WaitForSteadyState: true));
        }

        return new PhasePlan(step, request.Downsize, isFinal, newCapacity, previousCapacity, steps.AsReadOnly());
    }
}
