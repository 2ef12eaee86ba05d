using System.Globalization;
using System.Text.Json.Nodes;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Spot.Deploy.Emulator;

/// <summary>
/// A real HTTP server on 127.0.0.1 that speaks Spot's Elastigroup API (<see cref="SpotBaseAddress"/>),
/// EC2 DescribeImages (<see cref="Ec2Endpoint"/>) and ELBv2 (<see cref="ElasticLoadBalancingEndpoint"/>)
/// with the real wire formats, so the real clients — and users' pipelines — run against it unchanged.
/// Seed and inspect it through <see cref="State"/>, inject faults through <see cref="Faults"/>, and
/// assert on <see cref="Calls"/>. Instances boot and become healthy on <see cref="EmulatorOptions.TimeProvider"/>.
/// </summary>
public sealed partial class SpotDeployEmulator : IAsyncDisposable
{
    /// <summary>The path prefix of the EC2 endpoint.</summary>
    public const string Ec2Prefix = "/ec2";

    /// <summary>The path prefix of the ELBv2 endpoint.</summary>
    public const string ElasticLoadBalancingPrefix = "/elasticloadbalancing";

    /// <summary>The path prefix of the SSM endpoint.</summary>
    public const string SsmPrefix = "/ssm";

    private readonly WebApplication _app;
    private readonly SpotRateLimit _spotRateLimit;

    private SpotDeployEmulator(WebApplication app, EmulatorOptions options)
    {
        _app = app;
        Options = options;
        State = new EmulatorState(options);
        Faults = new FaultInjector(options.RandomSeed);
        Calls = new CallLog();
        _spotRateLimit = new SpotRateLimit(options);
    }

    /// <summary>The settings in force.</summary>
    public EmulatorOptions Options { get; }

    /// <summary>Seeding and inspection of everything the emulator holds.</summary>
    public EmulatorState State { get; }

    /// <summary>Faults to inject into calls.</summary>
    public FaultInjector Faults { get; }

    /// <summary>Every call received.</summary>
    public CallLog Calls { get; }

    /// <summary>Spot's API address (use as <c>ElastigroupClientOptions.BaseAddress</c>).</summary>
    public Uri SpotBaseAddress { get; private set; } = null!;

    /// <summary>The EC2 endpoint (use as <c>AwsConnectionOptions.Ec2Endpoint</c>).</summary>
    public Uri Ec2Endpoint { get; private set; } = null!;

    /// <summary>The ELBv2 endpoint (use as <c>AwsConnectionOptions.ElasticLoadBalancingEndpoint</c>).</summary>
    public Uri ElasticLoadBalancingEndpoint { get; private set; } = null!;

    /// <summary>The SSM endpoint (use as <c>AwsConnectionOptions.SystemsManagementEndpoint</c>, or an SSM client's <c>ServiceURL</c>).</summary>
    public Uri SystemsManagementEndpoint { get; private set; } = null!;

    /// <summary>The call log over HTTP: <c>GET</c> it with the Spot token (<c>Authorization: Bearer …</c>), optionally <c>?after=N</c>, for <c>{"calls":[…]}</c> in arrival order. Calls to it are not logged.</summary>
    public Uri CallLogAddress { get; private set; } = null!;

    /// <summary>
    /// <c>GET</c> it for the emulator's counts as JSON — Spot calls, Spot calls answered 429, AWS calls, the rate limit in
    /// force — from another process (no credentials needed; not a call of any service).
    /// </summary>
    public Uri StatsEndpoint { get; private set; } = null!;

