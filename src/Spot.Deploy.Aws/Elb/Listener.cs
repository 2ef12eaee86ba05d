namespace Spot.Deploy.Aws;

/// <summary>An ELBv2 listener (DescribeListeners); its default actions are the listener's default rule.</summary>
/// <param name="Arn">The listener's ARN.</param>
/// <param name="LoadBalancerArn">The load balancer it belongs to.</param>
/// <param name="Port">The port it listens on (null for Gateway Load Balancers).</param>
/// <param name="Protocol">e.g. <c>HTTP</c>, <c>HTTPS</c>.</param>
/// <param name="DefaultActions">The default rule's actions, complete (re-sent as they are by ModifyListener).</param>
public sealed record Listener(string Arn, string? LoadBalancerArn, int? Port, string? Protocol, IReadOnlyList<RuleAction> DefaultActions);
