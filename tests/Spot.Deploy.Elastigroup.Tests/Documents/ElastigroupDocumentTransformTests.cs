using System.Text;
using System.Text.Json;

namespace Spot.Deploy.Elastigroup.Tests.Documents;

public class ElastigroupDocumentTransformTests
{
    private const string LaunchSpecificationWithImages =
        "{\"compute\":{\"launchSpecification\":{\"images\":[{\"id\":\"ami-old1\"},{\"id\":\"ami-old2\"}],\"keyPair\":\"k\"}}}";

    public class TheTransformMethod
    {
        [Fact]
        public void Transform_NoChange_ReturnsEqualButSeparateDocument()
        {
            var original = ElastigroupDocument.Parse("{\"group\":{\"id\":\"sig-1\",\"name\":\"a\",\"capacity\":{\"target\":\"2\"}}}");

            var copy = original.Transform(new GroupDocumentTransform());

            copy.Should().NotBeSameAs(original);
            copy.Group.Should().NotBeSameAs(original.Group);
            copy.IsWrapped.Should().BeTrue();
            copy.ToJsonString().Should().Be(original.ToJsonString());
        }

        [Fact]
        public void Transform_EveryChange_LeavesOriginalUntouched()
        {
            var text = TestData.ReadText("spot-fixtures", "sdkpy-aws-group-create-request.json");
            var original = ElastigroupDocument.Parse(text);

            var changed = original.Transform(new GroupDocumentTransform
            {
                Name = "app__2",
                ImageId = "ami-2",
                UserData = "echo hi",
                RemoveReadOnlyFields = true,
                ZeroCapacity = true,
                LoadBalancers = [LoadBalancerReference.TargetGroup("arn:tg")],
            });
            changed.Group["scaling"]!["up"]![0]!["threshold"] = 1;

            original.ToJsonString().Should().Be(JsonTree.Minify(text));
            original.Name.Should().Be("spotinst-group");
        }

        [Fact]
        public void Transform_Name_ReplacesInPlaceKeepingPropertyOrder()
        {
            var document = ElastigroupDocument.Parse("{\"description\":\"d\",\"name\":\"old\",\"region\":\"r\"}");

            var renamed = document.Transform(new GroupDocumentTransform { Name = "app__3" });

            renamed.ToJsonString().Should().Be("{\"description\":\"d\",\"name\":\"app__3\",\"region\":\"r\"}");
        }

        [Fact]
        public void Transform_NameAbsent_AddsIt()
        {
            ElastigroupDocument.Parse("{\"region\":\"r\"}").Transform(new GroupDocumentTransform { Name = "a" })
                .ToJsonString().Should().Be("{\"region\":\"r\",\"name\":\"a\"}");
        }

        [Fact]
        public void Transform_RemoveReadOnlyFields_RemovesOnlyTopLevelIdCreatedAtUpdatedAt()
        {
            var document = ElastigroupDocument.Parse(
                "{\"id\":\"sig-1\",\"name\":\"a\",\"createdAt\":\"2018-08-29T18:09:01.431+0000\",\"scheduling\":{\"tasks\":[{\"id\":\"t-1\"}]},\"updatedAt\":\"2018-08-29T18:09:01Z\",\"ID\":\"kept\"}");

            var result = document.Transform(new GroupDocumentTransform { RemoveReadOnlyFields = true });

            result.ToJsonString().Should().Be("{\"name\":\"a\",\"scheduling\":{\"tasks\":[{\"id\":\"t-1\"}]},\"ID\":\"kept\"}");
        }

        [Fact]
        public void Transform_RemoveReadOnlyFieldsWhenAbsent_ChangesNothing()
        {
            ElastigroupDocument.Parse("{\"name\":\"a\"}").Transform(new GroupDocumentTransform { RemoveReadOnlyFields = true })
                .ToJsonString().Should().Be("{\"name\":\"a\"}");
        }

        [Fact]
        public void Transform_ZeroCapacity_SetsNumbersKeepingUnitOrderAndOtherFields()
        {
            var document = ElastigroupDocument.Parse(
                "{\"capacity\":{\"target\":\"2\",\"unit\":\"weight\",\"minimum\":1.0,\"maximum\":\"10\",\"extra\":null}}");

            var zero = document.Transform(new GroupDocumentTransform { ZeroCapacity = true });

            zero.Group["capacity"]!.ToJsonString().Should().Be("{\"target\":0,\"unit\":\"weight\",\"minimum\":0,\"maximum\":0,\"extra\":null}");
            zero.Group["capacity"]!["target"]!.GetValueKind().Should().Be(JsonValueKind.Number);
            zero.CapacityUnit.Should().Be("weight");
        }

