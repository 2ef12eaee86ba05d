using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;

namespace Spot.Deploy.Aws;

/// <summary>
/// SigV4 signing of a query-protocol POST with AWSSDK.Core's own signer (no crypto of ours): the
/// canonical request, hashes and HMACs all come from <see cref="AWS4Signer"/>.
/// </summary>
internal static class AwsSigner
{
    private static readonly AWS4Signer Signer = new();

    /// <summary>The headers to send: Host is set by HttpClient from the endpoint, the others are returned.</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> Sign(Uri endpoint, string region, string signingName, byte[] body, string contentType, ImmutableCredentials credentials, DateTime signingTimeUtc)
    {
        var request = new DefaultRequest(new EmptyRequest(), signingName)
        {
            HttpMethod = "POST",
            Endpoint = new Uri(endpoint.GetLeftPart(UriPartial.Authority)),
            ResourcePath = endpoint.AbsolutePath,
            Content = body,
            AuthenticationRegion = region,
            OverrideSigningServiceName = signingName,
        };
        request.Headers["Content-Type"] = contentType;
        if (!string.IsNullOrEmpty(credentials.Token))
        {
            request.Headers["X-Amz-Security-Token"] = credentials.Token;
        }

        var result = Signer.SignRequest(request, new SigningConfig(signingName), null, credentials.AccessKey, credentials.SecretKey, signingTimeUtc);
        request.Headers["Authorization"] = result.ForAuthorizationHeader;
        return [.. request.Headers.Where(h => !string.Equals(h.Key, "host", StringComparison.OrdinalIgnoreCase))];
    }

    private sealed class EmptyRequest : AmazonWebServiceRequest
    {
    }

    /// <summary>The least configuration the signer reads; the region and service come from the request.</summary>
    private sealed class SigningConfig(string serviceName) : ClientConfig(null!)
    {
        public override string ServiceVersion => "query";

        public override string UserAgent => "Spot.Deploy.Aws";

        public override string RegionEndpointServiceName => serviceName;

        public override Amazon.Runtime.Endpoints.Endpoint DetermineServiceOperationEndpoint(Amazon.Runtime.Endpoints.ServiceOperationEndpointParameters parameters) =>
            throw new NotSupportedException("Endpoints are resolved by Spot.Deploy.Aws.");
    }
}
