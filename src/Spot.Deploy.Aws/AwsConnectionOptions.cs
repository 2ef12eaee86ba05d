using System.Globalization;
using Amazon.Runtime;

namespace Spot.Deploy.Aws;

/// <summary>
/// Settings of an <see cref="AwsConnection"/>: region, credentials, endpoints, retries. A plain class;
/// <see cref="Validate"/> runs once when a connection is created.
/// </summary>
public sealed class AwsConnectionOptions
{
    /// <summary>
    /// The region, e.g. <c>us-east-1</c>. When null, <c>AWS_REGION</c> or <c>AWS_DEFAULT_REGION</c> is read
    /// when the connection is created.
    /// </summary>
    public string? Region { get; set; }

    /// <summary>Explicit access key id (with <see cref="SecretAccessKey"/>); null uses <see cref="Credentials"/> or the default chain.</summary>
    public string? AccessKeyId { get; set; }

    /// <summary>Explicit secret access key. Never logged, never in exceptions or <see cref="ToString"/>.</summary>
    public string? SecretAccessKey { get; set; }

    /// <summary>Session token for temporary explicit keys.</summary>
    public string? SessionToken { get; set; }

    /// <summary>Any AWSSDK credentials object (profile, instance role, …); used when no explicit keys are set.</summary>
    public AWSCredentials? Credentials { get; set; }

    /// <summary>
    /// A role to assume (cross-account deployments): the base credentials (explicit, <see cref="Credentials"/>
    /// or the default chain) call STS AssumeRole and the temporary credentials sign every call.
    /// </summary>
    public string? AssumeRoleArn { get; set; }

    /// <summary>External id required by the role's trust policy, if any.</summary>
    public string? ExternalId { get; set; }

    /// <summary>Session name for <see cref="AssumeRoleArn"/>. Default <c>spot-deploy</c>.</summary>
    public string RoleSessionName { get; set; } = "spot-deploy";

    /// <summary>
    /// EC2 endpoint of the AWS SDK client the connection builds (its <c>ServiceURL</c>, still signed for <see cref="Region"/>);
    /// null means the SDK's endpoint for the region. Set it to use the emulator.
    /// </summary>
    public Uri? Ec2Endpoint { get; set; }

    /// <summary>ELBv2 endpoint; null means <c>https://elasticloadbalancing.{region}.amazonaws.com</c>.</summary>
    public Uri? ElasticLoadBalancingEndpoint { get; set; }

    /// <summary>
    /// SSM (Systems Manager) endpoint for AMIs read from parameters (<see cref="AmiQuery.Parameter"/>); null means the
    /// SDK's endpoint for the region. Set it to use the emulator.
    /// </summary>
    public Uri? SystemsManagementEndpoint { get; set; }

    /// <summary>CloudWatch endpoint (alarms and metrics of analysis checks); null means <c>https://monitoring.{region}.amazonaws.com</c>.</summary>
    public Uri? CloudWatchEndpoint { get; set; }

    /// <summary>
    /// The pace of this connection's CloudWatch calls (alarms and metrics of analysis checks), in calls per second over
    /// all of them: calls beyond it wait their turn on the connection's clock instead of being throttled. Default 9, the
    /// smallest of CloudWatch's per-account API quotas the checks use (DescribeAlarms); raise it where your account's
    /// quotas are higher, lower it where other programs share them. 0 does not pace.
    /// </summary>
    public double CloudWatchRequestsPerSecond { get; set; } = 9;

    /// <summary>How long one attempt of one call may take. Default 30 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of throttled, 5xx, timed-out or disconnected calls that are safe to repeat. Default 5.</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>The first retry delay (exponential, with jitter). Default 1 s.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between attempts. Default 20 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The clock for signing times, delays and timeouts. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Seed of the retry jitter, for reproducible tests; null for a random seed.</summary>
    public int? RandomSeed { get; set; }

    /// <summary>Checks every setting and throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Region))
        {
            throw new ArgumentException("A region is required: set Region or the AWS_REGION environment variable.", nameof(Region));
        }

