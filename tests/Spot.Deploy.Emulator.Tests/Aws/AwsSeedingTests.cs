using System.Text.Json.Nodes;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Emulator.Tests.Aws;

/// <summary>The AWS seeding API of <see cref="EmulatorState"/> and its part of the snapshot.</summary>
public sealed class AwsSeedingTests
{
    private static readonly DateTimeOffset Day = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static EmulatorState NewState(int seed = 1) =>
        new(new EmulatorOptions { TimeProvider = new VirtualClock(), RandomSeed = seed, AwsAccountId = "123456789012", Region = "eu-west-1" });

    private static void SeedSample(EmulatorState state)
    {
        state.SeedImage("ami-00000002", "web-2", Day.AddDays(1), new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" });
        state.SeedImage("ami-00000001", "web-1", Day, deprecationTime: Day.AddDays(30));
        var loadBalancer = state.SeedLoadBalancer("web-alb");
        var blue = state.SeedTargetGroup("web-blue");
        var green = state.SeedTargetGroup("web-green", 8080);
        var listener = state.SeedListener(loadBalancer, 443, blue);
        state.SeedRule(listener, 3, "/api/*", green);
        state.SeedTarget(blue, "i-0000000b", "initial");
        state.SeedTarget(blue, "i-0000000a");
    }

    [Fact]
    public void Snapshot_SameSeedAndSeeding_Identical()
    {
        var first = NewState();
        var second = NewState();
        SeedSample(first);
        SeedSample(second);

        JsonNode.DeepEquals(first.Snapshot(), second.Snapshot()).Should().BeTrue();
        JsonNode.DeepEquals(first.Snapshot(), first.Snapshot()).Should().BeTrue();
    }

    [Fact]
    public void Snapshot_AfterSeeding_HoldsEveryAwsResourceInStableOrder()
    {
        var state = NewState();
        SeedSample(state);

        var snapshot = state.Snapshot();

        snapshot["images"]!.AsArray().Select(i => (string)i!["imageId"]!).Should().Equal("ami-00000001", "ami-00000002");
        snapshot["images"]![0]!["deprecationTime"]!.GetValue<string>().Should().Be("2026-12-01T00:00:00.000Z");
        snapshot["images"]![1]!["deprecationTime"].Should().BeNull();
        snapshot["images"]![1]!["tags"]!.ToJsonString().Should().Be("""{"a":"1","b":"2"}""");
        snapshot["loadBalancers"]!.AsArray().Should().ContainSingle();
        var listener = snapshot["listeners"]!.AsArray().Single()!;
        ((int)listener["port"]!).Should().Be(443);
        ((string)listener["protocol"]!).Should().Be("HTTPS");
        ((string)listener["defaultActions"]![0]!["Type"]!).Should().Be("forward");
        var rule = snapshot["rules"]!.AsArray().Single()!;
        ((int)rule["priority"]!).Should().Be(3);
        ((string)rule["conditions"]![0]!["Field"]!).Should().Be("path-pattern");
        var groups = snapshot["targetGroups"]!.AsArray();
        groups.Select(g => (string)g!["name"]!).Should().BeEquivalentTo(["web-blue", "web-green"]);
        var blue = groups.Single(g => (string)g!["name"]! == "web-blue")!;
        blue["targets"]!.AsArray().Select(t => ((string)t!["id"]!, (string)t["state"]!)).Should().Equal(("i-0000000a", "healthy"), ("i-0000000b", "initial"));
        blue["loadBalancerArns"]!.AsArray().Should().ContainSingle();
    }

    [Fact]
    public void SeedListener_Arns_FollowTheAwsPatterns()
    {
        var state = NewState();
        var loadBalancer = state.SeedLoadBalancer("web-alb");
        var group = state.SeedTargetGroup("web-blue");
        var listener = state.SeedListener(loadBalancer, 80, group);
        var rule = state.SeedRule(listener, 1, "/x", group);

        loadBalancer.Should().MatchRegex("^arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web-alb/[0-9a-f]{16}$");
        group.Should().MatchRegex("^arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-blue/[0-9a-f]{16}$");
        listener.Should().StartWith(loadBalancer.Replace(":loadbalancer/", ":listener/", StringComparison.Ordinal) + "/").And.MatchRegex("/[0-9a-f]{16}$");
        rule.Should().StartWith(listener.Replace(":listener/", ":listener-rule/", StringComparison.Ordinal) + "/").And.MatchRegex("/[0-9a-f]{16}$");
    }

    [Fact]
    public void SeedListener_DefaultAction_ReportedAsAwsReportsAPlainForward()
    {
        var state = NewState();
        var loadBalancer = state.SeedLoadBalancer("web-alb");
        var group = state.SeedTargetGroup("web-blue");
        var listener = state.SeedListener(loadBalancer, 80, group);

        state.GetListenerActions(listener).ToJsonString().Should().Be(
            """[{"Type":"forward","TargetGroupArn":"TG","ForwardConfig":{"TargetGroups":[{"TargetGroupArn":"TG","Weight":"1"}],"TargetGroupStickinessConfig":{"Enabled":"false"}}}]"""
                .Replace("TG", group, StringComparison.Ordinal));
    }

    [Fact]
    public void SeedRule_HostHeader_ConditionReportedWithValuesAndConfig()
    {
        var state = NewState();
        var loadBalancer = state.SeedLoadBalancer("web-alb");
        var group = state.SeedTargetGroup("web-blue");
        var listener = state.SeedListener(loadBalancer, 80, group);

        var rule = state.SeedRule(listener, 7, "host-header", ["a.example.com", "b.example.com"], group);

        state.GetRuleConditions(rule).ToJsonString().Should().Be(
            """[{"Field":"host-header","Values":["a.example.com","b.example.com"],"HostHeaderConfig":{"Values":["a.example.com","b.example.com"]}}]""");
        state.GetRuleActions(rule).ToJsonString().Should().Be(state.GetListenerActions(listener).ToJsonString());
    }

    [Theory]
    [InlineData("ami-1")]
    [InlineData("ami-0000000A")]
    [InlineData("image-00000001")]
    public void SeedImage_NotAnAmiId_ArgumentException(string imageId)
    {
        var act = () => NewState().SeedImage(imageId, "x", Day);

        act.Should().Throw<ArgumentException>().WithParameterName(nameof(imageId));
    }

    [Fact]
    public void SeedImage_SameIdAgain_ReplacesIt()
    {
        var state = NewState();
        state.SeedImage("ami-00000001", "old", Day);

        state.SeedImage("ami-00000001", "new", Day);

        state.Snapshot()["images"]!.AsArray().Select(i => (string)i!["name"]!).Should().Equal("new");
    }

    [Fact]
    public void SeedImage_AmazonOwner_StoredUnderAmazonsAccount()
    {
        var state = NewState();

        state.SeedImage("ami-00000001", "al2023", Day, ownerId: "amazon");

        ((string)state.Snapshot()["images"]![0]!["ownerId"]!).Should().Be(EmulatorState.AmazonOwnerId);
    }

    [Fact]
    public void SeedLoadBalancer_NameTakenOrInvalid_ArgumentException()
    {
        var state = NewState();
        state.SeedLoadBalancer("web");

        ((Action)(() => state.SeedLoadBalancer("web"))).Should().Throw<ArgumentException>();
        ((Action)(() => state.SeedLoadBalancer("-web"))).Should().Throw<ArgumentException>();
        ((Action)(() => state.SeedLoadBalancer(new string('a', 33)))).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void SeedListener_PortTakenOrTargetGroupOfAnotherLoadBalancer_ArgumentException()
    {
        var state = NewState();
        var first = state.SeedLoadBalancer("one");
        var second = state.SeedLoadBalancer("two");
        var group = state.SeedTargetGroup("tg");
        state.SeedListener(first, 80, group);

        ((Action)(() => state.SeedListener(first, 80, group))).Should().Throw<ArgumentException>().WithParameterName("port");
        ((Action)(() => state.SeedListener(second, 80, group))).Should().Throw<ArgumentException>().WithParameterName("targetGroupArn");
        ((Action)(() => state.SeedListener(first, 0, group))).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void SeedRule_PriorityTakenOrUnsupportedField_Refused()
    {
        var state = NewState();
        var loadBalancer = state.SeedLoadBalancer("web");
        var group = state.SeedTargetGroup("tg");
        var listener = state.SeedListener(loadBalancer, 80, group);
        state.SeedRule(listener, 1, "/a", group);

        ((Action)(() => state.SeedRule(listener, 1, "/b", group))).Should().Throw<ArgumentException>().WithParameterName("priority");
        ((Action)(() => state.SeedRule(listener, 50001, "/b", group))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => state.SeedRule(listener, 2, "query-string", ["a"], group))).Should().Throw<ArgumentException>().WithParameterName("conditionField");
    }

    [Fact]
    public void SeedTarget_UnknownStateOrGroup_ArgumentException()
    {
        var state = NewState();
        var group = state.SeedTargetGroup("tg");

        ((Action)(() => state.SeedTarget(group, "i-1", "HEALTHY"))).Should().Throw<ArgumentException>().WithParameterName("healthState");
        ((Action)(() => state.SeedTarget(group[..^1] + "0", "i-1"))).Should().Throw<ArgumentException>().WithParameterName("targetGroupArn");
    }

    [Fact]
    public void GetRuleActions_UnknownRule_ArgumentException()
    {
        ((Action)(() => NewState().GetRuleActions("arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/x/1/2/3")))
            .Should().Throw<ArgumentException>();
    }

    [Theory]
    [InlineData("web-*", "web-1", true)]
    [InlineData("web-*", "web-", true)]
    [InlineData("web-*", "api-1", false)]
    [InlineData("*-1", "web-1", true)]
    [InlineData("w?b", "web", true)]
    [InlineData("w?b", "wb", false)]
    [InlineData("a*b*c", "aXbYbZc", true)]
    [InlineData("a*b*c", "aXbYbZ", false)]
    [InlineData("web-\\*", "web-*", true)]
    [InlineData("web-\\*", "web-1", false)]
    [InlineData("Web", "web", false)]
    [InlineData("*", "", true)]
    public void WildcardIsMatch_Ec2Patterns_AsEc2Matches(string pattern, string text, bool expected) =>
        Wildcard.IsMatch(text, pattern).Should().Be(expected);
}
