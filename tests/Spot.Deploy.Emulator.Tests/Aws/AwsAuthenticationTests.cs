using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Spot.Deploy.Aws;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Emulator.Tests.Aws;

/// <summary>SigV4 verification of EC2 and ELBv2 calls: the real clients pass, anything else is refused with 403.</summary>
public sealed class AwsAuthenticationTests : IAsyncLifetime
{
    private AwsHarness _aws = null!;

    public async Task InitializeAsync()
    {
        _aws = await AwsHarness.StartAsync();
        _aws.State.SeedImage("ami-00000001", "web", new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
    }

    public async Task DisposeAsync() => await _aws.DisposeAsync();

    private static AmiQuery Self()
    {
        var query = new AmiQuery();
        query.Owners.Add("self");
        return query;
    }

    private static string DescribeImagesBody => AwsHarness.Form("DescribeImages", "2016-11-15", [("Owner.1", "self")]);

    [Fact]
    public async Task RealClient_RightKeys_Accepted()
    {
        (await _aws.Aws.Images.ResolveAsync(Self())).Id.Should().Be("ami-00000001");
    }

    [Fact]
    public async Task RealClient_WrongSecret_AwsApiException403SignatureDoesNotMatch()
    {
        using var wrong = _aws.Connect(secretKey: "not-the-secret");

        var act = () => wrong.Images.ResolveAsync(Self());

        var thrown = (await act.Should().ThrowAsync<AwsApiException>()).Which;
        thrown.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        thrown.ErrorCode.Should().Be("SignatureDoesNotMatch");
        thrown.ErrorMessage.Should().StartWith("The request signature we calculated does not match");
        thrown.IsTransient.Should().BeFalse();
    }

    [Fact]
    public async Task RealClient_WrongSecretOnElb_AwsApiException403SignatureDoesNotMatch()
    {
        using var wrong = _aws.Connect(secretKey: "not-the-secret");

        var act = () => wrong.Traffic.DescribeLoadBalancersAsync(["web-alb"]);

        var thrown = (await act.Should().ThrowAsync<AwsApiException>()).Which;
        thrown.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        thrown.ErrorCode.Should().Be("SignatureDoesNotMatch");
        thrown.Service.Should().Be("elasticloadbalancing");
    }

    [Fact]
    public async Task RealClient_UnknownAccessKey_Refused403WithTheInvalidTokenReason()
    {
        using var stranger = _aws.Connect(accessKey: "AKIDSTRANGER");

        var act = () => stranger.Images.ResolveAsync(Self());

        var thrown = (await act.Should().ThrowAsync<AwsApiException>()).Which;
        thrown.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        thrown.ErrorMessage.Should().Be("The security token included in the request is invalid.");
    }

    [Theory]
    [InlineData("ec2", "The security token included in the request is invalid.", "AuthFailure")]
    [InlineData("elasticloadbalancing", "The security token included in the request is invalid.", "InvalidClientTokenId")]
    [InlineData("ec2", "Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256", "IncompleteSignature")]
    [InlineData("elasticloadbalancing", "The request signature we calculated does not match the signature you provided.", "SignatureDoesNotMatch")]
    public void ErrorCodeOf_Reason_AwsCodeOfTheService(string service, string reason, string code) =>
        AwsAuthentication.ErrorCodeOf(service, reason).Should().Be(code);

    [Fact]
    public async Task Unsigned_Refused403MissingAuthenticationToken()
    {
        var answer = await _aws.SendAsync(_aws.Emulator.Ec2Endpoint, "ec2", DescribeImagesBody, sign: false);

        answer.Status.Should().Be(HttpStatusCode.Forbidden);
        answer.ErrorCode.Should().Be("MissingAuthenticationToken");
        _aws.Emulator.Calls.All.Single().Status.Should().Be(403);
    }

    [Fact]
    public async Task SignedThenBodyChanged_Refused403SignatureDoesNotMatch()
    {
        var tampered = AwsHarness.Form("DescribeImages", "2016-11-15", [("Owner.1", "amazon")]);

        var answer = await _aws.SendAsync(_aws.Emulator.Ec2Endpoint, "ec2", DescribeImagesBody,
            tamper: request => request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(tampered))
            {
                Headers = { { "Content-Type", "application/x-www-form-urlencoded; charset=utf-8" } },
            });

        answer.Status.Should().Be(HttpStatusCode.Forbidden);
        answer.ErrorCode.Should().Be("SignatureDoesNotMatch");
    }

    [Fact]
    public async Task SignedHeaderChanged_Refused403SignatureDoesNotMatch()
    {
        var answer = await _aws.SendAsync(_aws.Emulator.ElasticLoadBalancingEndpoint, "elasticloadbalancing",
            AwsHarness.Form("DescribeLoadBalancers", "2015-12-01", []),
            tamper: request =>
            {
                request.Headers.Remove("X-Amz-Date");
                request.Headers.TryAddWithoutValidation("X-Amz-Date", "20261121T120001Z");
            });

        answer.Status.Should().Be(HttpStatusCode.Forbidden);
        answer.ErrorCode.Should().Be("SignatureDoesNotMatch");
    }

    [Fact]
    public async Task SignedForAnotherRegion_Refused403()
    {
        var answer = await _aws.SendAsync(_aws.Emulator.Ec2Endpoint, "ec2", DescribeImagesBody, region: "eu-west-1");

        answer.Status.Should().Be(HttpStatusCode.Forbidden);
        answer.Xml!.Descendants().Single(e => e.Name.LocalName == "Message").Value.Should().Contain("eu-west-1");
    }

