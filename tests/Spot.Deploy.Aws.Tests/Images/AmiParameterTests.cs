using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Aws.Tests.Images;

/// <summary>AMIs from SSM parameters, with substitutes of the AWS SDK's interfaces (what users' own tests do).</summary>
public class AmiParameterTests
{
    private const string ImageId = "ami-0123456789abcdef0";
    private readonly IAmazonEC2 _ec2 = Substitute.For<IAmazonEC2>();
    private readonly IAmazonSimpleSystemsManagement _ssm = Substitute.For<IAmazonSimpleSystemsManagement>();
    private readonly VirtualClock _clock = new();

    public AmiParameterTests()
    {
        _ec2.DescribeImagesAsync(Arg.Any<DescribeImagesRequest>(), Arg.Any<CancellationToken>()).Returns(new DescribeImagesResponse
        {
            Images = [new Image { ImageId = ImageId, Name = "web-2.0", State = ImageState.Available, CreationDate = "2026-11-01T10:00:00.000Z", DeprecationTime = "2026-01-01T00:00:00.000Z" }],
        });
    }

    private AmiResolver Resolver => new(_ec2, _ssm, _clock);

    private void Holds(string value, ParameterType? type = null) =>
        _ssm.GetParameterAsync(Arg.Any<GetParameterRequest>(), Arg.Any<CancellationToken>())
            .Returns(new GetParameterResponse { Parameter = new Parameter { Name = "/images/web", Value = value, Type = type ?? ParameterType.String, Version = 3 } });

    [Theory]
    [InlineData("/images/web")]
    [InlineData("/images/web:3")]
    [InlineData("/images/web:prod")]
    [InlineData("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64")]
    public async Task ResolveAsync_Parameter_ReadsItThenDescribesThatImageEvenWhenDeprecated(string parameter)
    {
        Holds(ImageId);

        var image = await Resolver.ResolveAsync(new AmiQuery { Parameter = parameter });

        image.Id.Should().Be(ImageId);
        image.IsDeprecated.Should().BeTrue("the parameter names exactly this image, as an image id does");
        await _ssm.Received(1).GetParameterAsync(Arg.Is<GetParameterRequest>(r => r.Name == parameter && r.WithDecryption == false), Arg.Any<CancellationToken>());
        await _ec2.Received(1).DescribeImagesAsync(
            Arg.Is<DescribeImagesRequest>(r => r.ImageIds!.Single() == ImageId && r.IncludeDeprecated == true && r.Owners == null && r.MaxResults == null),
            Arg.Any<CancellationToken>());
    }

    [Theory]
    [InlineData("ParameterNotFound", "does not exist")]
    [InlineData("ParameterVersionNotFound", "that version or label does not exist")]
    public async Task ResolveAsync_MissingParameterOrVersion_ThrowsAmiParameterExceptionNamingIt(string code, string reason)
    {
        AmazonSimpleSystemsManagementException refusal = code == "ParameterNotFound"
            ? new ParameterNotFoundException("Parameter not found.") { ErrorCode = code, StatusCode = HttpStatusCode.BadRequest }
            : new ParameterVersionNotFoundException("Version not found.") { ErrorCode = code, StatusCode = HttpStatusCode.BadRequest };
        _ssm.GetParameterAsync(Arg.Any<GetParameterRequest>(), Arg.Any<CancellationToken>()).ThrowsAsync(refusal);

        var act = () => Resolver.ResolveAsync(new AmiQuery { Parameter = "/images/web:9" });

        var error = (await act.Should().ThrowAsync<AmiParameterException>()).Which;
        error.ParameterName.Should().Be("/images/web:9");
        error.Message.Should().Contain("/images/web:9").And.Contain(reason);
        error.InnerException.Should().BeOfType<AwsApiException>().Which.ErrorCode.Should().Be(code);
        error.Should().BeAssignableTo<AmiNotFoundException>("deployments report it as a bad image input");
        await _ec2.DidNotReceiveWithAnyArgs().DescribeImagesAsync(default!, default);
    }

    [Theory]
    [InlineData("ami-XYZ")]
    [InlineData("web-2.0")]
    [InlineData("ami-0123")]
    [InlineData("")]
    public async Task ResolveAsync_ValueIsNotAnAmiId_ThrowsShowingTheValue(string value)
    {
        Holds(value);

        var act = () => Resolver.ResolveAsync(new AmiQuery { Parameter = "/images/web" });

        (await act.Should().ThrowAsync<AmiParameterException>()).Which.Message.Should().Contain("not an AMI id").And.Contain("'" + value + "'");
        await _ec2.DidNotReceiveWithAnyArgs().DescribeImagesAsync(default!, default);
    }

