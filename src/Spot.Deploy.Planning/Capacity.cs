using System.Globalization;

namespace Spot.Deploy.Planning;

/// <summary>
/// The capacity of an Elastigroup: minimum, target and maximum number of instances (or weight units),
/// always with <c>0 ≤ Minimum ≤ Target ≤ Maximum</c>.
/// </summary>
/// <remarks>
/// The constructor rejects a capacity that breaks the rule (that is a request error). Capacities the
/// planner derives are kept valid with <see cref="Widen(int, int, int, string)"/>.
/// The default value is 0/0/0 in <see cref="InstanceUnit"/>.
/// A capacity can hold any such numbers, so that whatever a group reports can be read and restored; the
/// capacity a deployment <em>plans</em> for a group is bounded by <see cref="MaxPlanned"/>.
/// </remarks>
public readonly struct Capacity : IEquatable<Capacity>
{
    /// <summary>The unit Spot uses when a document gives none: <c>instance</c>.</summary>
    public const string InstanceUnit = "instance";

    /// <summary>
    /// The largest minimum, target or maximum (instances or weight units) a plan gives the group a deployment
    /// creates: 10,000. Spot's API description states no bound for these integers, so this is the project's limit
    /// (docs/planning.md#capacity): a fixed capacity, a fallback or a running group's capacity above it is refused
    /// before anything changes, instead of being sent to Spot.
    /// </summary>
    public const int MaxPlanned = 10_000;

    private readonly string? _unit;

    /// <summary>Creates a capacity, validating <c>0 ≤ minimum ≤ target ≤ maximum</c>.</summary>
    /// <exception cref="DeploymentValidationException">A number is negative or out of order.</exception>
    public Capacity(int minimum, int target, int maximum)
        : this(minimum, target, maximum, InstanceUnit)
    {
    }

    /// <summary>Creates a capacity in a given unit, validating <c>0 ≤ minimum ≤ target ≤ maximum</c>.</summary>
    /// <param name="minimum">Minimum size.</param>
    /// <param name="target">Target (desired) size.</param>
    /// <param name="maximum">Maximum size.</param>
    /// <param name="unit">Spot's capacity unit (<c>instance</c> or <c>weight</c>); kept from the group document.</param>
    /// <exception cref="DeploymentValidationException">A number is negative or out of order, or the unit is empty.</exception>
    public Capacity(int minimum, int target, int maximum, string unit)
    {
        Validate("Capacity", minimum, target, maximum);
        if (string.IsNullOrWhiteSpace(unit))
        {
            throw new DeploymentValidationException("Capacity.Unit", "The capacity unit must not be empty.");
        }

        Minimum = minimum;
        Target = target;
        Maximum = maximum;
        _unit = unit;
    }

    /// <summary>Minimum size.</summary>
    public int Minimum { get; }

    /// <summary>Target (desired) size.</summary>
    public int Target { get; }

    /// <summary>Maximum size.</summary>
    public int Maximum { get; }

    /// <summary>Spot's capacity unit; <see cref="InstanceUnit"/> unless the document says otherwise.</summary>
    public string Unit => _unit ?? InstanceUnit;

    /// <summary>True when minimum, target and maximum are all 0.</summary>
    // 0 ≤ min ≤ target ≤ max always holds, so a maximum of 0 means all three are 0.
    public bool IsZero => Maximum == 0;

    /// <summary>0/0/0 in <see cref="InstanceUnit"/>.</summary>
    public static Capacity Zero => default;

    /// <summary>A capacity with minimum = target = maximum = <paramref name="size"/>.</summary>
    /// <exception cref="DeploymentValidationException"><paramref name="size"/> is negative.</exception>
    public static Capacity Exactly(int size) => new(size, size, size);

    /// <summary>
    /// The widening rule: builds a valid capacity from possibly inconsistent numbers by moving the
    /// minimum down to the target and the maximum up to the target. The target never moves.
    /// </summary>
    /// <example>(min 3, target 2, max 1) → (2, 2, 2); (30, 20, 100) → (20, 20, 100); (5, 20, 10) → (5, 20, 20).</example>
    /// <exception cref="DeploymentValidationException">A number is negative.</exception>
    public static Capacity Widen(int minimum, int target, int maximum, string unit = InstanceUnit)
    {
        // A negative minimum stays negative through Math.Min and is refused by the constructor.
        ThrowIfNegative("Capacity.Target", target);
        ThrowIfNegative("Capacity.Maximum", maximum);
        return new Capacity(Math.Min(minimum, target), target, Math.Max(maximum, target), unit);
    }

    /// <summary>This capacity scaled to 0/0/0, keeping the unit.</summary>
    public Capacity ToZero() => new(0, 0, 0, Unit);

    /// <summary>A capacity of exactly <paramref name="size"/> (min = target = max), keeping the unit.</summary>
    public Capacity WithExactly(int size) => new(size, size, size, Unit);

    /// <summary>True when the three numbers would make a valid capacity.</summary>
    public static bool IsValid(int minimum, int target, int maximum) =>
        minimum >= 0 && minimum <= target && target <= maximum;

    /// <summary>Refuses a capacity to be planned whose maximum (and so possibly its target) is above <see cref="MaxPlanned"/>.</summary>
    /// <param name="field">The field named in the refusal, such as <c>Capacity.Maximum</c>.</param>
    /// <param name="capacity">The capacity.</param>
    /// <param name="whose">Whose maximum it is, for the message: <c>The maximum</c>, <c>The running group's maximum</c>.</param>
    /// <param name="advice">What to do instead, appended to the message; empty for none.</param>
    internal static void ValidatePlanned(string field, Capacity capacity, string whose, string advice)
    {
        if (capacity.Maximum > MaxPlanned)
        {
            throw new DeploymentValidationException(field,
                string.Create(CultureInfo.InvariantCulture, $"{whose} ({capacity.Maximum}) is above {MaxPlanned}, the largest capacity a deployment plans.{advice}"));
        }
    }

    internal static void Validate(string field, int minimum, int target, int maximum)
    {
        ThrowIfNegative(field + ".Minimum", minimum);
        ThrowIfNegative(field + ".Target", target);
        ThrowIfNegative(field + ".Maximum", maximum);
        if (minimum > maximum)
        {
            throw new DeploymentValidationException(field + ".Minimum",
                string.Create(CultureInfo.InvariantCulture, $"The minimum ({minimum}) is greater than the maximum ({maximum})."));
        }

        if (target < minimum)
        {
            throw new DeploymentValidationException(field + ".Target",
                string.Create(CultureInfo.InvariantCulture, $"The target ({target}) is below the minimum ({minimum})."));
        }

        if (target > maximum)
        {
            throw new DeploymentValidationException(field + ".Target",
                string.Create(CultureInfo.InvariantCulture, $"The target ({target}) is above the maximum ({maximum})."));
        }
    }

    private static void ThrowIfNegative(string field, int value)
    {
        if (value < 0)
        {
            throw new DeploymentValidationException(field,
                string.Create(CultureInfo.InvariantCulture, $"Must not be negative (was {value})."));
        }
    }

    /// <inheritdoc />
    public bool Equals(Capacity other) =>
        Minimum == other.Minimum && Target == other.Target && Maximum == other.Maximum &&
        string.Equals(Unit, other.Unit, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Capacity other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Minimum, Target, Maximum, Unit);

    /// <summary>Equality of all four parts.</summary>
    public static bool operator ==(Capacity left, Capacity right) => left.Equals(right);

    /// <summary>Inequality of any of the four parts.</summary>
    public static bool operator !=(Capacity left, Capacity right) => !left.Equals(right);

    /// <summary>For example <c>min 1, target 2, max 4</c> (the unit is shown when it is not <c>instance</c>).</summary>
    public override string ToString() =>
        string.Equals(Unit, InstanceUnit, StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"min {Minimum}, target {Target}, max {Maximum}")
            : string.Create(CultureInfo.InvariantCulture, $"min {Minimum}, target {Target}, max {Maximum} ({Unit})");
}
