using System.Net;
using System.Text.Json.Nodes;

namespace Spot.Deploy.Emulator.Tests.Aws;

/// <summary>The emulator's ELBv2 refusals, pagination and reporting, with raw signed calls.</summary>
public sealed class ElbApiTests : IAsyncLifetime
{
    private AwsHarness _aws = null!;
    private string _loadBalancer = null!;
    private string _blue = null!;
    private string _green = null!;
    private string _listener = null!;
    private string _rule = null!;

    public async Task InitializeAsync()
    {
        _aws = await AwsHarness.StartAsync();
        _loadBalancer = _aws.State.SeedLoadBalancer("web-alb");
        _blue = _aws.State.SeedTargetGroup("web-blue");
        _green = _aws.State.SeedTargetGroup("web-green");
        _listener = _aws.State.SeedListener(_loadBalancer, 80, _blue);
        _rule = _aws.State.SeedRule(_listener, 5, "/api/*", _blue);
    }

    public async Task DisposeAsync() => await _aws.DisposeAsync();

    private async Task<RawAnswer> RefusedAsync(string action, HttpStatusCode status, string code, params (string Name, string Value)[] parameters)
    {
        var before = _aws.State.Snapshot();
        var answer = await _aws.ElbAsync(action, parameters);
        answer.Status.Should().Be(status, answer.Text);
        answer.ErrorCode.Should().Be(code, answer.Text);
        answer.Xml!.Name.LocalName.Should().Be("ErrorResponse");
        JsonNode.DeepEquals(_aws.State.Snapshot(), before).Should().BeTrue("a refused call changes nothing");
        return answer;
    }

    [Fact]
    public async Task ModifyListener_TargetGroupArnWithTwoGroupForwardConfig_ValidationError() =>
        await RefusedAsync("ModifyListener", HttpStatusCode.BadRequest, "ValidationError",
            ("ListenerArn", _listener),
            ("DefaultActions.member.1.Type", "forward"),
            ("DefaultActions.member.1.TargetGroupArn", _blue),
            ("DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn", _blue),
            ("DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn", _green));

    [Fact]
    public async Task ModifyListener_TargetGroupArnDiffersFromOneGroupForwardConfig_ValidationError() =>
        await RefusedAsync("ModifyListener", HttpStatusCode.BadRequest, "ValidationError",
            ("ListenerArn", _listener),
            ("DefaultActions.member.1.Type", "forward"),
            ("DefaultActions.member.1.TargetGroupArn", _blue),
            ("DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn", _green));

    [Theory]
    [InlineData("1000")]
    [InlineData("-1")]
    [InlineData("ten")]
    public async Task ModifyListener_WeightOutside0To999_ValidationError(string weight) =>
        await RefusedAsync("ModifyListener", HttpStatusCode.BadRequest, "ValidationError",
            ("ListenerArn", _listener),
            ("DefaultActions.member.1.Type", "forward"),
            ("DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn", _blue),
            ("DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.Weight", weight),
            ("DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn", _green),
            ("DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.Weight", "1"));

    [Fact]
    public async Task ModifyListener_ForwardWithoutTargetGroup_ValidationError() =>
        await RefusedAsync("ModifyListener", HttpStatusCode.BadRequest, "ValidationError",
            ("ListenerArn", _listener),
            ("DefaultActions.member.1.Type", "forward"));

    [Fact]
    public async Task ModifyListener_UnknownActionType_ValidationError() =>
        await RefusedAsync("ModifyListener", HttpStatusCode.BadRequest, "ValidationError",
            ("ListenerArn", _listener),
            ("DefaultActions.member.1.Type", "teleport"));

    [Fact]
    public async Task ModifyListener_UnknownTargetGroup_TargetGroupNotFound() =>
        await RefusedAsync("ModifyListener", HttpStatusCode.BadRequest, "TargetGroupNotFound",
            ("ListenerArn", _listener),
            ("DefaultActions.member.1.Type", "forward"),
            ("DefaultActions.member.1.TargetGroupArn", _blue[..^16] + "0123456789abcdef"));

