using System.Globalization;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies;

/// <summary>
/// A group's capacity in weight units, as one poll sees it: every instance of the group's status counts the weight of
/// its instance type (<c>compute.instanceTypes.weights</c>); the healthy capacity is the sum over the instances Spot
/// reports <c>HEALTHY</c>.
/// </summary>
/// <param name="Healthy">The healthy instances' weights, summed.</param>
/// <param name="Total">Every instance's weight, summed.</param>
/// <param name="Largest">The largest weight of an instance of the group (0 when it has none).</param>
/// <param name="HealthyIds">The healthy instances that are in the group.</param>
internal readonly record struct WeightedCapacity(int Healthy, int Total, int Largest, IReadOnlyList<string> HealthyIds)
{
    /// <summary>
    /// Steady at <paramref name="target"/> weight units: the healthy instances weigh at least the target, and the group
    /// holds less than one instance more than it needs (its total minus its largest instance is below the target), as
    /// Spot launches whole instances until the target is reached. With every weight 1 this is the instance rule: exactly
    /// <paramref name="target"/> instances, all healthy.
    /// </summary>
    public bool IsSteadyAt(int target) => Healthy >= target && Total - Largest < target;

    /// <summary>Sums the weights; an instance whose type has no weight is an error, never a guess.</summary>
    /// <exception cref="InvalidOperationException">An instance's type has no weight in the group's document.</exception>
    public static WeightedCapacity Of(string groupId, IReadOnlyList<GroupInstance> status, IReadOnlyList<InstanceHealth> health, InstanceWeights weights)
    {
        var healthy = new HashSet<string>(health.Where(h => h.IsHealthy && h.InstanceId is not null).Select(h => h.InstanceId!), StringComparer.Ordinal);
        var healthyIds = new List<string>();
        int healthyWeight = 0, total = 0, largest = 0;
        foreach (var instance in status)
        {
            var type = instance.InstanceType ?? string.Empty;
            if (!weights.Weights.TryGetValue(type, out var weight))
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"Group '{groupId}' counts its capacity in weight units, but its instance {instance.InstanceId} is of type '{type}', which has no weight in the group's compute.instanceTypes.weights ({weights}); its capacity cannot be counted. Add a weight for {type} to the group in Spot, then resume."));
            }

            total += weight;
            largest = Math.Max(largest, weight);
            if (instance.InstanceId is { } id && healthy.Contains(id))
            {
                healthyWeight += weight;
                healthyIds.Add(id);
            }
        }

        return new WeightedCapacity(healthyWeight, total, largest, healthyIds);
    }
}