        [Theory]
        [InlineData("{\"name\":\"a\"}", "{\"name\":\"a\",\"capacity\":{\"minimum\":0,\"target\":0,\"maximum\":0}}")]
        [InlineData("{\"capacity\":null}", "{\"capacity\":{\"minimum\":0,\"target\":0,\"maximum\":0}}")]
        [InlineData("{\"capacity\":{\"unit\":\"instance\"}}", "{\"capacity\":{\"unit\":\"instance\",\"minimum\":0,\"target\":0,\"maximum\":0}}")]
        public void Transform_ZeroCapacityWhenAbsentOrPartial_CreatesItWithoutInventingUnit(string json, string expected)
        {
            ElastigroupDocument.Parse(json).Transform(new GroupDocumentTransform { ZeroCapacity = true })
                .ToJsonString().Should().Be(expected);
        }

        [Fact]
        public void Transform_ImageIdWithoutImages_SetsImageIdInPlace()
        {
            var document = ElastigroupDocument.Parse("{\"compute\":{\"launchSpecification\":{\"imageId\":\"ami-old\",\"keyPair\":\"k\"}}}");

            var result = document.Transform(new GroupDocumentTransform { ImageId = "ami-new" });

            result.ToJsonString().Should().Be("{\"compute\":{\"launchSpecification\":{\"imageId\":\"ami-new\",\"keyPair\":\"k\"}}}");
            result.Images.Should().BeNull();
        }

        [Theory]
        [InlineData("{}", "{\"compute\":{\"launchSpecification\":{\"imageId\":\"ami-new\"}}}")]
        [InlineData("{\"compute\":null}", "{\"compute\":{\"launchSpecification\":{\"imageId\":\"ami-new\"}}}")]
        [InlineData("{\"compute\":{\"product\":\"Linux/UNIX\"}}", "{\"compute\":{\"product\":\"Linux/UNIX\",\"launchSpecification\":{\"imageId\":\"ami-new\"}}}")]
        [InlineData("{\"compute\":{\"launchSpecification\":{\"images\":null}}}", "{\"compute\":{\"launchSpecification\":{\"images\":null,\"imageId\":\"ami-new\"}}}")]
        public void Transform_ImageIdWithPathAbsent_CreatesPath(string json, string expected)
        {
            ElastigroupDocument.Parse(json).Transform(new GroupDocumentTransform { ImageId = "ami-new" })
                .ToJsonString().Should().Be(expected);
        }

        [Fact]
        public void Transform_ImageIdWithImagesArray_ReplacesImagesAndAddsNoImageId()
        {
            var result = ElastigroupDocument.Parse(LaunchSpecificationWithImages).Transform(new GroupDocumentTransform { ImageId = "ami-new" });

            result.ToJsonString().Should().Be("{\"compute\":{\"launchSpecification\":{\"images\":[{\"id\":\"ami-new\"}],\"keyPair\":\"k\"}}}");
            result.Images.Should().Equal("ami-new");
            result.ImageId.Should().BeNull();
        }

        [Fact]
        public void Transform_ImageIdWithEmptyImagesArray_SetsTheOneImage()
        {
            ElastigroupDocument.Parse("{\"compute\":{\"launchSpecification\":{\"images\":[]}}}")
                .Transform(new GroupDocumentTransform { ImageId = "ami-new" })
                .ToJsonString().Should().Be("{\"compute\":{\"launchSpecification\":{\"images\":[{\"id\":\"ami-new\"}]}}}");
        }

        [Theory]
        [InlineData("\"ami-stale\"", "\"ami-new\"")]
        [InlineData("null", "null")]
        public void Transform_ImageIdWithImagesAndImageId_UpdatesAStringImageIdOnly(string imageId, string expected)
        {
            var json = $"{{\"compute\":{{\"launchSpecification\":{{\"imageId\":{imageId},\"images\":[{{\"id\":\"ami-old\"}}]}}}}}}";

            ElastigroupDocument.Parse(json).Transform(new GroupDocumentTransform { ImageId = "ami-new" })
                .ToJsonString().Should().Be($"{{\"compute\":{{\"launchSpecification\":{{\"imageId\":{expected},\"images\":[{{\"id\":\"ami-new\"}}]}}}}}}");
        }

