using System.Text.Json.Nodes;
using System.Xml.Linq;
using Spot.Deploy.Aws;
using Spot.Deploy.Aws.Tests.Elb;
using Spot.Deploy.Aws.Tests.Images;
using Spot.Deploy.Testing;
using static Spot.Deploy.Aws.Tests.Elb.ElbAnswers;

namespace Spot.Deploy.Aws.Tests.Transport;

/// <summary>
/// Proof against the real thing: for the same inputs, our AMI resolver and traffic router send the
/// form parameters the official AWS SDK for JavaScript v3 sends, over the real transport, with a
/// signature the SDK's own signer accepts.
/// </summary>
public sealed class SdkParityTests : IAsyncLifetime
{
    private LoopbackServer _server = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private AwsConnection Connect() => new(_http, new AwsConnectionOptions
    {
        Region = "us-east-1",
        AccessKeyId = AwsQueryTransportTests.AccessKey,
        SecretAccessKey = AwsQueryTransportTests.SecretKey,
        Ec2Endpoint = _server.BaseAddress,
        ElasticLoadBalancingEndpoint = _server.BaseAddress,
        TimeProvider = new VirtualClock(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero)),
    });

    private static List<KeyValuePair<string, string>> FormOf(string body) =>
        [.. body.Split('&').Select(p => p.Split('=', 2)).Select(p => new KeyValuePair<string, string>(Uri.UnescapeDataString(p[0]), Uri.UnescapeDataString(p[1])))];

    private static string Value(List<KeyValuePair<string, string>> form, string name) => form.Single(p => p.Key == name).Value;

    /// <summary>Pagination sizes are ours to choose (we read every page); everything else must match.</summary>
    private static readonly string[] PageSizeParameters = ["MaxResults", "PageSize"];

    private static IEnumerable<KeyValuePair<string, string>> WithoutPageSize(IEnumerable<KeyValuePair<string, string>> form) =>
        form.Where(p => !PageSizeParameters.Contains(p.Key));

    private Task<JsonObject> VerifyAsync(RecordedRequest request, string service) =>
        NodeTool.VerifyAsync(NodeTool.VerifierInput(request, _server.BaseAddress.Authority, service), AwsQueryTransportTests.AccessKey, AwsQueryTransportTests.SecretKey, null);

    /// <summary>EC2 filters as a name → values map: numbering is the sender's choice, content is not.</summary>
    private static Dictionary<string, string[]> Filters(List<KeyValuePair<string, string>> form) =>
        form.Where(p => p.Key.StartsWith("Filter.", StringComparison.Ordinal) && p.Key.EndsWith(".Name", StringComparison.Ordinal))
            .ToDictionary(p => p.Value, p => form.Where(v => v.Key.StartsWith(p.Key[..^"Name".Length] + "Value.", StringComparison.Ordinal)).Select(v => v.Value).ToArray());

    [RequiresFact(Prerequisite.Node)]
    public async Task DescribeImages_SameQueryAsTheSdk_SameParametersAndAValidSignature()
    {
        var reference = NodeTool.Form(await NodeTool.ReferenceAsync("DescribeImages"));
        _server.Handler = _ => new ScriptedResponse(200, Ec2Xml.Page(Ec2Xml.Image("ami-0abc", "web-1", "2026-11-01T10:00:00.000Z", tags: [("Version", "1.2.4")])));
        using var aws = Connect();
        var query = new AmiQuery { NamePattern = "web-*", IncludeDeprecated = false };
        query.Owners.Add("self");
        query.Owners.Add("amazon");
        query.Filters["tag:Version"] = ["1.2.3", "1.2.4"];

        var image = await aws.Images.ResolveAsync(query);

        image.Id.Should().Be("ami-0abc");
        var sent = _server.Requests.Single();
        var ours = FormOf(sent.Body);
        Value(ours, "Action").Should().Be("DescribeImages");
        Value(ours, "Version").Should().Be(Value(reference, "Version"));
        ours.Where(p => p.Key.StartsWith("Owner.", StringComparison.Ordinal)).Should().BeEquivalentTo(reference.Where(p => p.Key.StartsWith("Owner.", StringComparison.Ordinal)));
        Value(ours, "IncludeDeprecated").Should().Be(Value(reference, "IncludeDeprecated"));
        Filters(ours).Should().BeEquivalentTo(Filters(reference));
        var shapes = reference.Select(r => System.Text.RegularExpressions.Regex.Replace(r.Key, @"\d+", "N")).ToHashSet();
        ours.Select(p => System.Text.RegularExpressions.Regex.Replace(p.Key, @"\d+", "N")).Should().OnlyContain(k => shapes.Contains(k), "we send no kind of parameter the SDK would not");
        var verdict = await VerifyAsync(sent, "ec2");
        ((bool)verdict["valid"]!).Should().BeTrue(verdict.ToJsonString());
    }

    [RequiresFact(Prerequisite.Node)]
    public async Task DescribeListenersAndRules_SameParametersAsTheSdk()
    {
        var byLoadBalancer = NodeTool.Form(await NodeTool.ReferenceAsync("DescribeListeners.LoadBalancerArn"));
        var byArns = NodeTool.Form(await NodeTool.ReferenceAsync("DescribeListeners.ListenerArns"));
        var rules = NodeTool.Form(await NodeTool.ReferenceAsync("DescribeRules"));
        _server.Handler = r => FormOf(r.Body)[0].Value switch
        {
            "DescribeListeners" => new ScriptedResponse(200, Response("DescribeListeners", Members("Listeners", [])).ToString()),
            _ => new ScriptedResponse(200, Response("DescribeRules", Members("Rules", [])).ToString()),
        };
        using var aws = Connect();

        await aws.Traffic.DescribeListenersAsync(Value(byLoadBalancer, "LoadBalancerArn"));
        await aws.Traffic.DescribeListenersAsync([Value(byArns, "ListenerArns.member.1"), Value(byArns, "ListenerArns.member.2")]);
        await aws.Traffic.DescribeRulesAsync(Value(rules, "ListenerArn"));

        var sent = _server.Requests.Select(r => WithoutPageSize(FormOf(r.Body)).ToList()).ToList();
        sent[0].Should().Equal(byLoadBalancer);
        sent[1].Should().Equal(byArns);
        sent[2].Should().Equal(rules);
        foreach (var request in _server.Requests)
        {
            ((bool)(await VerifyAsync(request, "elasticloadbalancing"))["valid"]!).Should().BeTrue();
        }
    }

    [RequiresFact(Prerequisite.Node)]
    public async Task ModifyListener_WeightedShift_SendsTheSdksDefaultActions()
    {
        var reference = NodeTool.Form(await NodeTool.ReferenceAsync("ModifyListener"));
        var listenerArn = Value(reference, "ListenerArn");
        var blue = Value(reference, "DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn");
        var green = Value(reference, "DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn");
        var current = E("member", E("Type", "forward"),
            E("ForwardConfig",
                E("TargetGroups", E("member", E("TargetGroupArn", blue), E("Weight", "1"))),
                E("TargetGroupStickinessConfig", E("Enabled", "true"), E("DurationSeconds", "300"))));
        _server.Handler = r => FormOf(r.Body)[0].Value switch
        {
            "DescribeListeners" => new ScriptedResponse(200, Response("DescribeListeners", Members("Listeners", [ListenerMember(listenerArn, 443, [current])])).ToString()),
            _ => new ScriptedResponse(200, Response("ModifyListener", Members("Listeners", [])).ToString()),
        };
        using var aws = Connect();

        var changes = await aws.Traffic.ShiftTrafficAsync(new RouteRef(listenerArn), blue, green, newWeight: 10, oldWeight: 90);

        changes.Should().ContainSingle();
        var modify = _server.Requests.Single(r => r.Body.StartsWith("Action=ModifyListener", StringComparison.Ordinal));
        FormOf(modify.Body).Should().BeEquivalentTo(reference, "the same listener, the same complete action list, the same weights and stickiness");
        ((bool)(await VerifyAsync(modify, "elasticloadbalancing"))["valid"]!).Should().BeTrue();
    }

    [RequiresFact(Prerequisite.Node)]
    public async Task ModifyRule_Swap_SendsTheSdksActionsAndLeavesConditionsAlone()
    {
        var reference = NodeTool.Form(await NodeTool.ReferenceAsync("ModifyRule"));
        var ruleArn = Value(reference, "RuleArn");
        var green = Value(reference, "Actions.member.1.TargetGroupArn");
        var listenerArn = ruleArn[..ruleArn.LastIndexOf('/')].Replace(":listener-rule/", ":listener/", StringComparison.Ordinal);
        var stageRuleArn = ruleArn[..ruleArn.LastIndexOf('/')] + "/0000000000stage1";
        const string Blue = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-blue/73e2d6bc24d8a067";
        XElement Rule(string arn, string priority, string targetGroup) =>
            RuleMember(arn, priority, false, [PathCondition("/api/*"), HostCondition("example.com")], [E("member", E("Type", "forward"), E("TargetGroupArn", targetGroup), E("Order", "1"))]);
        _server.Handler = r => FormOf(r.Body)[0].Value switch
        {
            "DescribeRules" => new ScriptedResponse(200, Response("DescribeRules", Members("Rules", [Rule(ruleArn, "10", Blue), Rule(stageRuleArn, "20", green)])).ToString()),
            _ => new ScriptedResponse(200, Response("ModifyRule", Members("Rules", [])).ToString()),
        };
        using var aws = Connect();

        var changes = await aws.Traffic.SwapAsync(new RouteRef(listenerArn, ruleArn), new RouteRef(listenerArn, stageRuleArn));

        changes.Should().HaveCount(2);
        var production = FormOf(_server.Requests.First(r => r.Body.StartsWith("Action=ModifyRule", StringComparison.Ordinal) && r.Body.Contains(Uri.EscapeDataString(ruleArn), StringComparison.Ordinal)).Body);
        var withoutConditions = reference.Where(p => !p.Key.StartsWith("Conditions.", StringComparison.Ordinal)).ToList();
        production.Should().BeEquivalentTo(withoutConditions,
            "ModifyRule keeps a rule's conditions when none are sent, so the swap sends only the complete action list");
        production.Should().NotContain(p => p.Key.StartsWith("Conditions.", StringComparison.Ordinal));
    }

    [RequiresTheory(Prerequisite.Node)]
    [InlineData("DescribeTargetGroups")]
    [InlineData("DescribeTargetHealth")]
    [InlineData("DescribeLoadBalancers")]
    public async Task Describe_SameParametersAsTheSdk(string name)
    {
        var reference = NodeTool.Form(await NodeTool.ReferenceAsync(name));
        _server.Handler = _ => new ScriptedResponse(200, name switch
        {
            "DescribeTargetGroups" => Response(name, Members("TargetGroups", [])).ToString(),
            "DescribeTargetHealth" => Response(name, Members("TargetHealthDescriptions", [])).ToString(),
            _ => Response(name, Members("LoadBalancers", [])).ToString(),
        });
        using var aws = Connect();

        switch (name)
        {
            case "DescribeTargetGroups":
                await aws.Traffic.DescribeTargetGroupsAsync(Value(reference, "LoadBalancerArn"));
                break;
            case "DescribeTargetHealth":
                await aws.Traffic.DescribeTargetHealthAsync(Value(reference, "TargetGroupArn"));
                break;
            default:
                await aws.Traffic.DescribeLoadBalancersAsync([Value(reference, "Names.member.1")]);
                break;
        }

        WithoutPageSize(FormOf(_server.Requests.Single().Body)).Should().Equal(reference);
    }
}