    /// <summary>Starts an emulator on 127.0.0.1 (an ephemeral port unless <see cref="EmulatorOptions.Port"/> is set).</summary>
    public static async Task<SpotDeployEmulator> StartAsync(EmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EmulatorOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.SpotRateLimitWindow, TimeSpan.Zero, nameof(options.SpotRateLimitWindow));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{options.Port}"));
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(k => k.AllowSynchronousIO = false);
        var app = builder.Build();
        var emulator = new SpotDeployEmulator(app, options);
        app.Use(emulator.InterceptAsync);
        SpotApi.Map(app, emulator);
        Ec2Api.Map(app, emulator);
        ElbApi.Map(app, emulator);
        SsmApi.Map(app, emulator);
        CallLogApi.Map(app, emulator);
        CloudWatchApi.Map(app, emulator);
        PrometheusExposition.Map(app, emulator);
        EmulatorStatsApi.Map(app, emulator);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var root = new Uri(app.Urls.First().TrimEnd('/') + "/");
        emulator.SpotBaseAddress = root;
        emulator.Ec2Endpoint = new Uri(root, Ec2Prefix.TrimStart('/') + "/");
        emulator.ElasticLoadBalancingEndpoint = new Uri(root, ElasticLoadBalancingPrefix.TrimStart('/') + "/");
        emulator.SystemsManagementEndpoint = new Uri(root, SsmPrefix.TrimStart('/') + "/");
        emulator.CallLogAddress = new Uri(root, CallLogApi.Path.TrimStart('/'));
        emulator.StatsEndpoint = new Uri(root, EmulatorStatsApi.Prefix.TrimStart('/') + "/stats");
        return emulator;
    }

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary><c>ec2</c>, <c>elasticloadbalancing</c>, <c>ssm</c>, <c>monitoring</c> (the AWS signing names), <c>metrics</c> or <c>spot</c>, by path.</summary>
    internal static string ServiceOf(string path) =>
        path == MetricsPath ? "metrics"
        : path.StartsWith(CloudWatchPrefix, StringComparison.Ordinal) ? "monitoring"
        : path.StartsWith(Ec2Prefix, StringComparison.Ordinal) ? "ec2"
        : path.StartsWith(ElasticLoadBalancingPrefix, StringComparison.Ordinal) ? "elasticloadbalancing"
        : path.StartsWith(SsmPrefix, StringComparison.Ordinal) ? "ssm"
        : "spot";

    [GeneratedRegex("/(sig|sbgd|cdbg|sir|i)-[^/]+")]
    private static partial Regex IdSegment();

    /// <summary>Logs every call, authenticates Spot calls, limits Spot's rate, and injects faults.</summary>
    private async Task InterceptAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        context.Items[SpotErrors.ClockKey] = Options.TimeProvider;
        var path = request.Path.Value ?? "/";
        if (path == CallLogApi.Path || path.StartsWith(EmulatorStatsApi.Prefix, StringComparison.Ordinal))
        {
            // The emulator's own endpoints (the call log, the stats): no service's, so neither authenticated, limited,
            // faulted nor logged.
            await next(context).ConfigureAwait(false);
            return;
        }

        var service = ServiceOf(path);
        string? action = null;
        if (service == "ssm")
        {
            action = SsmApi.OperationOf(request);
        }
        else if (service == "monitoring" && CloudWatchApi.JsonActionOf(request) is { } jsonAction)
        {
            action = jsonAction;
        }
        else if (service is not ("spot" or "metrics"))
        {
            request.EnableBuffering();
            if (request.HasFormContentType)
            {
                var form = await request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
                action = form["Action"].ToString();
            }

            request.Body.Position = 0;
        }

        var isMutating = service == "spot" ? !HttpMethods.IsGet(request.Method)
            : action is not null && !action.StartsWith("Describe", StringComparison.Ordinal) && !action.StartsWith("Get", StringComparison.Ordinal);
        var sequence = Calls.NextSequence();
        var time = Options.TimeProvider.GetUtcNow();
        var fault = Faults.Match(service, request.Method, path, action, isMutating);
        try
        {
            var refusal = service == "spot" ? CheckSpot(context, path)
                : service == "metrics" ? null
                : await AwsAuthentication.CheckAsync(context, Options).ConfigureAwait(false);
            if (refusal is not null)
            {
                await refusal(context).ConfigureAwait(false);
            }
            else if (fault is null)
            {
                await next(context).ConfigureAwait(false);
            }
            else
            {
                await ApplyFaultAsync(context, next, fault, service).ConfigureAwait(false);
            }
        }
        finally
        {
            if (isMutating)
            {
                State.CaptureTraffic();
            }

            Calls.Add(new EmulatorCall(sequence, time, service, request.Method, path, action, isMutating,
                context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted ? 0 : context.Response.StatusCode, fault?.ToString()));
        }
    }

    private Func<HttpContext, Task>? CheckSpot(HttpContext context, string path)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (!string.Equals(authorization, "Bearer " + Options.SpotToken, StringComparison.Ordinal))
        {
            return c => SpotErrors.WriteAsync(c, 401, "UNAUTHORIZED", "The token is missing or not valid.");
        }

        if (!string.Equals(context.Request.Query["accountId"].ToString(), Options.AccountId, StringComparison.Ordinal))
        {
            return c => SpotErrors.WriteAsync(c, 401, "ACCOUNT_DOES_NOT_EXIST", "The accountId is missing or not an account of this token.");
        }

        return _spotRateLimit.Check(context, IdSegment().Replace(path, "/{id}"));
    }

    private async Task ApplyFaultAsync(HttpContext context, RequestDelegate next, FaultRule fault, string service)
    {
        switch (fault.Kind)
        {
            case FaultKind.HttpError when service == "spot":
                await SpotErrors.WriteAsync(context, fault.Status, "INTERNAL_ERROR", "Injected fault.").ConfigureAwait(false);
                fault.Applied();
                break;
            case FaultKind.HttpError:
                await AwsErrors.WriteAsync(context, service, fault.Status, "InternalFailure", "Injected fault.").ConfigureAwait(false);
                fault.Applied();
                break;
            case FaultKind.RateLimited or FaultKind.Throttling when service == "spot":
                await SpotErrors.WriteRateLimitedAsync(context, 100, (int)Math.Ceiling(fault.Delay.TotalSeconds)).ConfigureAwait(false);
                fault.Applied();
                break;
            case FaultKind.RateLimited or FaultKind.Throttling when service == "ssm":
                await AwsErrors.WriteAsync(context, service, 400, "ThrottlingException", "Rate exceeded").ConfigureAwait(false);
                break;
            case FaultKind.RateLimited or FaultKind.Throttling when service == "ec2":
                await AwsErrors.WriteAsync(context, service, 503, "RequestLimitExceeded", "Request limit exceeded.").ConfigureAwait(false);
                fault.Applied();
                break;
            case FaultKind.RateLimited or FaultKind.Throttling:
                await AwsErrors.WriteAsync(context, service, 400, "Throttling", "Rate exceeded").ConfigureAwait(false);
                fault.Applied();
                break;
            case FaultKind.Latency:
                fault.Applied();
                await Task.Delay(fault.Delay, Options.TimeProvider, context.RequestAborted).ConfigureAwait(false);
                await next(context).ConfigureAwait(false);
                break;
            case FaultKind.Timeout:
                fault.Applied();
                await WaitForClientToGiveUpAsync(context).ConfigureAwait(false);
                break;
            case FaultKind.DropConnection:
                context.Abort();
                fault.Applied();
                break;
            case FaultKind.TimeoutAfterApplying:
                var original = context.Response.Body;
                using (var discarded = new MemoryStream())
                {
                    context.Response.Body = discarded;
                    await next(context).ConfigureAwait(false);
                    context.Response.Body = original;
                }

                context.Response.Clear();
                fault.Applied();
                await WaitForClientToGiveUpAsync(context).ConfigureAwait(false);
                break;
        }
    }

    private static async Task WaitForClientToGiveUpAsync(HttpContext context)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client gave up, as intended.
        }
    }
}

