namespace Spot.Deploy.Elastigroup.Tests.Documents;

public class ElastigroupDocumentAccessorTests
{
    [Fact]
    public void Getters_SdkCreateRequest_ReadEveryTypedField()
    {
        var document = ElastigroupDocument.LoadFile(TestData.Path("spot-fixtures", "sdkpy-aws-group-create-request.json"));

        document.Name.Should().Be("spotinst-group");
        document.Id.Should().BeNull();
        document.Description.Should().Be("Development");
        document.CapacityMinimum.Should().Be(2);
        document.CapacityTarget.Should().Be(2);
        document.CapacityMaximum.Should().Be(10);
        document.CapacityUnit.Should().BeNull();
        document.ImageId.Should().Be("ami-1ecae776");
        document.Images.Should().BeNull();
        document.UserData.Should().Be("IyEvYmluL2Jhc2gNCnRvdWNoIHRlc3Qiquwhq38");
        document.Product.Should().Be("Linux/UNIX");
        document.HealthCheckType.Should().Be("ELB");
        document.LoadBalancers.Should().Equal(
            new LoadBalancerReference("MyTargetGroup", "arn:aws:elasticloadbalancing:us-west-2:922761411234:targetgroup/MyTargetGroup/1fe63217f8ff1234", "TARGET_GROUP"),
            new LoadBalancerReference("MyClassicLB", null, "CLASSIC"));
    }

    [Fact]
    public void Getters_GroupReadBackFromSpot_ReadIdUnitAndHealthCheck()
    {
        var envelope = JsonTree.Parse(TestData.ReadText("spot-fixtures", "sdkpy-group-response-envelope.json"))!;

        var document = ElastigroupDocument.FromGroup(envelope["response"]!["items"]![0]!.AsObject());

        document.Id.Should().Be("sig-cf19b662");
        document.CapacityUnit.Should().Be("instance");
        (document.CapacityMinimum, document.CapacityTarget, document.CapacityMaximum).Should().Be((0, 0, 0));
        document.HealthCheckType.Should().Be("EC2");
        document.LoadBalancers.Should().BeNull();
    }

    [Fact]
    public void Getters_EmptyGroup_AreAllNull()
    {
        var document = ElastigroupDocument.Parse("{}");

        new object?[]
        {
            document.Name, document.Id, document.Description, document.CapacityMinimum, document.CapacityTarget,
            document.CapacityMaximum, document.CapacityUnit, document.ImageId, document.Images, document.UserData,
            document.Product, document.HealthCheckType, document.LoadBalancers,
        }.Should().AllSatisfy(value => value.Should().BeNull());
    }

    [Fact]
    public void Getters_ExplicitNulls_AreNull()
    {
        var document = ElastigroupDocument.Parse(
            "{\"name\":null,\"capacity\":{\"target\":null},\"compute\":{\"product\":null,\"launchSpecification\":null}}");

        document.Name.Should().BeNull();
        document.CapacityTarget.Should().BeNull();
        document.CapacityMinimum.Should().BeNull();
        document.Product.Should().BeNull();
        document.ImageId.Should().BeNull();
        document.LoadBalancers.Should().BeNull();
    }

    [Theory]
    [InlineData("2", 2)]
    [InlineData("\"2\"", 2)]
    [InlineData("2.0", 2)]
    [InlineData("\"2.00\"", 2)]
    [InlineData("1e1", 10)]
    [InlineData("\"1E+1\"", 10)]
    [InlineData("-1", -1)]
    [InlineData("0", 0)]
    [InlineData("-0", 0)]
    [InlineData("2147483647", int.MaxValue)]
    public void CapacityTarget_WholeNumberOrNumericString_ReadsIt(string json, int expected)
    {
        ElastigroupDocument.Parse($"{{\"capacity\":{{\"target\":{json}}}}}").CapacityTarget.Should().Be(expected);
    }

    [Theory]
    [InlineData("\"abc\"", "has a string \"abc\" (at $.group.capacity.target) where a whole number belongs.")]
    [InlineData("2.5", "has a number 2.5 (at $.group.capacity.target) where a whole number belongs.")]
    [InlineData("\" 2\"", "has a string \" 2\" (at $.group.capacity.target)")]
    [InlineData("\"\"", "has a string \"\" (at $.group.capacity.target)")]
    [InlineData("\"0x10\"", "has a string \"0x10\"")]
    [InlineData("2147483648", "has a number 2147483648")]
    [InlineData("12345678901234567890", "has a number 12345678901234567890")]
    [InlineData("1e400", "has a number 1e400")]
    [InlineData("true", "has a boolean (at $.group.capacity.target)")]
    [InlineData("{}", "has an object (at $.group.capacity.target)")]
    [InlineData("[2]", "has an array (at $.group.capacity.target)")]
    public void CapacityTarget_NotAWholeNumber_ThrowsWithPath(string json, string message)
    {
        var document = ElastigroupDocument.Parse($"{{\"group\":{{\"capacity\":{{\"target\":{json}}}}}}}");

        var error = FluentActions.Invoking(() => document.CapacityTarget).Should().Throw<ElastigroupDocumentException>().Which;

        error.Message.Should().StartWith("The Elastigroup document ").And.Contain(message);
        error.JsonPath.Should().Be("$.group.capacity.target");
    }

