namespace Spot.Deploy.Elastigroup.Tests.Documents;

public class LaunchImageTests
{
    [Fact]
    public void FromImageId_IsOneImageId()
    {
        var image = LaunchImage.FromImageId("ami-0abc");

        image.UsesImages.Should().BeFalse();
        image.FirstImageId.Should().Be("ami-0abc");
        image.ImageIds.Should().Equal("ami-0abc");
        image.ToString().Should().Be("imageId ami-0abc");
        image.ToGroupPatch().ToJsonString().Should().Be("""{"compute":{"launchSpecification":{"imageId":"ami-0abc"}}}""");
    }

    [Fact]
    public void FromImages_KeepsEveryIdInOrder()
    {
        var image = LaunchImage.FromImages(["ami-2", "ami-1", "ami-3"]);

        image.UsesImages.Should().BeTrue();
        image.FirstImageId.Should().Be("ami-2");
        image.ImageIds.Should().Equal("ami-2", "ami-1", "ami-3");
        image.ToString().Should().Be("images [ami-2, ami-1, ami-3]");
        image.ToGroupPatch().ToJsonString().Should().Be("""{"compute":{"launchSpecification":{"images":[{"id":"ami-2"},{"id":"ami-1"},{"id":"ami-3"}]}}}""");
    }

    [Fact]
    public void FromImages_OneImage_IsStillAList()
    {
        var image = LaunchImage.FromImages(["ami-1"]);

        image.ToString().Should().Be("images [ami-1]");
        image.ToGroupPatch().ToJsonString().Should().Be("""{"compute":{"launchSpecification":{"images":[{"id":"ami-1"}]}}}""");
    }

    [Fact]
    public void FromImages_IsACopy_AndCannotBeChanged()
    {
        var ids = new List<string> { "ami-1", "ami-2" };
        var image = LaunchImage.FromImages(ids);

        ids[0] = "ami-9";
        ids.Add("ami-8");

        image.ImageIds.Should().Equal("ami-1", "ami-2");
        image.ImageIds.Should().NotBeAssignableTo<string[]>().And.NotBeAssignableTo<List<string>>();
        FluentActions.Invoking(() => ((IList<string>)image.ImageIds)[0] = "ami-7").Should().Throw<NotSupportedException>();
    }

