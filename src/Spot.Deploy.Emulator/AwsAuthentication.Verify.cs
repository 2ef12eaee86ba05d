using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.Util;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Spot.Deploy.Emulator;

/// <summary>
/// SigV4 verification: the signature is recomputed over exactly the headers the client named in
/// <c>SignedHeaders</c>, at the client's <c>X-Amz-Date</c>, for the region and service of the credential
/// scope, and compared with the one sent. Every hash and HMAC is AWSSDK.Core's (<see cref="CryptoUtilFactory"/>),
/// and so are the canonical path, the header-value trimming and the percent-encoding (<see cref="AWSSDKUtils"/>);
/// only the assembly of SigV4's canonical request and string to sign is spelled out here, because the SDK's
/// public signer (<c>Amazon.Runtime.Signing.AWSSigV4Signer</c>, which our client signs with) chooses the
/// signed headers itself and never signs some that other SDKs do (the JavaScript SDK's <c>amz-sdk-request</c>,
/// <c>x-amz-user-agent</c>), so it cannot re-create another client's signature.
/// </summary>
internal static partial class AwsAuthentication
{
    /// <summary>The reason given for an unknown access key id (see <see cref="ErrorCodeOf"/>).</summary>
    internal const string UnknownAccessKeyReason = "The security token included in the request is invalid.";

    /// <summary>The reason given when the signature differs (AWS's own wording).</summary>
    internal const string SignatureMismatchReason =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    private const string Algorithm = "AWS4-HMAC-SHA256";

    private const string ScopeTerminator = "aws4_request";

    private static readonly string[] AuthorizationFields = ["Credential", "SignedHeaders", "Signature"];

    /// <summary>
    /// The AWS error code of a refusal reason returned by <see cref="VerifyAsync"/>: an unknown access key is
    /// <c>AuthFailure</c> on EC2 and <c>InvalidClientTokenId</c> on ELBv2, a malformed Authorization header
    /// <c>IncompleteSignature</c>, anything else <c>SignatureDoesNotMatch</c>.
    /// </summary>
    internal static string ErrorCodeOf(string service, string reason) =>
        service == "ssm" ? (reason == UnknownAccessKeyReason ? "UnrecognizedClientException" : reason.StartsWith("Authorization header", StringComparison.Ordinal) ? "IncompleteSignatureException" : "InvalidSignatureException")
        : reason == UnknownAccessKeyReason ? (service == "ec2" ? "AuthFailure" : "InvalidClientTokenId")
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
        if (scope.Length != 5 || scope[4] != ScopeTerminator)
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

        var canonicalRequest = CanonicalRequest(method, path, query, signedHeaders, body);
        var expected = Signature(options.AwsSecretAccessKey!, scopeDate, region, service, signedAt, canonicalRequest);
        var sent = fields["Signature"];
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(sent))
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

    /// <summary>
    /// SigV4's canonical request: method, canonical path, canonical query, the signed headers (lower-case names,
    /// values with runs of spaces compressed and ends trimmed), their names, and the hex SHA-256 of the body as received.
    /// </summary>
    private static string CanonicalRequest(string method, string path, string query, SortedDictionary<string, string> signedHeaders, byte[] body)
    {
        var canonicalPath = AWSSDKUtils.CanonicalizeResourcePathV2(new Uri("http://" + signedHeaders["host"] + "/"), path, true, null);
        var canonicalHeaders = string.Concat(signedHeaders.Select(h => h.Key + ":" + AWSSDKUtils.CompressSpaces(h.Value, true) + "\n"));
        return string.Join('\n', method, canonicalPath, CanonicalQuery(query), canonicalHeaders, string.Join(";", signedHeaders.Keys), Hex(Crypto.ComputeSHA256Hash(body)));
    }

    /// <summary>
    /// SigV4's canonical query: each name and value decoded from the query as sent (a <c>+</c> is a space, as AWS
    /// reads it), percent-encoded again by the SDK, sorted by name then value, a name without a value as <c>name=</c>.
    /// </summary>
    private static string CanonicalQuery(string query) =>
        string.Join("&", query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(pair => (Name: Encode(pair[0]), Value: pair.Length == 2 ? Encode(pair[1]) : string.Empty))
            .OrderBy(pair => pair.Name, StringComparer.Ordinal)
            .ThenBy(pair => pair.Value, StringComparer.Ordinal)
            .Select(pair => pair.Name + "=" + pair.Value));

    private static string Encode(string component) => AWSSDKUtils.UrlEncode(WebUtility.UrlDecode(component), false);

    /// <summary>
    /// The signature: SigV4's string to sign (algorithm, time, scope, hash of the canonical request), signed with the
    /// key derived from the secret by HMAC over the scope's date, region, service and terminator.
    /// </summary>
    private static string Signature(string secretKey, string scopeDate, string region, string service, DateTime signedAt, string canonicalRequest)
    {
        var scope = string.Join('/', scopeDate, region, service, ScopeTerminator);
        var stringToSign = string.Join('\n', Algorithm, signedAt.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture), scope, Hex(Crypto.ComputeSHA256Hash(Encoding.UTF8.GetBytes(canonicalRequest))));
        var key = Encoding.UTF8.GetBytes("AWS4" + secretKey);
        foreach (var part in new[] { scopeDate, region, service, ScopeTerminator })
        {
            key = Hmac(key, part);
        }

        return Hex(Hmac(key, stringToSign));
    }

    private static ICryptoUtil Crypto => CryptoUtilFactory.CryptoInstance;

    private static byte[] Hmac(byte[] key, string data) => Crypto.HMACSignBinary(Encoding.UTF8.GetBytes(data), key, SigningAlgorithm.HmacSHA256);

    private static string Hex(byte[] bytes) => AWSSDKUtils.ToHex(bytes, true);
}
