using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace Spot.Deploy.Aws;

/// <summary>
/// SigV4 signing of a query-protocol POST with AWSSDK.Core's public signer, <see cref="AWSSigV4Signer"/>
/// (no crypto of ours): the canonical request, the payload hash and the HMAC key derivation all come from the SDK.
/// </summary>
internal static class AwsSigner
{
    /// <summary>The headers to send: Host is set by HttpClient from the endpoint, the others are returned.</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> Sign(Uri endpoint, string region, string signingName, byte[] body, string contentType, ImmutableCredentials credentials, DateTime signingTimeUtc)
    {
        var request = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = endpoint, Content = body };
        request.Headers["Content-Type"] = contentType;
        var parameters = new AWSSigV4Parameters
        {
            Credentials = credentials.UseToken
                ? new SessionAWSCredentials(credentials.AccessKey, credentials.SecretKey, credentials.Token)
                : new BasicAWSCredentials(credentials.AccessKey, credentials.SecretKey),
            Region = RegionEndpoint.GetBySystemName(region),
            Service = signingName,
            SignPayload = true,

            // The signer converts to UTC; the caller's clock is UTC already, whatever its Kind says.
            SignedAt = DateTime.SpecifyKind(signingTimeUtc, DateTimeKind.Utc),
        };

        // The result's dictionary ignores case; the names we send keep their usual spelling.
        var signed = AWSSigV4Signer.Sign(request, parameters).Headers;
        List<KeyValuePair<string, string>> headers = [new("Content-Type", contentType)];
        if (credentials.UseToken)
        {
            headers.Add(new("X-Amz-Security-Token", signed["X-Amz-Security-Token"]));
        }

        headers.Add(new("X-Amz-Date", signed["X-Amz-Date"]));
        headers.Add(new("X-Amz-Content-SHA256", signed["X-Amz-Content-SHA256"]));
        headers.Add(new("Authorization", signed["Authorization"]));
        return headers;
    }
}
