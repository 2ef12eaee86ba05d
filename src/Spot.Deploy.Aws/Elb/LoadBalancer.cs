namespace Spot.Deploy.Aws;

/// <summary>An ELBv2 load balancer (DescribeLoadBalancers).</summary>
/// <param name="Arn">The load balancer's ARN.</param>
/// <param name="Name">Its name.</param>
/// <param name="DnsName">Its public DNS name.</param>
/// <param name="Type"><c>application</c>, <c>network</c> or <c>gateway</c>.</param>
/// <param name="Scheme"><c>internet-facing</c> or <c>internal</c>.</param>
/// <param name="State">The state code: <c>active</c>, <c>provisioning</c>, <c>active_impaired</c>, <c>failed</c>.</param>
/// <param name="VpcId">The VPC it lives in.</param>
public sealed record LoadBalancer(string Arn, string? Name, string? DnsName, string? Type, string? Scheme, string? State, string? VpcId);