    [Theory]
    [InlineData("")]
    [InlineData("ami-")]
    [InlineData("ami")]
    [InlineData("AMI-1")]
    [InlineData("img-1")]
    [InlineData("sig-1")]
    [InlineData(" ami-1")]
    [InlineData("ami-1 ")]
    [InlineData("ami-1\n")]
    [InlineData("ami-\u00001")]
    public void FromImageId_NotAnAmiId_IsRefused(string imageId)
    {
        FluentActions.Invoking(() => LaunchImage.FromImageId(imageId)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("imageId");
    }

    [Fact]
    public void FromImageId_Null_IsRefused()
    {
        FluentActions.Invoking(() => LaunchImage.FromImageId(null!)).Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("imageId");
    }

    [Fact]
    public void FromImages_EmptyNullOrBadEntry_IsRefusedNamingTheEntry()
    {
        FluentActions.Invoking(() => LaunchImage.FromImages(null!)).Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("imageIds");
        FluentActions.Invoking(() => LaunchImage.FromImages([])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("imageIds");
        var nullEntry = FluentActions.Invoking(() => LaunchImage.FromImages(["ami-1", null!])).Should().Throw<ArgumentException>().Which;
        nullEntry.ParamName.Should().Be("imageIds");
        nullEntry.Message.Should().Contain("imageIds[1] is null");
        FluentActions.Invoking(() => LaunchImage.FromImages(["ami-1", "ami-2", "i-3"])).Should().Throw<ArgumentException>()
            .Which.Message.Should().Contain("imageIds[2]").And.Contain("\"i-3\"");
    }

    [Fact]
    public void WithFirst_ImageId_ReplacesIt()
    {
        var image = LaunchImage.FromImageId("ami-1");

        var next = image.WithFirst("ami-2");

        next.Should().Be(LaunchImage.FromImageId("ami-2"));
        image.Should().Be(LaunchImage.FromImageId("ami-1"), "the original is not changed");
    }

    [Fact]
    public void WithFirst_Images_ReplacesTheFirstAndKeepsTheRest()
    {
        var image = LaunchImage.FromImages(["ami-1", "ami-arm", "ami-gpu"]);

        var next = image.WithFirst("ami-2");

        next.Should().Be(LaunchImage.FromImages(["ami-2", "ami-arm", "ami-gpu"]));
        image.ImageIds.Should().Equal("ami-1", "ami-arm", "ami-gpu");
    }

    [Fact]
    public void WithFirst_ImageAlreadyFurtherDown_IsNotListedTwice()
    {
        LaunchImage.FromImages(["ami-1", "ami-2", "ami-3"]).WithFirst("ami-2").ImageIds.Should().Equal("ami-2", "ami-3");
        LaunchImage.FromImages(["ami-1", "ami-2"]).WithFirst("ami-1").Should().Be(LaunchImage.FromImages(["ami-1", "ami-2"]));
    }

    [Fact]
    public void WithFirst_NotAnAmiId_IsRefused()
    {
        var image = LaunchImage.FromImages(["ami-1"]);

        image.Invoking(i => i.WithFirst("x")).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("imageId");
        image.Invoking(i => i.WithFirst(null!)).Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("imageId");
    }

    [Fact]
    public void Equality_IsByKindAndIdsInOrder()
    {
        var one = LaunchImage.FromImageId("ami-1");

        one.Should().Be(LaunchImage.FromImageId("ami-1"));
        (one == LaunchImage.FromImageId("ami-1")).Should().BeTrue();
        one.GetHashCode().Should().Be(LaunchImage.FromImageId("ami-1").GetHashCode());
        one.Should().NotBe(LaunchImage.FromImages(["ami-1"]), "imageId and images are different patches");
        (one != LaunchImage.FromImageId("ami-2")).Should().BeTrue();
        LaunchImage.FromImages(["ami-1", "ami-2"]).Should().Be(LaunchImage.FromImages(["ami-1", "ami-2"]));
        LaunchImage.FromImages(["ami-1", "ami-2"]).GetHashCode().Should().Be(LaunchImage.FromImages(["ami-1", "ami-2"]).GetHashCode());
        LaunchImage.FromImages(["ami-1", "ami-2"]).Should().NotBe(LaunchImage.FromImages(["ami-2", "ami-1"]));
        LaunchImage.FromImages(["ami-1", "ami-2"]).Should().NotBe(LaunchImage.FromImages(["ami-1"]));
        one.Equals((object)LaunchImage.FromImageId("ami-1")).Should().BeTrue();
        one.Equals("imageId ami-1").Should().BeFalse();
        one.Equals(null).Should().BeFalse();
        (one == null).Should().BeFalse();
        ((LaunchImage?)null == null).Should().BeTrue();
    }

    [Fact]
    public void ToGroupPatch_IsANewObjectEachTime()
    {
        var image = LaunchImage.FromImages(["ami-1"]);
        var patch = image.ToGroupPatch();

        patch["compute"] = null;

        image.ToGroupPatch().ToJsonString().Should().Be("""{"compute":{"launchSpecification":{"images":[{"id":"ami-1"}]}}}""");
    }

    [Theory]
    [InlineData("""{"compute":{"launchSpecification":{"imageId":"ami-1"}}}""", false, new[] { "ami-1" })]
    [InlineData("""{"compute":{"launchSpecification":{"images":[{"id":"ami-1"},{"id":"ami-2"}]}}}""", true, new[] { "ami-1", "ami-2" })]
    [InlineData("""{"group":{"compute":{"launchSpecification":{"images":[{"id":"ami-1"}]}}}}""", true, new[] { "ami-1" })]
    [InlineData("""{"compute":{"launchSpecification":{"imageId":"ami-1","images":[{"id":"ami-2"}]}}}""", true, new[] { "ami-2" })]
    [InlineData("""{"compute":{"launchSpecification":{"imageId":"ami-1","images":[]}}}""", false, new[] { "ami-1" })]
    [InlineData("""{"compute":{"launchSpecification":{"imageId":"ami-1","images":null}}}""", false, new[] { "ami-1" })]
    public void Document_LaunchImage_ReadsImageIdOrImages(string json, bool usesImages, string[] ids)
    {
        var image = ElastigroupDocument.Parse(json).LaunchImage!;

        image.UsesImages.Should().Be(usesImages);
        image.ImageIds.Should().Equal(ids);
    }

    [Theory]
    [InlineData("""{"name":"x"}""")]
    [InlineData("""{"compute":{"launchSpecification":{}}}""")]
    [InlineData("""{"compute":{"launchSpecification":{"imageId":null,"images":[]}}}""")]
    public void Document_LaunchImage_NoImage_IsNull(string json)
    {
        ElastigroupDocument.Parse(json).LaunchImage.Should().BeNull();
    }

    [Theory]
    [InlineData("""{"compute":{"launchSpecification":{"imageId":"i-1"}}}""", "$.compute.launchSpecification.imageId")]
    [InlineData("""{"compute":{"launchSpecification":{"images":[{"id":"ami-1"},{"id":"ami-"}]}}}""", "$.compute.launchSpecification.images[1].id")]
    [InlineData("""{"group":{"compute":{"launchSpecification":{"images":[{"id":" ami-1"}]}}}}""", "$.group.compute.launchSpecification.images[0].id")]
    [InlineData("""{"compute":{"launchSpecification":{"images":{"id":"ami-1"}}}}""", "$.compute.launchSpecification.images")]
    public void Document_LaunchImage_NotAnAmiId_SaysWhere(string json, string path)
    {
        var document = ElastigroupDocument.Parse(json);

        document.Invoking(d => d.LaunchImage).Should().Throw<ElastigroupDocumentException>().Which.JsonPath.Should().Be(path);
    }

    [Fact]
    public void Document_LaunchImage_RealSpotGroup()
    {
        var document = ElastigroupDocument.LoadFile(TestData.Path("spot-fixtures", "sdkpy-aws-group-create-request.json"));

        document.LaunchImage.Should().Be(LaunchImage.FromImageId("ami-1ecae776"));
    }
}
