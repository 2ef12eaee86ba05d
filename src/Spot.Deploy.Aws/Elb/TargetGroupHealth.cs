namespace Spot.Deploy.Aws;

/// <summary>The health of given instances in one target group.</summary>
/// <param name="TargetGroupArn">The target group.</param>
/// <param name="IsHealthy">True when every given instance is registered and every registration of it is <c>healthy</c>.</param>
/// <param name="Targets">
/// Every registration of the given instances, in the order asked; an instance that is not registered
/// appears once with state <c>unused</c> and reason <c>Target.NotRegistered</c>, as ELBv2 itself reports it.
/// </param>
public sealed record TargetGroupHealth(string TargetGroupArn, bool IsHealthy, IReadOnlyList<TargetHealthDescription> Targets)
{
    /// <summary>The targets that are not healthy.</summary>
    public IReadOnlyList<TargetHealthDescription> Unhealthy => Targets.Where(t => !t.IsHealthy).ToArray();
}
