namespace Spot.Deploy.Aws;

/// <summary>An ELBv2 target group (DescribeTargetGroups).</summary>
/// <param name="Arn">The target group's ARN.</param>
/// <param name="Name">Its name.</param>
/// <param name="Port">The port targets receive traffic on (null for Lambda targets).</param>
/// <param name="Protocol">e.g. <c>HTTP</c>.</param>
/// <param name="TargetType"><c>instance</c>, <c>ip</c>, <c>lambda</c> or <c>alb</c>.</param>
/// <param name="LoadBalancerArns">The load balancers routing to it.</param>
public sealed record TargetGroup(string Arn, string? Name, int? Port, string? Protocol, string? TargetType, IReadOnlyList<string> LoadBalancerArns);