    [Fact]
    public async Task ModifyListener_TargetGroupOfAnotherLoadBalancer_TargetGroupAssociationLimit()
    {
        var other = _aws.State.SeedLoadBalancer("other-alb");
        var foreign = _aws.State.SeedTargetGroup("other-tg");
        _aws.State.SeedListener(other, 80, foreign);

        await RefusedAsync("ModifyListener", HttpStatusCode.BadRequest, "TargetGroupAssociationLimit",
            ("ListenerArn", _listener),
            ("DefaultActions.member.1.Type", "forward"),
            ("DefaultActions.member.1.TargetGroupArn", foreign));
    }

    [Fact]
    public async Task ModifyListener_UnknownListener_ListenerNotFound() =>
        await RefusedAsync("ModifyListener", HttpStatusCode.BadRequest, "ListenerNotFound",
            ("ListenerArn", _listener[..^16] + "0123456789abcdef"),
            ("DefaultActions.member.1.Type", "forward"),
            ("DefaultActions.member.1.TargetGroupArn", _green));

    [Fact]
    public async Task ModifyListener_NotAListenerArn_ValidationError() =>
        await RefusedAsync("ModifyListener", HttpStatusCode.BadRequest, "ValidationError", ("ListenerArn", "listener-80"));

    [Fact]
    public async Task ModifyListener_StickinessEnabledWithoutDuration_ValidationError() =>
        await RefusedAsync("ModifyListener", HttpStatusCode.BadRequest, "ValidationError",
            ("ListenerArn", _listener),
            ("DefaultActions.member.1.Type", "forward"),
            ("DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn", _blue),
            ("DefaultActions.member.1.ForwardConfig.TargetGroupStickinessConfig.Enabled", "true"));

    [Fact]
    public async Task ModifyListener_TwoRoutingActions_InvalidLoadBalancerAction() =>
        await RefusedAsync("ModifyListener", HttpStatusCode.BadRequest, "InvalidLoadBalancerAction",
            ("ListenerArn", _listener),
            ("DefaultActions.member.1.Type", "forward"),
            ("DefaultActions.member.1.Order", "1"),
            ("DefaultActions.member.1.TargetGroupArn", _blue),
            ("DefaultActions.member.2.Type", "fixed-response"),
            ("DefaultActions.member.2.Order", "2"),
            ("DefaultActions.member.2.FixedResponseConfig.StatusCode", "503"));

    [Fact]
    public async Task ModifyListener_OidcWithoutSecretOrExistingOne_ValidationError() =>
        await RefusedAsync("ModifyListener", HttpStatusCode.BadRequest, "ValidationError",
            ("ListenerArn", _listener),
            ("DefaultActions.member.1.Type", "authenticate-oidc"),
            ("DefaultActions.member.1.Order", "1"),
            ("DefaultActions.member.1.AuthenticateOidcConfig.Issuer", "https://idp"),
            ("DefaultActions.member.1.AuthenticateOidcConfig.AuthorizationEndpoint", "https://idp/a"),
            ("DefaultActions.member.1.AuthenticateOidcConfig.TokenEndpoint", "https://idp/t"),
            ("DefaultActions.member.1.AuthenticateOidcConfig.UserInfoEndpoint", "https://idp/u"),
            ("DefaultActions.member.1.AuthenticateOidcConfig.ClientId", "web"),
            ("DefaultActions.member.1.AuthenticateOidcConfig.UseExistingClientSecret", "true"),
            ("DefaultActions.member.2.Type", "forward"),
            ("DefaultActions.member.2.Order", "2"),
            ("DefaultActions.member.2.TargetGroupArn", _blue));

