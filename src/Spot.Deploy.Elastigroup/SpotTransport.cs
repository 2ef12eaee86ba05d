using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Spot.Deploy.Elastigroup;

/// <summary>Whether a call may be repeated after an unclear failure.</summary>
internal enum CallSafety
{
    /// <summary>Repeating it has the same effect (GET, absolute PUTs, DELETE): retried on 429, 5xx, timeouts, connection failures.</summary>
    Idempotent,

    /// <summary>Repeating it could do it twice (POST create, relative scale): retried only on 429, which Spot answers before doing anything.</summary>
    RejectedOnly,
}

/// <summary>
/// One call: its <see cref="SpotApiCall"/> (method, route template for limits, logs and traces, safety), the concrete
/// path made by that same descriptor, the query and the body. Only <see cref="To"/> makes one, so nothing is sent
/// on a method or path the public table (<see cref="SpotApi"/>) does not give.
/// </summary>
internal sealed class SpotCall
{
    private SpotCall(SpotApiCall api, string path, byte[]? body, string? query)
    {
        Api = api;
        Path = path;
        Body = body;
        Query = query;
    }

    public SpotApiCall Api { get; }

    public string Path { get; }

    public byte[]? Body { get; }

    public string? Query { get; }

    public HttpMethod Method => Api.HttpMethod;

    public string RouteTemplate => Api.Template;

    public CallSafety Safety => Api.Safety;

    /// <summary>The call of <paramref name="api"/> for the given ids (validated and escaped by <see cref="SpotApiCall.Path"/>).</summary>
    /// <exception cref="ArgumentException">An id cannot be one path segment.</exception>
    public static SpotCall To(SpotApiCall api, string? groupId = null, string? rollId = null, byte[]? body = null, string? query = null) =>
        new(api, api.Path(groupId, rollId), body, query);
}

/// <summary>
/// Sends calls to Spot: authentication, account id, rate limiting, retries with jittered exponential
/// backoff (Polly), per-attempt timeouts, envelope and error parsing, logs and traces. The token is
/// only ever put in the Authorization header.
/// </summary>
internal sealed class SpotTransport
{
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");
    private static readonly MediaTypeHeaderValue JsonContent = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _http;
    private readonly ElastigroupClientOptions _options;
    private readonly ILogger _logger;
    private readonly SpotRateLimiter _limiter;
    private readonly ResiliencePipeline _idempotent;
    private readonly ResiliencePipeline _rejectedOnly;
    private readonly string _userAgent;

    internal SpotTransport(HttpClient http, ElastigroupClientOptions options, ILogger logger)
    {
        _http = http;
        _options = options;
        _logger = logger;
        _limiter = options.RateLimiter ?? (options.RandomSeed is { } limiterSeed
            ? new SpotRateLimiter(options.RequestsPerMinutePerRoute, options.TimeProvider, limiterSeed)
            : new SpotRateLimiter(options.RequestsPerMinutePerRoute, options.TimeProvider));
        _userAgent = string.IsNullOrWhiteSpace(options.UserAgentSuffix) ? ElastigroupDiagnostics.UserAgent : ElastigroupDiagnostics.UserAgent + " " + options.UserAgentSuffix;
        var random = options.RandomSeed is { } seed ? new Random(seed) : new Random();
        _idempotent = BuildPipeline(options, random, static e => e.IsTransient);
        _rejectedOnly = BuildPipeline(options, random, static e => e.IsRateLimited);
    }

    internal async Task<SpotEnvelope<T>> SendAsync<T>(SpotCall call, JsonTypeInfo<SpotEnvelope<T>> envelopeType, CancellationToken cancellationToken)
    {
        var bytes = await SendAsync(call, cancellationToken).ConfigureAwait(false);
        if (bytes.Length == 0)
        {
            return new SpotEnvelope<T>();
        }

        try
        {
            return JsonSerializer.Deserialize(bytes, envelopeType) ?? new SpotEnvelope<T>();
        }
        catch (JsonException e)
        {
            throw new SpotApiException(HttpStatusCode.OK, [new SpotError("INVALID_RESPONSE", "Spot's answer could not be read: " + e.Message)], null, call.Method.Method, call.Path);
        }
    }

