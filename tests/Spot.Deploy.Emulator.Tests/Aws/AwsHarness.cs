using System.Net;
using System.Text;
using System.Xml.Linq;
using Amazon.Runtime;
using Spot.Deploy.Aws;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Emulator.Tests.Aws;

/// <summary>
/// An emulator with a SigV4 key pair and a fake clock, the real <see cref="AwsConnection"/> pointed at it,
/// and raw signed query calls (signed by AWSSDK.Core's own signer) for what the typed client never sends.
/// </summary>
internal sealed class AwsHarness : IAsyncDisposable
{
    public const string AccessKey = "AKIDEXAMPLE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    public const string Region = "us-east-1";
    public const string Account = "123456789012";

    private readonly HttpClient _http = new();

    private AwsHarness(VirtualClock clock, SpotDeployEmulator emulator)
    {
        Clock = clock;
        Emulator = emulator;
        Aws = Connect();
    }

    public VirtualClock Clock { get; }

    public SpotDeployEmulator Emulator { get; }

    public EmulatorState State => Emulator.State;

    public AwsConnection Aws { get; }

    public static async Task<AwsHarness> StartAsync(Action<EmulatorOptions>? configure = null)
    {
        var clock = new VirtualClock(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));
        var options = new EmulatorOptions
        {
            TimeProvider = clock,
            AwsAccessKeyId = AccessKey,
            AwsSecretAccessKey = SecretKey,
            Region = Region,
            AwsAccountId = Account,
        };
        configure?.Invoke(options);
        var emulator = await SpotDeployEmulator.StartAsync(options);
        return new AwsHarness(clock, emulator);
    }

    /// <summary>
    /// A client of the emulator (other keys to test refusals); no retries, so a refusal surfaces at once, and no CloudWatch
    /// pacing, whose waits would run on a clock nobody advances here (the pacer has its own tests).
    /// </summary>
    public AwsConnection Connect(string accessKey = AccessKey, string secretKey = SecretKey) => new(_http, new AwsConnectionOptions
    {
        Region = Region,
        AccessKeyId = accessKey,
        SecretAccessKey = secretKey,
        Ec2Endpoint = Emulator.Ec2Endpoint,
        ElasticLoadBalancingEndpoint = Emulator.ElasticLoadBalancingEndpoint,
        SystemsManagementEndpoint = Emulator.SystemsManagementEndpoint,
        CloudWatchEndpoint = Emulator.CloudWatchEndpoint,
        TimeProvider = Clock,
        MaxRetries = 0,
        CloudWatchRequestsPerSecond = 0,
        RandomSeed = 7,
    });

    /// <summary>Sends a signed EC2 call: <c>Action</c> and <c>Version</c> are added.</summary>
    public Task<RawAnswer> Ec2Async(string action, params (string Name, string Value)[] parameters) =>
        SendAsync(Emulator.Ec2Endpoint, "ec2", Form(action, "2016-11-15", parameters));

    /// <summary>Sends a signed ELBv2 call: <c>Action</c> and <c>Version</c> are added.</summary>
    public Task<RawAnswer> ElbAsync(string action, params (string Name, string Value)[] parameters) =>
        SendAsync(Emulator.ElasticLoadBalancingEndpoint, "elasticloadbalancing", Form(action, "2015-12-01", parameters));

    /// <summary>Sends a signed CloudWatch query-protocol call: <c>Action</c> and <c>Version</c> are added.</summary>
    public Task<RawAnswer> CloudWatchAsync(string action, params (string Name, string Value)[] parameters) =>
        SendAsync(Emulator.CloudWatchEndpoint, "monitoring", Form(action, "2010-08-01", parameters));

    /// <summary>
    /// Signs <paramref name="body"/> with AWSSDK.Core's public AWSSigV4Signer (through Spot.Deploy.Aws's AwsSigner) and posts it, after letting
    /// <paramref name="tamper"/> change the signed request (to prove a change is caught).
    /// </summary>
    public async Task<RawAnswer> SendAsync(Uri endpoint, string service, string body, string secretKey = SecretKey, string region = Region, Action<HttpRequestMessage>? tamper = null, bool sign = true)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
        if (sign)
        {
            foreach (var (name, value) in Sign(endpoint, service, bytes, secretKey, region))
            {
                if (!name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }
            }
        }

        tamper?.Invoke(request);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new RawAnswer(response.StatusCode, text.Length == 0 ? null : XElement.Parse(text), text);
    }

    public static string Form(string action, string version, IEnumerable<(string Name, string Value)> parameters) =>
        "Action=" + Uri.EscapeDataString(action) + "&Version=" + version
        + string.Concat(parameters.Select(p => "&" + Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)));

    public async ValueTask DisposeAsync()
    {
        Aws.Dispose();
        _http.Dispose();
        await Emulator.DisposeAsync();
    }

    /// <summary>Signs like our client does (Spot.Deploy.Aws's signer over AWSSDK.Core), with any secret and region.</summary>
    private List<KeyValuePair<string, string>> Sign(Uri endpoint, string service, byte[] body, string secretKey, string region) =>
        [.. global::Spot.Deploy.Aws.AwsSigner.Sign(endpoint, region, service, body, "application/x-www-form-urlencoded; charset=utf-8",
            new ImmutableCredentials(AccessKey, secretKey, null), Clock.GetUtcNow().UtcDateTime)];
}

/// <summary>A raw answer: status, parsed XML (null when empty) and the text.</summary>
internal sealed record RawAnswer(HttpStatusCode Status, XElement? Xml, string Text)
{
    /// <summary>The error code of an EC2 (<c>Response/Errors/Error/Code</c>) or ELBv2 (<c>ErrorResponse/Error/Code</c>) error.</summary>
    public string? ErrorCode => Xml?.Descendants().FirstOrDefault(e => e.Name.LocalName == "Error")?.Elements().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value;

    /// <summary>Every element with this local name, in document order.</summary>
    public IEnumerable<XElement> All(string localName) => Xml?.Descendants().Where(e => e.Name.LocalName == localName) ?? [];

    /// <summary>The text of the first element with this local name.</summary>
    public string? First(string localName) => All(localName).FirstOrDefault()?.Value;
}
