using System.Net;
using System.Text.Json.Nodes;
using Spot.Deploy.Aws;

namespace Spot.Deploy.Emulator.Tests.Aws;

/// <summary>
/// The real <see cref="TrafficRouter"/> against the emulator's ELBv2: swaps on default and conditional
/// rules, weighted shifts, restores and health gates, checked in the emulator's state.
/// </summary>
public sealed class TrafficRouterTests : IAsyncLifetime
{
    private AwsHarness _aws = null!;
    private string _loadBalancer = null!;
    private string _blue = null!;
    private string _green = null!;
    private string _production = null!;
    private string _stage = null!;
    private string _apiRule = null!;
    private string _stageApiRule = null!;

    public async Task InitializeAsync()
    {
        _aws = await AwsHarness.StartAsync();
        _loadBalancer = _aws.State.SeedLoadBalancer("web-alb");
        _blue = _aws.State.SeedTargetGroup("web-blue");
        _green = _aws.State.SeedTargetGroup("web-green", 8080);
        _production = _aws.State.SeedListener(_loadBalancer, 443, _blue);
        _stage = _aws.State.SeedListener(_loadBalancer, 8443, _green);
        _apiRule = _aws.State.SeedRule(_production, 10, "/api/*", _blue);
        _stageApiRule = _aws.State.SeedRule(_production, 20, "host-header", ["stage.example.com"], _green);
        _aws.Emulator.Calls.Clear();
    }

    public async Task DisposeAsync() => await _aws.DisposeAsync();

    /// <summary>Where a reported action list forwards: (target group, weight) of its ForwardConfig.</summary>
    private static List<(string Arn, string? Weight)> Forward(JsonArray actions)
    {
        var forward = actions.Single(a => (string?)a!["Type"] == "forward")!;
        return [.. forward["ForwardConfig"]!["TargetGroups"]!.AsArray().Select(g => ((string)g!["TargetGroupArn"]!, (string?)g["Weight"]))];
    }

    private static string? PlainTargetGroup(JsonArray actions) => (string?)actions.Single(a => (string?)a!["Type"] == "forward")!["TargetGroupArn"];

    [Fact]
    public async Task SwapAsync_DefaultRulesOfTwoListeners_SwapsTheirTargetGroups()
    {
        var changes = await _aws.Aws.Traffic.SwapAsync(new RouteRef(_production), new RouteRef(_stage));

        changes.Select(c => c.Operation).Should().Equal("ModifyListener", "ModifyListener");
        Forward(_aws.State.GetListenerActions(_production)).Should().Equal((_green, "1"));
        PlainTargetGroup(_aws.State.GetListenerActions(_production)).Should().Be(_green);
        Forward(_aws.State.GetListenerActions(_stage)).Should().Equal((_blue, "1"));
        changes[0].After.Single().ForwardTargetGroups.Single().TargetGroupArn.Should().Be(_green, "the router reads ModifyListener's answer");
    }

    [Fact]
    public async Task SwapAsync_ConditionalRules_SwapsActionsAndKeepsConditions()
    {
        var apiConditions = _aws.State.GetRuleConditions(_apiRule).ToJsonString();
        var stageConditions = _aws.State.GetRuleConditions(_stageApiRule).ToJsonString();

        var changes = await _aws.Aws.Traffic.SwapAsync(new RouteRef(_production, _apiRule), new RouteRef(_production, _stageApiRule));

        changes.Select(c => c.Operation).Should().Equal("ModifyRule", "ModifyRule");
        Forward(_aws.State.GetRuleActions(_apiRule)).Should().Equal((_green, "1"));
        Forward(_aws.State.GetRuleActions(_stageApiRule)).Should().Equal((_blue, "1"));
        _aws.State.GetRuleConditions(_apiRule).ToJsonString().Should().Be(apiConditions);
        _aws.State.GetRuleConditions(_stageApiRule).ToJsonString().Should().Be(stageConditions);
        Forward(_aws.State.GetListenerActions(_production)).Should().Equal([(_blue, "1")], "the default rule was not part of the swap");
        var conditions = (await _aws.Aws.Traffic.DescribeRulesAsync(_production)).Single(r => r.Arn == _apiRule).Conditions;
        conditions.Single().Field.Should().Be("path-pattern");
        conditions.Single().Values.Should().Equal("/api/*");
    }