        if (Region.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
        {
            throw new ArgumentException($"The region '{Region}' is not a region name like us-east-1.", nameof(Region));
        }

        if ((AccessKeyId is null) != (SecretAccessKey is null))
        {
            throw new ArgumentException("Set both AccessKeyId and SecretAccessKey, or neither.", AccessKeyId is null ? nameof(AccessKeyId) : nameof(SecretAccessKey));
        }

        if (SessionToken is not null && AccessKeyId is null)
        {
            throw new ArgumentException("A SessionToken needs AccessKeyId and SecretAccessKey.", nameof(SessionToken));
        }

        if (AssumeRoleArn is not null && !AssumeRoleArn.StartsWith("arn:", StringComparison.Ordinal))
        {
            throw new ArgumentException("AssumeRoleArn must be a role ARN (arn:aws:iam::123456789012:role/name).", nameof(AssumeRoleArn));
        }

        CheckEndpoint(Ec2Endpoint, nameof(Ec2Endpoint));
        CheckEndpoint(ElasticLoadBalancingEndpoint, nameof(ElasticLoadBalancingEndpoint));
        CheckEndpoint(SystemsManagementEndpoint, nameof(SystemsManagementEndpoint));
        CheckEndpoint(CloudWatchEndpoint, nameof(CloudWatchEndpoint));
        if (AttemptTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("AttemptTimeout must be positive.", nameof(AttemptTimeout));
        }

        if (RetryBaseDelay <= TimeSpan.Zero || MaxRetryDelay <= TimeSpan.Zero)
        {
            throw new ArgumentException("Retry delays must be positive.", RetryBaseDelay <= TimeSpan.Zero ? nameof(RetryBaseDelay) : nameof(MaxRetryDelay));
        }

        if (!double.IsFinite(CloudWatchRequestsPerSecond) || CloudWatchRequestsPerSecond < 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"CloudWatchRequestsPerSecond must be 0 (no pacing) or a positive number (was {CloudWatchRequestsPerSecond})."), nameof(CloudWatchRequestsPerSecond));
        }

        if (MaxRetries is < 0 or > 20)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"MaxRetries must be between 0 and 20 (was {MaxRetries})."), nameof(MaxRetries));
        }

        if (TimeProvider is null)
        {
            throw new ArgumentException("TimeProvider is required.", nameof(TimeProvider));
        }
    }

    /// <summary>The endpoint of <paramref name="service"/> for this region (or the configured override).</summary>
    public Uri EndpointOf(AwsService service)
    {
        var (custom, host) = service switch
        {
            AwsService.Ec2 => (Ec2Endpoint, "ec2"),
            AwsService.SystemsManagement => (SystemsManagementEndpoint, "ssm"),
            AwsService.CloudWatch => (CloudWatchEndpoint, "monitoring"),
            _ => (ElasticLoadBalancingEndpoint, "elasticloadbalancing"),
        };
        if (custom is not null)
        {
            return custom;
        }

        var suffix = Region is not null && Region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
        return new Uri($"https://{host}.{Region}.{suffix}/");
    }

    /// <summary>Describes the settings; keys and tokens are never shown.</summary>
    public override string ToString() =>
        $"Region={Region ?? "(env)"}, Credentials={(AccessKeyId is not null ? "explicit keys" : Credentials is not null ? Credentials.GetType().Name : "default chain")}" +
        (AssumeRoleArn is null ? string.Empty : ", AssumeRole=" + AssumeRoleArn) +
        (Ec2Endpoint is null ? string.Empty : ", Ec2Endpoint=" + Ec2Endpoint) +
        (ElasticLoadBalancingEndpoint is null ? string.Empty : ", ElasticLoadBalancingEndpoint=" + ElasticLoadBalancingEndpoint) +
        (SystemsManagementEndpoint is null ? string.Empty : ", SystemsManagementEndpoint=" + SystemsManagementEndpoint) +
        (CloudWatchEndpoint is null ? string.Empty : ", CloudWatchEndpoint=" + CloudWatchEndpoint);

    internal AwsConnectionOptions WithEnvironmentDefaults()
    {
        var copy = (AwsConnectionOptions)MemberwiseClone();
        copy.Region ??= Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION");
        return copy;
    }

    private static void CheckEndpoint(Uri? endpoint, string name)
    {
        if (endpoint is not null && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp)))
        {
            throw new ArgumentException(name + " must be an absolute http(s) address.", name);
        }
    }
}
