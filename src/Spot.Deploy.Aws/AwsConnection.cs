using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Spot.Deploy.Aws;

/// <summary>
/// One AWS account and region: credentials, endpoints and retries, and the two services deployments
/// need — <see cref="Images"/> (AMI resolver over EC2 DescribeImages) and <see cref="Traffic"/> (ALB
/// traffic router over ELBv2). Safe for concurrent use; create one per account and region.
/// </summary>
public sealed class AwsConnection : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttpClient;

    /// <summary>Creates a connection with its own <see cref="HttpClient"/>.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public AwsConnection(AwsConnectionOptions options)
        : this(new HttpClient(), options, null, ownsHttpClient: true)
    {
    }

    /// <summary>Creates a connection on a given <see cref="HttpClient"/> (its lifetime stays the caller's).</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public AwsConnection(HttpClient httpClient, AwsConnectionOptions options)
        : this(httpClient, options, null, ownsHttpClient: false)
    {
    }

    /// <summary>Creates a connection on a given <see cref="HttpClient"/> that logs to <paramref name="logger"/>.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public AwsConnection(HttpClient httpClient, AwsConnectionOptions options, ILogger? logger)
        : this(httpClient, options, logger, ownsHttpClient: false)
    {
    }

    private AwsConnection(HttpClient httpClient, AwsConnectionOptions options, ILogger? logger, bool ownsHttpClient)
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
        var transport = new AwsQueryTransport(httpClient, effective, credentials, logger ?? NullLogger.Instance);
        Images = new AmiResolver(transport, effective.TimeProvider);
        Traffic = new TrafficRouter(transport, effective.TimeProvider);
    }

    /// <summary>The effective settings (region filled from the environment when it was not set).</summary>
    public AwsConnectionOptions Options { get; }

    /// <summary>What kind of credentials sign the calls, e.g. <c>BasicAWSCredentials</c> or <c>assumed role arn:…</c> (never the keys).</summary>
    public string CredentialsDescription { get; }

    /// <summary>Finds the AMI to deploy (EC2 DescribeImages).</summary>
    public AmiResolver Images { get; }

    /// <summary>Reads and moves ALB traffic (ELBv2).</summary>
    public TrafficRouter Traffic { get; }

    /// <summary>Disposes the <see cref="HttpClient"/> when the connection created it.</summary>
    public void Dispose()
    {
        if (_ownsHttpClient)
        {
            _http.Dispose();
        }
    }

    /// <summary>Describes the connection; keys are never shown.</summary>
    public override string ToString() => "AwsConnection(" + Options + ")";
}