    [Fact]
    public async Task SwapAsync_DefaultRuleNamedByItsRuleArn_ChangedThroughModifyListener()
    {
        var rules = await _aws.Aws.Traffic.DescribeRulesAsync(_production);
        var defaultRule = rules.Should().ContainSingle(r => r.IsDefault).Which;
        defaultRule.Priority.Should().Be("default");
        defaultRule.Conditions.Should().BeEmpty();
        rules[^1].Should().BeSameAs(defaultRule, "ELBv2 lists the default rule last");
        rules.Where(r => !r.IsDefault).Select(r => r.Priority).Should().Equal("10", "20");

        var changes = await _aws.Aws.Traffic.SwapAsync(new RouteRef(_production, defaultRule.Arn), new RouteRef(_production, _stageApiRule));

        changes.Select(c => c.Operation).Should().Equal("ModifyListener", "ModifyRule");
        Forward(_aws.State.GetListenerActions(_production)).Should().Equal((_green, "1"));
        Forward(_aws.State.GetRuleActions(defaultRule.Arn)).Should().Equal((_green, "1"));
        Forward(_aws.State.GetRuleActions(_stageApiRule)).Should().Equal((_blue, "1"));
    }

    [Fact]
    public async Task SwapAsync_RepeatedWithExpectedGroups_SecondSwapChangesNothing()
    {
        await _aws.Aws.Traffic.SwapAsync(new RouteRef(_production), new RouteRef(_stage), _blue, _green);
        _aws.Emulator.Calls.Clear();

        var again = await _aws.Aws.Traffic.SwapAsync(new RouteRef(_production), new RouteRef(_stage), _blue, _green);

        again.Should().BeEmpty();
        _aws.Emulator.Calls.Mutating.Should().BeEmpty();
    }

    [Fact]
    public async Task ShiftTrafficAsync_WeightedShift_ForwardsToBothWithTheWeights()
    {
        var changes = await _aws.Aws.Traffic.ShiftTrafficAsync(new RouteRef(_production), _blue, _green, newWeight: 10, oldWeight: 90);

        changes.Should().ContainSingle();
        var actions = _aws.State.GetListenerActions(_production);
        Forward(actions).Should().BeEquivalentTo([(_blue, "90"), (_green, "10")]);
        PlainTargetGroup(actions).Should().BeNull("a forward to two groups has no single TargetGroupArn");
        actions[0]!["ForwardConfig"]!["TargetGroupStickinessConfig"]!["Enabled"]!.GetValue<string>().Should().Be("false", "stickiness is kept as it was");
        var forward = await _aws.Aws.Traffic.ResolveForwardAsync(new RouteRef(_production));
        forward.TargetGroups.Should().BeEquivalentTo([new WeightedTargetGroup(_blue, 90), new WeightedTargetGroup(_green, 10)]);
        forward.PrimaryTargetGroupArn.Should().BeNull();
    }

    [Fact]
    public async Task ShiftTrafficAsync_StepsThenSwap_EndsOnTheNewGroup()
    {
        await _aws.Aws.Traffic.ShiftTrafficAsync(new RouteRef(_production), _blue, _green, newWeight: 10, oldWeight: 90);
        await _aws.Aws.Traffic.ShiftTrafficAsync(new RouteRef(_production), _blue, _green, newWeight: 100, oldWeight: 0);

        var forward = await _aws.Aws.Traffic.ResolveForwardAsync(new RouteRef(_production));

        forward.PrimaryTargetGroupArn.Should().Be(_green);
    }

    [Fact]
    public async Task RestoreAsync_AfterWeightedShift_StateExactlyAsBefore()
    {
        var before = _aws.State.Snapshot();
        var changes = await _aws.Aws.Traffic.ShiftTrafficAsync(new RouteRef(_production), _blue, _green, newWeight: 50, oldWeight: 50);
        JsonNode.DeepEquals(_aws.State.Snapshot(), before).Should().BeFalse();

        var restored = await _aws.Aws.Traffic.RestoreAsync(changes.Single());

        restored.Should().ContainSingle();
        JsonNode.DeepEquals(_aws.State.Snapshot(), before).Should().BeTrue(_aws.State.Snapshot().ToJsonString());
        (await _aws.Aws.Traffic.RestoreAsync(changes.Single())).Should().BeEmpty("a second restore finds the route as before");
    }

