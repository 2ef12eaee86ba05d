using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Extensions.Logging;
using Polly;

namespace Spot.Deploy.Aws;

/// <summary>
/// The query-protocol transport of ELBv2 and CloudWatch (their AWSSDK packages are not on the package feed): form-encoded POST, SigV4 from AWSSDK.Core, XML answers parsed by local
/// names, AWS errors mapped to <see cref="AwsApiException"/>, throttling and 5xx retried with jittered
/// exponential backoff. Mutating actions are retried only when AWS throttled them (it did nothing).
/// </summary>
internal sealed class AwsQueryTransport : IAwsQueryTransport
{
    private const string FormContentType = "application/x-www-form-urlencoded; charset=utf-8";

    private readonly HttpClient _http;
    private readonly AwsConnectionOptions _options;
    private readonly AwsCredentialSource _credentials;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _reads;
    private readonly ResiliencePipeline _writes;
    private readonly CloudWatchPacer? _cloudWatchPacer;

    /// <param name="http">The HTTP client.</param>
    /// <param name="options">The connection's settings.</param>
    /// <param name="credentials">Signs every attempt.</param>
    /// <param name="logger">Calls, failures, retries and pace changes.</param>
    /// <param name="cloudWatchPacer">Paces every CloudWatch attempt (retries too) and learns from its <c>Throttling</c>; null: none.</param>
    internal AwsQueryTransport(HttpClient http, AwsConnectionOptions options, AwsCredentialSource credentials, ILogger logger, CloudWatchPacer? cloudWatchPacer = null)
    {
        _http = http;
        _cloudWatchPacer = cloudWatchPacer;
        _options = options;
        _credentials = credentials;
        _logger = logger;
        var random = AwsRetryPipeline.RandomOf(options);
        _reads = AwsRetryPipeline.Build(options, logger, random, static e => e.IsTransient);
        _writes = AwsRetryPipeline.Build(options, logger, random, static e => e.IsThrottling);
    }