    [Fact]
    public async Task ResolveAsync_SecureString_IsRefusedWithoutShowingItsValue()
    {
        Holds("AQICAHh-ciphertext", ParameterType.SecureString);

        var act = () => Resolver.ResolveAsync(new AmiQuery { Parameter = "/images/web" });

        (await act.Should().ThrowAsync<AmiParameterException>()).Which.Message.Should().Contain("SecureString").And.NotContain("ciphertext");
    }

    [Fact]
    public async Task ResolveAsync_AccessDenied_IsAwsApiExceptionOfSsm()
    {
        _ssm.GetParameterAsync(Arg.Any<GetParameterRequest>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new AmazonSimpleSystemsManagementException("User is not authorized") { ErrorCode = "AccessDeniedException", StatusCode = HttpStatusCode.BadRequest, RequestId = "req-9" });

        var act = () => Resolver.ResolveAsync(new AmiQuery { Parameter = "/images/web" });

        var error = (await act.Should().ThrowAsync<AwsApiException>()).Which;
        error.Service.Should().Be("ssm");
        error.Action.Should().Be("GetParameter");
        error.RequestId.Should().Be("req-9");
    }

    [Fact]
    public async Task ResolveAsync_OverTheUsersClient_AddsNoRetriesToThoseTheClientIsConfiguredFor()
    {
        _ec2.DescribeImagesAsync(Arg.Any<DescribeImagesRequest>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new AmazonEC2Exception("We encountered an internal error.") { ErrorCode = "InternalError", StatusCode = HttpStatusCode.InternalServerError });

        var act = () => Resolver.ResolveAsync(new AmiQuery { ImageId = ImageId });

        (await act.Should().ThrowAsync<AwsApiException>()).Which.IsTransient.Should().BeTrue();
        await _ec2.Received(1).DescribeImagesAsync(Arg.Any<DescribeImagesRequest>(), Arg.Any<CancellationToken>());
    }

    [Theory]
    [InlineData("images web", "not an SSM parameter name")]
    [InlineData("/images/web:", "not an SSM parameter name")]
    [InlineData("/images/web:0", "not an SSM parameter name")]
    [InlineData("/images/web:1:2", "not an SSM parameter name")]
    [InlineData("/images/web\n", "not an SSM parameter name")]
    public async Task ResolveAsync_BadParameterName_ThrowsArgumentExceptionBeforeAnyCall(string parameter, string expected)
    {
        var act = () => Resolver.ResolveAsync(new AmiQuery { Parameter = parameter });

        (await act.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain(expected);
        _ssm.ReceivedCalls().Should().BeEmpty();
    }

    [Fact]
    public void Validate_ParameterAndImageId_AreExclusive()
    {
        var query = new AmiQuery { Parameter = "/images/web", ImageId = ImageId };

        query.Invoking(q => q.Validate()).Should().Throw<ArgumentException>().WithMessage("*cannot both be set*");
        new AmiQuery { Parameter = "/images/web:prod" }.ToString().Should().Be("the image id in SSM parameter /images/web:prod, state available");
    }

    [Fact]
    public async Task ResolveAsync_ParameterWithoutAnSsmClient_SaysWhatIsMissing()
    {
        var act = () => new AmiResolver(_ec2).ResolveAsync(new AmiQuery { Parameter = "/images/web" });

        (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("IAmazonSimpleSystemsManagement");
    }

    [Fact]
    public async Task Substitutes_OfResolverAndRouter_StandInForAConnection()
    {
        var images = Substitute.For<AmiResolver>();
        var traffic = Substitute.For<TrafficRouter>();
        images.ResolveAsync(Arg.Any<AmiQuery>(), Arg.Any<CancellationToken>())
            .Returns(new AmiImage(ImageId, "web", null, "available", false, null, new Dictionary<string, string>(), null, null));
        traffic.IsHealthyAsync("arn:tg", Arg.Any<IEnumerable<string>>(), Arg.Any<CancellationToken>()).Returns(true);
        using var aws = new AwsConnection(images, traffic);

        (await aws.Images.ResolveAsync(new AmiQuery { Parameter = "/images/web" })).Id.Should().Be(ImageId);
        (await aws.Traffic.IsHealthyAsync("arn:tg", ["i-1"])).Should().BeTrue();
        aws.ToString().Should().NotBeNullOrEmpty();
    }
}
