using System.Text;
using System.Text.Json.Nodes;

namespace Spot.Deploy.Elastigroup.Tests.Documents;

/// <summary>Real payloads from Spot's Python SDK tests (see TestData/spot-fixtures/NOTICE.md).</summary>
public class SpotFixtureTests
{
    private const string Folder = "spot-fixtures";
    private const string CreateRequest = "sdkpy-aws-group-create-request.json";
    private const string ResponseEnvelope = "sdkpy-group-response-envelope.json";

    public static TheoryData<string> Fixtures
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var name in TestData.FileNames(Folder))
            {
                data.Add(name);
            }

            return data;
        }
    }

    [Fact]
    public void Fixtures_Folder_HoldsEveryCopiedPayloadAndItsNotice()
    {
        TestData.FileNames(Folder).Should().HaveCount(11).And.Contain([CreateRequest, ResponseEnvelope]);
        File.Exists(TestData.Path(Folder, "NOTICE.md")).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Transform_NoChangeOnFixture_SavesIdenticalTree(string fixture)
    {
        var text = TestData.ReadText(Folder, fixture);

        var saved = ElastigroupDocument.Parse(text).Transform(new GroupDocumentTransform()).ToJsonString();

        JsonTree.FindDifference(JsonTree.Parse(text), JsonTree.Parse(saved), orderSensitive: true).Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Transform_NoChangeOnFixture_SavesCompactOriginalByteForByte(string fixture)
    {
        var text = TestData.ReadText(Folder, fixture);

        var saved = ElastigroupDocument.Parse(text).Transform(new GroupDocumentTransform()).ToJsonString();

        Encoding.UTF8.GetBytes(saved).Should().Equal(Encoding.UTF8.GetBytes(JsonTree.Minify(text)));
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void LoadFile_Fixture_SameAsParseAndIndentedSaveKeepsTree(string fixture)
    {
        var text = TestData.ReadText(Folder, fixture);

        var fromFile = ElastigroupDocument.LoadFile(TestData.Path(Folder, fixture));
        using var stream = File.OpenRead(TestData.Path(Folder, fixture));
        var fromStream = ElastigroupDocument.Load(stream);

        fromFile.ToJsonString().Should().Be(JsonTree.Minify(text));
        fromStream.ToJsonString().Should().Be(JsonTree.Minify(text));
        JsonTree.FindDifference(JsonTree.Parse(text), JsonTree.Parse(fromFile.ToJsonString(indented: true)), orderSensitive: true).Should().BeNull();
    }

    [Fact]
    public void ToCreateBody_SdkCreateRequest_ChangesOnlyNameImageAndCapacity()
    {
        var text = TestData.ReadText(Folder, CreateRequest);
        var original = ElastigroupDocument.Parse(text);

        var body = original.ToCreateBody("app__7", "ami-0123456789abcdef0");

        body.IsWrapped.Should().BeTrue();
        body.Name.Should().Be("app__7");
        body.ImageId.Should().Be("ami-0123456789abcdef0");
        (body.CapacityMinimum, body.CapacityTarget, body.CapacityMaximum).Should().Be((0, 0, 0));
        body.CapacityUnit.Should().BeNull("the fixture has no unit and none is invented");
        body.Group["capacity"]!.ToJsonString().Should().Be("{\"target\":0,\"minimum\":0,\"maximum\":0}");
        Keys(body.Group).Should().Equal(Keys(original.Group), "the fixture has none of the read-only fields");
        var expected = Without(JsonTree.Parse(text)!["group"]!, Changed);
        var actual = Without(body.Group, Changed);
        JsonTree.FindDifference(expected, actual, orderSensitive: true).Should().BeNull();
        original.ToJsonString().Should().Be(JsonTree.Minify(text), "the source document is untouched");
        JsonTree.FindDifference(JsonTree.Parse(body.ToJsonString()), body.ToRequestBody(), orderSensitive: true).Should().BeNull();
    }

    [Fact]
    public void ToCreateBody_GroupOfResponseEnvelope_RemovesExactlyReadOnlyFieldsAndKeepsUnit()
    {
        var text = TestData.ReadText(Folder, ResponseEnvelope);
        var envelope = JsonTree.Parse(text)!;
        var item = envelope["response"]!["items"]![0]!.AsObject();
        var original = ElastigroupDocument.FromGroup(item);

        var body = original.ToCreateBody("app__8", "ami-0fedcba9876543210");

        body.IsWrapped.Should().BeFalse();
        body.Id.Should().BeNull();
        Keys(body.Group).Should().Equal(Keys(item).Except(["id", "createdAt", "updatedAt"]));
        body.Name.Should().Be("app__8");
        body.ImageId.Should().Be("ami-0fedcba9876543210");
        body.Group["capacity"]!.ToJsonString().Should().Be("{\"minimum\":0,\"maximum\":0,\"target\":0,\"unit\":\"instance\"}");
        body.CapacityUnit.Should().Be("instance");
        var expected = Without(item, [.. Changed, "id", "createdAt", "updatedAt"]);
        var actual = Without(body.Group, Changed);
        JsonTree.FindDifference(expected, actual, orderSensitive: true).Should().BeNull();
        JsonTree.FindDifference(JsonTree.Parse(text), envelope, orderSensitive: true).Should().BeNull("the envelope the group came from is untouched");
        body.ToRequestBody().Select(p => p.Key).Should().Equal("group");
    }

    [Fact]
    public void ToCreateBody_SdkCreateRequestWithStageTargetGroup_KeepsStringsAsNumbersAndUnknownSections()
    {
        var text = TestData.ReadText(Folder, CreateRequest);

        var body = ElastigroupDocument.Parse(text).ToCreateBody(
            "app__STAGE",
            "ami-1",
            "#!/bin/bash\necho stage",
            [LoadBalancerReference.TargetGroup("arn:aws:elasticloadbalancing:us-west-2:1:targetgroup/stage/1")]);

        var launchSpecification = body.Group["compute"]!["launchSpecification"]!;
        launchSpecification["blockDeviceMappings"]![0]!["ebs"]!.ToJsonString()
            .Should().Be("{\"deleteOnTermination\":\"true\",\"volumeSize\":\"80\",\"volumeType\":\"gp2\"}");
        body.Group["strategy"]!["onDemandCount"].Should().BeNull();
        body.Group["strategy"]!.AsObject().ContainsKey("onDemandCount").Should().BeTrue();
        body.Group["scaling"]!["down"]![0]!["threshold"]!.ToJsonString().Should().Be("0.8");
        body.Group["thirdPartiesIntegration"]!["mesosphere"]!.ToJsonString().Should().Be("{\"apiServer\":\"1.2.3.4\"}");
        body.Group["thirdPartiesIntegration"]!["chef"]!["chefVersion"]!.GetValue<string>().Should().Be("12.1");
        body.LoadBalancers.Should().Equal(new LoadBalancerReference(null, "arn:aws:elasticloadbalancing:us-west-2:1:targetgroup/stage/1", "TARGET_GROUP"));
        Encoding.UTF8.GetString(Convert.FromBase64String(body.UserData!)).Should().Be("#!/bin/bash\necho stage");
    }

    private static readonly string[] Changed =
        ["name", "capacity.minimum", "capacity.target", "capacity.maximum", "compute.launchSpecification.imageId"];

    private static string[] Keys(JsonObject group) => group.Select(p => p.Key).ToArray();

    /// <summary>A copy of <paramref name="node"/> without the given dotted paths (each must exist).</summary>
    private static JsonNode Without(JsonNode node, IEnumerable<string> paths)
    {
        var copy = node.DeepClone();
        foreach (var path in paths)
        {
            var names = path.Split('.');
            var parent = copy;
            foreach (var name in names[..^1])
            {
                parent = parent[name]!;
            }

            parent.AsObject().Remove(names[^1]).Should().BeTrue($"{path} should exist");
        }

        return copy;
    }
}