    [Fact]
    public async Task RestoreAsync_AfterSwapOfRules_StateExactlyAsBefore()
    {
        var before = _aws.State.Snapshot();
        var changes = await _aws.Aws.Traffic.SwapAsync(new RouteRef(_production, _apiRule), new RouteRef(_production, _stageApiRule));

        foreach (var change in changes.Reverse())
        {
            await _aws.Aws.Traffic.RestoreAsync(change);
        }

        JsonNode.DeepEquals(_aws.State.Snapshot(), before).Should().BeTrue();
    }

    [Fact]
    public async Task SwapAsync_ListenerWithOidcAuthentication_KeepsEveryFieldAndTheSecret()
    {
        var set = await _aws.ElbAsync("ModifyListener",
            ("ListenerArn", _production),
            ("DefaultActions.member.1.Type", "authenticate-oidc"),
            ("DefaultActions.member.1.Order", "1"),
            ("DefaultActions.member.1.AuthenticateOidcConfig.Issuer", "https://idp.example.com"),
            ("DefaultActions.member.1.AuthenticateOidcConfig.AuthorizationEndpoint", "https://idp.example.com/authorize"),
            ("DefaultActions.member.1.AuthenticateOidcConfig.TokenEndpoint", "https://idp.example.com/token"),
            ("DefaultActions.member.1.AuthenticateOidcConfig.UserInfoEndpoint", "https://idp.example.com/userinfo"),
            ("DefaultActions.member.1.AuthenticateOidcConfig.ClientId", "web"),
            ("DefaultActions.member.1.AuthenticateOidcConfig.ClientSecret", "s3cr3t"),
            ("DefaultActions.member.1.AuthenticateOidcConfig.SessionTimeout", "3600"),
            ("DefaultActions.member.1.AuthenticateOidcConfig.AuthenticationRequestExtraParams.entry.1.key", "prompt"),
            ("DefaultActions.member.1.AuthenticateOidcConfig.AuthenticationRequestExtraParams.entry.1.value", "login"),
            ("DefaultActions.member.1.AuthenticateOidcConfig.OnUnauthenticatedRequest", "authenticate"),
            ("DefaultActions.member.2.Type", "forward"),
            ("DefaultActions.member.2.Order", "2"),
            ("DefaultActions.member.2.TargetGroupArn", _blue));
        set.Status.Should().Be(HttpStatusCode.OK, set.Text);
        set.Text.Should().NotContain("s3cr3t", "ELBv2 never reports the client secret");
        var oidcBefore = _aws.State.GetListenerActions(_production)[0]!.ToJsonString();

        await _aws.Aws.Traffic.SwapAsync(new RouteRef(_production), new RouteRef(_stage));

        var actions = _aws.State.GetListenerActions(_production);
        actions[0]!.ToJsonString().Should().Be(oidcBefore);
        actions[0]!["AuthenticateOidcConfig"]!["AuthenticationRequestExtraParams"]!["prompt"]!.GetValue<string>().Should().Be("login");
        actions[0]!["AuthenticateOidcConfig"]!.AsObject().ContainsKey("ClientSecret").Should().BeFalse();
        Forward(actions).Should().Equal((_green, "1"));
        _aws.State.FindListener(_production)!.DefaultActions[0]["AuthenticateOidcConfig"]!.Text("ClientSecret").Should().Be("s3cr3t",
            "the router re-sent the action with UseExistingClientSecret, so the secret stays");
    }

    [Fact]
    public async Task GetHealthAsync_SeededTargets_ReportedWithAwsReasons()
    {
        _aws.State.SeedTarget(_blue, "i-0000000a");
        _aws.State.SeedTarget(_blue, "i-0000000b", "initial");
        _aws.State.SeedTarget(_blue, "i-0000000c", "unhealthy");

        var health = await _aws.Aws.Traffic.GetHealthAsync(_blue, ["i-0000000a", "i-0000000b", "i-0000000c", "i-0000000d"]);

        health.IsHealthy.Should().BeFalse();
        health.Targets.Should().BeEquivalentTo(
        [
            new TargetHealthDescription("i-0000000a", 80, "healthy", null, null),
            new TargetHealthDescription("i-0000000b", 80, "initial", "Elb.RegistrationInProgress", "Target registration is in progress"),
            new TargetHealthDescription("i-0000000c", 80, "unhealthy", "Target.FailedHealthChecks", "Health checks failed"),
            new TargetHealthDescription("i-0000000d", null, "unused", "Target.NotRegistered", "The target is not registered with the target group."),
        ]);
        (await _aws.Aws.Traffic.IsHealthyAsync(_blue, ["i-0000000a"])).Should().BeTrue();
    }

