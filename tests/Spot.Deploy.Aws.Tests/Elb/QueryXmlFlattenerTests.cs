using System.Text.RegularExpressions;
using System.Xml.Linq;
using static Spot.Deploy.Aws.Tests.Elb.ElbAnswers;

namespace Spot.Deploy.Aws.Tests.Elb;

public class QueryXmlFlattenerTests
{
    private static readonly Regex Index = new(@"\.\d+(?=\.|$)", RegexOptions.CultureInvariant);

    [Fact]
    public void Flatten_EveryMemberOfTheBotocoreActionShape_ProducesExactlyTheModelsParameterPaths()
    {
        var model = BotocoreModel.Elbv2;
        var action = model.ExampleXml("Action", Ns + "member");

        var parameters = QueryXmlFlattener.Flatten(action);

        var produced = parameters.Select(p => Index.Replace(p.Key, ".N")).ToHashSet(StringComparer.Ordinal);
        produced.Should().BeEquivalentTo(model.LeafPaths("Action"), "every field of an action, however deep, must be re-sent");
        var request = new QueryParameters().Add("ListenerArn", ProductionListener);
        QueryXmlFlattener.FlattenMembers(action, "DefaultActions.member.1", request);
        model.Problems("ModifyListener", request.ToList()).Should().BeEmpty();
    }

    [Fact]
    public void Flatten_EveryMemberOfTheBotocoreRuleConditionShape_ResolvesInModifyRule()
    {
        var model = BotocoreModel.Elbv2;
        var condition = model.ExampleXml("RuleCondition", Ns + "member");
        var request = new QueryParameters().Add("RuleArn", "arn:rule");

        QueryXmlFlattener.FlattenMembers(condition, "Conditions.member.1", request);

        request.ToList().Where(p => p.Key.StartsWith("Conditions.", StringComparison.Ordinal)).Select(p => Index.Replace(p.Key["Conditions.member.1.".Length..], ".N")).ToHashSet(StringComparer.Ordinal)
            .Should().BeEquivalentTo(model.LeafPaths("RuleCondition"));
        model.Problems("ModifyRule", request.ToList()).Should().BeEmpty();
    }

    [Fact]
    public void Flatten_ListsMapsAndStructures_UseQueryProtocolNames()
    {
        var action = E("member",
            E("Type", "forward"),
            E("ForwardConfig",
                E("TargetGroups", E("member", E("TargetGroupArn", "a"), E("Weight", "1")), E("member", E("TargetGroupArn", "b"), E("Weight", "2"))),
                E("TargetGroupStickinessConfig", E("Enabled", "true"))),
            E("AuthenticateOidcConfig", E("AuthenticationRequestExtraParams", E("entry", E("key", "k1"), E("value", "v1")), E("entry", E("key", "k2"), E("value", "v2")))));

        var output = new QueryParameters();
        QueryXmlFlattener.FlattenMembers(action, "DefaultActions.member.2", output);

        output.ToList().Should().Equal(
            Pair("DefaultActions.member.2.Type", "forward"),
            Pair("DefaultActions.member.2.ForwardConfig.TargetGroups.member.1.TargetGroupArn", "a"),
            Pair("DefaultActions.member.2.ForwardConfig.TargetGroups.member.1.Weight", "1"),
            Pair("DefaultActions.member.2.ForwardConfig.TargetGroups.member.2.TargetGroupArn", "b"),
            Pair("DefaultActions.member.2.ForwardConfig.TargetGroups.member.2.Weight", "2"),
            Pair("DefaultActions.member.2.ForwardConfig.TargetGroupStickinessConfig.Enabled", "true"),
            Pair("DefaultActions.member.2.AuthenticateOidcConfig.AuthenticationRequestExtraParams.entry.1.key", "k1"),
            Pair("DefaultActions.member.2.AuthenticateOidcConfig.AuthenticationRequestExtraParams.entry.1.value", "v1"),
            Pair("DefaultActions.member.2.AuthenticateOidcConfig.AuthenticationRequestExtraParams.entry.2.key", "k2"),
            Pair("DefaultActions.member.2.AuthenticateOidcConfig.AuthenticationRequestExtraParams.entry.2.value", "v2"));
    }

