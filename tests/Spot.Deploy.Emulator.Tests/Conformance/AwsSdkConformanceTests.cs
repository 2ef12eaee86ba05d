using System.Globalization;
using System.Text.Json.Nodes;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Emulator.Tests.Conformance;

/// <summary>
/// The official AWS SDK for JavaScript v3 calls the emulator's EC2 and ELBv2 endpoints — signed, and
/// verified by the emulator — and parses every answer.
/// </summary>
public sealed class AwsSdkConformanceTests : IAsyncLifetime
{
    private const string AccessKey = "AKIDEMULATOR";
    private const string SecretKey = "emulator/secret/key/for/tests/only";
    private SpotDeployEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await SpotDeployEmulator.StartAsync(new EmulatorOptions
    {
        AwsAccessKeyId = AccessKey,
        AwsSecretAccessKey = SecretKey,
        TimeProvider = new VirtualClock(),
    });

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [RequiresFact(Prerequisite.Node)]
    public async Task OfficialSdk_CallsEveryOperation_AndParsesEveryAnswer()
    {
        var state = _emulator.State;
        state.SeedImage("ami-0a1b2c3d4e5f60001", "web-1.0.0", new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new Dictionary<string, string> { ["Version"] = "1.0.0" });
        state.SeedImage("ami-0a1b2c3d4e5f60002", "web-1.1.0", new DateTimeOffset(2026, 11, 10, 0, 0, 0, TimeSpan.Zero));
        state.SeedImage("ami-0a1b2c3d4e5f60003", "api-2.0.0", new DateTimeOffset(2026, 11, 12, 0, 0, 0, TimeSpan.Zero));
        var loadBalancer = state.SeedLoadBalancer("web-alb");
        var blue = state.SeedTargetGroup("web-blue");
        var green = state.SeedTargetGroup("web-green");
        var listener = state.SeedListener(loadBalancer, 443, blue);
        var rule = state.SeedRule(listener, 10, "/api/*", blue);
        state.SeedTarget(blue, "i-0123456789abcdef0");
        var input = new JsonObject
        {
            ["owner"] = "self",
            ["namePattern"] = "web-*",
            ["loadBalancerName"] = "web-alb",
            ["loadBalancerArn"] = loadBalancer,
            ["listenerArn"] = listener,
            ["ruleArn"] = rule,
            ["targetGroupArns"] = new JsonArray(blue, green),
        };
        var environment = new Dictionary<string, string?>
        {
            ["EC2_ENDPOINT"] = _emulator.Ec2Endpoint.ToString(),
            ["ELB_ENDPOINT"] = _emulator.ElasticLoadBalancingEndpoint.ToString(),
            ["AWS_ACCESS_KEY_ID"] = AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
            ["AWS_SESSION_TOKEN"] = null,
            ["AWS_REGION"] = _emulator.Options.Region,
        };

        var (code, output, error) = await ConformanceNode.Runner.RunAsync("aws-sdk-calls.mjs", input.ToJsonString(), environment);

        code.Should().Be(0, error + output);
        var parsed = JsonNode.Parse(output)!;
        parsed["DescribeImages"]!.AsArray().Select(i => (string)i!["id"]!).Should().BeEquivalentTo(["ami-0a1b2c3d4e5f60001", "ami-0a1b2c3d4e5f60002"]);
        parsed["DescribeImages"]!.AsArray().Single(i => (string)i!["name"]! == "web-1.0.0")!["tags"]![0]!["Value"]!.GetValue<string>().Should().Be("1.0.0");
        parsed["DescribeLoadBalancers"]!.AsArray().Single()!["arn"]!.GetValue<string>().Should().Be(loadBalancer);
        parsed["DescribeListeners"]!.AsArray().Single()!["port"]!.GetValue<int>().Should().Be(443);
        var rules = parsed["DescribeRules"]!.AsArray();
        rules.Should().HaveCount(2);
        rules.Count(r => (bool)r!["isDefault"]!).Should().Be(1);
        var weights = parsed["ModifyListener"]!.AsArray().Single()!["actions"]![0]!["ForwardConfig"]!["TargetGroups"]!.AsArray()
            .ToDictionary(t => (string)t!["TargetGroupArn"]!, t => t!["Weight"]!.GetValue<int>());
        weights.Should().Equal(new Dictionary<string, int> { [blue] = 90, [green] = 10 });
        parsed["ModifyRule"]!.AsArray().Single()!["conditions"]!.AsArray().Should().NotBeEmpty("ModifyRule without Conditions keeps them");
        parsed["DescribeTargetGroups"]!.AsArray().Select(g => (string)g!["arn"]!).Should().BeEquivalentTo([blue, green]);
        parsed["DescribeTargetHealth"]!.AsArray().Single()!["state"]!.GetValue<string>().Should().Be("healthy");
        _emulator.Calls.All.Where(c => c.Service != "spot").Select(c => c.Action).Should().Contain(["DescribeImages", "ModifyListener", "ModifyRule", "DescribeTargetHealth"]);
        _emulator.Calls.Mutating.Select(c => c.Action).Should().BeEquivalentTo(["ModifyListener", "ModifyRule"]);
        _emulator.Calls.All.Should().OnlyContain(c => c.Status == 200, string.Join(", ", _emulator.Calls.All.Select(c => c.Action + " " + c.Status.ToString(CultureInfo.InvariantCulture))));
    }

    [RequiresFact(Prerequisite.Node)]
    public async Task OfficialSdk_WrongSecret_IsRejectedBySignatureVerification()
    {
        _emulator.State.SeedImage("ami-0a1b2c3d4e5f60001", "web-1.0.0", new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
        var input = new JsonObject { ["owner"] = "self", ["namePattern"] = "web-*", ["targetGroupArns"] = new JsonArray("a", "b") };
        var environment = new Dictionary<string, string?>
        {
            ["EC2_ENDPOINT"] = _emulator.Ec2Endpoint.ToString(),
            ["ELB_ENDPOINT"] = _emulator.ElasticLoadBalancingEndpoint.ToString(),
            ["AWS_ACCESS_KEY_ID"] = AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = "not-the-secret",
            ["AWS_REGION"] = _emulator.Options.Region,
        };

        var (code, _, error) = await ConformanceNode.Runner.RunAsync("aws-sdk-calls.mjs", input.ToJsonString(), environment);

        code.Should().Be(1);
        error.Should().Contain("SignatureDoesNotMatch");
    }
}
