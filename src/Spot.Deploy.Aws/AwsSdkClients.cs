using Amazon;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;

namespace Spot.Deploy.Aws;

/// <summary>
/// Builds the AWS SDK for .NET clients of an <see cref="AwsConnection"/> from its options: the same region,
/// credentials, endpoint overrides, attempt timeout and <see cref="HttpClient"/> as the ELBv2 transport.
/// </summary>
internal static class AwsSdkClients
{
    internal static AmazonEC2Client CreateEc2(HttpClient http, AwsConnectionOptions options, AWSCredentials credentials)
    {
        var config = new AmazonEC2Config();
        Configure(config, http, options, options.Ec2Endpoint);
        return new AmazonEC2Client(credentials, config);
    }

    internal static AmazonSimpleSystemsManagementClient CreateSsm(HttpClient http, AwsConnectionOptions options, AWSCredentials credentials)
    {
        var config = new AmazonSimpleSystemsManagementConfig();
        Configure(config, http, options, options.SystemsManagementEndpoint);
        return new AmazonSimpleSystemsManagementClient(credentials, config);
    }

    private static void Configure(ClientConfig config, HttpClient http, AwsConnectionOptions options, Uri? endpoint)
    {
        if (endpoint is null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        else
        {
            // A custom endpoint (the emulator, a VPC endpoint) is still signed for the connection's region.
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = options.Region;
        }

        // The connection retries these calls itself (AwsSdkRetry): on its clock, with its delays, logged; never twice.
        config.MaxErrorRetry = 0;
        config.Timeout = options.AttemptTimeout;
        config.HttpClientFactory = new GivenHttpClient(http);
    }

    /// <summary>Hands the SDK the connection's <see cref="HttpClient"/>: never cached or disposed by the SDK (its lifetime stays the connection's).</summary>
    private sealed class GivenHttpClient(HttpClient http) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => http;

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
    }
}