    [Fact]
    public void Flatten_EmptyElementAndOtherNamespace_GivesEmptyValueAndIgnoresTheNamespace()
    {
        XNamespace other = "urn:emulator";
        var action = new XElement(other + "member",
            new XElement(other + "Type", "fixed-response"),
            new XElement(other + "FixedResponseConfig", new XElement(other + "MessageBody"), new XElement(other + "StatusCode", "204")));

        QueryXmlFlattener.Flatten(action).Should().Equal(
            Pair("Type", "fixed-response"),
            Pair("FixedResponseConfig.MessageBody", string.Empty),
            Pair("FixedResponseConfig.StatusCode", "204"));
    }

    [Fact]
    public void Flatten_ThenRebuild_GivesBackTheSameParameters()
    {
        var model = BotocoreModel.Elbv2;
        XElement[] actions = [model.ExampleXml("Action", Ns + "member"), Oidc(1), WeightedForward(2, true, (BlueTg, 5), (GreenTg, 995)), FixedResponse(3)];
        var output = new QueryParameters();
        for (var i = 0; i < actions.Length; i++)
        {
            QueryXmlFlattener.FlattenMembers(actions[i], QueryParameters.Member("Actions", i + 1), output);
        }

        var rebuilt = FakeElb.Unflatten(output.ToList(), "Actions");
        var again = new QueryParameters();
        for (var i = 0; i < rebuilt.Count; i++)
        {
            QueryXmlFlattener.FlattenMembers(rebuilt[i], QueryParameters.Member("Actions", i + 1), again);
        }

        rebuilt.Should().HaveCount(actions.Length);
        again.ToList().Should().Equal(output.ToList());
    }

    [Fact]
    public void AddParameters_OidcActionWithoutSecret_AddsUseExistingClientSecret()
    {
        var output = new QueryParameters();

        RouteActions.AddParameters([new RuleAction(Oidc(1)), new RuleAction(Forward(BlueTg, 2))], "Actions", output);

        var parameters = output.ToList();
        parameters.Should().Contain(Pair("Actions.member.1.AuthenticateOidcConfig.UseExistingClientSecret", "true"));
        parameters.Should().NotContain(p => p.Key.EndsWith("ClientSecret", StringComparison.Ordinal) && !p.Key.EndsWith("UseExistingClientSecret", StringComparison.Ordinal));
        BotocoreModel.Elbv2.Problems("ModifyRule", new QueryParameters().Add("RuleArn", "arn:rule").AddRange(parameters).ToList()).Should().BeEmpty();
    }

    [Fact]
    public void AreEquivalent_AwsEchoOfAPlainForward_EqualsThePlainForward()
    {
        RuleAction[] sent = [new RuleAction(PlainForward(BlueTg))];
        RuleAction[] echoed = [new RuleAction(E("member", E("Type", "forward"), E("TargetGroupArn", BlueTg),
            E("ForwardConfig", E("TargetGroups", E("member", E("TargetGroupArn", BlueTg), E("Weight", "1"))), E("TargetGroupStickinessConfig", E("Enabled", "false")))))];

        RouteActions.AreEquivalent(sent, echoed).Should().BeTrue();
        RouteActions.AreEquivalent(sent, [new RuleAction(PlainForward(GreenTg))]).Should().BeFalse();
        RouteActions.AreEquivalent([new RuleAction(WeightedForward(1, false, (BlueTg, 1), (GreenTg, 2)))], [new RuleAction(WeightedForward(1, false, (BlueTg, 2), (GreenTg, 1)))]).Should().BeFalse();
        RouteActions.AreEquivalent([new RuleAction(WeightedForward(1, true, (BlueTg, 1)))], [new RuleAction(WeightedForward(1, false, (BlueTg, 1)))]).Should().BeFalse();
        RouteActions.AreEquivalent([new RuleAction(Oidc(1)), new RuleAction(Forward(BlueTg, 2))], [new RuleAction(Forward(BlueTg, 2)), new RuleAction(Oidc(1))])
            .Should().BeTrue("actions run by Order, not by list position");
    }