    [Fact]
    public async Task DescribeTargetHealthAsync_SpotGroupRegisteredInTargetGroup_ReportsItsInstances()
    {
        var groupId = _aws.State.SeedGroup(JsonNode.Parse("""
            {"name":"web","capacity":{"minimum":0,"target":2,"maximum":4,"unit":"instance"},
             "compute":{"launchSpecification":{"imageId":"ami-00000001",
               "loadBalancersConfig":{"loadBalancers":[{"type":"TARGET_GROUP","arn":"GREEN"}]}}}}
            """.Replace("GREEN", _green, StringComparison.Ordinal))!.AsObject());
        var instances = _aws.State.GetInstances(groupId).Select(i => i.InstanceId).ToList();

        var targets = await _aws.Aws.Traffic.DescribeTargetHealthAsync(_green);

        instances.Should().HaveCount(2);
        targets.Select(t => t.TargetId).Should().BeEquivalentTo(instances);
        targets.Should().OnlyContain(t => t.IsHealthy && t.Port == 8080);
        (await _aws.Aws.Traffic.DescribeTargetHealthAsync(_blue)).Should().BeEmpty();
    }

    [Fact]
    public async Task ModifyCalls_Logged_WithActionAndMutatingFlag()
    {
        await _aws.Aws.Traffic.SwapAsync(new RouteRef(_production, _apiRule), new RouteRef(_stage));

        var calls = _aws.Emulator.Calls.All;
        calls.Should().OnlyContain(c => c.Service == "elasticloadbalancing" && c.Status == 200);
        calls.Where(c => c.IsMutating).Select(c => c.Action).Should().BeEquivalentTo(["ModifyRule", "ModifyListener"]);
        calls.Where(c => !c.IsMutating).Select(c => c.Action).Should().OnlyContain(a => a!.StartsWith("Describe", StringComparison.Ordinal));
        _aws.Emulator.Calls.Mutating.Should().HaveCount(2);
    }

    [Fact]
    public async Task DescribeAsync_LoadBalancersTargetGroupsAndListeners_AsSeeded()
    {
        var byName = await _aws.Aws.Traffic.DescribeLoadBalancersAsync(["web-alb"]);
        var byArn = await _aws.Aws.Traffic.DescribeLoadBalancersAsync([_loadBalancer]);
        var groups = await _aws.Aws.Traffic.DescribeTargetGroupsAsync(_loadBalancer);
        var listener = await _aws.Aws.Traffic.FindListenerAsync(_loadBalancer, 8443);
        var listeners = await _aws.Aws.Traffic.DescribeListenersAsync(_loadBalancer);

        byName.Should().Equal(byArn);
        byName.Single().Should().BeEquivalentTo(new { Arn = _loadBalancer, Name = "web-alb", Type = "application", Scheme = "internet-facing", State = "active" });
        byName.Single().DnsName.Should().EndWith(".us-east-1.elb.amazonaws.com");
        groups.Select(g => (g.Arn, g.Name, g.Port)).Should().Equal((_blue, "web-blue", 80), (_green, "web-green", 8080));
        groups.Should().OnlyContain(g => g.LoadBalancerArns.SequenceEqual(new[] { _loadBalancer }) && g.TargetType == "instance" && g.Protocol == "HTTP");
        listener!.Arn.Should().Be(_stage);
        listener.Protocol.Should().Be("HTTP");
        listeners.Select(l => (l.Port, l.Protocol)).Should().Equal((443, "HTTPS"), (8443, "HTTP"));
    }

    [Fact]
    public async Task DescribeLoadBalancersAsync_UnknownName_LoadBalancerNotFound()
    {
        var act = () => _aws.Aws.Traffic.DescribeLoadBalancersAsync(["nope"]);

        var thrown = await act.Should().ThrowAsync<AwsApiException>();
        thrown.Which.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        thrown.Which.ErrorCode.Should().Be("LoadBalancerNotFound");
        thrown.Which.Service.Should().Be("elasticloadbalancing");
    }

    [Fact]
    public async Task ResolveForwardAsync_UnknownListener_ListenerNotFound()
    {
        var unknown = _production[..^16] + "0123456789abcdef";

        var act = () => _aws.Aws.Traffic.ResolveForwardAsync(new RouteRef(unknown));

        (await act.Should().ThrowAsync<AwsApiException>()).Which.ErrorCode.Should().Be("ListenerNotFound");
    }
}