    [Fact]
    public async Task ModifyListener_WholeListReplaced_EveryFieldReportedBackAsElbv2Does()
    {
        var answer = await _aws.ElbAsync("ModifyListener",
            ("ListenerArn", _listener),
            ("DefaultActions.member.1.Type", "redirect"),
            ("DefaultActions.member.1.Order", "7"),
            ("DefaultActions.member.1.RedirectConfig.StatusCode", "HTTP_301"),
            ("DefaultActions.member.1.RedirectConfig.Protocol", "HTTPS"),
            ("DefaultActions.member.1.RedirectConfig.Port", "443"),
            ("DefaultActions.member.1.RedirectConfig.Host", "#{host}"),
            ("DefaultActions.member.1.RedirectConfig.Path", "/#{path}"),
            ("DefaultActions.member.1.RedirectConfig.Query", "#{query}"),
            ("DefaultActions.member.1.RedirectConfig.FutureField", "kept"));

        answer.Status.Should().Be(HttpStatusCode.OK, answer.Text);
        var member = answer.Xml!.Descendants().Single(e => e.Name.LocalName == "DefaultActions").Elements().Single();
        member.Elements().Select(e => e.Name.LocalName).Should().Equal("Type", "Order", "RedirectConfig");
        member.Elements().Last().Elements().Select(e => e.Name.LocalName + "=" + e.Value).Should().Equal(
            "Protocol=HTTPS", "Port=443", "Host=#{host}", "Path=/#{path}", "Query=#{query}", "StatusCode=HTTP_301", "FutureField=kept");
        _aws.State.GetListenerActions(_listener).ToJsonString().Should().Be(
            """[{"Type":"redirect","Order":"7","RedirectConfig":{"Protocol":"HTTPS","Port":"443","Host":"#{host}","Path":"/#{path}","Query":"#{query}","StatusCode":"HTTP_301","FutureField":"kept"}}]""");
    }

