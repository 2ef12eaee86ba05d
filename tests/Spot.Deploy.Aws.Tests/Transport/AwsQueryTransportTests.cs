using System.Net;
using System.Text.Json.Nodes;
using System.Web;
using Microsoft.Extensions.Logging;
using Spot.Deploy.Aws;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Aws.Tests.Transport;

public sealed class AwsQueryTransportTests : IAsyncLifetime
{
    public const string AccessKey = "AKIDEXAMPLE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    public const string Token = "FQoGZXIvYXdzEXAMPLETOKEN";

    private LoopbackServer _server = null!;
    private readonly HttpClient _http = new();
    private readonly ListLogger _log = new();

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private VirtualClock _time = new(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero)) { AutoAdvanceLimit = TimeSpan.FromMinutes(5) };

    private AwsQueryTransport Transport(Action<AwsConnectionOptions>? configure = null, CloudWatchPacer? pacer = null)
    {
        var options = new AwsConnectionOptions
        {
            Region = "us-east-1",
            AccessKeyId = AccessKey,
            SecretAccessKey = SecretKey,
            Ec2Endpoint = _server.BaseAddress,
            ElasticLoadBalancingEndpoint = _server.BaseAddress,
            TimeProvider = _time,
            AttemptTimeout = TimeSpan.FromHours(1),
            RandomSeed = 7,
        };
        configure?.Invoke(options);
        options.Validate();
        return new AwsQueryTransport(_http, options, new AwsCredentialSource(options), _log, pacer);
    }

    private static List<KeyValuePair<string, string>> FormOf(string body)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var part in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            pairs.Add(new(Uri.UnescapeDataString(part[..eq]), Uri.UnescapeDataString(part[(eq + 1)..])));
        }

        return pairs;
    }

    private JsonObject AsVerifierInput(RecordedRequest request, string service) => NodeTool.VerifierInput(request, _server.BaseAddress.Authority, service);

    private const string DescribeRulesEmpty = """<DescribeRulesResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><DescribeRulesResult><Rules/></DescribeRulesResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></DescribeRulesResponse>""";

    [RequiresTheory(Prerequisite.Node)]
    [InlineData("DescribeListeners.ListenerArns", AwsService.ElasticLoadBalancingV2)]
    [InlineData("ModifyListener", AwsService.ElasticLoadBalancingV2)]
    [InlineData("ModifyRule", AwsService.ElasticLoadBalancingV2)]
    public async Task Send_SdkParameters_SendsTheSameFormWithASignatureTheSdkAccepts(string name, AwsService service)
    {
        var reference = await NodeTool.ReferenceAsync(name);
        var form = NodeTool.Form(reference);
        var action = form[0].Value;
        _server.Handler = _ => new ScriptedResponse(200, $"<{action}Response><{action}Result/><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{action}Response>");

        await Transport().SendAsync(service, action, form.Skip(2).ToList(), isMutating: action.StartsWith("Modify", StringComparison.Ordinal), default);

        var sent = _server.Requests.Single();
        FormOf(sent.Body).Should().Equal(form, "the body must carry exactly the SDK's parameters, in order");
        sent.Header("X-Amz-Date").Should().Be("20261121T120000Z");
        sent.Header("Content-Type").Should().Be("application/x-www-form-urlencoded; charset=utf-8");
        var verdict = await NodeTool.VerifyAsync(AsVerifierInput(sent, (string)reference["service"]!), AccessKey, SecretKey, null);
        ((bool)verdict["valid"]!).Should().BeTrue(verdict.ToJsonString());
    }

    [RequiresFact(Prerequisite.Node)]
    public async Task Send_SessionToken_IsSentAndSigned()
    {
        _server.Handler = _ => new ScriptedResponse(200, DescribeRulesEmpty);

        await Transport(o => o.SessionToken = Token).SendAsync(AwsService.ElasticLoadBalancingV2, "DescribeRules", [new("ListenerArn", "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/2")], false, default);

        var sent = _server.Requests.Single();
        sent.Header("X-Amz-Security-Token").Should().Be(Token);
        sent.Header("Authorization").Should().Contain("x-amz-security-token");
        var verdict = await NodeTool.VerifyAsync(AsVerifierInput(sent, "elasticloadbalancing"), AccessKey, SecretKey, Token);
        ((bool)verdict["valid"]!).Should().BeTrue(verdict.ToJsonString());
    }

    [RequiresFact(Prerequisite.Node)]
    public async Task Send_TamperedBody_IsRejectedByTheSdkVerifier()
    {
        _server.Handler = _ => new ScriptedResponse(200, DescribeRulesEmpty);
        await Transport().SendAsync(AwsService.ElasticLoadBalancingV2, "DescribeRules", [new("ListenerArn", "arn:self")], false, default);
        var input = AsVerifierInput(_server.Requests.Single(), "elasticloadbalancing");
        input["body"] = ((string)input["body"]!).Replace("self", "amazon", StringComparison.Ordinal);

        var verdict = await NodeTool.VerifyAsync(input, AccessKey, SecretKey, null);

        ((bool)verdict["valid"]!).Should().BeFalse("a signature that survives tampering would prove nothing");
    }

    [Fact]
    public async Task Send_Ec2OrSsm_IsRefused_TheyGoThroughTheAwsSdk()
    {
        var act = () => Transport().SendAsync(AwsService.Ec2, "DescribeImages", [], false, default);

        await act.Should().ThrowAsync<ArgumentOutOfRangeException>();
        _server.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Send_ElbError_IsParsed()
    {
        var sample = TestData.Sample("elb-error-response.xml");
        _server.Handler = _ => new ScriptedResponse(400, sample);

        var act = () => Transport().SendAsync(AwsService.ElasticLoadBalancingV2, "DescribeRules", [], false, default);

        var error = (await act.Should().ThrowAsync<AwsApiException>()).Which;
        error.ErrorCode.Should().NotBeNullOrEmpty();
        error.RequestId.Should().NotBeNullOrEmpty();
        error.Service.Should().Be("elasticloadbalancing");
    }

    [Fact]
    public async Task Send_Throttling_OnARead_IsRetriedWithBackoff()
    {
        var calls = 0;
        _server.Handler = _ => Interlocked.Increment(ref calls) < 3
            ? new ScriptedResponse(400, "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>req-t</RequestId></ErrorResponse>")
            : new ScriptedResponse(200, DescribeRulesEmpty);

        var root = await Transport().SendAsync(AwsService.ElasticLoadBalancingV2, "DescribeRules", [], false, default);

        root.Name.LocalName.Should().Be("DescribeRulesResponse");
        _server.Requests.Should().HaveCount(3);
        _time.Elapsed.Should().BeGreaterThan(TimeSpan.Zero, "backoff waits between attempts");
        _log.Lines.Should().Contain(l => l.Contains("Throttling", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_CloudWatchThrottling_EveryAttemptTakesATurn_AndThePaceDrops_ElbCallsAreNotPaced()
    {
        var calls = 0;
        _server.Handler = request => request.Body.Contains("Action=DescribeAlarms", StringComparison.Ordinal) && Interlocked.Increment(ref calls) < 3
            ? new ScriptedResponse(400, "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>req-t</RequestId></ErrorResponse>")
            : new ScriptedResponse(200, request.Body.Contains("Action=DescribeAlarms", StringComparison.Ordinal)
                ? "<DescribeAlarmsResponse><DescribeAlarmsResult/></DescribeAlarmsResponse>"
                : DescribeRulesEmpty);
        var pacer = new CloudWatchPacer(9, _time);
        var transport = Transport(o => o.CloudWatchEndpoint = _server.BaseAddress, pacer);

        await transport.SendAsync(AwsService.CloudWatch, "DescribeAlarms", [], false, default);
        await transport.SendAsync(AwsService.ElasticLoadBalancingV2, "DescribeRules", [], false, default);

        _server.Requests.Should().HaveCount(4);
        pacer.Turns.Should().Be(3, "the two retries waited their turns too; the ELBv2 call did not take one");
        pacer.CurrentPerSecond.Should().BeLessThan(9 * CloudWatchPacer.Decrease + 0.5);
        _log.Lines.Should().Contain(l => l.Contains("pacing this connection's CloudWatch calls to 6.3 a second", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_ElbThrottling400_OnAMutatingAction_IsRetried()
    {
        var calls = 0;
        _server.Handler = _ => Interlocked.Increment(ref calls) == 1
            ? new ScriptedResponse(400, "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>x</RequestId></ErrorResponse>")
            : new ScriptedResponse(200, "<ModifyRuleResponse><ModifyRuleResult/></ModifyRuleResponse>");

        await Transport().SendAsync(AwsService.ElasticLoadBalancingV2, "ModifyRule", [new("RuleArn", "arn:r")], true, default);

        _server.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task Send_500_OnAMutatingAction_IsNotRepeatedBlindly()
    {
        _server.Handler = _ => new ScriptedResponse(500, "<ErrorResponse><Error><Code>InternalFailure</Code></Error></ErrorResponse>");

        var act = () => Transport().SendAsync(AwsService.ElasticLoadBalancingV2, "ModifyListener", [], true, default);

        (await act.Should().ThrowAsync<AwsApiException>()).Which.IsTransient.Should().BeTrue();
        _server.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task Send_500_OnARead_IsRetriedThenGivesUp()
    {
        _server.Handler = _ => new ScriptedResponse(500, "oops not xml");

        var act = () => Transport(o => o.MaxRetries = 2).SendAsync(AwsService.ElasticLoadBalancingV2, "DescribeRules", [], false, default);

        var error = (await act.Should().ThrowAsync<AwsApiException>()).Which;
        error.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        error.ErrorCode.Should().Be("InvalidResponse");
        _server.Requests.Should().HaveCount(3);
    }

    [Fact]
    public async Task Send_Timeout_OfARead_IsRetried()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        _server.Handler = _ => Interlocked.Increment(ref calls) == 1
            ? new ScriptedResponse(200, "", Before: async ct => { arrived.TrySetResult(); await Task.Delay(Timeout.Infinite, ct); })
            : new ScriptedResponse(200, DescribeRulesEmpty);

        var call = Transport().SendAsync(AwsService.ElasticLoadBalancingV2, "DescribeRules", [], false, default);
        await arrived.Task;
        _time.Advance(TimeSpan.FromHours(1));
        await call;

        _server.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task Send_ConnectionRefused_IsTransientWithNoStatus()
    {
        var port = _server.BaseAddress.Port;
        await _server.DisposeAsync();
        _server = await LoopbackServer.StartAsync();

        var act = () => Transport(o => { o.ElasticLoadBalancingEndpoint = new Uri($"http://127.0.0.1:{port}/"); o.MaxRetries = 1; }).SendAsync(AwsService.ElasticLoadBalancingV2, "DescribeRules", [], false, default);

        var error = (await act.Should().ThrowAsync<AwsApiException>()).Which;
        error.StatusCode.Should().Be((HttpStatusCode)0);
        error.IsTransient.Should().BeTrue();
    }

    [Fact]
    public void FormBody_EncodesLikeRfc3986()
    {
        var body = System.Text.Encoding.UTF8.GetString(AwsQueryTransport.FormBody(AwsService.ElasticLoadBalancingV2, "DescribeRules", [new("Names.member.1", "tag:Version"), new("Names.member.2", "web-* 1/2+ü")]));

        body.Should().Be("Action=DescribeRules&Version=2015-12-01&Names.member.1=tag%3AVersion&Names.member.2=web-%2A%201%2F2%2B%C3%BC");
    }

    [Fact]
    public async Task Secrets_NeverInLogsExceptionsOrToString()
    {
        _server.Handler = _ => new ScriptedResponse(403, "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message></Error><RequestId>q</RequestId></ErrorResponse>");
        var options = new AwsConnectionOptions { Region = "us-east-1", AccessKeyId = AccessKey, SecretAccessKey = SecretKey, SessionToken = Token, ElasticLoadBalancingEndpoint = _server.BaseAddress, TimeProvider = _time };
        using var connection = new AwsConnection(_http, options, _log);
        var act = () => Transport(o => o.SessionToken = Token).SendAsync(AwsService.ElasticLoadBalancingV2, "DescribeRules", [], false, default);

        var error = (await act.Should().ThrowAsync<AwsApiException>()).Which;

        var texts = new List<string> { error.ToString(), error.Message, options.ToString(), connection.ToString(), connection.CredentialsDescription };
        texts.AddRange(_log.Lines);
        _log.Lines.Should().NotBeEmpty();
        texts.Should().NotContain(t => t.Contains(SecretKey, StringComparison.Ordinal) || t.Contains(Token, StringComparison.Ordinal) || t.Contains("EXAMPLEKEY", StringComparison.Ordinal));
    }

    private sealed class ListLogger : ILogger
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue($"{logLevel} {eventId.Id} {formatter(state, exception)} {exception}");
    }
}
