using Amazon;
using Amazon.EC2;
using Amazon.Extensions.NETCore.Setup;
using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Spot.Deploy.Aws;
using Spot.Deploy.Emulator;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.DependencyInjection.Tests;

/// <summary>
/// The AWS SDK's DI conventions: an <see cref="IAmazonEC2"/> registered by <c>AddAWSService</c> resolves the AMIs, and
/// the same <see cref="AWSOptions"/> (region, credentials) sign the ELBv2 calls — both verified by the emulator.
/// </summary>
public sealed class AwsSdkRegistrationTests : IAsyncLifetime, IDisposable
{
    private const string Image = "ami-0000000000000bbb2";
    private readonly TempDirectory _state = new();
    private SpotDeployEmulator _emulator = null!;

    public async Task InitializeAsync()
    {
        _emulator = await SpotDeployEmulator.StartAsync(new EmulatorOptions { AwsAccessKeyId = "AKIDSDK", AwsSecretAccessKey = "sdk-secret", Region = "eu-west-1" });
        _emulator.State.SeedImage(Image, "web-2.0", DateTimeOffset.UtcNow.AddDays(-1));
        _emulator.State.SeedLoadBalancer("web");
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    public void Dispose() => _state.Dispose();

    private static AWSOptions SdkOptions(Uri? serviceUrl = null)
    {
        var options = new AWSOptions { Region = RegionEndpoint.EUWest1, Credentials = new BasicAWSCredentials("AKIDSDK", "sdk-secret") };
        if (serviceUrl is not null)
        {
            options.DefaultClientConfig.ServiceURL = serviceUrl.ToString();
            options.DefaultClientConfig.AuthenticationRegion = "eu-west-1";
        }

        return options;
    }

    private ServiceProvider Build(Action<IServiceCollection> aws, Action<SpotDeployOptions>? configure = null)
    {
        var services = new ServiceCollection();
        aws(services);
        services.AddSpotDeploy(o =>
        {
            o.StateDirectory = _state.Path;
            o.Elastigroup.Token = "t";
            o.Elastigroup.AccountId = "act-1";
            configure?.Invoke(o);
        });
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task AddSpotDeploy_WithAddAWSServiceEc2_ResolvesThroughThatClientAndSignsElbWithTheSameAwsOptions()
    {
        using var provider = Build(
            services => services.AddDefaultAWSOptions(SdkOptions()).AddAWSService<IAmazonEC2>(SdkOptions(_emulator.Ec2Endpoint)),
            o => o.Aws = new AwsConnectionOptions { ElasticLoadBalancingEndpoint = _emulator.ElasticLoadBalancingEndpoint });

        var aws = provider.GetRequiredService<AwsConnection>();
        var image = await aws.Images.ResolveAsync(new AmiQuery { ImageId = Image });
        var loadBalancers = await aws.Traffic.DescribeLoadBalancersAsync(["web"]);

        image.Id.Should().Be(Image);
        loadBalancers.Should().ContainSingle().Which.Name.Should().Be("web");
        aws.Options.Region.Should().Be("eu-west-1", "the region comes from the registered AWSOptions");
        aws.CredentialsDescription.Should().Be(nameof(BasicAWSCredentials));
        _emulator.Calls.All.Should().Contain(c => c.Service == "ec2" && c.Action == "DescribeImages" && c.Status == 200)
            .And.Contain(c => c.Service == "elasticloadbalancing" && c.Status == 200);
        provider.GetRequiredService<DeploymentServices>().Aws.Should().BeSameAs(aws);
    }

    [Fact]
    public async Task AddSpotDeploy_OnlyAnIAmazonEC2Registered_StillGivesAConnection()
    {
        using var provider = Build(services => services.AddAWSService<IAmazonEC2>(SdkOptions(_emulator.Ec2Endpoint)).AddDefaultAWSOptions(SdkOptions()));

        var aws = provider.GetService<AwsConnection>();

        aws.Should().NotBeNull();
        (await aws!.Images.ResolveAsync(new AmiQuery { ImageId = Image })).Name.Should().Be("web-2.0");
    }
}
