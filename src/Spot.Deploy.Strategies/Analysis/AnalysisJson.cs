using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies;

/// <summary>
/// Reads an analysis from JSON — the CLI's <c>--analysis FILE</c>, or any caller's configuration (schema and examples in
/// docs/analysis.md). Every property is checked: an unknown one (a typo) or a wrong type is refused with its JSON path,
/// before anything in the cloud changes. Header values can come from the environment (<c>{"env": "NAME"}</c>) so a file
/// never needs to hold a token.
/// </summary>
public static partial class AnalysisJson
{
    private static readonly string[] AnalysisKeys = ["interval", "count", "failureLimit", "inconclusiveLimit", "consecutiveSuccessLimit", "checks"];
    private static readonly string[] CommonKeys = ["name", "type", "dryRun"];
    private static readonly string[] HttpKeys = ["url", "method", "body", "contentType", "headers", "expectedStatus", "jsonPointer", "threshold", "timeout"];
    private static readonly string[] PrometheusKeys = ["address", "query", "threshold", "timeout"];
    private static readonly string[] CompareKeys = ["query", "margin", "higherIsWorse", "absoluteTolerance"];

    /// <summary>Reads and validates an analysis.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="environment">Reads environment variables for <c>{"env": …}</c> header values; null for the process's.</param>
    /// <returns>The validated analysis.</returns>
    /// <exception cref="DeploymentValidationException">The JSON is invalid (the message names the path and the problem).</exception>
    public static Analysis Read(string json, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new DeploymentValidationException("analysis", "is not valid JSON: " + e.Message);
        }

