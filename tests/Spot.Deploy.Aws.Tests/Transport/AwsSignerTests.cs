using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Spot.Deploy.Aws;

namespace Spot.Deploy.Aws.Tests.Transport;

/// <summary>
/// Pins the exact headers our signer returns for fixed inputs (keys, clock, body, endpoint, region), as
/// AWSSDK.Core's signer produced them before the signer moved to the SDK's public signing surface: a
/// change of signer must not change one byte of what is sent.
/// </summary>
public class AwsSignerTests
{
    private const string ContentType = "application/x-www-form-urlencoded; charset=utf-8";

    private static readonly DateTime Noon = new(2026, 11, 21, 12, 0, 0, DateTimeKind.Utc);

    private static ImmutableCredentials Credentials(bool withToken) =>
        new(AwsQueryTransportTests.AccessKey, AwsQueryTransportTests.SecretKey, withToken ? AwsQueryTransportTests.Token : null);

    public sealed record SigningCase(string Endpoint, string Region, string Service, string Body, bool WithToken, DateTime SignedAt, string[] Expected)
    {
        public override string ToString() => Service + " " + Region + " " + Endpoint + (WithToken ? " +token" : string.Empty) + " " + SignedAt.ToString("O", CultureInfo.InvariantCulture);
    }

    public static TheoryData<SigningCase> Cases() =>
    [
        new SigningCase(
            "https://ec2.us-east-1.amazonaws.com/", "us-east-1", "ec2",
            "Action=DescribeImages&Version=2016-11-15&Owner.1=self", false, Noon,
            [
                "Content-Type: application/x-www-form-urlencoded; charset=utf-8",
                "X-Amz-Date: 20261121T120000Z",
                "X-Amz-Content-SHA256: a6682866705d3688a6595a6dcec4af4f462fe54f491f0802ec2e0ac79e57d72b",
                "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/us-east-1/ec2/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=ef8b997f51c8f508e3d69b281a14d49dec12818b8c40367ac606b679f8ae55e8",
            ]),
        new SigningCase(
            "https://elasticloadbalancing.eu-west-3.amazonaws.com/", "eu-west-3", "elasticloadbalancing",
            "Action=DescribeListeners&Version=2015-12-01&ListenerArns.member.1=arn%3Aaws%3Aelasticloadbalancing%3Aeu-west-3%3A123456789012%3Alistener%2Fapp%2Fweb%2F50dc6c495c0c9188%2Ff2f7dc8efc522ab2", true, Noon,
            [
                "Content-Type: application/x-www-form-urlencoded; charset=utf-8",
                "X-Amz-Security-Token: FQoGZXIvYXdzEXAMPLETOKEN",
                "X-Amz-Date: 20261121T120000Z",
                "X-Amz-Content-SHA256: 32e977dd93193c392d1d21ef2f8c6442b39ad776973ac29bc3fa4e3580a34b30",
                "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/eu-west-3/elasticloadbalancing/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=930d37aa3ca1a3b9039125bbe6dcba7de82323c615d09b7ae7e4497de6655769",
            ]),
        // An emulator-style endpoint: a port, a path with a trailing slash, and a clock with milliseconds (dropped).
        new SigningCase(
            "http://127.0.0.1:8123/ec2/", "us-east-1", "ec2",
            "Action=DescribeImages&Version=2016-11-15&Filter.1.Name=tag%3AVersion&Filter.1.Value.1=1.2.3%20b%C3%A9ta", false, Noon.AddMilliseconds(987),
            [
                "Content-Type: application/x-www-form-urlencoded; charset=utf-8",
                "X-Amz-Date: 20261121T120000Z",
                "X-Amz-Content-SHA256: 9fd5b902de6f07ebb1f66c144602298fd1549c1dfbfd5189fb1a03986c6968a8",
                "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/us-east-1/ec2/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=e3ef69d0effd6243d97f85173c684fff7b31df3ff229476dc61b613a5e6f85ee",
            ]),
        new SigningCase(
            "https://ec2.cn-north-1.amazonaws.com.cn/", "cn-north-1", "ec2",
            string.Empty, true, new DateTime(2026, 1, 2, 23, 59, 59, DateTimeKind.Utc),
            [
                "Content-Type: application/x-www-form-urlencoded; charset=utf-8",
                "X-Amz-Security-Token: FQoGZXIvYXdzEXAMPLETOKEN",
                "X-Amz-Date: 20260102T235959Z",
                "X-Amz-Content-SHA256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260102/cn-north-1/ec2/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=3fa76271602362e491bc9b749d6efcafd94f74bfb031032eac5523fd318de077",
            ]),
        // A region the SDK has never heard of still signs with that region in the scope.
        new SigningCase(
            "http://localhost:5000/elasticloadbalancing/", "xx-test-9", "elasticloadbalancing",
            "Action=DescribeLoadBalancers&Version=2015-12-01", false, Noon,
            [
                "Content-Type: application/x-www-form-urlencoded; charset=utf-8",
                "X-Amz-Date: 20261121T120000Z",
                "X-Amz-Content-SHA256: 291737628a8822c591d69bcc8ab0023e2d91be3e5358172d89f534bec412a356",
                "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/xx-test-9/elasticloadbalancing/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=977af2f14373f5bafb2ab5f17f6d8b0bb31152d89138d9ce2334746e3bba3d19",
            ]),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sign_FixedInputs_ReturnsTheRecordedHeaders(SigningCase input)
    {
        var headers = AwsSigner.Sign(new Uri(input.Endpoint), input.Region, input.Service, Encoding.UTF8.GetBytes(input.Body), ContentType, Credentials(input.WithToken), input.SignedAt);

        headers.Select(h => h.Key + ": " + h.Value).Should().Equal(input.Expected);
    }

    [Fact]
    public void Sign_SameInputsTwice_SameHeaders()
    {
        var body = Encoding.UTF8.GetBytes("Action=DescribeImages&Version=2016-11-15");
        var endpoint = new Uri("https://ec2.us-east-1.amazonaws.com/");

        var first = AwsSigner.Sign(endpoint, "us-east-1", "ec2", body, ContentType, Credentials(true), Noon);
        var second = AwsSigner.Sign(endpoint, "us-east-1", "ec2", body, ContentType, Credentials(true), Noon);

        second.Should().Equal(first, "the signer keeps no state between requests");
    }

    /// <summary>
    /// The one input where the public signer differs from the internal one it replaced: an endpoint whose path has
    /// escaped characters. The old signer's signature was refused by the official JavaScript SDK's signer; this one is
    /// accepted (the path is canonicalized as sent, URI-encoded once more, as SigV4 asks of services other than S3).
    /// </summary>
    [Fact]
    public async Task Sign_EndpointPathWithEscapes_AcceptedByTheJavaScriptSdk()
    {
        var endpoint = new Uri("http://127.0.0.1:8123/a b/%C3%A9/");
        const string body = "Action=DescribeImages&Version=2016-11-15";
        var headers = new JsonObject { ["host"] = "127.0.0.1:8123" };
        foreach (var (name, value) in AwsSigner.Sign(endpoint, "us-east-1", "ec2", Encoding.UTF8.GetBytes(body), ContentType, Credentials(false), Noon))
        {
            headers[name.ToLowerInvariant()] = value;
        }

        var verdict = await NodeTool.VerifyAsync(
            new JsonObject
            {
                ["method"] = "POST",
                ["hostname"] = "127.0.0.1:8123",
                ["path"] = endpoint.AbsolutePath,
                ["headers"] = headers,
                ["body"] = body,
                ["service"] = "ec2",
                ["region"] = "us-east-1",
            },
            AwsQueryTransportTests.AccessKey,
            AwsQueryTransportTests.SecretKey,
            null);

        endpoint.AbsolutePath.Should().Be("/a%20b/%C3%A9/", "the path is signed as it goes on the wire");
        ((bool)verdict["valid"]!).Should().BeTrue(verdict.ToJsonString());
    }
}
