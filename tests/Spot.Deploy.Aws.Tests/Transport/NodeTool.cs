using System.Diagnostics;
using System.Text.Json.Nodes;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Aws.Tests.Transport;

/// <summary>
/// Runs the Node scripts of tests/Spot.Deploy.Aws.Tests/node (the official AWS SDK for JavaScript v3).
/// Installs their packages with <c>npm ci</c> (committed lock file) the first time they are missing.
/// </summary>
internal static class NodeTool
{
    private static readonly SemaphoreSlim InstallGate = new(1, 1);
    private static JsonArray? _reference;

    public static string Folder => Path.Combine(PublicApiListing.RepositoryRoot(), "tests", "Spot.Deploy.Aws.Tests", "node");

    public static async Task EnsureInstalledAsync()
    {
        await InstallGate.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(Folder, "node_modules", "@aws-sdk", "client-ec2")) &&
                Directory.Exists(Path.Combine(Folder, "node_modules", "@aws-sdk", "client-elastic-load-balancing-v2")))
            {
                return;
            }

            var (code, output, error) = await RunAsync("npm", "ci --no-audit --no-fund", null, null);
            if (code != 0)
            {
                throw new InvalidOperationException($"npm ci failed in {Folder} ({code}): {output}\n{error}");
            }
        }
        finally
        {
            InstallGate.Release();
        }
    }

    /// <summary>The SDK's reference signed requests, by name.</summary>
    public static async Task<JsonObject> ReferenceAsync(string name)
    {
        if (_reference is null)
        {
            await EnsureInstalledAsync();
            var (code, output, error) = await RunAsync("node", "reference-requests.mjs", null, null);
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
        await EnsureInstalledAsync();
        var environment = new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = accessKey,
            ["AWS_SECRET_ACCESS_KEY"] = secretKey,
            ["AWS_SESSION_TOKEN"] = sessionToken,
        };
        var (code, output, error) = await RunAsync("node", "verify-signature.mjs", request.ToJsonString(), environment);
        if (code is not (0 or 1))
        {
            throw new InvalidOperationException($"verify-signature.mjs failed ({code}): {error}");
        }

        return JsonNode.Parse(output)!.AsObject();
    }

    public static List<KeyValuePair<string, string>> Form(JsonObject reference) =>
        [.. reference["form"]!.AsArray().Select(p => new KeyValuePair<string, string>((string)p![0]!, (string)p[1]!))];

    private static async Task<(int Code, string Output, string Error)> RunAsync(string file, string arguments, string? input, IReadOnlyDictionary<string, string?>? environment)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = Folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + file);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}
