using System.Text.RegularExpressions;
using Spot.Deploy.Elastigroup;

namespace Spot.Deploy.Cli.Tests;

/// <summary>
/// <c>spot-deploy emulator --seed-app &lt;app&gt;</c> as its own OS process (real time: instances boot in 3 s, healthy 2 s
/// later), with what it prints parsed: its addresses and credentials, for the CLI processes pointed at it and for reading
/// its groups over its Spot API.
/// </summary>
internal sealed partial class EmulatorProcess : IDisposable
{
    private readonly CliProcess _process;

    private EmulatorProcess(CliProcess process, Uri spotApi, Uri ec2, Uri elb, Uri callLog, string token, string account, string blueTargetGroup)
    {
        CallLog = callLog;
        _process = process;
        SpotApi = spotApi;
        Ec2Endpoint = ec2;
        ElbEndpoint = elb;
        Token = token;
        Account = account;
        BlueTargetGroup = blueTargetGroup;
        Spot = new ElastigroupClient(new ElastigroupClientOptions { BaseAddress = spotApi, Token = token, AccountId = account });
    }

    public Uri SpotApi { get; }

    public Uri Ec2Endpoint { get; }

    public Uri ElbEndpoint { get; }

    /// <summary>The emulator's call log over HTTP (<c>GET /emulator/calls</c>, with the Spot token).</summary>
    public Uri CallLog { get; }

    public string Token { get; }

    public string Account { get; }

    public string BlueTargetGroup { get; }

    /// <summary>A client of the emulator's Spot API, to read its groups as Spot would return them.</summary>
    public ElastigroupClient Spot { get; }

    /// <summary>The environment a CLI process needs to call this emulator: its (emulator-only) credentials, nothing else.</summary>
    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?>
    {
        ["SPOTINST_TOKEN"] = Token,
        ["SPOTINST_ACCOUNT"] = Account,
        ["AWS_REGION"] = "us-east-1",
        ["AWS_ACCESS_KEY_ID"] = "AKIDEMULATOR",
        ["AWS_SECRET_ACCESS_KEY"] = "emulator",
        ["AWS_SESSION_TOKEN"] = null,
        ["AWS_PROFILE"] = null,
    };

    /// <summary>The endpoint flags pointing a command at this emulator.</summary>
    public string[] EndpointFlags =>
        ["--spot-url", SpotApi.ToString(), "--ec2-endpoint", Ec2Endpoint.ToString(), "--elb-endpoint", ElbEndpoint.ToString()];

    public static Task<EmulatorProcess> StartAsync(string seedApp, params string[] moreArguments) => StartAsync([seedApp], moreArguments);

    /// <summary>Starts the emulator with the apps seeded and further flags (such as <c>--boot-time 0.3</c>).</summary>
    public static async Task<EmulatorProcess> StartAsync(IEnumerable<string> seedApps, IEnumerable<string> flags)
    {
        var process = CliProcess.Start(["emulator", .. seedApps.SelectMany(app => new[] { "--seed-app", app }), .. flags], new Dictionary<string, string?>());
        try
        {
            await process.WaitUntilAsync(() => Task.FromResult(process.Output.Contains("Press Ctrl+C to stop.", StringComparison.Ordinal)), TimeSpan.FromSeconds(60), "the emulator to print its addresses");
            var output = process.Output;
            var credentials = Credentials().Match(output);
            return new EmulatorProcess(
                process,
                new Uri(Field(output, "Spot API:")),
                new Uri(Field(output, "EC2 endpoint:")),
                new Uri(Field(output, "ELBv2 endpoint:")),
                new Uri(Field(output, "Call log:").Split(' ')[0]),
                credentials.Groups["token"].Value,
                credentials.Groups["account"].Value,
                BlueTarget().Match(output).Groups["arn"].Value);
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    /// <summary>Every call the emulator received after the one numbered <paramref name="after"/>, in arrival order.</summary>
    public async Task<IReadOnlyList<EmulatorCallRecord>> CallsAsync(long after = 0)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(CallLog + "?after=" + after.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var calls = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!["calls"]!.AsArray();
        return [.. calls.Select(c => new EmulatorCallRecord(
            c!["sequence"]!.GetValue<long>(), c["service"]!.GetValue<string>(), c["method"]!.GetValue<string>(), c["path"]!.GetValue<string>(),
            c["action"]?.GetValue<string>(), c["mutating"]!.GetValue<bool>(), c["status"]!.GetValue<int>()))];
    }

    public void Dispose()
    {
        Spot.Dispose();
        _process.Dispose();
    }

    private static string Field(string output, string label) =>
        output.Split('\n').Single(l => l.StartsWith(label, StringComparison.Ordinal))[label.Length..].Trim();

    [GeneratedRegex(@"SPOTINST_TOKEN=(?<token>\S+)\s+SPOTINST_ACCOUNT=(?<account>\S+)")]
    private static partial Regex Credentials();

    [GeneratedRegex(@"routes: production \S+ -> (?<arn>\S+)")]
    private static partial Regex BlueTarget();
}

/// <summary>One call of the emulator's call log, as <c>GET /emulator/calls</c> returns it.</summary>
internal sealed record EmulatorCallRecord(long Sequence, string Service, string Method, string Path, string? Action, bool IsMutating, int Status)
{
    public override string ToString() => $"#{Sequence} {Service} {Method} {Path}{(Action is null ? string.Empty : " " + Action)} -> {Status}";
}
