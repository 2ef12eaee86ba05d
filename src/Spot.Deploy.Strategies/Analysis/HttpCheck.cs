using System.Globalization;
using System.Net;
using System.Text;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies;

/// <summary>
/// The generic check (Argo's "web" metric, Flagger's webhooks): a GET, or a POST with a body, to a URL; it fails when the
/// status is not the expected one, and, with a <see cref="JsonPointer"/>, reads a number from the JSON answer and compares
/// it with the <see cref="MetricCheck.Threshold"/>. A timeout or a refused connection is inconclusive. The URL, body and
/// headers may use <see cref="AnalysisContext"/> placeholders (escaped for URLs in the URL). Header values are never
/// shown, logged or journaled (they may hold tokens).
/// </summary>
public sealed class HttpCheck : MetricCheck
{
    /// <summary>The address (absolute http or https; placeholders allowed).</summary>
    public string Url { get; init; } = string.Empty;

    /// <summary>GET (default) or POST.</summary>
    public string Method { get; init; } = "GET";

    /// <summary>The POST body (placeholders allowed), sent as <see cref="ContentType"/>.</summary>
    public string? Body { get; init; }

    /// <summary>The body's media type (default <c>application/json</c>).</summary>
    public string ContentType { get; init; } = "application/json";

    /// <summary>Request headers, such as an Authorization header; their values are never shown.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>The status that passes; null (default) accepts any 2xx.</summary>
    public int? ExpectedStatus { get; init; }

    /// <summary>Where the number is in the JSON answer (RFC 6901, e.g. <c>/errorRate</c>); null checks the status only.</summary>
    public string? JsonPointer { get; init; }

    /// <summary>How long one request may take, in real time (default 10 s), before the measurement is inconclusive.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The client to send with; null uses one shared by the built-in checks.</summary>
    public HttpClient? HttpClient { get; init; }

    /// <inheritdoc />
    public override async Task<Measurement> MeasureAsync(AnalysisContext context, CancellationToken cancellationToken = default)
    {
        if (JsonPointer is not null)
        {
            return await base.MeasureAsync(context, cancellationToken).ConfigureAwait(false);
        }

        var (status, _) = await SendAsync(context, cancellationToken).ConfigureAwait(false);
        return new Measurement(StatusPasses(status) ? MeasurementVerdict.Pass : MeasurementVerdict.Fail, (int)status, StatusDetail(status));
    }

    /// <inheritdoc />
    public override async Task<MetricReading> ReadAsync(AnalysisContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        HttpStatusCode status;
        string body;
        try
        {
            (status, body) = await SendAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (CheckUnavailableException e)
        {
            return MetricReading.None(e.Message);
        }

        if (!StatusPasses(status))
        {
            return MetricReading.None(StatusDetail(status));
        }

        var (value, why) = Strategies.JsonPointer.ReadNumber(body, JsonPointer ?? string.Empty);
        return value is { } number ? MetricReading.Of(number) : MetricReading.None(why);
    }

    /// <inheritdoc />
    public override void Validate()
    {
        if (JsonPointer is null)
        {
            ValidateQuery();
            return;
        }

        base.Validate();
    }

    /// <inheritdoc />
    public override void ValidateQuery()
    {
        base.ValidateQuery();
        ValidateTemplate("url", Url);
        ValidateTemplate("body", Body);
        var probe = AnalysisContext.Placeholders.Aggregate(Url, (url, name) => url.Replace("{" + name + "}", "x", StringComparison.Ordinal));
        if (!Uri.TryCreate(probe, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new DeploymentValidationException($"check '{Name}'.url", "must be an absolute http or https address.");
        }

        if (Method is not ("GET" or "POST"))
        {
            throw new DeploymentValidationException($"check '{Name}'.method", $"must be GET or POST (was '{Method}').");
        }

        if (Body is not null && Method != "POST")
        {
            throw new DeploymentValidationException($"check '{Name}'.body", "is sent with POST only.");
        }

        if (ExpectedStatus is { } expected && (expected < 100 || expected > 599))
        {
            throw new DeploymentValidationException($"check '{Name}'.expectedStatus", $"must be an HTTP status 100–599 (was {expected}).");
        }

        if (JsonPointer is not null)
        {
            Strategies.JsonPointer.Validate($"check '{Name}'.jsonPointer", JsonPointer);
        }

        if (Timeout <= TimeSpan.Zero)
        {
            throw new DeploymentValidationException($"check '{Name}'.timeout", "must be positive.");
        }
    }

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(AnalysisContext context, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(new HttpMethod(Method), context.Fill(Url, Uri.EscapeDataString));
        if (Body is not null)
        {
            request.Content = new StringContent(context.Fill(Body), Encoding.UTF8, ContentType);
        }

        foreach (var (name, value) in Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await CheckHttp.SendAsync(HttpClient ?? CheckHttp.Default, request, Timeout, cancellationToken).ConfigureAwait(false);
    }

    private bool StatusPasses(HttpStatusCode status) =>
        ExpectedStatus is { } expected ? (int)status == expected : (int)status is >= 200 and < 300;

    private string StatusDetail(HttpStatusCode status) =>
        string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)status} (expected {(ExpectedStatus is { } e ? e.ToString(CultureInfo.InvariantCulture) : "2xx")})");
}
