using System.Globalization;

namespace Spot.Deploy.Planning;

/// <summary>
/// What a capacity is counted in, from the group document: instances (<c>capacity.unit</c> absent or <c>instance</c>),
/// or weight units (<c>capacity.unit: "weight"</c>), where each instance counts the weight of its type
/// (<c>compute.instanceTypes.weights[].weightedCapacity</c>) and a group's capacity is the sum of its instances' weights.
/// </summary>
/// <remarks>
/// Spot's OpenAPI gives <c>capacity.unit</c> as <c>instance</c> or <c>weight</c> (read-only: it cannot change once the
/// group exists) and <c>weights</c> as a whole-number weight per instance type, "only valid in weight capacity unit".
/// In <c>instance</c> units every instance weighs 1, so the rules below are the instance rules.
/// </remarks>
public sealed class InstanceWeights
{
    /// <summary>Spot's unit for weights: <c>weight</c>.</summary>
    public const string WeightUnit = "weight";

    private const string WeightsField = "Document.compute.instanceTypes.weights";

    private readonly Dictionary<string, int> _weights;

    private InstanceWeights(string unit, Dictionary<string, int> weights)
    {
        Unit = unit;
        _weights = weights;
        SmallestWeight = weights.Count == 0 ? 1 : weights.Values.Min();
    }

    /// <summary>Capacity in instances: every instance counts 1.</summary>
    public static InstanceWeights Instances { get; } = new(Capacity.InstanceUnit, new Dictionary<string, int>(StringComparer.Ordinal));

    /// <summary><see cref="Capacity.InstanceUnit"/> or <see cref="WeightUnit"/>.</summary>
    public string Unit { get; }

    /// <summary>True when capacities are in weight units.</summary>
    public bool IsWeighted => string.Equals(Unit, WeightUnit, StringComparison.Ordinal);

    /// <summary>Instance type → weight (empty in instance units).</summary>
    public IReadOnlyDictionary<string, int> Weights => _weights;

    /// <summary>
    /// The least capacity one instance adds: the smallest weight (1 in instance units). A phase never asks the new group
    /// for less, since Spot cannot launch part of an instance.
    /// </summary>
    public int SmallestWeight { get; }

    /// <summary>
    /// The unit and weights of a group document, checked: in weight units every instance type the group may launch
    /// needs a whole-number weight of at least 1, and a document naming no instance type still needs at least one weight.
    /// In instance units the weights are ignored (Spot uses them only in weight units).
    /// </summary>
    /// <param name="unit">The document's <c>capacity.unit</c>; null means <c>instance</c>.</param>
    /// <param name="instanceTypes">Every instance type the document lets the group launch.</param>
    /// <param name="weights">The document's <c>compute.instanceTypes.weights</c>, or null when it has none.</param>
    /// <exception cref="DeploymentValidationException">
    /// The unit is neither <c>instance</c> nor <c>weight</c> (field <c>Document.capacity.unit</c>), or a weight is missing
    /// or below 1 (field <c>Document.compute.instanceTypes.weights</c>).
    /// </exception>
    public static InstanceWeights Create(string? unit, IEnumerable<string> instanceTypes, IReadOnlyDictionary<string, int>? weights)
    {
        ArgumentNullException.ThrowIfNull(instanceTypes);
        if (unit is null || string.Equals(unit, Capacity.InstanceUnit, StringComparison.Ordinal))
        {
            return Instances;
        }

        if (!string.Equals(unit, WeightUnit, StringComparison.Ordinal))
        {
            throw new DeploymentValidationException("Document.capacity.unit", $"The capacity unit '{unit}' is not one Spot knows: use instance or weight.");
        }

        if (weights is null || weights.Count == 0)
        {
            throw new DeploymentValidationException(WeightsField,
                "The document counts capacity in weight units (capacity.unit: weight) but gives no compute.instanceTypes.weights: give every instance type a weightedCapacity, or use the instance unit.");
        }

        foreach (var (type, weight) in weights)
        {
            if (weight < 1)
            {
                throw new DeploymentValidationException(WeightsField,
                    string.Create(CultureInfo.InvariantCulture, $"The weight of {type} must be at least 1 (was {weight})."));
            }
        }

        var missing = instanceTypes.Where(t => !weights.ContainsKey(t)).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            throw new DeploymentValidationException(WeightsField,
                $"The document counts capacity in weight units but gives no weight for {string.Join(", ", missing)}: a group of that type could not be counted. Add a weightedCapacity for each.");
        }

        return new InstanceWeights(WeightUnit, new Dictionary<string, int>(weights, StringComparer.Ordinal));
    }

    /// <summary>How the unit reads in a sentence: <c>instances</c> or <c>weight units</c>.</summary>
    internal string Plural => IsWeighted ? "weight units" : "instances";

    /// <summary>For example <c>instance</c> or <c>weight (c5.large 2, c5.xlarge 4)</c>.</summary>
    public override string ToString() =>
        IsWeighted
            ? string.Create(CultureInfo.InvariantCulture, $"{Unit} ({string.Join(", ", _weights.Select(w => $"{w.Key} {w.Value}"))})")
            : Unit;
}
