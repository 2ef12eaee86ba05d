namespace Spot.Deploy.Aws;

/// <summary>
/// A place traffic is routed from: a listener's default rule (<paramref name="RuleArn"/> null) or one
/// of its rules.
/// </summary>
/// <param name="ListenerArn">The listener.</param>
/// <param name="RuleArn">The rule; null for the listener's default rule.</param>
public sealed record RouteRef(string ListenerArn, string? RuleArn = null)
{
    /// <summary>True when this is the listener's default rule by construction (a default rule's ARN is also recognised when read).</summary>
    public bool IsListenerDefault => RuleArn is null;

    /// <inheritdoc />
    public override string ToString() =>
        RuleArn is null ? "default rule of listener " + ListenerArn : "rule " + RuleArn + " of listener " + ListenerArn;
}
