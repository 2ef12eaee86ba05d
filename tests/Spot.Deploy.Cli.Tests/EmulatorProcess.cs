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

    private EmulatorProcess(CliProcess process, Uri spotApi, Uri ec2, Uri elb, string token, string account, string blueTargetGroup)
    {
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

    public static async Task<EmulatorProcess> StartAsync(string seedApp, params string[] moreArguments)
    {
        var process = CliProcess.Start(["emulator", "--seed-app", seedApp, .. moreArguments], new Dictionary<string, string?>());
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
