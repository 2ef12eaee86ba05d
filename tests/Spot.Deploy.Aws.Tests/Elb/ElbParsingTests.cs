using System.Net;
using System.Xml.Linq;
using static Spot.Deploy.Aws.Tests.Elb.ElbAnswers;

namespace Spot.Deploy.Aws.Tests.Elb;

public class ElbParsingTests
{
    private readonly FakeQueryTransport _transport = new();

    public ElbParsingTests()
    {
        _transport.Inspect = call =>
        {
            call.Service.Should().Be(AwsService.ElasticLoadBalancingV2);
            call.IsMutating.Should().BeFalse();
            BotocoreModel.Elbv2.Problems(call.Action, call.Parameters).Should().BeEmpty();
        };
    }

    private TrafficRouter Router => new(_transport);

    [Fact]
    public void Samples_EveryXmlSample_IsReadByATest()
    {
        TestData.SampleNames().Should().BeEquivalentTo(
            "ec2-DescribeImages-response.xml", "ec2-error-response.xml", "elb-error-response.xml",
            "elbv2-DescribeListeners-response.xml", "elbv2-DescribeTargetHealth-response.xml");
    }

    [Fact]
    public async Task DescribeListenersAsync_RealSample_ReadsListenerAndPlainForward()
    {
        _transport.Respond("DescribeListeners", TestData.Sample("elbv2-DescribeListeners-response.xml"));
        const string lb = "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/my-load-balancer/50dc6c495c0c9188";

        var listeners = await Router.DescribeListenersAsync(lb);

        var listener = listeners.Should().ContainSingle().Subject;
        listener.Arn.Should().Be("arn:aws:elasticloadbalancing:us-west-2:123456789012:listener/app/my-load-balancer/50dc6c495c0c9188/f2f7dc8efc522ab2");
        listener.LoadBalancerArn.Should().Be(lb);
        listener.Port.Should().Be(80);
        listener.Protocol.Should().Be("HTTP");
        var action = listener.DefaultActions.Should().ContainSingle().Subject;
        action.Type.Should().Be("forward");
        action.IsForward.Should().BeTrue();
        action.Order.Should().BeNull();
        action.ForwardConfig.Should().BeNull();
        action.TargetGroupArn.Should().Be("arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067");
        action.ForwardTargetGroups.Should().Equal(new WeightedTargetGroup(action.TargetGroupArn!, null));
        _transport.Calls.Single().Parameters.Should().Equal(Pair("LoadBalancerArn", lb), Pair("PageSize", "400"));
    }

    [Fact]
    public async Task DescribeTargetHealthAsync_RealSample_ReadsTarget()
    {
        _transport.Respond("DescribeTargetHealth", TestData.Sample("elbv2-DescribeTargetHealth-response.xml"));

        var health = await Router.DescribeTargetHealthAsync(BlueTg);

        health.Should().Equal(new TargetHealthDescription("i-0f76fade", 80, "healthy", null, null));
        health[0].IsHealthy.Should().BeTrue();
        _transport.Calls.Single().Parameters.Should().ContainSingle().Which.Should().Be(Pair("TargetGroupArn", BlueTg));
    }

    [Fact]
    public async Task DescribeLoadBalancersAsync_RealElbErrorSample_ThrowsAwsApiException()
    {
        _transport.ThrowError("DescribeLoadBalancers", HttpStatusCode.BadRequest, TestData.Sample("elb-error-response.xml"), AwsService.ElasticLoadBalancingV2);

        var act = () => Router.DescribeLoadBalancersAsync(["foobar"]);

        var error = (await act.Should().ThrowAsync<AwsApiException>()).Which;
        error.ErrorCode.Should().Be("LoadBalancerNotFound");
        error.ErrorMessage.Should().Be("Cannot find Load Balancer foobar");
        error.RequestId.Should().Be("88e880c0-b7f7-11e2-ac25-87bc0c2182b8");
        _transport.Calls.Single().Parameters.Should().Equal(Pair("Names.member.1", "foobar"), Pair("PageSize", "400"));
    }

