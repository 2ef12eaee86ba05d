using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Spot.Deploy.Aws;

namespace Spot.Deploy.Emulator.Tests.Aws;

/// <summary>
/// The AWS SDK for .NET's own clients (<see cref="AmazonEC2Client"/>, <see cref="AmazonSimpleSystemsManagementClient"/>)
/// with <c>ServiceURL</c> set to the emulator: signed (and verified), paginated, filtered, and refused as AWS does.
/// </summary>
public sealed class DotNetSdkTests : IAsyncLifetime
{
    private const string Image = "ami-0123456789abcdef0";
    private AwsHarness _aws = null!;

    public async Task InitializeAsync() => _aws = await AwsHarness.StartAsync();

    public async Task DisposeAsync() => await _aws.DisposeAsync();

    private AmazonEC2Client Ec2(string secret = AwsHarness.SecretKey) =>
        new(new BasicAWSCredentials(AwsHarness.AccessKey, secret), new AmazonEC2Config
        {
            ServiceURL = _aws.Emulator.Ec2Endpoint.ToString(), AuthenticationRegion = AwsHarness.Region, MaxErrorRetry = 0,
        });

    private AmazonSimpleSystemsManagementClient Ssm(string secret = AwsHarness.SecretKey) =>
        new(new BasicAWSCredentials(AwsHarness.AccessKey, secret), new AmazonSimpleSystemsManagementConfig
        {
            ServiceURL = _aws.Emulator.SystemsManagementEndpoint.ToString(), AuthenticationRegion = AwsHarness.Region, MaxErrorRetry = 0,
        });

    [Fact]
    public async Task Ec2Client_DescribeImages_PagesFiltersAndParsesAsTheSdkExpects()
    {
        var day = new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero);
        for (var i = 1; i <= 7; i++)
        {
            _aws.State.SeedImage($"ami-0000000{i}", $"web-{i}", day.AddHours(i), new Dictionary<string, string> { ["Version"] = $"1.{i}" });
        }

        _aws.State.SeedImage("ami-00000008", "api-8", day);
        using var ec2 = Ec2();
        var request = new DescribeImagesRequest
        {
            Owners = ["self"], Filters = [new Filter { Name = "name", Values = ["web-*"] }], IncludeDeprecated = false, MaxResults = 5,
        };

        var first = await ec2.DescribeImagesAsync(request);
        request.NextToken = first.NextToken;
        var second = await ec2.DescribeImagesAsync(request);