        [Fact]
        public void Transform_ImageIdWithImagesNotAnArray_ThrowsAndLeavesOriginal()
        {
            var original = ElastigroupDocument.Parse("{\"group\":{\"compute\":{\"launchSpecification\":{\"images\":\"ami-1\"}}}}");

            FluentActions.Invoking(() => original.Transform(new GroupDocumentTransform { ImageId = "ami-new" }))
                .Should().Throw<ElastigroupDocumentException>()
                .Which.JsonPath.Should().Be("$.group.compute.launchSpecification.images");
            original.ToJsonString().Should().Be("{\"group\":{\"compute\":{\"launchSpecification\":{\"images\":\"ami-1\"}}}}");
        }

        [Theory]
        [InlineData("{\"compute\":\"x\"}", "$.compute")]
        [InlineData("{\"compute\":{\"launchSpecification\":[]}}", "$.compute.launchSpecification")]
        [InlineData("{\"compute\":{\"launchSpecification\":{\"loadBalancersConfig\":true}}}", "$.compute.launchSpecification.loadBalancersConfig")]
        public void Transform_SectionOfWrongKind_ThrowsWithPath(string json, string path)
        {
            var transform = new GroupDocumentTransform { LoadBalancers = [LoadBalancerReference.TargetGroup("arn:tg")] };

            FluentActions.Invoking(() => ElastigroupDocument.Parse(json).Transform(transform))
                .Should().Throw<ElastigroupDocumentException>()
                .WithMessage("*must be an object to be changed.")
                .Which.JsonPath.Should().Be(path);
        }

        [Fact]
        public void Transform_CapacityOfWrongKind_Throws()
        {
            FluentActions.Invoking(() => ElastigroupDocument.Parse("{\"capacity\":[0]}").Transform(new GroupDocumentTransform { ZeroCapacity = true }))
                .Should().Throw<ElastigroupDocumentException>()
                .Which.JsonPath.Should().Be("$.capacity");
        }

        [Theory]
        [InlineData("#!/bin/bash\necho hello", "IyEvYmluL2Jhc2gKZWNobyBoZWxsbw==")]
        [InlineData("é ✓ 😀", "w6kg4pyTIPCfmIA=")]
        [InlineData("", "")]
        [InlineData(">>>???", "Pj4+Pz8/")]
        public void Transform_UserData_StoresBase64OfUtf8(string userData, string base64)
        {
            var result = ElastigroupDocument.Parse("{\"compute\":{\"launchSpecification\":{\"userData\":\"b2xk\",\"keyPair\":\"k\"}}}")
                .Transform(new GroupDocumentTransform { UserData = userData });

            result.UserData.Should().Be(base64);
            Encoding.UTF8.GetString(Convert.FromBase64String(result.UserData!)).Should().Be(userData);
            result.ToJsonString().Should().Be($"{{\"compute\":{{\"launchSpecification\":{{\"userData\":\"{base64}\",\"keyPair\":\"k\"}}}}}}");
        }

        [Fact]
        public void Transform_UserDataWithUnpairedSurrogate_ThrowsArgumentException()
        {
            FluentActions.Invoking(() => ElastigroupDocument.Parse("{}").Transform(new GroupDocumentTransform { UserData = "a\uD800" }))
                .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("transform");
        }

        [Fact]
        public void Transform_LoadBalancers_ReplacesListKeepingOtherConfigFields()
        {
            var document = ElastigroupDocument.Parse(
                "{\"compute\":{\"launchSpecification\":{\"loadBalancersConfig\":{\"before\":\"1\",\"loadBalancers\":[{\"name\":\"old\",\"type\":\"CLASSIC\"}],\"after\":null}}}}");

            var result = document.Transform(new GroupDocumentTransform
            {
                LoadBalancers =
                [
                    LoadBalancerReference.TargetGroup("arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/stage-a/1"),
                    LoadBalancerReference.TargetGroup("arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/stage-b/2", "stage-b"),
                    new LoadBalancerReference("classic", null, "CLASSIC"),
                ],
            });

            result.ToJsonString().Should().Be(
                "{\"compute\":{\"launchSpecification\":{\"loadBalancersConfig\":{\"before\":\"1\",\"loadBalancers\":[" +
                "{\"arn\":\"arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/stage-a/1\",\"type\":\"TARGET_GROUP\"}," +
                "{\"name\":\"stage-b\",\"arn\":\"arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/stage-b/2\",\"type\":\"TARGET_GROUP\"}," +
                "{\"name\":\"classic\",\"type\":\"CLASSIC\"}],\"after\":null}}}}");
            result.LoadBalancers.Should().HaveCount(3);
        }