    [Fact]
    public async Task SignedForElbButSentToEc2_Refused403()
    {
        var answer = await _aws.SendAsync(_aws.Emulator.Ec2Endpoint, "elasticloadbalancing", DescribeImagesBody);

        answer.Status.Should().Be(HttpStatusCode.Forbidden);
        answer.Xml!.Descendants().Single(e => e.Name.LocalName == "Message").Value.Should().Contain("'ec2'");
    }

    [Fact]
    public async Task NoKeysConfigured_AnySignatureAccepted()
    {
        await using var open = await SpotDeployEmulator.StartAsync(new EmulatorOptions { TimeProvider = _aws.Clock });
        open.State.SeedImage("ami-00000001", "web", DateTimeOffset.UnixEpoch);
        using var http = new HttpClient();
        using var client = new AwsConnection(http, new AwsConnectionOptions
        {
            Region = "us-east-1",
            AccessKeyId = "ANY",
            SecretAccessKey = "ANY",
            Ec2Endpoint = open.Ec2Endpoint,
            TimeProvider = _aws.Clock,
            MaxRetries = 0,
        });

        (await client.Images.ResolveAsync(Self())).Id.Should().Be("ami-00000001");
    }

    /// <summary>
    /// Our client's signer (AWSSDK.Core's public AWSSigV4Signer) and the verifier agree on the canonical query too:
    /// sorted names and values, <c>+</c> as a space, a bare flag as <c>flag=</c>, repeated names kept.
    /// </summary>
    [Theory]
    [InlineData("b=2&a=x%20y&a=w+v&flag", "b=2&a=x%20y&a=w+v&flag")]
    [InlineData("Action=DescribeImages&Owner.1=self", "Action=DescribeImages&Owner.1=amazon")]
    public void Verify_OurSignerWithAQuery_AcceptedAndATamperedQueryNot(string query, string tampered)
    {
        var options = new EmulatorOptions { AwsAccessKeyId = AwsHarness.AccessKey, AwsSecretAccessKey = AwsHarness.SecretKey, Region = "us-east-1" };
        var body = Encoding.UTF8.GetBytes("Version=2016-11-15");
        var signed = AwsSigner.Sign(new Uri("http://127.0.0.1:8123/ec2/?" + query), "us-east-1", "ec2", body, "application/x-www-form-urlencoded; charset=utf-8",
            new Amazon.Runtime.ImmutableCredentials(AwsHarness.AccessKey, AwsHarness.SecretKey, null), new DateTime(2026, 11, 21, 12, 0, 0, DateTimeKind.Utc));
        var headers = signed.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        headers["Host"] = "127.0.0.1:8123";

        AwsAuthentication.Verify("POST", "/ec2/", query, headers, body, "ec2", options).Should().BeNull();
        AwsAuthentication.Verify("POST", "/ec2/", query + "&extra=1", headers, body, "ec2", options).Should().Be(AwsAuthentication.SignatureMismatchReason);
        if (tampered != query)
        {
            AwsAuthentication.Verify("POST", "/ec2/", tampered, headers, body, "ec2", options).Should().Be(AwsAuthentication.SignatureMismatchReason);
        }
    }

    /// <summary>
    /// The official AWS SDK for JavaScript v3's reference requests (tests/Spot.Deploy.Aws.Tests/node): it signs
    /// amz-sdk-invocation-id, amz-sdk-request, content-length, content-type, host, x-amz-content-sha256,
    /// x-amz-date and x-amz-user-agent (and x-amz-security-token with a session), which the verifier must accept.
    /// </summary>
    [RequiresFact(Prerequisite.Node)]
    public async Task Verify_JavaScriptSdkReferenceRequests_AllValidAndATamperedOneNot()
    {
        var runner = new NodeRunner(Path.Combine(PublicApiListing.RepositoryRoot(), "tests", "Spot.Deploy.Aws.Tests", "node"),
            "@aws-sdk/client-ec2", "@aws-sdk/client-elastic-load-balancing-v2");
        var (code, output, error) = await runner.RunAsync("reference-requests.mjs");
        code.Should().Be(0, error);
        var options = new EmulatorOptions { AwsAccessKeyId = AwsHarness.AccessKey, AwsSecretAccessKey = AwsHarness.SecretKey, Region = "us-east-1" };
        var references = JsonNode.Parse(output)!.AsArray().Select(r => r!.AsObject()).ToList();

        references.Should().HaveCountGreaterThan(8);
        foreach (var reference in references)
        {
            var headers = reference["headers"]!.AsObject().ToDictionary(h => h.Key, h => (string)h.Value!, StringComparer.OrdinalIgnoreCase);
            var body = Encoding.UTF8.GetBytes((string)reference["body"]!);
            var service = (string)reference["service"]!;
            headers["authorization"].Should().Contain("x-amz-user-agent").And.Contain("amz-sdk-invocation-id");

            AwsAuthentication.Verify("POST", (string)reference["path"]!, string.Empty, headers, body, service, options)
                .Should().BeNull((string)reference["name"]!);
            var tampered = Encoding.UTF8.GetBytes((string)reference["body"]! + "&Extra=1");
            AwsAuthentication.Verify("POST", (string)reference["path"]!, string.Empty, headers, tampered, service, options)
                .Should().Be(AwsAuthentication.SignatureMismatchReason);
            var withoutSignedHeader = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase);
            withoutSignedHeader.Remove("amz-sdk-request");
            AwsAuthentication.Verify("POST", (string)reference["path"]!, string.Empty, withoutSignedHeader, body, service, options)
                .Should().Be(AwsAuthentication.SignatureMismatchReason);
        }
    }
}