        first.Images.Should().HaveCount(5);
        first.NextToken.Should().NotBeNullOrEmpty();
        second.NextToken.Should().BeNull();
        var images = first.Images.Concat(second.Images).ToList();
        images.Select(i => i.ImageId).Should().Equal(Enumerable.Range(1, 7).Select(i => $"ami-0000000{i}"));
        var seven = images[^1];
        seven.CreationDate.Should().Be("2026-11-01T17:00:00.000Z");
        seven.State.Should().Be(ImageState.Available);
        seven.OwnerId.Should().Be(AwsHarness.Account);
        seven.Tags.Should().ContainSingle().Which.Value.Should().Be("1.7");
    }

    [Fact]
    public async Task Ec2Client_UnknownImageAndWrongSecret_AreTheSdksTypedErrors()
    {
        using var ec2 = Ec2();
        using var wrong = Ec2("wrong");

        var missing = () => ec2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = ["ami-0fffffffffffffff0"] });
        var unsigned = () => wrong.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["self"] });

        (await missing.Should().ThrowAsync<AmazonEC2Exception>()).Which.ErrorCode.Should().Be("InvalidAMIID.NotFound");
        var refused = (await unsigned.Should().ThrowAsync<AmazonEC2Exception>()).Which;
        refused.ErrorCode.Should().Be("SignatureDoesNotMatch");
        refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task SsmClient_GetParameter_ByNameVersionAndLabel()
    {
        _aws.State.SeedParameter("/images/web", "ami-00000001", dataType: "aws:ec2:image", labels: ["prod"]);
        _aws.State.SeedParameter("/images/web", Image, dataType: "aws:ec2:image", labels: ["canary"]);
        using var ssm = Ssm();

        var latest = (await ssm.GetParameterAsync(new GetParameterRequest { Name = "/images/web" })).Parameter;
        var first = (await ssm.GetParameterAsync(new GetParameterRequest { Name = "/images/web:1" })).Parameter;
        var labelled = (await ssm.GetParameterAsync(new GetParameterRequest { Name = "/images/web:canary" })).Parameter;

        latest.Value.Should().Be(Image);
        latest.Version.Should().Be(2);
        latest.Type.Should().Be(ParameterType.String);
        latest.DataType.Should().Be("aws:ec2:image");
        latest.ARN.Should().Be("arn:aws:ssm:us-east-1:123456789012:parameter/images/web");
        latest.LastModifiedDate.Should().Be(new DateTime(2026, 11, 21, 12, 0, 0, DateTimeKind.Utc));
        first.Value.Should().Be("ami-00000001");
        first.Selector.Should().Be(":1");
        labelled.Version.Should().Be(2);
        _aws.Emulator.Calls.All.Should().OnlyContain(c => c.Service == "ssm" && c.Action == "GetParameter" && c.Status == 200 && !c.IsMutating);
    }

    [Fact]
    public async Task SsmClient_MissingParameterVersionOrKey_AreTheSdksTypedErrors()
    {
        _aws.State.SeedParameter("/images/web", Image);
        _aws.State.SeedParameter("/secret/ami", Image, type: "SecureString", keyId: "alias/retired");
        using var ssm = Ssm();
        using var wrong = Ssm("wrong");

        await ssm.Invoking(c => c.GetParameterAsync(new GetParameterRequest { Name = "/images/none" })).Should().ThrowAsync<ParameterNotFoundException>();
        await ssm.Invoking(c => c.GetParameterAsync(new GetParameterRequest { Name = "/images/web:7" })).Should().ThrowAsync<ParameterVersionNotFoundException>();
        await ssm.Invoking(c => c.GetParameterAsync(new GetParameterRequest { Name = "/images/web:prod" })).Should().ThrowAsync<ParameterVersionNotFoundException>();
        await ssm.Invoking(c => c.GetParameterAsync(new GetParameterRequest { Name = "/secret/ami", WithDecryption = true })).Should().ThrowAsync<InvalidKeyIdException>();
        (await ssm.GetParameterAsync(new GetParameterRequest { Name = "/secret/ami" })).Parameter.Value.Should().NotBe(Image, "a SecureString is not decrypted unless asked");
        (await wrong.Invoking(c => c.GetParameterAsync(new GetParameterRequest { Name = "/images/web" })).Should().ThrowAsync<AmazonSimpleSystemsManagementException>())
            .Which.ErrorCode.Should().Be("InvalidSignatureException");
    }

    [Fact]
    public async Task SsmClient_GetParameters_SplitsFoundAndInvalid()
    {
        _aws.State.SeedParameter("/images/web", Image);
        _aws.State.SeedParameter("/images/api", "ami-00000002");
        using var ssm = Ssm();

        var answer = await ssm.GetParametersAsync(new GetParametersRequest { Names = ["/images/web", "/images/api:1", "/images/none", "/images/web:9"] });

        answer.Parameters.Select(p => (p.Name, p.Value)).Should().Equal(("/images/web", Image), ("/images/api", "ami-00000002"));
        answer.InvalidParameters.Should().Equal("/images/none", "/images/web:9");
    }

    [Fact]
    public async Task AwsConnection_AmiQueryFromAParameter_ReadsSsmThenDescribesTheImage()
    {
        _aws.State.SeedImage(Image, "web-2.0", new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
        _aws.State.SeedParameter("/images/web", Image, labels: ["prod"]);
        _aws.State.SeedParameter("/images/broken", "web-2.0");

        var image = await _aws.Aws.Images.ResolveAsync(new AmiQuery { Parameter = "/images/web:prod" });
        var broken = () => _aws.Aws.Images.ResolveAsync(new AmiQuery { Parameter = "/images/broken" });
        var missing = () => _aws.Aws.Images.ResolveAsync(new AmiQuery { Parameter = "/images/none" });

        image.Id.Should().Be(Image);
        (await broken.Should().ThrowAsync<AmiParameterException>()).Which.Message.Should().Contain("'web-2.0', not an AMI id");
        (await missing.Should().ThrowAsync<AmiParameterException>()).Which.Message.Should().Contain("does not exist");
    }
}