    [Fact]
    public void BotocoreModel_WrongNames_AreReported()
    {
        BotocoreModel.Elbv2.Problems("DescribeListeners", [Pair("ListenerArns.1", "a")]).Should().ContainSingle().Which.Should().Contain("expected 'member'");
        BotocoreModel.Elbv2.Problems("ModifyListener", [Pair("ListenerArn", "a"), Pair("DefaultActions.member.1.Bogus", "x")]).Should().ContainSingle().Which.Should().Contain("no member Bogus");
        BotocoreModel.Elbv2.Problems("ModifyListener", [Pair("DefaultActions.member.1.Type", "teleport")]).Should().HaveCount(2, "the type is not in the enum and ListenerArn is required");
        BotocoreModel.Elbv2.Problems("ModifyRule", [Pair("RuleArn", "a"), Pair("Actions.member.1.Order", "0")]).Should().ContainSingle().Which.Should().Contain("out of range");
        BotocoreModel.Ec2.Problems("DescribeImages", [Pair("Owners.1", "self")]).Should().ContainSingle();
        BotocoreModel.Ec2.Problems("DescribeImages", [Pair("Filter.1.Value.item.1", "x")]).Should().ContainSingle();
        BotocoreModel.Ec2.Problems("DescribeImages", [Pair("Owner.1", "self"), Pair("Filter.1.Name", "name"), Pair("Filter.1.Value.1", "x"), Pair("ImageId.1", "ami-1"), Pair("IncludeDeprecated", "true"), Pair("MaxResults", "1000"), Pair("NextToken", "t")])
            .Should().BeEmpty();
    }

    [Fact]
    public void QueryParameters_ListsBooleansAndIntegers_UseWireSpelling()
    {
        var parameters = new QueryParameters()
            .AddMemberList("Names", ["a"])
            .Add("IncludeDeprecated", true)
            .Add("Flag", false)
            .Add("MaxResults", 1000)
            .AddIfNotNull("Skipped", null)
            .AddMemberList("Empty", []);

        parameters.ToList().Should().Equal(
            Pair("Names.member.1", "a"),
            Pair("IncludeDeprecated", "true"), Pair("Flag", "false"), Pair("MaxResults", "1000"));
    }

    [Fact]
    public void QueryXml_ValuesByLocalName_AreReadWhateverTheNamespace()
    {
        var root = XElement.Parse(TestData.Sample("ec2-DescribeImages-response.xml"));

        QueryXml.RequestId(root).Should().Be("c8ed10b1-5ad2-40b0-b44e-da4c4183c026");
        var item = root.Child("imagesSet")!.Children("item").Single();
        item.Boolean("isPublic").Should().BeTrue();
        item.String("imageOwnerAlias").Should().Be("amazon");
        item.Int32("name").Should().BeNull();
        item.Child("tagSet")!.Children("item").Should().BeEmpty();
        QueryXml.ParseDate("2021-09-29T11:04:43.305Z").Should().Be(new DateTimeOffset(2021, 9, 29, 11, 4, 43, 305, TimeSpan.Zero));
        QueryXml.ParseDate("2021-07-19T00:00:00").Should().Be(new DateTimeOffset(2021, 7, 19, 0, 0, 0, TimeSpan.Zero), "a time without an offset is UTC");
        QueryXml.ParseDate("soon").Should().BeNull();
        QueryXml.RequestId(XElement.Parse(TestData.Sample("elbv2-DescribeListeners-response.xml"))).Should().Be("18e470d3-f39c-11e5-a53c-67205c0d10fd");
    }

    private static KeyValuePair<string, string> Pair(string key, string value) => new(key, value);
}