    [Fact]
    public void CapacityTarget_CapacityIsNotAnObject_ThrowsWithPathOfCapacity()
    {
        var document = ElastigroupDocument.Parse("{\"capacity\":\"2\"}");

        FluentActions.Invoking(() => document.CapacityTarget).Should().Throw<ElastigroupDocumentException>()
            .Which.JsonPath.Should().Be("$.capacity");
    }

    [Fact]
    public void ImageId_ComputeIsAString_ThrowsWithPathOfCompute()
    {
        var document = ElastigroupDocument.Parse("{\"group\":{\"compute\":\"x\"}}");

        FluentActions.Invoking(() => document.ImageId).Should().Throw<ElastigroupDocumentException>()
            .WithMessage("*has a string \"x\" (at $.group.compute) where an object belongs.")
            .Which.JsonPath.Should().Be("$.group.compute");
    }

    [Theory]
    [InlineData("123", "123")]
    [InlineData("1.50", "1.50")]
    [InlineData("true", "true")]
    [InlineData("\"\"", "")]
    public void Name_ScalarValue_ReadsItsText(string json, string expected)
    {
        ElastigroupDocument.Parse($"{{\"name\":{json}}}").Name.Should().Be(expected);
    }

    [Theory]
    [InlineData("{}", "an object")]
    [InlineData("[]", "an array")]
    public void Name_ObjectOrArray_Throws(string json, string kind)
    {
        var document = ElastigroupDocument.Parse($"{{\"name\":{json}}}");

        FluentActions.Invoking(() => document.Name).Should().Throw<ElastigroupDocumentException>()
            .WithMessage($"*has {kind} (at $.name) where a string belongs.");
    }

    [Fact]
    public void Images_ImagesArray_ReadsIdsInOrder()
    {
        var document = ElastigroupDocument.Parse(
            "{\"compute\":{\"launchSpecification\":{\"images\":[{\"id\":\"ami-2\"},{\"id\":\"ami-1\",\"extra\":1}]}}}");

        document.Images.Should().Equal("ami-2", "ami-1");
        document.ImageId.Should().BeNull();
    }

    [Fact]
    public void Images_EmptyArray_IsEmptyNotNull()
    {
        ElastigroupDocument.Parse("{\"compute\":{\"launchSpecification\":{\"images\":[]}}}").Images.Should().BeEmpty();
    }

    [Theory]
    [InlineData("{\"images\":[{\"id\":\"ami-1\"},{}]}", "$.compute.launchSpecification.images[1]", "has no \"id\"")]
    [InlineData("{\"images\":[{\"id\":\"ami-1\"},{\"id\":null}]}", "$.compute.launchSpecification.images[1]", "has no \"id\"")]
    [InlineData("{\"images\":[\"ami-1\"]}", "$.compute.launchSpecification.images[0]", "has a string \"ami-1\"")]
    [InlineData("{\"images\":[{\"id\":{}}]}", "$.compute.launchSpecification.images[0].id", "has an object")]
    [InlineData("{\"images\":{\"id\":\"ami-1\"}}", "$.compute.launchSpecification.images", "where an array belongs")]
    public void Images_MalformedEntry_ThrowsWithPath(string launchSpecification, string path, string message)
    {
        var document = ElastigroupDocument.Parse($"{{\"compute\":{{\"launchSpecification\":{launchSpecification}}}}}");

        var error = FluentActions.Invoking(() => document.Images).Should().Throw<ElastigroupDocumentException>().Which;

        error.JsonPath.Should().Be(path);
        error.Message.Should().Contain(message);
    }

    [Theory]
    [InlineData("[{\"name\":\"a\"}]", "$.compute.launchSpecification.loadBalancersConfig.loadBalancers[0]", "has no \"type\"")]
    [InlineData("[{\"type\":\"CLASSIC\",\"name\":[]}]", "$.compute.launchSpecification.loadBalancersConfig.loadBalancers[0].name", "has an array")]
    [InlineData("[null]", "$.compute.launchSpecification.loadBalancersConfig.loadBalancers[0]", "has null")]
    [InlineData("\"lb\"", "$.compute.launchSpecification.loadBalancersConfig.loadBalancers", "where an array belongs")]
    public void LoadBalancers_MalformedEntry_ThrowsWithPath(string loadBalancers, string path, string message)
    {
        var document = ElastigroupDocument.Parse(
            $"{{\"compute\":{{\"launchSpecification\":{{\"loadBalancersConfig\":{{\"loadBalancers\":{loadBalancers}}}}}}}}}");

        var error = FluentActions.Invoking(() => document.LoadBalancers).Should().Throw<ElastigroupDocumentException>().Which;

        error.JsonPath.Should().Be(path);
        error.Message.Should().Contain(message);
    }

    [Fact]
    public void LoadBalancers_ExplicitNullNameAndArn_ReadAsNull()
    {
        var document = ElastigroupDocument.Parse(
            "{\"compute\":{\"launchSpecification\":{\"loadBalancersConfig\":{\"loadBalancers\":[{\"name\":null,\"arn\":null,\"type\":\"MULTAI_TARGET_SET\"}]}}}}");

        document.LoadBalancers.Should().Equal(new LoadBalancerReference(null, null, "MULTAI_TARGET_SET"));
    }

    [Fact]
    public void Group_ChangedThroughTheLiveObject_GettersSeeTheChange()
    {
        var document = ElastigroupDocument.Parse("{\"group\":{\"name\":\"a\"}}");

        document.Group["name"] = "b";

        document.Name.Should().Be("b");
        document.ToJsonString().Should().Be("{\"group\":{\"name\":\"b\"}}");
    }
}
