using System.Text.Json.Nodes;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Aws.Tests.Transport;

/// <summary>The Node scripts of tests/Spot.Deploy.Aws.Tests/node (the official AWS SDK for JavaScript v3).</summary>
internal static class NodeTool
{
    private static readonly NodeRunner Runner = new(
        Path.Combine(PublicApiListing.RepositoryRoot(), "tests", "Spot.Deploy.Aws.Tests", "node"),
        Path.Combine("@aws-sdk", "client-ec2"),
        Path.Combine("@aws-sdk", "client-elastic-load-balancing-v2"));

    private static JsonArray? _reference;

    /// <summary>The SDK's reference signed requests, by name.</summary>
    public static async Task<JsonObject> ReferenceAsync(string name)
    {
        if (_reference is null)
        {
            var (code, output, error) = await Runner.RunAsync("reference-requests.mjs");
            if (code != 0)
            {
                throw new InvalidOperationException($"reference-requests.mjs failed ({code}): {error}");
            }

            _reference = JsonNode.Parse(output)!.AsArray();
        }

        return _reference.Single(r => (string?)r!["name"] == name)!.AsObject();
    }

    /// <summary>Checks a request's SigV4 signature with the SDK's own signer; returns the verifier's answer.</summary>
    public static async Task<JsonObject> VerifyAsync(JsonObject request, string accessKey, string secretKey, string? sessionToken)
    {
        var environment = new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = accessKey,
            ["AWS_SECRET_ACCESS_KEY"] = secretKey,
            ["AWS_SESSION_TOKEN"] = sessionToken,
        };
        var (code, output, error) = await Runner.RunAsync("verify-signature.mjs", request.ToJsonString(), environment);
        if (code is not (0 or 1))
        {
            throw new InvalidOperationException($"verify-signature.mjs failed ({code}): {error}");
        }

        return JsonNode.Parse(output)!.AsObject();
    }

    /// <summary>A request the loopback server recorded, in the verifier's input shape.</summary>
    public static JsonObject VerifierInput(RecordedRequest request, string authority, string service)
    {
        var headers = new JsonObject();
        foreach (var (name, value) in request.Headers)
        {
            headers[name.ToLowerInvariant()] = value;
        }

        return new JsonObject
        {
            ["method"] = request.Method,
            ["hostname"] = authority,
            ["path"] = request.Path,
            ["headers"] = headers,
            ["body"] = request.Body,
            ["service"] = service,
            ["region"] = "us-east-1",
        };
    }

    public static List<KeyValuePair<string, string>> Form(JsonObject reference) =>
        [.. reference["form"]!.AsArray().Select(p => new KeyValuePair<string, string>((string)p![0]!, (string)p[1]!))];
}
