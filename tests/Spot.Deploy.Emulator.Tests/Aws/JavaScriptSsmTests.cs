using System.Text.Json.Nodes;

namespace Spot.Deploy.Emulator.Tests.Aws;

/// <summary>
/// The official AWS SDK for JavaScript v3's SSM client (pinned in tests/Spot.Deploy.Emulator.Tests/node) against the
/// emulator's SSM (AWS JSON 1.1): its signatures are accepted, its parser reads the answers, and the emulator's errors
/// are the SDK's modelled exceptions.
/// </summary>
public sealed class JavaScriptSsmTests : IAsyncLifetime
{
    private const string Script = """
        import { SSMClient, GetParameterCommand, GetParametersCommand } from "@aws-sdk/client-ssm";

        const env = process.env;
        const credentials = { accessKeyId: env.EMULATOR_KEY, secretAccessKey: env.EMULATOR_SECRET };
        const common = { region: "us-east-1", maxAttempts: 1, endpoint: env.EMULATOR_SSM };
        const ssm = new SSMClient({ ...common, credentials });
        const out = {};
        const failure = async (command, client = ssm) => {
          try { await client.send(command); return "accepted"; }
          catch (e) { return { name: e.name, status: e.$metadata?.httpStatusCode }; }
        };

        const pick = p => ({ name: p.Name, value: p.Value, version: p.Version, type: p.Type, dataType: p.DataType,
          selector: p.Selector ?? null, arn: p.ARN, modified: p.LastModifiedDate instanceof Date ? p.LastModifiedDate.toISOString() : null });
        out.latest = pick((await ssm.send(new GetParameterCommand({ Name: "/images/web" }))).Parameter);
        out.byVersion = pick((await ssm.send(new GetParameterCommand({ Name: "/images/web:1" }))).Parameter);
        out.byLabel = pick((await ssm.send(new GetParameterCommand({ Name: "/images/web:prod" }))).Parameter);
        const many = await ssm.send(new GetParametersCommand({ Names: ["/images/web", "/images/none", "/images/web:9"] }));
        out.many = { found: many.Parameters.map(p => p.Name), invalid: many.InvalidParameters };
        out.notFound = await failure(new GetParameterCommand({ Name: "/images/none" }));
        out.versionNotFound = await failure(new GetParameterCommand({ Name: "/images/web:9" }));
        out.invalidKey = await failure(new GetParameterCommand({ Name: "/secret/ami", WithDecryption: true }));
        out.wrongSecret = await failure(new GetParameterCommand({ Name: "/images/web" }),
          new SSMClient({ ...common, credentials: { ...credentials, secretAccessKey: "wrong" } }));

        console.log(JSON.stringify(out));
        """;

    private AwsHarness _aws = null!;

    public async Task InitializeAsync() => _aws = await AwsHarness.StartAsync();

    public async Task DisposeAsync() => await _aws.DisposeAsync();

    [Fact]
    public async Task OfficialJavaScriptSdk_GetParameterAndGetParameters_ReadAndRefusedAsByAws()
    {
        _aws.State.SeedParameter("/images/web", "ami-00000001", labels: ["prod"], dataType: "aws:ec2:image");
        _aws.State.SeedParameter("/images/web", "ami-0123456789abcdef0", dataType: "aws:ec2:image");
        _aws.State.SeedParameter("/secret/ami", "ami-00000001", type: "SecureString", keyId: "alias/retired");
        _aws.Emulator.Calls.Clear();

        var environment = new Dictionary<string, string?>
        {
            ["EMULATOR_KEY"] = AwsHarness.AccessKey,
            ["EMULATOR_SECRET"] = AwsHarness.SecretKey,
            ["EMULATOR_SSM"] = _aws.Emulator.SystemsManagementEndpoint.ToString(),
        };
        foreach (var name in Environment.GetEnvironmentVariables().Keys.OfType<string>().Where(n => n.StartsWith("AWS_", StringComparison.Ordinal)))
        {
            environment[name] = null;
        }

        var (code, output, error) = await Conformance.ConformanceNode.Runner.RunAsync("--input-type=module -", Script, environment);

        code.Should().Be(0, error);
        var result = JsonNode.Parse(output)!.AsObject();
        var latest = result["latest"]!;
        ((string)latest["value"]!).Should().Be("ami-0123456789abcdef0");
        ((long)latest["version"]!).Should().Be(2);
        ((string)latest["type"]!).Should().Be("String");
        ((string)latest["dataType"]!).Should().Be("aws:ec2:image");
        ((string)latest["arn"]!).Should().Be("arn:aws:ssm:us-east-1:123456789012:parameter/images/web");
        ((string)latest["modified"]!).Should().Be("2026-11-21T12:00:00.000Z", "the SDK parsed LastModifiedDate as a timestamp");
        ((string)result["byVersion"]!["value"]!).Should().Be("ami-00000001");
        ((string)result["byVersion"]!["selector"]!).Should().Be(":1");
        ((long)result["byLabel"]!["version"]!).Should().Be(1);
        result["many"]!["found"]!.AsArray().Select(n => (string)n!).Should().Equal("/images/web");
        result["many"]!["invalid"]!.AsArray().Select(n => (string)n!).Should().Equal("/images/none", "/images/web:9");

        ((string)result["notFound"]!["name"]!).Should().Be("ParameterNotFound");
        ((string)result["versionNotFound"]!["name"]!).Should().Be("ParameterVersionNotFound");
        ((string)result["invalidKey"]!["name"]!).Should().Be("InvalidKeyId");
        ((int)result["invalidKey"]!["status"]!).Should().Be(400);
        ((string)result["wrongSecret"]!["name"]!).Should().Be("InvalidSignatureException");
        _aws.Emulator.Calls.All.Should().OnlyContain(c => c.Service == "ssm" && !c.IsMutating);
        _aws.Emulator.Calls.All.Count(c => c.Status == 200).Should().Be(4);
    }
}
