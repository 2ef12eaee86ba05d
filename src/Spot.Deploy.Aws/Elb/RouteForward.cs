namespace Spot.Deploy.Aws;

/// <summary>Where a route forwards traffic now, as read from ELBv2.</summary>
/// <param name="Route">The route that was read.</param>
/// <param name="IsDefaultRule">True when the route is a listener's default rule (changed with ModifyListener).</param>
/// <param name="TargetGroups">The forward action's target groups and weights.</param>
/// <param name="Stickiness">The forward action's target group stickiness, when reported.</param>
/// <param name="Actions">The route's complete action list.</param>
public sealed record RouteForward(RouteRef Route, bool IsDefaultRule, IReadOnlyList<WeightedTargetGroup> TargetGroups, TargetGroupStickiness? Stickiness, IReadOnlyList<RuleAction> Actions)
{
    /// <summary>
    /// The one target group receiving traffic: the only group, or the only group with a weight above 0;
    /// null while traffic is split between several.
    /// </summary>
    public string? PrimaryTargetGroupArn
    {
        get
        {
            if (TargetGroups.Count == 1)
            {
                return TargetGroups[0].TargetGroupArn;
            }

            var receiving = TargetGroups.Where(g => g.Weight is null or > 0).Select(g => g.TargetGroupArn).Distinct(StringComparer.Ordinal).ToArray();
            return receiving.Length == 1 ? receiving[0] : null;
        }
    }
}
