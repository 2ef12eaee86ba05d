using System.Xml.Linq;

namespace Spot.Deploy.Aws;

/// <summary>The AWS services this package calls.</summary>
public enum AwsService
{
    /// <summary>EC2 (signing name <c>ec2</c>), called through the AWS SDK for .NET (<c>IAmazonEC2</c>).</summary>
    Ec2,

    /// <summary>ELBv2 (<c>query</c> protocol, API version 2015-12-01, signing name <c>elasticloadbalancing</c>), called by this package's transport.</summary>
    ElasticLoadBalancingV2,

    /// <summary>SSM, Systems Manager (signing name <c>ssm</c>), called through the AWS SDK for .NET (<c>IAmazonSimpleSystemsManagement</c>).</summary>
    SystemsManagement,

    /// <summary>CloudWatch (<c>query</c> protocol, API version 2010-08-01, signing name <c>monitoring</c>), called by this package's transport.</summary>
    CloudWatch,
}

/// <summary>
/// Sends one ELBv2 or CloudWatch query-protocol action (form-encoded POST, SigV4-signed) and returns the parsed XML
/// answer's root element, or throws <see cref="AwsApiException"/>. Retries throttling and 5xx.
/// </summary>
internal interface IAwsQueryTransport
{
    /// <summary>Sends <paramref name="action"/> with <paramref name="parameters"/> (without Action/Version, which the transport adds).</summary>
    /// <param name="service">Which API.</param>
    /// <param name="action">The action, e.g. <c>DescribeImages</c>.</param>
    /// <param name="parameters">Form parameters in order, already flattened (<c>Filter.1.Name</c>, <c>ListenerArns.member.1</c> …).</param>
    /// <param name="isMutating">True for ModifyListener / ModifyRule: never retried blindly (the caller re-reads state first).</param>
    /// <param name="cancellationToken">Stops the call.</param>
    Task<XElement> SendAsync(AwsService service, string action, IReadOnlyList<KeyValuePair<string, string>> parameters, bool isMutating, CancellationToken cancellationToken);
}
