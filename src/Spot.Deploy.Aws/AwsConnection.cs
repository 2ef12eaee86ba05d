using Amazon.EC2;
using Amazon.SimpleSystemsManagement;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Spot.Deploy.Aws;

/// <summary>
/// One AWS account and region: credentials, endpoints and retries, and the two services deployments
/// need — <see cref="Images"/> (AMI resolver over EC2 DescribeImages through <see cref="IAmazonEC2"/>, and SSM
/// parameters through <see cref="IAmazonSimpleSystemsManagement"/>), <see cref="Traffic"/> (ALB traffic router
/// over ELBv2) and <see cref="CloudWatch"/> (alarms and metrics for analysis checks). Safe for concurrent use; create one per account and region.
/// </summary>
public sealed class AwsConnection : IDisposable
{
    private readonly HttpClient? _http;
    private readonly bool _ownsHttpClient;
    private readonly List<IDisposable> _ownedClients = [];

    /// <summary>Creates a connection with its own <see cref="HttpClient"/> and AWS SDK clients.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public AwsConnection(AwsConnectionOptions options)
        : this(new HttpClient(), options, null, null, null, ownsHttpClient: true)
    {
    }

    /// <summary>Creates a connection on a given <see cref="HttpClient"/> (its lifetime stays the caller's), used by every call.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public AwsConnection(HttpClient httpClient, AwsConnectionOptions options)
        : this(httpClient, options, null, null, null, ownsHttpClient: false)
    {
    }

    /// <summary>Creates a connection on a given <see cref="HttpClient"/> that logs to <paramref name="logger"/>.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public AwsConnection(HttpClient httpClient, AwsConnectionOptions options, ILogger? logger)
        : this(httpClient, options, logger, null, null, ownsHttpClient: false)
    {
    }

    /// <summary>
    /// Creates a connection whose AMI resolver uses your AWS SDK clients (e.g. those registered by
    /// <c>AddAWSService&lt;IAmazonEC2&gt;()</c>, with their own credentials, region, retries and endpoints); a null
    /// client is built from <paramref name="options"/>. The ELBv2 transport uses <paramref name="httpClient"/> and
    /// <paramref name="options"/>. The given clients stay yours: the connection never disposes them.
    /// </summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public AwsConnection(HttpClient httpClient, AwsConnectionOptions options, ILogger? logger, IAmazonEC2? ec2, IAmazonSimpleSystemsManagement? systemsManagement)
        : this(httpClient, options, logger, ec2, systemsManagement, ownsHttpClient: false)
    {
    }

    /// <summary>
    /// Creates a connection from services you made: your own <see cref="AmiResolver"/> and <see cref="TrafficRouter"/>,
    /// or substitutes of them in tests. <see cref="Options"/> are then the defaults, with no region; <see cref="CloudWatch"/> is null.
    /// </summary>
    public AwsConnection(AmiResolver images, TrafficRouter traffic)
        : this(images, traffic, null)
    {
    }

    /// <summary>
    /// Creates a connection from services you made, with a CloudWatch client (your own, or a substitute in tests) for
    /// analysis checks. <see cref="Options"/> are then the defaults, with no region.
    /// </summary>
    public AwsConnection(AmiResolver images, TrafficRouter traffic, CloudWatchClient? cloudWatch)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(traffic);
        Options = new AwsConnectionOptions();
        CredentialsDescription = "given services";
        Images = images;
        Traffic = traffic;
        CloudWatch = cloudWatch;
    }

    private AwsConnection(HttpClient httpClient, AwsConnectionOptions options, ILogger? logger, IAmazonEC2? ec2, IAmazonSimpleSystemsManagement? ssm, bool ownsHttpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        var effective = options.WithEnvironmentDefaults();
        try
        {
            effective.Validate();
        }
        catch
        {
            if (ownsHttpClient)
            {
                httpClient.Dispose();
            }

            throw;
        }

        _http = httpClient;
        _ownsHttpClient = ownsHttpClient;
        Options = effective;
        var credentials = new AwsCredentialSource(effective);
        CredentialsDescription = credentials.Description;
        // Clients built here retry through the connection's own policy (clock, delays, logs); the user's keep theirs.
        var log = logger ?? NullLogger.Instance;
        var ec2Retry = AwsSdkRetry.None;
        if (ec2 is null)
        {
            var built = AwsSdkClients.CreateEc2(httpClient, effective, credentials.Credentials);
            _ownedClients.Add(built);
            ec2 = built;
            ec2Retry = AwsSdkRetry.ForReads(effective, log);
        }

        var ssmRetry = AwsSdkRetry.None;
        if (ssm is null)
        {
            var built = AwsSdkClients.CreateSsm(httpClient, effective, credentials.Credentials);
            _ownedClients.Add(built);
            ssm = built;
            ssmRetry = AwsSdkRetry.ForReads(effective, log);
        }

        var transport = new AwsQueryTransport(httpClient, effective, credentials, log, new CloudWatchPacer(effective.CloudWatchRequestsPerSecond, effective.TimeProvider));
        Images = new AmiResolver(ec2, ec2Retry, ssm, ssmRetry, effective.TimeProvider);
        Traffic = new TrafficRouter(transport, effective.TimeProvider);
        CloudWatch = new CloudWatchClient(transport);
    }

    /// <summary>The effective settings (region filled from the environment when it was not set).</summary>
    public AwsConnectionOptions Options { get; }

    /// <summary>What kind of credentials sign the calls, e.g. <c>BasicAWSCredentials</c> or <c>assumed role arn:…</c> (never the keys).</summary>
    public string CredentialsDescription { get; }

    /// <summary>Finds the AMI to deploy (EC2 DescribeImages, SSM GetParameter).</summary>
    public AmiResolver Images { get; }

    /// <summary>Reads and moves ALB traffic (ELBv2).</summary>
    public TrafficRouter Traffic { get; }

    /// <summary>Reads CloudWatch alarms and metrics (analysis checks); null only for a connection made from given services without one.</summary>
    public CloudWatchClient? CloudWatch { get; }

    /// <summary>Disposes the AWS SDK clients and the <see cref="HttpClient"/> the connection created.</summary>
    public void Dispose()
    {
        foreach (var client in _ownedClients)
        {
            client.Dispose();
        }

        _ownedClients.Clear();
        if (_ownsHttpClient)
        {
            _http?.Dispose();
        }
    }

    /// <summary>Describes the connection; keys are never shown.</summary>
    public override string ToString() => "AwsConnection(" + Options + ")";
}