    [Fact]
    public async Task DescribeLoadBalancersAsync_NamesAndArns_SendsThemInSeparateCallsAndReadsEveryField()
    {
        var member = E("member",
            E("LoadBalancerArn", LoadBalancerArn),
            E("DNSName", "my-lb-1234.us-west-2.elb.amazonaws.com"),
            E("CanonicalHostedZoneId", "Z2P70J7EXAMPLE"),
            E("CreatedTime", "2016-03-25T21:26:12.920Z"),
            E("LoadBalancerName", "my-lb"),
            E("Scheme", "internet-facing"),
            E("VpcId", "vpc-3ac0fb5f"),
            E("State", E("Code", "active")),
            E("Type", "application"),
            E("AvailabilityZones", E("member", E("ZoneName", "us-west-2a"), E("SubnetId", "subnet-8360a9e7"))));
        _transport.Respond("DescribeLoadBalancers", Response("DescribeLoadBalancers", E("LoadBalancers", member)).ToString());

        var result = await Router.DescribeLoadBalancersAsync([LoadBalancerArn, "my-lb", LoadBalancerArn]);

        result.Should().HaveCount(2);
        result[0].Should().Be(new LoadBalancer(LoadBalancerArn, "my-lb", "my-lb-1234.us-west-2.elb.amazonaws.com", "application", "internet-facing", "active", "vpc-3ac0fb5f"));
        var calls = _transport.CallsTo("DescribeLoadBalancers");
        calls[0].Parameters.Should().Equal(Pair("LoadBalancerArns.member.1", LoadBalancerArn), Pair("PageSize", "400"));
        calls[1].Parameters.Should().Equal(Pair("Names.member.1", "my-lb"), Pair("PageSize", "400"));
    }

    [Fact]
    public async Task DescribeListenersAsync_SeveralPages_FollowsNextMarker()
    {
        _transport.Respond("DescribeListeners",
            Response("DescribeListeners", Members("Listeners", [ListenerMember(ProductionListener, 443, [Forward(BlueTg)])]), E("NextMarker", "m-1")).ToString(),
            Response("DescribeListeners", Members("Listeners", [ListenerMember(StageListener, 8443, [Forward(GreenTg)])])).ToString());

        var listeners = await Router.DescribeListenersAsync([ProductionListener, StageListener]);

        listeners.Select(l => l.Port).Should().Equal(443, 8443);
        var calls = _transport.CallsTo("DescribeListeners");
        calls.Should().HaveCount(2);
        calls[0].Parameters.Should().Equal(Pair("ListenerArns.member.1", ProductionListener), Pair("ListenerArns.member.2", StageListener), Pair("PageSize", "400"));
        calls[1].Parameters.Should().Equal(Pair("ListenerArns.member.1", ProductionListener), Pair("ListenerArns.member.2", StageListener), Pair("Marker", "m-1"), Pair("PageSize", "400"));
    }

    [Fact]
    public async Task FindListenerAsync_Port_ReturnsThatListenerOrNull()
    {
        _transport.Respond("DescribeListeners", Response("DescribeListeners", Members("Listeners",
            [ListenerMember(ProductionListener, 443, [Forward(BlueTg)]), ListenerMember(StageListener, 8443, [Forward(GreenTg)])])).ToString());

        (await Router.FindListenerAsync(LoadBalancerArn, 8443))!.Arn.Should().Be(StageListener);
        (await Router.FindListenerAsync(LoadBalancerArn, 80)).Should().BeNull();
    }

    [Fact]
    public async Task DescribeRulesAsync_DefaultAndConditionalRules_ReadsPriorityConditionsAndActions()
    {
        var ruleArn = FakeElb.RuleArn(ProductionListener, 1);
        var defaultArn = FakeElb.DefaultRuleArn(ProductionListener);
        var query = E("member", E("Field", "query-string"), E("QueryStringConfig", E("Values", E("member", E("Key", "v"), E("Value", "2")), E("member", E("Value", "beta")))));
        _transport.Respond("DescribeRules",
            Response("DescribeRules",
                Members("Rules", [RuleMember(ruleArn, "10", false, [HostCondition("api.example.com"), PathCondition("/v2/*"), query], [Oidc(1), WeightedForward(2, true, (BlueTg, 90), (GreenTg, 10))])]),
                E("NextMarker", "next")).ToString(),
            Response("DescribeRules", Members("Rules", [RuleMember(defaultArn, "default", true, [], [Forward(BlueTg)])])).ToString());

        var rules = await Router.DescribeRulesAsync(ProductionListener);

        rules.Should().HaveCount(2);
        var rule = rules[0];
        rule.Arn.Should().Be(ruleArn);
        rule.Priority.Should().Be("10");
        rule.IsDefault.Should().BeFalse();
        rule.Conditions.Select(c => c.Field).Should().Equal("host-header", "path-pattern", "query-string");
        rule.Conditions[0].Values.Should().Equal("api.example.com");
        rule.Conditions[1].Values.Should().Equal("/v2/*");
        rule.Conditions[2].Values.Should().Equal("v=2", "=beta");
        rule.Actions.Select(a => a.Type).Should().Equal("authenticate-oidc", "forward");
        rule.Actions[1].Order.Should().Be(2);
        rule.Actions[1].TargetGroupArn.Should().BeNull();
        rule.Actions[1].ForwardConfig.Should().BeEquivalentTo(new ForwardActionConfig(
            [new WeightedTargetGroup(BlueTg, 90), new WeightedTargetGroup(GreenTg, 10)],
            new TargetGroupStickiness(true, 3600)));
        rules[1].Priority.Should().Be("default");
        rules[1].IsDefault.Should().BeTrue();
        rules[1].Conditions.Should().BeEmpty();
        _transport.CallsTo("DescribeRules")[1]["Marker"].Should().Be("next");
    }

