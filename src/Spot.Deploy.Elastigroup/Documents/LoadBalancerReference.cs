namespace Spot.Deploy.Elastigroup;

/// <summary>
/// One entry of <c>compute.launchSpecification.loadBalancersConfig.loadBalancers</c> in an Elastigroup:
/// a target group (<c>TARGET_GROUP</c>, identified by its ARN), a classic load balancer (<c>CLASSIC</c>, by name),
/// or another kind Spot supports (<c>MULTAI_TARGET_SET</c>…).
/// </summary>
/// <param name="Name">The <c>name</c> field: the classic load balancer's or target group's name; null when absent.</param>
/// <param name="Arn">The <c>arn</c> field: the target group's ARN; null when absent (classic load balancers have none).</param>
/// <param name="Type">The <c>type</c> field as Spot spells it, such as <c>TARGET_GROUP</c> or <c>CLASSIC</c>.</param>
public sealed record LoadBalancerReference(string? Name, string? Arn, string Type)
{
    /// <summary>A reference to an ELBv2 target group (<c>type</c> <c>TARGET_GROUP</c>).</summary>
    /// <param name="arn">The target group's ARN.</param>
    /// <param name="name">The target group's name, if known; Spot does not need it.</param>
    /// <returns>The reference.</returns>
    /// <exception cref="ArgumentException"><paramref name="arn"/> is null, empty or white space.</exception>
    public static LoadBalancerReference TargetGroup(string arn, string? name = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(arn);
        return new LoadBalancerReference(name, arn, DocumentJson.TargetGroupType);
    }
}