        var reader = new Reader(environment ?? Environment.GetEnvironmentVariable);
        var analysis = reader.Analysis(root as JsonObject ?? throw new DeploymentValidationException("analysis", "must be a JSON object."));
        analysis.Validate();
        return analysis;
    }

    private sealed partial class Reader(Func<string, string?> environment)
    {
        public Analysis Analysis(JsonObject o)
        {
            Known(o, "$", AnalysisKeys);
            var checks = o["checks"] as JsonArray ?? throw new DeploymentValidationException("$.checks", "is required: an array of checks.");
            return new Analysis
            {
                Interval = o["interval"] is { } interval ? Duration(interval, "$.interval") : TimeSpan.FromMinutes(1),
                Count = o["count"] is { } count ? Int(count, "$.count") : null,
                FailureLimit = o["failureLimit"] is { } failures ? Int(failures, "$.failureLimit") : 0,
                InconclusiveLimit = o["inconclusiveLimit"] is { } inconclusive ? Int(inconclusive, "$.inconclusiveLimit") : 0,
                ConsecutiveSuccessLimit = o["consecutiveSuccessLimit"] is { } consecutive ? Int(consecutive, "$.consecutiveSuccessLimit") : 0,
                Checks = [.. checks.Select((c, i) => Check(c as JsonObject, string.Create(CultureInfo.InvariantCulture, $"$.checks[{i}]"), nested: false))],
            };
        }

        private AnalysisCheck Check(JsonObject? o, string path, bool nested)
        {
            if (o is null)
            {
                throw new DeploymentValidationException(path, "must be an object.");
            }

            var type = String(o["type"], path + ".type") ?? throw new DeploymentValidationException(path + ".type", "is required: http, prometheus, cloudwatchMetric, cloudwatchAlarm or newVsOld.");
            var name = String(o["name"], path + ".name") ?? (nested ? "query" : throw new DeploymentValidationException(path + ".name", "is required."));
            var dryRun = o["dryRun"] is { } d && Bool(d, path + ".dryRun");
            return type switch
            {
                "http" => Http(o, path, name, dryRun),
                "prometheus" => Prometheus(o, path, name, dryRun),
                "cloudwatchMetric" => CloudWatchMetric(o, path, name, dryRun),
                "cloudwatchAlarm" when !nested => CloudWatchAlarm(o, path, name, dryRun),
                "newVsOld" when !nested => Compare(o, path, name, dryRun),
                _ => throw new DeploymentValidationException(path + ".type", $"'{type}' is not a check type here; use http, prometheus{(nested ? " or cloudwatchMetric" : ", cloudwatchMetric, cloudwatchAlarm or newVsOld")}."),
            };
        }

        private HttpCheck Http(JsonObject o, string path, string name, bool dryRun)
        {
            Known(o, path, [.. CommonKeys, .. HttpKeys]);
            return new HttpCheck
            {
                Name = name,
                DryRun = dryRun,
                Url = String(o["url"], path + ".url") ?? throw new DeploymentValidationException(path + ".url", "is required."),
                Method = String(o["method"], path + ".method") ?? "GET",
                Body = String(o["body"], path + ".body"),
                ContentType = String(o["contentType"], path + ".contentType") ?? "application/json",
                Headers = Headers(o["headers"], path + ".headers"),
                ExpectedStatus = o["expectedStatus"] is { } status ? Int(status, path + ".expectedStatus") : null,
                JsonPointer = String(o["jsonPointer"], path + ".jsonPointer"),
                Threshold = o["threshold"] is { } t ? Threshold(t, path + ".threshold") : null,
                Timeout = o["timeout"] is { } timeout ? Duration(timeout, path + ".timeout") : TimeSpan.FromSeconds(10),
            };
        }

        private static PrometheusCheck Prometheus(JsonObject o, string path, string name, bool dryRun)
        {
            Known(o, path, [.. CommonKeys, .. PrometheusKeys]);
            var address = String(o["address"], path + ".address") ?? throw new DeploymentValidationException(path + ".address", "is required: the Prometheus server, such as http://prometheus:9090/.");
            if (!Uri.TryCreate(address.EndsWith('/') ? address : address + "/", UriKind.Absolute, out var uri))
            {
                throw new DeploymentValidationException(path + ".address", $"'{address}' is not an absolute address.");
            }

            return new PrometheusCheck
            {
                Name = name,
                DryRun = dryRun,
                Address = uri,
                Query = String(o["query"], path + ".query") ?? throw new DeploymentValidationException(path + ".query", "is required."),
                Threshold = o["threshold"] is { } t ? Threshold(t, path + ".threshold") : null,
                Timeout = o["timeout"] is { } timeout ? Duration(timeout, path + ".timeout") : TimeSpan.FromSeconds(10),
            };
        }

        private NewVersusOldCheck Compare(JsonObject o, string path, string name, bool dryRun)
        {
            Known(o, path, [.. CommonKeys, .. CompareKeys]);
            var query = Check(o["query"] as JsonObject ?? throw new DeploymentValidationException(path + ".query", "is required: the http, prometheus or cloudwatchMetric query read for both groups."), path + ".query", nested: true);
            return new NewVersusOldCheck
            {
                Name = name,
                DryRun = dryRun,
                Query = (MetricCheck)query,
                Margin = o["margin"] is { } margin ? Number(margin, path + ".margin") : 0.1,
                HigherIsWorse = o["higherIsWorse"] is not { } worse || Bool(worse, path + ".higherIsWorse"),
                AbsoluteTolerance = o["absoluteTolerance"] is { } tolerance ? Number(tolerance, path + ".absoluteTolerance") : 0,
            };
        }

        private Dictionary<string, string> Headers(JsonNode? node, string path)
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (node is null)
            {
                return headers;
            }

            foreach (var (name, value) in node as JsonObject ?? throw new DeploymentValidationException(path, "must be an object of header names and values."))
            {
                var at = path + "." + name;
                headers[name] = value switch
                {
                    JsonObject { Count: 1 } fromEnv when fromEnv["env"] is JsonValue variable =>
                        environment(variable.ToString()) ?? throw new DeploymentValidationException(at, $"the environment variable {variable} is not set."),
                    JsonValue text when text.GetValueKind() == JsonValueKind.String => text.GetValue<string>(),
                    _ => throw new DeploymentValidationException(at, "must be a string or {\"env\": \"VARIABLE\"}."),
                };
            }

            return headers;
        }

        private static void Known(JsonObject o, string path, string[] keys)
        {
            var unknown = o.Select(p => p.Key).FirstOrDefault(k => !keys.Contains(k, StringComparer.Ordinal));
            if (unknown is not null)
            {
                throw new DeploymentValidationException(path + "." + unknown, $"is not a known property here; known: {string.Join(", ", keys)}.");
            }
        }

        private static string? String(JsonNode? node, string path) => node switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => throw new DeploymentValidationException(path, "must be a string."),
        };

        private static bool Bool(JsonNode node, string path) => node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? v.GetValue<bool>()
            : throw new DeploymentValidationException(path, "must be true or false.");

        private static double Number(JsonNode node, string path) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? v.GetValue<double>()
            : throw new DeploymentValidationException(path, "must be a number.");

        private static int Int(JsonNode node, string path) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i)
            ? i
            : throw new DeploymentValidationException(path, "must be a whole number.");

        private static TimeSpan Duration(JsonNode node, string path) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? Durations.Parse(v.GetValue<double>().ToString(CultureInfo.InvariantCulture), path)
            : Durations.Parse(String(node, path)!, path);

        private static Threshold Threshold(JsonNode node, string path)
        {
            try
            {
                return Strategies.Threshold.Parse(String(node, path)!);
            }
            catch (DeploymentValidationException e)
            {
                throw new DeploymentValidationException(path, e.Reason);
            }
        }
    }
}