        [Theory]
        [InlineData("{}", "{\"compute\":{\"launchSpecification\":{\"loadBalancersConfig\":{\"loadBalancers\":[]}}}}")]
        [InlineData("{\"compute\":{\"launchSpecification\":{\"loadBalancersConfig\":null}}}", "{\"compute\":{\"launchSpecification\":{\"loadBalancersConfig\":{\"loadBalancers\":[]}}}}")]
        [InlineData("{\"compute\":{\"launchSpecification\":{\"loadBalancersConfig\":{\"loadBalancers\":[{\"name\":\"x\",\"type\":\"CLASSIC\"}]}}}}", "{\"compute\":{\"launchSpecification\":{\"loadBalancersConfig\":{\"loadBalancers\":[]}}}}")]
        public void Transform_EmptyLoadBalancers_SetsEmptyListCreatingPath(string json, string expected)
        {
            ElastigroupDocument.Parse(json).Transform(new GroupDocumentTransform { LoadBalancers = [] })
                .ToJsonString().Should().Be(expected);
        }

        [Fact]
        public void Transform_NoLoadBalancers_KeepsTheDocumentsList()
        {
            var json = "{\"compute\":{\"launchSpecification\":{\"loadBalancersConfig\":{\"loadBalancers\":[{\"name\":\"x\",\"type\":\"CLASSIC\"}]}}}}";

            ElastigroupDocument.Parse(json).Transform(new GroupDocumentTransform { Name = "n" }).Group["compute"]!.ToJsonString()
                .Should().Be(JsonTree.Parse(json)!["compute"]!.ToJsonString());
        }

        [Fact]
        public void Transform_Wrapped_StaysWrapped()
        {
            ElastigroupDocument.Parse("{\"group\":{}}").Transform(new GroupDocumentTransform { Name = "a" })
                .ToJsonString().Should().Be("{\"group\":{\"name\":\"a\"}}");
        }

        [Theory]
        [InlineData("")]
        [InlineData(" ")]
        [InlineData("\t\n")]
        public void Transform_BlankNameOrImageId_ThrowsArgumentException(string blank)
        {
            var document = ElastigroupDocument.Parse("{}");

            FluentActions.Invoking(() => document.Transform(new GroupDocumentTransform { Name = blank }))
                .Should().Throw<ArgumentException>().WithMessage("GroupDocumentTransform.Name must not be empty*");
            FluentActions.Invoking(() => document.Transform(new GroupDocumentTransform { ImageId = blank }))
                .Should().Throw<ArgumentException>().WithMessage("GroupDocumentTransform.ImageId must not be empty*");
        }

        public static TheoryData<LoadBalancerReference?, string> UnusableLoadBalancers => new()
        {
            { null, "GroupDocumentTransform.LoadBalancers[1] is null." },
            { new LoadBalancerReference("a", "arn", ""), "GroupDocumentTransform.LoadBalancers[1] has no Type." },
            { new LoadBalancerReference(null, " ", "CLASSIC"), "GroupDocumentTransform.LoadBalancers[1] has neither a Name nor an Arn." },
            { new LoadBalancerReference("tg", null, "TARGET_GROUP"), "GroupDocumentTransform.LoadBalancers[1] is a TARGET_GROUP without an Arn." },
        };

        [Theory]
        [MemberData(nameof(UnusableLoadBalancers))]
        public void Transform_UnusableLoadBalancer_ThrowsArgumentException(LoadBalancerReference? loadBalancer, string message)
        {
            var transform = new GroupDocumentTransform { LoadBalancers = [LoadBalancerReference.TargetGroup("arn:ok"), loadBalancer!] };

            FluentActions.Invoking(() => ElastigroupDocument.Parse("{}").Transform(transform))
                .Should().Throw<ArgumentException>().WithMessage(message + "*")
                .Which.ParamName.Should().Be("transform");
        }

        [Fact]
        public void Transform_Null_ThrowsArgumentNullException()
        {
            FluentActions.Invoking(() => ElastigroupDocument.Parse("{}").Transform(null!)).Should().Throw<ArgumentNullException>();
        }

        [Fact]
        public void Transform_ChangesSomething_KeepsLosslessValuesElsewhere()
        {
            var json = "{\"name\":\"a\",\"n\":[1.50,1e3,-0,12345678901234567890,0.0],\"s\":\"80\",\"b\":\"true\",\"z\":null,\"mesosphere\":{\"apiServer\":\"1.2.3.4\"}}";

            ElastigroupDocument.Parse(json).Transform(new GroupDocumentTransform { Name = "b", ZeroCapacity = true }).ToJsonString()
                .Should().Be(json.Replace("\"name\":\"a\"", "\"name\":\"b\"", StringComparison.Ordinal)[..^1] + ",\"capacity\":{\"minimum\":0,\"target\":0,\"maximum\":0}}");
        }
    }

