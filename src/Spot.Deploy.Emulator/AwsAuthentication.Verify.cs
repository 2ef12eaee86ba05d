using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime.Internal.Auth;
using Amazon.Util;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Spot.Deploy.Emulator;

/// <summary>
/// SigV4 verification: the signature is recomputed with AWSSDK.Core's own <see cref="AWS4Signer"/> —
/// its canonicalization of the request, its SHA-256 of the body and its HMAC key derivation — over exactly
/// the headers the client named in <c>SignedHeaders</c>, at the client's <c>X-Amz-Date</c>, for the region
/// and service of the credential scope, and compared with the one sent.
/// </summary>
internal static partial class AwsAuthentication
{
    /// <summary>The reason given for an unknown access key id (see <see cref="ErrorCodeOf"/>).</summary>
    internal const string UnknownAccessKeyReason = "The security token included in the request is invalid.";

    /// <summary>The reason given when the signature differs (AWS's own wording).</summary>
    internal const string SignatureMismatchReason =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    private const string Algorithm = "AWS4-HMAC-SHA256";

    private static readonly string[] AuthorizationFields = ["Credential", "SignedHeaders", "Signature"];

    /// <summary>
    /// The AWS error code of a refusal reason returned by <see cref="VerifyAsync"/>: an unknown access key is
    /// <c>AuthFailure</c> on EC2 and <c>InvalidClientTokenId</c> on ELBv2, a malformed Authorization header
    /// <c>IncompleteSignature</c>, anything else <c>SignatureDoesNotMatch</c>.
    /// </summary>
    internal static string ErrorCodeOf(string service, string reason) =>
        reason == UnknownAccessKeyReason ? (service == "ec2" ? "AuthFailure" : "InvalidClientTokenId")
        : reason.StartsWith("Authorization header", StringComparison.Ordinal) ? "IncompleteSignature"
        : "SignatureDoesNotMatch";

    /// <summary>Null when the request is signed by the configured key pair; otherwise why not.</summary>
    private static async Task<string?> VerifyAsync(HttpContext context, string service, EmulatorOptions options)
    {
        var request = context.Request;
        request.EnableBuffering();
        request.Body.Position = 0;
        byte[] body;
        using (var buffer = new MemoryStream())
        {
            await request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            body = buffer.ToArray();
        }

        request.Body.Position = 0;

        // The path as the client saw it before encoding (the signer encodes it again, as clients do); the query as sent.
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        var question = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var query = question < 0 ? string.Empty : rawTarget[(question + 1)..];
        var path = (request.PathBase + request.Path).Value ?? "/";
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = string.Join(",", values.Select(v => v ?? string.Empty));
        }

        return Verify(request.Method, path.Length == 0 ? "/" : path, query, headers, body, service, options);
    }

    /// <summary>
    /// Verifies one request: <paramref name="path"/> unencoded, <paramref name="query"/> as sent (without <c>?</c>),
    /// <paramref name="headers"/> by name (case-insensitive), <paramref name="body"/> exactly as received.
    /// </summary>
    internal static string? Verify(string method, string path, string query, IReadOnlyDictionary<string, string> headers, byte[] body, string service, EmulatorOptions options)
    {
        if (!headers.TryGetValue("Authorization", out var authorization) || !authorization.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            return "Authorization header requires the " + Algorithm + " algorithm.";
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in authorization[(Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                fields[part[..equals]] = part[(equals + 1)..];
            }
        }

        var missing = AuthorizationFields.Where(name => !fields.ContainsKey(name)).ToArray();
        if (missing.Length > 0)
        {
            return string.Join(" ", missing.Select(name => $"Authorization header requires '{name}' parameter.")) + " Authorization=" + Algorithm;
        }

        var scope = fields["Credential"].Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request")
        {
            return "Authorization header has a malformed Credential: expected <access key>/<date>/<region>/<service>/aws4_request.";
        }

        var (accessKey, scopeDate, region, scopeService) = (scope[0], scope[1], scope[2], scope[3]);
        if (!string.Equals(accessKey, options.AwsAccessKeyId, StringComparison.Ordinal))
        {
            return UnknownAccessKeyReason;
        }

        if (region != options.Region)
        {
            return $"Credential should be scoped to a valid region, not '{region}'. ";
        }

        if (scopeService != service)
        {
            return $"Credential should be scoped to correct service: '{service}'. ";
        }

        var signedHeaderNames = fields["SignedHeaders"].Split(';');
        if (!signedHeaderNames.Contains("host", StringComparer.Ordinal))
        {
            return "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.";
        }

        if (!TryReadSigningTime(headers, out var signedAt))
        {
            return "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.";
        }

        if (signedAt.ToString("yyyyMMdd", CultureInfo.InvariantCulture) != scopeDate)
        {
            return $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scopeDate}' != '{signedAt:yyyyMMdd}', from '{signedAt:yyyyMMdd'T'HHmmss'Z'}'.";
        }

        var signedHeaders = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in signedHeaderNames)
        {
            if (name.Length == 0 || name.Any(char.IsAsciiLetterUpper) || signedHeaders.ContainsKey(name))
            {
                return SignatureMismatchReason;
            }

            if (!headers.TryGetValue(name, out var value))
            {
                // A header the client signed but did not send: the signature cannot be the one the client computed.
                return SignatureMismatchReason;
            }

            signedHeaders[name] = value;
        }

        var bodyHash = AWSSDKUtils.ToHex(AWS4Signer.ComputeHash(body), true);
        var canonicalRequest = Canonicalizer.Canonicalize(signedHeaders["host"], path, method, signedHeaders, query, bodyHash);
        var expected = AWS4Signer.ComputeSignature(accessKey, options.AwsSecretAccessKey, region, signedAt, service, string.Join(";", signedHeaders.Keys), canonicalRequest);
        var sent = fields["Signature"];
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected.Signature), Encoding.ASCII.GetBytes(sent))
            ? null
            : SignatureMismatchReason;
    }

    /// <summary>The signing time: <c>X-Amz-Date</c> (<c>20261121T120000Z</c>), else the HTTP <c>Date</c>.</summary>
    private static bool TryReadSigningTime(IReadOnlyDictionary<string, string> headers, out DateTime signedAt)
    {
        if (headers.TryGetValue("X-Amz-Date", out var amzDate))
        {
            return DateTime.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out signedAt);
        }

        if (headers.TryGetValue("Date", out var date))
        {
            return DateTime.TryParseExact(date, "r", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out signedAt);
        }

        signedAt = default;
        return false;
    }

    /// <summary>Reaches AWS4Signer's own request canonicalization, so the canonical form is the SDK's, not ours.</summary>
    private sealed class Canonicalizer : AWS4Signer
    {
        internal static string Canonicalize(string host, string path, string method, SortedDictionary<string, string> signedHeaders, string query, string bodyHash) =>
            CanonicalizeRequest(new Uri("http://" + host + "/"), path, method, signedHeaders, query.Length == 0 ? string.Empty : CanonicalizeQueryParameters(query), bodyHash);
    }
}
