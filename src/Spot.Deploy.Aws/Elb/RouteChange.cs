namespace Spot.Deploy.Aws;

/// <summary>
/// One change the <see cref="TrafficRouter"/> made (or attempted) on a route: the complete action list
/// before and after, so <see cref="TrafficRouter.RestoreAsync"/> can put back exactly what was there.
/// </summary>
/// <param name="Route">The route that was changed.</param>
/// <param name="Operation"><c>ModifyListener</c> (default rule, <c>DefaultActions</c>) or <c>ModifyRule</c> (<c>Actions</c>).</param>
/// <param name="ResourceArn">The listener or rule ARN the operation was sent for.</param>
/// <param name="Before">The complete action list read just before the change.</param>
/// <param name="After">The complete action list after the change (as ELBv2 answered, else as sent).</param>
public sealed record RouteChange(RouteRef Route, string Operation, string ResourceArn, IReadOnlyList<RuleAction> Before, IReadOnlyList<RuleAction> After)
{
    /// <inheritdoc />
    public override string ToString() =>
        Operation + " " + ResourceArn + ": [" + string.Join("; ", Before) + "] → [" + string.Join("; ", After) + "]";
}