    public async Task<XElement> SendAsync(AwsService service, string action, IReadOnlyList<KeyValuePair<string, string>> parameters, bool isMutating, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        ArgumentNullException.ThrowIfNull(parameters);
        var body = FormBody(service, action, parameters);
        using var activity = AwsDiagnostics.ActivitySource.StartActivity("AWS " + SigningName(service) + " " + action, ActivityKind.Client);
        activity?.SetTag("rpc.system", "aws-api");
        activity?.SetTag("rpc.service", SigningName(service));
        activity?.SetTag("rpc.method", action);
        var attempt = 0;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(AwsRetryPipeline.ActionKey, SigningName(service) + " " + action);
        try
        {
            var root = await (isMutating ? _writes : _reads).ExecuteAsync(
                async (ctx, _) =>
                {
                    attempt++;
                    var pacer = service == AwsService.CloudWatch ? _cloudWatchPacer : null;
                    if (pacer is not null)
                    {
                        await pacer.WaitTurnAsync(ctx.CancellationToken).ConfigureAwait(false);
                    }

                    try
                    {
                        return await SendOnceAsync(service, action, body, attempt, ctx.CancellationToken).ConfigureAwait(false);
                    }
                    catch (AwsApiException e) when (pacer is not null && e.IsThrottling)
                    {
                        if (pacer.Throttled() is { } slower)
                        {
                            Log.CloudWatchPaceDecreased(_logger, slower, pacer.ConfiguredPerSecond, (long)CloudWatchPacer.Recovery.TotalSeconds);
                        }

                        throw;
                    }
                },
                context,
                0).ConfigureAwait(false);
            activity?.SetTag("aws.attempts", attempt);
            return root;
        }
        catch (AwsApiException e)
        {
            activity?.SetTag("aws.attempts", attempt);
            activity?.SetTag("aws.request_id", e.RequestId);
            activity?.SetStatus(ActivityStatusCode.Error, e.ErrorCode);
            throw;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>The form body: Action, Version, then the parameters in order, RFC 3986 encoded.</summary>
    internal static byte[] FormBody(AwsService service, string action, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var text = new StringBuilder("Action=").Append(Uri.EscapeDataString(action))
            .Append("&Version=").Append(ApiVersion(service));
        foreach (var (name, value) in parameters)
        {
            text.Append('&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>The API version of a service this transport sends; EC2 and SSM are called through the AWS SDK for .NET, never by this transport.</summary>
    internal static string ApiVersion(AwsService service) => service switch
    {
        AwsService.ElasticLoadBalancingV2 => "2015-12-01",
        AwsService.CloudWatch => "2010-08-01",
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, "The query transport sends ELBv2 and CloudWatch only: EC2 and SSM go through the AWS SDK for .NET."),
    };

    internal static string SigningName(AwsService service) => service switch
    {
        AwsService.ElasticLoadBalancingV2 => "elasticloadbalancing",
        AwsService.CloudWatch => "monitoring",
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, "The query transport sends ELBv2 and CloudWatch only."),
    };

    private async ValueTask<XElement> SendOnceAsync(AwsService service, string action, byte[] body, int attempt, CancellationToken cancellationToken)
    {
        var endpoint = _options.EndpointOf(service);
        var signingName = SigningName(service);
        var credentials = await _credentials.GetAsync(cancellationToken).ConfigureAwait(false);
        var headers = AwsSigner.Sign(endpoint, _options.Region!, signingName, body, FormContentType, credentials, _options.TimeProvider.GetUtcNow().UtcDateTime);

        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        request.Headers.TryAddWithoutValidation("User-Agent", AwsDiagnostics.UserAgent);

        using var timeout = new CancellationTokenSource(_options.AttemptTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var started = _options.TimeProvider.GetTimestamp();
        HttpResponseMessage response;
        byte[] content;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
            content = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var elapsed = Elapsed(started);
            Log.CallFailed(_logger, signingName, action, 0, elapsed, attempt, "timeout");
            throw new AwsApiException(0, null, null, null, signingName, action,
                new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"No answer within {_options.AttemptTimeout.TotalSeconds:0.###} s."), e));
        }
        catch (HttpRequestException e)
        {
            var elapsed = Elapsed(started);
            Log.CallFailed(_logger, signingName, action, 0, elapsed, attempt, "connection failed");
            throw new AwsApiException(0, null, "The connection failed: " + e.HttpRequestError, null, signingName, action, e);
        }

        var duration = Elapsed(started);
        using (response)
        {
            var root = Parse(content);
            if (response.IsSuccessStatusCode && root is not null && !IsError(root))
            {
                Log.CallSucceeded(_logger, signingName, action, (int)response.StatusCode, duration, attempt);
                return root;
            }

            var (code, message, requestId) = ReadError(root);
            Log.CallFailed(_logger, signingName, action, (int)response.StatusCode, duration, attempt, code ?? "error");
            var status = response.IsSuccessStatusCode && root is null ? HttpStatusCode.BadGateway : response.StatusCode;
            throw new AwsApiException(status, code ?? (root is null ? "InvalidResponse" : null), message ?? (root is null ? "The answer was not XML." : null), requestId, signingName, action);
        }
    }

    private long Elapsed(long started) => (long)_options.TimeProvider.GetElapsedTime(started).TotalMilliseconds;

    private static XElement? Parse(byte[] content)
    {
        if (content.Length == 0)
        {
            return null;
        }

        try
        {
            using var stream = new MemoryStream(content);
            using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            return XElement.Load(reader);
        }
        catch (XmlException)
        {
            return null;
        }
    }

    private static bool IsError(XElement root) => root.Name.LocalName is "ErrorResponse" or "Response" && root.Descendants().Any(e => e.Name.LocalName == "Error");

    /// <summary>EC2: <c>Response/Errors/Error/{Code,Message}</c> + <c>RequestID</c>; ELBv2: <c>ErrorResponse/Error/{Code,Message}</c> + <c>RequestId</c>.</summary>
    internal static (string? Code, string? Message, string? RequestId) ReadError(XElement? root)
    {
        if (root is null)
        {
            return (null, null, null);
        }

        var error = root.Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
        var code = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value;
        var message = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value;
        var requestId = root.Descendants().FirstOrDefault(e => e.Name.LocalName.Equals("RequestId", StringComparison.OrdinalIgnoreCase))?.Value;
        return (code, message, requestId);
    }
}