/// <summary>Spot's error envelope: <c>response.errors[]</c> with HTTP 400/401/404/500, and 429 without errors.</summary>
internal static class SpotErrors
{
    /// <summary>Where the middleware leaves the emulator's clock for error envelopes.</summary>
    internal const string ClockKey = "Spot.Deploy.Emulator.Clock";

    internal static Task WriteAsync(HttpContext context, int status, string code, string message)
    {
        var response = Response(context, status);
        response["errors"] = new JsonArray(new JsonObject { ["code"] = code, ["message"] = message });
        return WriteAsync(context, status, response);
    }

    internal static Task WriteRateLimitedAsync(HttpContext context, int limit, int resetSeconds)
    {
        context.Response.Headers["X-RateLimit-Limit"] = limit.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["X-RateLimit-Remaining"] = "0";
        context.Response.Headers["X-RateLimit-Reset"] = Math.Max(1, resetSeconds).ToString(CultureInfo.InvariantCulture);
        return WriteAsync(context, 429, Response(context, 429));
    }

    /// <summary>The envelope's <c>response</c> part with its status; the caller adds errors (a 429 has none).</summary>
    private static JsonObject Response(HttpContext context, int status) => new()
    {
        ["status"] = new JsonObject { ["code"] = status, ["message"] = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) },
    };

    private static Task WriteAsync(HttpContext context, int status, JsonObject response)
    {
        var envelope = new JsonObject
        {
            ["request"] = new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString(),
                ["url"] = context.Request.Path + context.Request.QueryString,
                ["method"] = context.Request.Method,
                ["timestamp"] = ((context.Items[ClockKey] as TimeProvider) ?? TimeProvider.System).GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            },
            ["response"] = response,
        };
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(envelope.ToJsonString(), context.RequestAborted);
    }
}

/// <summary>AWS error bodies: EC2 <c>Response/Errors/Error</c> + <c>RequestID</c>; ELBv2 <c>ErrorResponse/Error</c> + <c>RequestId</c>.</summary>
internal static class AwsErrors
{
    internal static Task WriteAsync(HttpContext context, string service, int status, string code, string message)
    {
        if (service == "ssm")
        {
            return SsmApi.WriteErrorAsync(context, status, code, message);
        }

        if (service == "monitoring")
        {
            return CloudWatchApi.WriteErrorAsync(context, status, code, message);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml";
        var id = Guid.NewGuid().ToString();
        var code1 = System.Security.SecurityElement.Escape(code);
        var message1 = System.Security.SecurityElement.Escape(message);
        var body = service == "ec2"
            ? $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code1}</Code><Message>{message1}</Message></Error></Errors><RequestID>{id}</RequestID></Response>"
            : $"<ErrorResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\"><Error><Type>{(status >= 500 ? "Receiver" : "Sender")}</Type><Code>{code1}</Code><Message>{message1}</Message></Error><RequestId>{id}</RequestId></ErrorResponse>";
        return context.Response.WriteAsync(body, Encoding.UTF8, context.RequestAborted);
    }
}
