using System.Text.Json.Nodes;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Emulator.Tests.Aws;

/// <summary>
/// The official AWS SDK for JavaScript v3 (pinned in tests/Spot.Deploy.Emulator.Tests/node) against the
/// emulator over HTTP: its signatures are accepted, its parsers read the emulator's XML, and its view of
/// the answers is what the emulator holds.
/// </summary>
public sealed class JavaScriptSdkTests : IAsyncLifetime
{
    private const string Script = """
        import { EC2Client, DescribeImagesCommand } from "@aws-sdk/client-ec2";
        import {
          ElasticLoadBalancingV2Client, DescribeListenersCommand, DescribeRulesCommand, ModifyListenerCommand,
          ModifyRuleCommand, DescribeTargetHealthCommand, DescribeTargetGroupsCommand, DescribeLoadBalancersCommand,
        } from "@aws-sdk/client-elastic-load-balancing-v2";

        const env = process.env;
        const credentials = { accessKeyId: env.EMULATOR_KEY, secretAccessKey: env.EMULATOR_SECRET };
        const common = { region: "us-east-1", maxAttempts: 1 };
        const ec2 = new EC2Client({ ...common, credentials, endpoint: env.EMULATOR_EC2 });
        const elb = new ElasticLoadBalancingV2Client({ ...common, credentials, endpoint: env.EMULATOR_ELB });
        const out = {};

        const first = await ec2.send(new DescribeImagesCommand({
          Owners: ["self", "amazon"], Filters: [{ Name: "name", Values: ["web-*"] }, { Name: "tag:Version", Values: ["1.*"] }],
          IncludeDeprecated: false, MaxResults: 5 }));
        const second = await ec2.send(new DescribeImagesCommand({
          Owners: ["self", "amazon"], Filters: [{ Name: "name", Values: ["web-*"] }, { Name: "tag:Version", Values: ["1.*"] }],
          IncludeDeprecated: false, MaxResults: 5, NextToken: first.NextToken }));
        out.images = [...first.Images, ...second.Images].map(i => ({ id: i.ImageId, name: i.Name, owner: i.OwnerId,
          created: i.CreationDate, tags: i.Tags, isPublic: i.Public, arch: i.Architecture }));
        out.firstPageHadToken = typeof first.NextToken === "string";
        out.secondPageToken = second.NextToken ?? null;

        out.loadBalancers = (await elb.send(new DescribeLoadBalancersCommand({ Names: ["web-alb"] }))).LoadBalancers
          .map(lb => ({ arn: lb.LoadBalancerArn, state: lb.State.Code, created: lb.CreatedTime instanceof Date }));
        out.listenerBefore = (await elb.send(new DescribeListenersCommand({ ListenerArns: [env.EMULATOR_LISTENER] }))).Listeners[0];
        out.modified = (await elb.send(new ModifyListenerCommand({ ListenerArn: env.EMULATOR_LISTENER, DefaultActions: [{
          Type: "forward", ForwardConfig: {
            TargetGroups: [{ TargetGroupArn: env.EMULATOR_BLUE, Weight: 90 }, { TargetGroupArn: env.EMULATOR_GREEN, Weight: 10 }],
            TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 } } }] }))).Listeners[0];
        out.rules = (await elb.send(new DescribeRulesCommand({ ListenerArn: env.EMULATOR_LISTENER }))).Rules;
        out.modifiedRule = (await elb.send(new ModifyRuleCommand({ RuleArn: env.EMULATOR_RULE,
          Actions: [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "503", ContentType: "text/plain", MessageBody: "down" } }] }))).Rules[0];
        out.health = (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: env.EMULATOR_BLUE }))).TargetHealthDescriptions;
        out.targetGroups = (await elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: out.loadBalancers[0].arn }))).TargetGroups
          .map(tg => ({ arn: tg.TargetGroupArn, port: tg.Port, loadBalancers: tg.LoadBalancerArns }));

        for (const [name, client] of [["ec2", new EC2Client({ ...common, endpoint: env.EMULATOR_EC2,
            credentials: { ...credentials, secretAccessKey: "wrong" } })]]) {
          try { await client.send(new DescribeImagesCommand({ Owners: ["self"] })); out.wrongSecret = "accepted"; }
          catch (e) { out.wrongSecret = { name: e.name, status: e.$metadata?.httpStatusCode }; }
        }
        try { await elb.send(new ModifyRuleCommand({ RuleArn: out.rules.find(r => r.IsDefault).RuleArn,
          Actions: [{ Type: "forward", TargetGroupArn: env.EMULATOR_GREEN }] })); out.defaultRule = "accepted"; }
        catch (e) { out.defaultRule = { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message }; }

        console.log(JSON.stringify(out));
        """;

    private AwsHarness _aws = null!;

    public async Task InitializeAsync() => _aws = await AwsHarness.StartAsync();

    public async Task DisposeAsync() => await _aws.DisposeAsync();

    [Fact]
    public async Task OfficialJavaScriptSdk_DescribeAndModify_SignedReadAndAppliedAsByAws()
    {
        var day = new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero);
        for (var i = 1; i <= 7; i++)
        {
            _aws.State.SeedImage($"ami-0000000{i}", $"web-{i}", day.AddHours(i), new Dictionary<string, string> { ["Version"] = $"1.{i}" });
        }

        _aws.State.SeedImage("ami-00000008", "web-8", day, new Dictionary<string, string> { ["Version"] = "2.0" });
        _aws.State.SeedImage("ami-00000009", "web-9", day, new Dictionary<string, string> { ["Version"] = "1.9" }, ownerId: "amazon");
        var loadBalancer = _aws.State.SeedLoadBalancer("web-alb");
        var blue = _aws.State.SeedTargetGroup("web-blue");
        var green = _aws.State.SeedTargetGroup("web-green");
        var listener = _aws.State.SeedListener(loadBalancer, 443, blue);
        var rule = _aws.State.SeedRule(listener, 10, "/api/*", green);
        _aws.State.SeedTarget(blue, "i-0000000a");
        _aws.State.SeedTarget(blue, "i-0000000b", "unhealthy");
        _aws.Emulator.Calls.Clear();

