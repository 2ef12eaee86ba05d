using System.Net;
using System.Security;
using System.Text;
using Amazon.EC2;
using Amazon.Runtime;

namespace Spot.Deploy.Aws.Tests.Images;

/// <summary>
/// A real <see cref="AmazonEC2Client"/> whose HTTP goes to a <see cref="FakeQueryTransport"/>: the SDK marshals each
/// request (the fake records its form parameters) and parses each scripted XML answer or EC2 error, so the resolver's
/// tests also show what AWSSDK.EC2 sends and reads. No retries: a scripted error is seen once.
/// </summary>
internal static class FakeEc2
{
    public static AmazonEC2Client Over(FakeQueryTransport transport)
    {
        var config = new AmazonEC2Config
        {
            ServiceURL = "http://ec2.test/",
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
            HttpClientFactory = new Factory(new HttpClient(new Handler(transport))),
        };
        return new AmazonEC2Client(new BasicAWSCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), config);
    }

    /// <summary>Form parameters as sent (<c>+</c> is a space, then percent-decoding), in order.</summary>
    public static List<KeyValuePair<string, string>> ParseForm(string body) =>
        [.. body.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? string.Empty : pair[(equals + 1)..];
            return new KeyValuePair<string, string>(Uri.UnescapeDataString(name.Replace('+', ' ')), Uri.UnescapeDataString(value.Replace('+', ' ')));
        })];

    private sealed class Handler(FakeQueryTransport transport) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var form = ParseForm(await request.Content!.ReadAsStringAsync(cancellationToken));
            var action = form.First(p => p.Key == "Action").Value;
            form.First(p => p.Key == "Version").Value.Should().Be("2016-11-15");
            var parameters = form.Where(p => p.Key is not ("Action" or "Version")).ToList();
            try
            {
                var root = await transport.SendAsync(AwsService.Ec2, action, parameters, false, cancellationToken);
                return Xml(HttpStatusCode.OK, root.ToString());
            }
            catch (AwsApiException e)
            {
                return Xml(e.StatusCode, "<Response><Errors><Error><Code>" + SecurityElement.Escape(e.ErrorCode) + "</Code><Message>"
                    + SecurityElement.Escape(e.ErrorMessage) + "</Message></Error></Errors><RequestID>" + SecurityElement.Escape(e.RequestId) + "</RequestID></Response>");
            }
        }

        private static HttpResponseMessage Xml(HttpStatusCode status, string xml) =>
            new(status) { Content = new StringContent(xml, Encoding.UTF8, "text/xml") };
    }

    private sealed class Factory(HttpClient http) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => http;

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
    }
}