    public class TheToCreateBodyMethod
    {
        [Fact]
        public void ToCreateBody_GroupReadBack_AppliesEveryCreateChange()
        {
            var document = ElastigroupDocument.Parse(
                "{\"id\":\"sig-1\",\"name\":\"app__1\",\"capacity\":{\"minimum\":1,\"maximum\":4,\"target\":2,\"unit\":\"instance\"}," +
                "\"compute\":{\"launchSpecification\":{\"imageId\":\"ami-1\",\"userData\":\"b2xk\"}},\"createdAt\":\"c\",\"updatedAt\":\"u\"}");

            var body = document.ToCreateBody("app__2", "ami-2", "echo new", [LoadBalancerReference.TargetGroup("arn:tg")]);

            body.ToJsonString().Should().Be(
                "{\"name\":\"app__2\",\"capacity\":{\"minimum\":0,\"maximum\":0,\"target\":0,\"unit\":\"instance\"}," +
                "\"compute\":{\"launchSpecification\":{\"imageId\":\"ami-2\",\"userData\":\"ZWNobyBuZXc=\",\"loadBalancersConfig\":{\"loadBalancers\":[{\"arn\":\"arn:tg\",\"type\":\"TARGET_GROUP\"}]}}}}");
            document.Id.Should().Be("sig-1", "the source document is untouched");
        }

        [Fact]
        public void ToCreateBody_WithoutUserDataOrLoadBalancers_KeepsTheDocuments()
        {
            var document = ElastigroupDocument.Parse(
                "{\"compute\":{\"launchSpecification\":{\"userData\":\"b2xk\",\"loadBalancersConfig\":{\"loadBalancers\":[{\"name\":\"c\",\"type\":\"CLASSIC\"}]}}}}");

            var body = document.ToCreateBody("app__2", "ami-2");

            body.UserData.Should().Be("b2xk");
            body.LoadBalancers.Should().Equal(new LoadBalancerReference("c", null, "CLASSIC"));
        }

        [Fact]
        public void ToCreateBody_DocumentWithImages_ReplacesImages()
        {
            var body = ElastigroupDocument.Parse(LaunchSpecificationWithImages).ToCreateBody("app__2", "ami-2");

            body.Images.Should().Equal("ami-2");
            body.ImageId.Should().BeNull();
        }

        [Theory]
        [InlineData(null, "ami-1", typeof(ArgumentNullException), "name")]
        [InlineData("", "ami-1", typeof(ArgumentException), "name")]
        [InlineData(" ", "ami-1", typeof(ArgumentException), "name")]
        [InlineData("app__1", null, typeof(ArgumentNullException), "imageId")]
        [InlineData("app__1", "", typeof(ArgumentException), "imageId")]
        [InlineData("app__1", "\t", typeof(ArgumentException), "imageId")]
        public void ToCreateBody_MissingNameOrImageId_ThrowsArgumentException(string? name, string? imageId, Type exceptionType, string parameter)
        {
            var error = FluentActions.Invoking(() => ElastigroupDocument.Parse("{}").ToCreateBody(name!, imageId!))
                .Should().Throw<ArgumentException>().Which;

            error.GetType().Should().Be(exceptionType);
            error.ParamName.Should().Be(parameter);
        }

        [Fact]
        public void ToCreateBody_TargetGroupWithoutArn_ThrowsArgumentExceptionForStageLoadBalancers()
        {
            FluentActions.Invoking(() => ElastigroupDocument.Parse("{}").ToCreateBody("a", "ami-1", null, [new LoadBalancerReference("tg", null, "TARGET_GROUP")]))
                .Should().Throw<ArgumentException>().WithMessage("stageLoadBalancers[0] is a TARGET_GROUP without an Arn.*")
                .Which.ParamName.Should().Be("stageLoadBalancers");
        }
    }

    public class TheLoadBalancerReferenceType
    {
        [Fact]
        public void TargetGroup_Arn_IsTargetGroupType()
        {
            LoadBalancerReference.TargetGroup("arn:tg").Should().Be(new LoadBalancerReference(null, "arn:tg", "TARGET_GROUP"));
            LoadBalancerReference.TargetGroup("arn:tg", "tg").Name.Should().Be("tg");
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData(" ")]
        public void TargetGroup_BlankArn_ThrowsArgumentException(string? arn)
        {
            FluentActions.Invoking(() => LoadBalancerReference.TargetGroup(arn!)).Should().Throw<ArgumentException>()
                .Which.ParamName.Should().Be("arn");
        }
    }
}