    [Fact]
    public async Task DescribeTargetGroupsAsync_ByLoadBalancerAndByArns_ReadsEveryField()
    {
        var member = E("member",
            E("TargetGroupArn", BlueTg), E("TargetGroupName", "blue"), E("Protocol", "HTTP"), E("Port", "80"), E("VpcId", "vpc-1"),
            E("HealthCheckProtocol", "HTTP"), E("HealthCheckPort", "traffic-port"), E("Matcher", E("HttpCode", "200")),
            E("LoadBalancerArns", E("member", LoadBalancerArn)), E("TargetType", "instance"));
        _transport.Respond("DescribeTargetGroups", Response("DescribeTargetGroups", E("TargetGroups", member)).ToString());

        var byLb = await Router.DescribeTargetGroupsAsync(LoadBalancerArn);
        var byArn = await Router.DescribeTargetGroupsAsync([BlueTg]);

        byLb.Single().Should().BeEquivalentTo(new { Arn = BlueTg, Name = "blue", Port = 80, Protocol = "HTTP", TargetType = "instance", LoadBalancerArns = new[] { LoadBalancerArn } });
        byArn.Single().Arn.Should().Be(BlueTg);
        _transport.Calls[0].Parameters.Should().Equal(Pair("LoadBalancerArn", LoadBalancerArn), Pair("PageSize", "400"));
        _transport.Calls[1].Parameters.Should().Equal(Pair("TargetGroupArns.member.1", BlueTg), Pair("PageSize", "400"));
    }

    [Fact]
    public async Task DescribeTargetGroupsAsync_MoreThanTwentyArns_SplitsIntoCallsOfTwenty()
    {
        _transport.Respond("DescribeTargetGroups", Response("DescribeTargetGroups", E("TargetGroups")).ToString());
        var arns = Enumerable.Range(1, 45).Select(i => BlueTg + "-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        await Router.DescribeTargetGroupsAsync(arns);

        _transport.Calls.Select(c => c.Under("TargetGroupArns.").Count).Should().Equal(20, 20, 5);
    }

    [Fact]
    public async Task DescribeListenersAsync_AnswerWithoutResult_ThrowsMalformedResponse()
    {
        _transport.Respond("DescribeListeners", "<DescribeListenersResponse><ResponseMetadata><RequestId>r-9</RequestId></ResponseMetadata></DescribeListenersResponse>");

        var act = () => Router.DescribeListenersAsync(LoadBalancerArn);

        var error = (await act.Should().ThrowAsync<AwsApiException>()).Which;
        error.ErrorCode.Should().Be("MalformedResponse");
        error.RequestId.Should().Be("r-9");
    }

    [Fact]
    public void RuleAction_ToXmlAndParse_RoundTripsTheCompleteElement()
    {
        var original = new RuleAction(Oidc(3));

        var copy = RuleAction.Parse(original.ToXml());

        XNode.DeepEquals(XElement.Parse(copy.ToXml()), XElement.Parse(original.ToXml())).Should().BeTrue();
        copy.Type.Should().Be("authenticate-oidc");
        copy.Order.Should().Be(3);
        copy.ForwardTargetGroups.Should().BeEmpty();
        copy.ToString().Should().Be("authenticate-oidc (order 3)");
    }

    private static KeyValuePair<string, string> Pair(string key, string value) => new(key, value);
}
