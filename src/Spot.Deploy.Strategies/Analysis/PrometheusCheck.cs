using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies;

/// <summary>
/// An instant query over the Prometheus HTTP API (<c>GET /api/v1/query</c>), compared with a threshold — e.g. the new
/// group's error ratio <c>sum(rate(errors{group="{newGroupName}"}[2m])) / sum(rate(requests{group="{newGroupName}"}[2m]))</c>
/// <c>&lt; 0.01</c>. The query must give one number (a scalar, or a vector of one series): an empty vector ("no data"),
/// several series, NaN, or an error answer is inconclusive.
/// </summary>
public sealed class PrometheusCheck : MetricCheck
{
    /// <summary>The Prometheus server, such as <c>http://prometheus:9090/</c>.</summary>
    public Uri? Address { get; init; }

    /// <summary>The PromQL query (placeholders allowed; PromQL's own <c>{label="…"}</c> braces are left alone).</summary>
    public string Query { get; init; } = string.Empty;

    /// <summary>How long one query may take, in real time (default 10 s), before the measurement is inconclusive.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The client to send with; null uses one shared by the built-in checks.</summary>
    public HttpClient? HttpClient { get; init; }

    /// <inheritdoc />
    public override async Task<MetricReading> ReadAsync(AnalysisContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var query = context.Fill(Query);
        var address = new Uri(Address!, "api/v1/query?query=" + Uri.EscapeDataString(query));
        using var request = new HttpRequestMessage(HttpMethod.Get, address);
        HttpStatusCode status;
        string body;
        try
        {
            (status, body) = await CheckHttp.SendAsync(HttpClient ?? CheckHttp.Default, request, Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (CheckUnavailableException e)
        {
            return MetricReading.None("Prometheus: " + e.Message);
        }

        return Parse(status, body);
    }

    /// <inheritdoc />
    public override void ValidateQuery()
    {
        base.ValidateQuery();
        if (Address is null || !Address.IsAbsoluteUri || (Address.Scheme != Uri.UriSchemeHttp && Address.Scheme != Uri.UriSchemeHttps))
        {
            throw new DeploymentValidationException($"check '{Name}'.address", "must be the Prometheus server's absolute http or https address.");
        }

        if (string.IsNullOrWhiteSpace(Query))
        {
            throw new DeploymentValidationException($"check '{Name}'.query", "is required (a PromQL expression giving one number).");
        }

        ValidateTemplate("query", Query);
        if (Timeout <= TimeSpan.Zero)
        {
            throw new DeploymentValidationException($"check '{Name}'.timeout", "must be positive.");
        }
    }

    /// <summary>Reads an answer of the query API: <c>{"status":"success","data":{"resultType":…,"result":…}}</c>.</summary>
    internal static MetricReading Parse(HttpStatusCode status, string body)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return MetricReading.None(string.Create(CultureInfo.InvariantCulture, $"Prometheus answered HTTP {(int)status} without JSON"));
        }

        if (root?["status"]?.GetValue<string>() != "success")
        {
            var error = root?["errorType"]?.ToString() + ": " + root?["error"]?.ToString();
            return MetricReading.None(string.Create(CultureInfo.InvariantCulture, $"Prometheus answered HTTP {(int)status} ({error.Trim(' ', ':')})"));
        }

        var data = root["data"];
        var type = data?["resultType"]?.GetValue<string>();
        var result = data?["result"];
        JsonNode? sample;
        try
        {
            sample = Sample(type, result);
        }
        catch (PrometheusShapeException e)
        {
            return MetricReading.None(e.Message);
        }

        if (sample is null)
        {
            return MetricReading.None("no data (the query matched no series)");
        }

        var text = sample is JsonArray pair && pair.Count == 2 ? pair[1]?.ToString() : null;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? MetricReading.Of(value)
            : MetricReading.None($"the query gave {text ?? "no value"}");
    }

    private static JsonNode? Sample(string? type, JsonNode? result) =>
        type switch
        {
            "scalar" => result,
            "vector" when result is JsonArray { Count: 0 } => null,
            "vector" when result is JsonArray { Count: 1 } one => one[0]?["value"],
            "vector" when result is JsonArray many => throw new PrometheusShapeException($"the query gave {many.Count} series; aggregate it to one (e.g. sum(…))"),
            _ => throw new PrometheusShapeException($"the query gave a {type ?? "missing"} result; an instant query giving one number is needed"),
        };
}

/// <summary>A Prometheus answer that does not give one number.</summary>
internal sealed class PrometheusShapeException(string message) : Exception(message);