    [Fact]
    public async Task ModifyListener_OneGroupForwardConfig_ReportedWithTargetGroupArnAndStickiness()
    {
        var answer = await _aws.ElbAsync("ModifyListener",
            ("ListenerArn", _listener),
            ("DefaultActions.member.1.Type", "forward"),
            ("DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn", _green),
            ("DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.Weight", "5"));

        answer.Status.Should().Be(HttpStatusCode.OK, answer.Text);
        _aws.State.GetListenerActions(_listener).ToJsonString().Should().Be(
            """[{"Type":"forward","TargetGroupArn":"TG","ForwardConfig":{"TargetGroups":[{"TargetGroupArn":"TG","Weight":"5"}],"TargetGroupStickinessConfig":{"Enabled":"false"}}}]"""
                .Replace("TG", _green, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ModifyListener_Port_ChangesItAndRefusesATakenOne()
    {
        _aws.State.SeedListener(_loadBalancer, 8080, _green);

        var moved = await _aws.ElbAsync("ModifyListener", ("ListenerArn", _listener), ("Port", "81"));
        await RefusedAsync("ModifyListener", HttpStatusCode.BadRequest, "DuplicateListener", ("ListenerArn", _listener), ("Port", "8080"));

        moved.First("Port").Should().Be("81");
        _aws.State.Snapshot()["listeners"]!.AsArray().Select(l => (int)l!["port"]!).Should().BeEquivalentTo([81, 8080]);
        moved.First("Type").Should().Be("forward", "the default actions stay when none are sent");
    }

    [Fact]
    public async Task ModifyRule_DefaultRule_OperationNotPermitted()
    {
        var defaultRule = (await _aws.ElbAsync("DescribeRules", ("ListenerArn", _listener))).All("member")
            .Single(m => m.Elements().Any(e => e.Name.LocalName == "IsDefault" && e.Value == "true"))
            .Elements().Single(e => e.Name.LocalName == "RuleArn").Value;

        await RefusedAsync("ModifyRule", HttpStatusCode.BadRequest, "OperationNotPermitted",
            ("RuleArn", defaultRule),
            ("Actions.member.1.Type", "forward"),
            ("Actions.member.1.TargetGroupArn", _green));
    }

    [Fact]
    public async Task ModifyRule_UnknownRule_RuleNotFound() =>
        await RefusedAsync("ModifyRule", HttpStatusCode.BadRequest, "RuleNotFound",
            ("RuleArn", _rule[..^16] + "0123456789abcdef"),
            ("Actions.member.1.Type", "forward"),
            ("Actions.member.1.TargetGroupArn", _green));

    [Fact]
    public async Task ModifyRule_WithoutConditions_KeepsThem()
    {
        var conditions = _aws.State.GetRuleConditions(_rule).ToJsonString();

        var answer = await _aws.ElbAsync("ModifyRule", ("RuleArn", _rule), ("Actions.member.1.Type", "forward"), ("Actions.member.1.TargetGroupArn", _green));

        answer.Status.Should().Be(HttpStatusCode.OK, answer.Text);
        _aws.State.GetRuleConditions(_rule).ToJsonString().Should().Be(conditions);
        ((string?)_aws.State.GetRuleActions(_rule)[0]!["TargetGroupArn"]).Should().Be(_green);
        answer.Xml!.Descendants().Single(e => e.Name.LocalName == "IsDefault").Value.Should().Be("false");
    }

    [Fact]
    public async Task ModifyRule_WithConditions_ReplacesThemReportedAsElbv2Does()
    {
        var answer = await _aws.ElbAsync("ModifyRule",
            ("RuleArn", _rule),
            ("Conditions.member.1.Field", "host-header"),
            ("Conditions.member.1.HostHeaderConfig.Values.member.1", "a.example.com"),
            ("Conditions.member.2.Field", "query-string"),
            ("Conditions.member.2.QueryStringConfig.Values.member.1.Key", "v"),
            ("Conditions.member.2.QueryStringConfig.Values.member.1.Value", "2"));

        answer.Status.Should().Be(HttpStatusCode.OK, answer.Text);
        _aws.State.GetRuleConditions(_rule).ToJsonString().Should().Be(
            """[{"Field":"host-header","Values":["a.example.com"],"HostHeaderConfig":{"Values":["a.example.com"]}},{"Field":"query-string","QueryStringConfig":{"Values":[{"Key":"v","Value":"2"}]}}]""");
        ((string?)_aws.State.GetRuleActions(_rule)[0]!["TargetGroupArn"]).Should().Be(_blue, "actions not sent stay");
    }

    [Fact]
    public async Task DescribeListeners_PageSizeOne_PagesWithNextMarker()
    {
        _aws.State.SeedListener(_loadBalancer, 81, _blue);
        _aws.State.SeedListener(_loadBalancer, 82, _blue);

        var ports = new List<string>();
        string? marker = null;
        var pages = 0;
        do
        {
            var parameters = new List<(string, string)> { ("LoadBalancerArn", _loadBalancer), ("PageSize", "1") };
            if (marker is not null)
            {
                parameters.Add(("Marker", marker));
            }

            var page = await _aws.ElbAsync("DescribeListeners", [.. parameters]);
            page.Status.Should().Be(HttpStatusCode.OK, page.Text);
            ports.AddRange(page.All("Port").Select(p => p.Value));
            marker = page.First("NextMarker");
            pages++;
        }
        while (marker is not null && pages < 10);

        ports.Should().Equal("80", "81", "82");
        pages.Should().Be(3);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("401")]
    public async Task DescribeListeners_PageSizeOutOfRange_ValidationError(string pageSize) =>
        await RefusedAsync("DescribeListeners", HttpStatusCode.BadRequest, "ValidationError", ("LoadBalancerArn", _loadBalancer), ("PageSize", pageSize));

    [Fact]
    public async Task DescribeListeners_UnknownLoadBalancer_LoadBalancerNotFound() =>
        await RefusedAsync("DescribeListeners", HttpStatusCode.BadRequest, "LoadBalancerNotFound", ("LoadBalancerArn", _loadBalancer[..^16] + "0123456789abcdef"));

    [Fact]
    public async Task ModifyListener_EmptyForwardConfigBesideTargetGroupArn_TakenAsNone()
    {
        var answer = await _aws.ElbAsync("ModifyListener",
            ("ListenerArn", _listener),
            ("DefaultActions.member.1.Type", "forward"),
            ("DefaultActions.member.1.TargetGroupArn", _green),
            ("DefaultActions.member.1.ForwardConfig", string.Empty));

        answer.Status.Should().Be(HttpStatusCode.OK, answer.Text);
        ((string?)_aws.State.GetListenerActions(_listener)[0]!["ForwardConfig"]!["TargetGroups"]![0]!["TargetGroupArn"]).Should().Be(_green);
    }

    [Fact]
    public async Task ModifyRule_ConditionWithoutValues_ValidationError() =>
        await RefusedAsync("ModifyRule", HttpStatusCode.BadRequest, "ValidationError",
            ("RuleArn", _rule), ("Conditions.member.1.Field", "path-pattern"), ("Conditions.member.1.PathPatternConfig", string.Empty));

    [Fact]
    public async Task DescribeListeners_NeitherLoadBalancerNorListeners_ValidationError() =>
        await RefusedAsync("DescribeListeners", HttpStatusCode.BadRequest, "ValidationError");

    [Fact]
    public async Task DescribeRules_ByRuleArns_IncludesTheDefaultRuleWithTheListenersActions()
    {
        var all = await _aws.ElbAsync("DescribeRules", ("ListenerArn", _listener));
        var arns = all.All("RuleArn").Select(e => e.Value).ToList();

        var byArns = await _aws.ElbAsync("DescribeRules", ("RuleArns.member.1", arns[1]), ("RuleArns.member.2", arns[0]));

        arns.Should().HaveCount(2);
        byArns.All("Priority").Select(e => e.Value).Should().Equal("default", "5");
        byArns.All("IsDefault").Select(e => e.Value).Should().Equal("true", "false");
    }

    [Fact]
    public async Task DescribeTargetGroups_ByNames_AndUnknownName_TargetGroupNotFound()
    {
        var byName = await _aws.ElbAsync("DescribeTargetGroups", ("Names.member.1", "web-green"));

        byName.All("TargetGroupArn").Select(e => e.Value).Should().Equal(_green);
        byName.All("LoadBalancerArns").Single().HasElements.Should().BeFalse("nothing forwards to web-green yet");
        await RefusedAsync("DescribeTargetGroups", HttpStatusCode.BadRequest, "TargetGroupNotFound", ("Names.member.1", "web-purple"));
    }

    [Fact]
    public async Task DescribeTargetHealth_AskedTargets_OnlyThoseWithUnregisteredUnused()
    {
        _aws.State.SeedTarget(_blue, "i-0000000a");
        _aws.State.SeedTarget(_blue, "i-0000000b", "draining");

        var answer = await _aws.ElbAsync("DescribeTargetHealth", ("TargetGroupArn", _blue), ("Targets.member.1.Id", "i-0000000b"), ("Targets.member.2.Id", "i-0000000c"));

        answer.All("Id").Select(e => e.Value).Should().Equal("i-0000000b", "i-0000000c");
        answer.All("State").Select(e => e.Value).Should().Equal("draining", "unused");
        answer.All("Reason").Select(e => e.Value).Should().Equal("Target.DeregistrationInProgress", "Target.NotRegistered");
    }

    [Fact]
    public async Task DescribeTargetHealth_UnknownTargetGroup_TargetGroupNotFound() =>
        await RefusedAsync("DescribeTargetHealth", HttpStatusCode.BadRequest, "TargetGroupNotFound", ("TargetGroupArn", _blue[..^16] + "0123456789abcdef"));

    [Fact]
    public async Task UnknownAction_InvalidAction() =>
        await RefusedAsync("CreateLoadBalancer", HttpStatusCode.BadRequest, "InvalidAction", ("Name", "x"));
}
