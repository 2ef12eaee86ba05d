namespace Spot.Deploy.Aws;

/// <summary>The health of one registered target (DescribeTargetHealth).</summary>
/// <param name="TargetId">The instance id (or IP / ARN for other target types).</param>
/// <param name="Port">The port the target is registered on.</param>
/// <param name="State"><c>initial</c>, <c>healthy</c>, <c>unhealthy</c>, <c>unused</c>, <c>draining</c>, <c>unavailable</c> …</param>
/// <param name="Reason">ELBv2's reason code, e.g. <c>Target.FailedHealthChecks</c> (none when healthy).</param>
/// <param name="Description">ELBv2's explanation (none when healthy).</param>
public sealed record TargetHealthDescription(string TargetId, int? Port, string? State, string? Reason, string? Description)
{
    /// <summary>True when <see cref="State"/> is <c>healthy</c>.</summary>
    public bool IsHealthy => string.Equals(State, "healthy", StringComparison.Ordinal);
}