        var runner = global::Spot.Deploy.Emulator.Tests.Conformance.ConformanceNode.Runner;
        var environment = new Dictionary<string, string?>
        {
            ["EMULATOR_KEY"] = AwsHarness.AccessKey,
            ["EMULATOR_SECRET"] = AwsHarness.SecretKey,
            ["EMULATOR_EC2"] = _aws.Emulator.Ec2Endpoint.ToString(),
            ["EMULATOR_ELB"] = _aws.Emulator.ElasticLoadBalancingEndpoint.ToString(),
            ["EMULATOR_LISTENER"] = listener,
            ["EMULATOR_RULE"] = rule,
            ["EMULATOR_BLUE"] = blue,
            ["EMULATOR_GREEN"] = green,
        };
        foreach (var name in Environment.GetEnvironmentVariables().Keys.OfType<string>().Where(n => n.StartsWith("AWS_", StringComparison.Ordinal)))
        {
            environment[name] = null;
        }

        var (code, output, error) = await runner.RunAsync("--input-type=module -", Script, environment);

        code.Should().Be(0, error);
        var result = JsonNode.Parse(output)!.AsObject();

        var images = result["images"]!.AsArray();
        images.Select(i => (string)i!["id"]!).Should().BeEquivalentTo(
            ["ami-00000001", "ami-00000002", "ami-00000003", "ami-00000004", "ami-00000005", "ami-00000006", "ami-00000007", "ami-00000009"],
            "web-8 has Version 2.0; ami-00000009 is Amazon's");
        ((bool)result["firstPageHadToken"]!).Should().BeTrue();
        result["secondPageToken"].Should().BeNull();
        var seven = images.Single(i => (string)i!["id"]! == "ami-00000007")!;
        ((string)seven["created"]!).Should().Be("2026-11-01T17:00:00.000Z");
        ((string)seven["owner"]!).Should().Be(AwsHarness.Account);
        ((bool)seven["isPublic"]!).Should().BeFalse();
        ((string)seven["arch"]!).Should().Be("x86_64");
        ((string)seven["tags"]![0]!["Key"]!).Should().Be("Version");

        ((string)result["loadBalancers"]![0]!["state"]!).Should().Be("active");
        ((bool)result["loadBalancers"]![0]!["created"]!).Should().BeTrue("the SDK parsed CreatedTime as a timestamp");
        var before = result["listenerBefore"]!;
        ((int)before["Port"]!).Should().Be(443);
        ((string)before["DefaultActions"]![0]!["TargetGroupArn"]!).Should().Be(blue);
        ((int)before["DefaultActions"]![0]!["ForwardConfig"]!["TargetGroups"]![0]!["Weight"]!).Should().Be(1);
        ((bool)before["DefaultActions"]![0]!["ForwardConfig"]!["TargetGroupStickinessConfig"]!["Enabled"]!).Should().BeFalse();

        var modified = result["modified"]!["DefaultActions"]![0]!["ForwardConfig"]!;
        modified["TargetGroups"]!.AsArray().Select(g => ((string)g!["TargetGroupArn"]!, (int)g["Weight"]!)).Should().Equal((blue, 90), (green, 10));
        ((int)modified["TargetGroupStickinessConfig"]!["DurationSeconds"]!).Should().Be(300);
        var stored = _aws.State.GetListenerActions(listener)[0]!["ForwardConfig"]!;
        stored["TargetGroups"]!.AsArray().Select(g => (string)g!["Weight"]!).Should().Equal("90", "10");
        ((string)stored["TargetGroupStickinessConfig"]!["Enabled"]!).Should().Be("true");

        var rules = result["rules"]!.AsArray();
        rules.Select(r => ((string)r!["Priority"]!, (bool)r["IsDefault"]!)).Should().Equal(("10", false), ("default", true));
        ((string)rules[0]!["Conditions"]![0]!["PathPatternConfig"]!["Values"]![0]!).Should().Be("/api/*");
        ((string)result["modifiedRule"]!["Actions"]![0]!["FixedResponseConfig"]!["MessageBody"]!).Should().Be("down");
        ((string)_aws.State.GetRuleActions(rule)[0]!["Type"]!).Should().Be("fixed-response");

        result["health"]!.AsArray().Select(h => ((string)h!["Target"]!["Id"]!, (string)h["TargetHealth"]!["State"]!))
            .Should().Equal(("i-0000000a", "healthy"), ("i-0000000b", "unhealthy"));
        ((string)result["health"]![1]!["TargetHealth"]!["Reason"]!).Should().Be("Target.FailedHealthChecks");
        result["targetGroups"]!.AsArray().Select(g => (string)g!["arn"]!).Should().Equal(blue, green);

        ((string)result["wrongSecret"]!["name"]!).Should().Be("SignatureDoesNotMatch");
        ((int)result["wrongSecret"]!["status"]!).Should().Be(403);
        ((string)result["defaultRule"]!["name"]!).Should().Be("OperationNotPermittedException", "the SDK recognised the modelled error code");
        ((int)result["defaultRule"]!["status"]!).Should().Be(400);

        _aws.Emulator.Calls.All.Where(c => c.Status == 200).Should().HaveCount(9, "every call of the SDK but the two refused ones was accepted");
        _aws.Emulator.Calls.Mutating.Select(c => c.Action).Should().Equal("ModifyListener", "ModifyRule", "ModifyRule");
    }
}