    internal async Task<byte[]> SendAsync(SpotCall call, CancellationToken cancellationToken)
    {
        using var activity = ElastigroupDiagnostics.ActivitySource.StartActivity("Spot " + call.Method.Method + " " + call.RouteTemplate, ActivityKind.Client);
        activity?.SetTag("http.request.method", call.Method.Method);
        activity?.SetTag("url.template", call.RouteTemplate);
        var attempt = 0;
        var pipeline = call.Safety == CallSafety.Idempotent ? _idempotent : _rejectedOnly;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(CallKey, call);
        context.Properties.Set(StartedKey, _options.TimeProvider.GetTimestamp());
        try
        {
            var result = await pipeline.ExecuteAsync(
                async (ctx, _) =>
                {
                    attempt++;
                    return await SendOnceAsync(call, attempt, ctx.CancellationToken).ConfigureAwait(false);
                },
                context,
                0).ConfigureAwait(false);
            activity?.SetTag("spot.attempts", attempt);
            activity?.SetTag("http.response.status_code", result.Status);
            activity?.SetTag("spot.request_id", result.RequestId);
            return result.Body;
        }
        catch (SpotApiException e)
        {
            activity?.SetTag("spot.attempts", attempt);
            activity?.SetTag("http.response.status_code", (int)e.StatusCode);
            activity?.SetTag("spot.request_id", e.RequestId);
            activity?.SetStatus(ActivityStatusCode.Error, e.ErrorCode ?? e.StatusCode.ToString());
            throw;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static readonly ResiliencePropertyKey<SpotCall> CallKey = new("spot.call");
    private static readonly ResiliencePropertyKey<long> StartedKey = new("spot.started");

    private ResiliencePipeline BuildPipeline(ElastigroupClientOptions options, Random random, Func<SpotApiException, bool> retryWhen)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = options.TimeProvider };
        if (options.MaxRetries == 0)
        {
            return builder.Build();
        }

        return builder.AddRetry(new RetryStrategyOptions
        {
            // Counted in ShouldHandle: MaxRetries for any failure, and longer for 429s (RateLimitedRetryTime).
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryBaseDelay,
            MaxDelay = options.MaxRetryDelay,
            Randomizer = () => { lock (random) { return random.NextDouble(); } },
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is SpotApiException e && retryWhen(e) && MayRetry(args.Context, args.AttemptNumber, e)),
            DelayGenerator = args =>
            {
                // On a 429, wait at least what Spot asked for: retrying earlier only collects another 429.
                if (args.Outcome.Exception is SpotApiException { RetryAfter: { } wait })
                {
                    return ValueTask.FromResult<TimeSpan?>(wait);
                }

                return ValueTask.FromResult<TimeSpan?>(null);
            },
            OnRetry = args =>
            {
                if (args.Context.Properties.TryGetValue(CallKey, out var call))
                {
                    var reason = args.Outcome.Exception is SpotApiException e ? Reason(e) : "failure";
                    Log.Retrying(_logger, call.Method.Method, call.RouteTemplate, args.AttemptNumber + 1, (long)args.RetryDelay.TotalMilliseconds, reason);
                }

                return default;
            },
        }).Build();
    }

    /// <summary>
    /// Within <see cref="ElastigroupClientOptions.MaxRetries"/>; or a 429 while the call has been tried for less than
    /// <see cref="ElastigroupClientOptions.RateLimitedRetryTime"/>.
    /// </summary>
    private bool MayRetry(ResilienceContext context, int attemptNumber, SpotApiException e) =>
        attemptNumber < _options.MaxRetries ||
        (e.IsRateLimited && context.Properties.TryGetValue(StartedKey, out var started) && _options.TimeProvider.GetElapsedTime(started) < _options.RateLimitedRetryTime);

    private static string Reason(SpotApiException e) =>
        e.IsTimeout ? "a timeout" : e.StatusCode == 0 ? "a connection failure" : string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)e.StatusCode}");

    private readonly record struct AttemptResult(byte[] Body, int Status, string? RequestId);

    private async ValueTask<AttemptResult> SendOnceAsync(SpotCall call, int attempt, CancellationToken cancellationToken)
    {
        var (waited, slot, reason) = await _limiter.AcquireCallAsync(call.Method.Method, call.RouteTemplate, cancellationToken).ConfigureAwait(false);
        if (reason is not null)
        {
            Log.BackOffWait(_logger, call.Method.Method, call.RouteTemplate, (long)waited.TotalMilliseconds, reason);
        }
        else if (waited > TimeSpan.Zero)
        {
            Log.RateLimitWait(_logger, call.Method.Method, call.RouteTemplate, (long)waited.TotalMilliseconds);
        }

        try
        {
            return await SendAttemptAsync(call, attempt, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _limiter.Complete(slot);
        }
    }

    private async ValueTask<AttemptResult> SendAttemptAsync(SpotCall call, int attempt, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(call.Method, BuildUri(call));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.Token);
        request.Headers.Accept.Add(Json);
        request.Headers.TryAddWithoutValidation("User-Agent", _userAgent);
        if (call.Body is not null)
        {
            request.Content = new ByteArrayContent(call.Body);
            request.Content.Headers.ContentType = JsonContent;
        }

        using var timeout = new CancellationTokenSource(_options.AttemptTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var started = _options.TimeProvider.GetTimestamp();
        HttpResponseMessage response;
        byte[] body;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
            body = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var elapsed = Milliseconds(started);
            Log.CallFailed(_logger, call.Method.Method, call.RouteTemplate, 0, elapsed, attempt, "timed out");
            throw new SpotApiException(0, [], null, call.Method.Method, call.Path,
                new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"No answer within {_options.AttemptTimeout.TotalSeconds:0.###} s."), e));
        }
        catch (HttpRequestException e)
        {
            var elapsed = Milliseconds(started);
            Log.CallFailed(_logger, call.Method.Method, call.RouteTemplate, 0, elapsed, attempt, "connection failed: " + e.HttpRequestError);
            throw new SpotApiException(0, [], null, call.Method.Method, call.Path, e);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var duration = Milliseconds(started);
            var limits = SpotRateLimitHeaders.Read(response.Headers, _options.TimeProvider.GetUtcNow());
            var rateLimited = response.StatusCode == HttpStatusCode.TooManyRequests;
            if (_limiter.Observe(call.Method.Method, call.RouteTemplate, rateLimited, limits) is { } backOff)
            {
                Log.RateLimited(_logger, call.Method.Method, call.RouteTemplate, (long)backOff.Pause.TotalMilliseconds, backOff.PermittedPerMinute);
            }

            if (response.IsSuccessStatusCode)
            {
                Log.CallSucceeded(_logger, call.Method.Method, call.RouteTemplate, status, duration, attempt);
                return new AttemptResult(body, status, null);
            }

            var (errors, requestId) = SpotErrorReader.Read(body);
            // Spot's window is a minute: a longer reset is not waited for (a call's retries stay bounded).
            var retryAfter = !rateLimited ? null : limits.Reset is { } reset && reset > SpotAdaptiveRate.MaxPause ? SpotAdaptiveRate.MaxPause : limits.Reset;
            var exception = SpotExceptionMap.Create(response.StatusCode, errors, requestId, call.Method.Method, call.Path, retryAfter);
            Log.CallFailed(_logger, call.Method.Method, call.RouteTemplate, status, duration, attempt, exception.ErrorCode ?? response.ReasonPhrase ?? "error");
            throw exception;
        }
    }

    private long Milliseconds(long started) => (long)_options.TimeProvider.GetElapsedTime(started).TotalMilliseconds;

    private Uri BuildUri(SpotCall call)
    {
        var baseText = _options.BaseAddress.ToString().TrimEnd('/');
        var query = "accountId=" + Uri.EscapeDataString(_options.AccountId!);
        if (!string.IsNullOrEmpty(call.Query))
        {
            query += "&" + call.Query;
        }

        return new Uri(baseText + call.Path + "?" + query, UriKind.Absolute);
    }
}

/// <summary>Reads Spot's error envelope leniently: a 429 has no <c>errors</c>, a proxy may answer HTML.</summary>
internal static class SpotErrorReader
{
    internal static (IReadOnlyList<SpotError> Errors, string? RequestId) Read(byte[] body)
    {
        if (body.Length == 0)
        {
            return ([], null);
        }

        try
        {
            var envelope = JsonSerializer.Deserialize(body, SpotJsonContext.Default.SpotEnvelopeJsonElement);
            var errors = envelope?.Response?.Errors?.Select(e => new SpotError(e.Code, e.Message, e.Field)).ToList() ?? [];
            return (errors, envelope?.Request?.Id);
        }
        catch (JsonException)
        {
            return ([], null);
        }
    }
}
