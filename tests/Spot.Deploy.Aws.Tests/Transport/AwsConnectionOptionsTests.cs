using Amazon.Runtime;
using Spot.Deploy.Aws;

namespace Spot.Deploy.Aws.Tests.Transport;

public class AwsConnectionOptionsTests
{
    [Theory]
    [InlineData("us-east-1", AwsService.Ec2, "https://ec2.us-east-1.amazonaws.com/")]
    [InlineData("eu-west-3", AwsService.ElasticLoadBalancingV2, "https://elasticloadbalancing.eu-west-3.amazonaws.com/")]
    [InlineData("cn-north-1", AwsService.Ec2, "https://ec2.cn-north-1.amazonaws.com.cn/")]
    [InlineData("eu-west-1", AwsService.CloudWatch, "https://monitoring.eu-west-1.amazonaws.com/")]
    public void EndpointOf_Region_IsTheRegionalEndpoint(string region, AwsService service, string expected)
    {
        new AwsConnectionOptions { Region = region }.EndpointOf(service).Should().Be(new Uri(expected));
    }

    [Fact]
    public void EndpointOf_Override_Wins()
    {
        var options = new AwsConnectionOptions { Region = "us-east-1", Ec2Endpoint = new Uri("http://127.0.0.1:5000/") };

        options.EndpointOf(AwsService.Ec2).Should().Be(new Uri("http://127.0.0.1:5000/"));
        options.EndpointOf(AwsService.ElasticLoadBalancingV2).Host.Should().Be("elasticloadbalancing.us-east-1.amazonaws.com");
    }

    [Theory]
    [InlineData(null, "Region")]
    [InlineData("US East", "Region")]
    public void Validate_BadRegion_Throws(string? region, string param)
    {
        var act = () => new AwsConnectionOptions { Region = region }.Validate();

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(param);
    }

    [Fact]
    public void Validate_HalfAKeyPair_Throws()
    {
        var act = () => new AwsConnectionOptions { Region = "us-east-1", AccessKeyId = "AKID" }.Validate();
        var act2 = () => new AwsConnectionOptions { Region = "us-east-1", SessionToken = "t" }.Validate();
        var act3 = () => new AwsConnectionOptions { Region = "us-east-1", AssumeRoleArn = "role/x" }.Validate();

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("SecretAccessKey");
        act2.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("SessionToken");
        act3.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("AssumeRoleArn");
    }

    [Fact]
    public void Credentials_Explicit_Session_Object_AssumeRole_AreChosenInThatOrder()
    {
        new AwsCredentialSource(new AwsConnectionOptions { AccessKeyId = "a", SecretAccessKey = "s" }).Credentials.Should().BeOfType<BasicAWSCredentials>();
        new AwsCredentialSource(new AwsConnectionOptions { AccessKeyId = "a", SecretAccessKey = "s", SessionToken = "t" }).Credentials.Should().BeOfType<SessionAWSCredentials>();
        var anonymous = new AnonymousAWSCredentials();
        new AwsCredentialSource(new AwsConnectionOptions { Credentials = anonymous }).Credentials.Should().BeSameAs(anonymous);
        var assumed = new AwsCredentialSource(new AwsConnectionOptions { AccessKeyId = "a", SecretAccessKey = "s", AssumeRoleArn = "arn:aws:iam::123456789012:role/deployer", ExternalId = "ext" });
        var role = assumed.Credentials.Should().BeOfType<AssumeRoleAWSCredentials>().Subject;
        role.RoleArn.Should().Be("arn:aws:iam::123456789012:role/deployer");
        role.SourceCredentials.Should().BeOfType<BasicAWSCredentials>();
        assumed.Description.Should().Be("assumed role arn:aws:iam::123456789012:role/deployer");
    }

    [Fact]
    public async Task Credentials_Explicit_AreWhatSigns()
    {
        var keys = await new AwsCredentialSource(new AwsConnectionOptions { AccessKeyId = "AKID", SecretAccessKey = "secret", SessionToken = "tok" }).GetAsync(default);

        keys.AccessKey.Should().Be("AKID");
        keys.SecretKey.Should().Be("secret");
        keys.Token.Should().Be("tok");
    }

    [Fact]
    public void ToString_ShowsNoSecrets()
    {
        var text = new AwsConnectionOptions { Region = "us-east-1", AccessKeyId = "AKIDSECRETLIKE", SecretAccessKey = "very-secret", SessionToken = "tok-secret" }.ToString();

        text.Should().Contain("us-east-1").And.Contain("explicit keys").And.NotContain("very-secret").And.NotContain("tok-secret").And.NotContain("AKIDSECRETLIKE");
    }

    [Fact]
    public void CloudWatchEndpoint_ValidatedLikeTheOthers_ShownInToString_UsedForCloudWatch()
    {
        var bad = () => new AwsConnectionOptions { Region = "us-east-1", CloudWatchEndpoint = new Uri("ftp://127.0.0.1/") }.Validate();
        var options = new AwsConnectionOptions { Region = "us-east-1", CloudWatchEndpoint = new Uri("http://127.0.0.1:5000/monitoring/") };

        bad.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("CloudWatchEndpoint");
        options.EndpointOf(AwsService.CloudWatch).Should().Be(new Uri("http://127.0.0.1:5000/monitoring/"));
        options.EndpointOf(AwsService.ElasticLoadBalancingV2).Host.Should().Be("elasticloadbalancing.us-east-1.amazonaws.com");
        options.ToString().Should().Contain("CloudWatchEndpoint=http://127.0.0.1:5000/monitoring/");
    }
}
