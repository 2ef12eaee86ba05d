using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Emulator;
using Spot.Deploy.Strategies;
using Spot.Deploy.Testing;

namespace Spot.Deploy.DependencyInjection.Tests;

/// <summary>
/// The container's <see cref="DeploymentServices"/> against the emulator, on a fake clock that fires every
/// timer of up to a minute at once (instances boot in 30 s and are healthy 30 s later).
/// </summary>
public sealed class EndToEndTests : IAsyncLifetime
{
    private const string OldImage = "ami-0000000000000aaa1";
    private const string NewImage = "ami-0000000000000bbb2";

    // The app name is unique to this test class: the default app lock is shared by the whole process.
    private const string App = "di-web";

    private readonly VirtualClock _clock = new() { AutoAdvanceLimit = TimeSpan.FromMinutes(10) };
    private readonly TempDirectory _state = new();
    private SpotDeployEmulator _emulator = null!;

    public async Task InitializeAsync()
    {
        _emulator = await SpotDeployEmulator.StartAsync(new EmulatorOptions
        {
            TimeProvider = _clock,
            BootTime = TimeSpan.FromSeconds(30),
            HealthCheckDelay = TimeSpan.FromSeconds(30),
            AwsAccessKeyId = "AKIDTEST",
            AwsSecretAccessKey = "secret",
        });
        _emulator.State.SeedImage(OldImage, "web-1.0", _clock.GetUtcNow().AddDays(-10));
        _emulator.State.SeedImage(NewImage, "web-2.0", _clock.GetUtcNow().AddDays(-1), new Dictionary<string, string> { ["Version"] = "2.0" });
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        _state.Dispose();
    }

    private ServiceProvider BuildProvider()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_clock);
        services.AddSpotDeploy(o =>
        {
            o.StateDirectory = _state.Path;
            o.Elastigroup.BaseAddress = _emulator.SpotBaseAddress;
            o.Elastigroup.Token = _emulator.Options.SpotToken;
            o.Elastigroup.AccountId = _emulator.Options.AccountId;
            o.Elastigroup.AttemptTimeout = TimeSpan.FromHours(1);
            o.Aws = new AwsConnectionOptions
            {
                Region = _emulator.Options.Region,
                AccessKeyId = "AKIDTEST",
                SecretAccessKey = "secret",
                Ec2Endpoint = _emulator.Ec2Endpoint,
                ElasticLoadBalancingEndpoint = _emulator.ElasticLoadBalancingEndpoint,
                AttemptTimeout = TimeSpan.FromHours(1),
            };
        });
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task BasicDeployment_WithTheContainersServices_ReplacesTheRunningRevisionAndJournalsToTheStateDirectory()
    {
        _emulator.State.SeedGroup(Group($"{App}__1", target: 2, OldImage));
        await using var provider = BuildProvider();
        var services = provider.GetRequiredService<DeploymentServices>();
        var request = new BasicDeploymentRequest { AppName = App, Document = ElastigroupDocument.FromGroup(Group(App, target: 1, OldImage)) };

        // The image is found through the container's AwsConnection (EC2 DescribeImages on the emulator).
        request.Image = new AmiQuery { Owners = { "self" }, Tags = { ["Version"] = "2.0" } };
        DeploymentResult result;
        await using (var deployment = new BasicDeployment(services, request, provider.GetRequiredService<DeploymentOptions>()))
        {
            result = await deployment.RunAsync();
        }

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        result.GroupName.Should().Be($"{App}__2");
        _emulator.State.Groups.Select(g => $"{g.Name} {g.Minimum}/{g.Target}/{g.Maximum} {g.ImageId}").Should().Equal(
            $"{App}__1 0/0/0 {OldImage}",
            $"{App}__2 1/2/4 {NewImage}");
        _emulator.Calls.All.Should().Contain(c => c.Service == "ec2" && c.Action == "DescribeImages");
        _emulator.Calls.All.Count(c => c.Path.EndsWith("/instanceHealthiness", StringComparison.Ordinal)).Should().BeGreaterThan(1, "the new instances were not healthy at the first poll");
        File.Exists(Path.Combine(_state.Path, "journal", result.DeploymentId + ".json")).Should().BeTrue();
        Directory.Exists(Path.Combine(_state.Path, "locks")).Should().BeTrue();
        (await provider.GetRequiredService<DeploymentRecovery>().ListUnfinishedAsync()).Should().BeEmpty();
        (await services.Journal.LoadAsync(result.DeploymentId))!.Status.Should().Be(DeploymentStatus.Succeeded);
    }

    private static JsonObject Group(string name, int target, string image) => new()
    {
        ["name"] = name,
        ["description"] = "web app",
        ["capacity"] = new JsonObject { ["minimum"] = 1, ["target"] = target, ["maximum"] = 4, ["unit"] = "instance" },
        ["strategy"] = new JsonObject { ["risk"] = 100, ["fallbackToOd"] = true },
        ["compute"] = new JsonObject
        {
            ["product"] = "Linux/UNIX",
            ["availabilityZones"] = new JsonArray(new JsonObject { ["name"] = "us-east-1a", ["subnetIds"] = new JsonArray("subnet-1") }),
            ["instanceTypes"] = new JsonObject { ["ondemand"] = "t3.micro", ["spot"] = new JsonArray("t3.micro") },
            ["launchSpecification"] = new JsonObject { ["imageId"] = image, ["healthCheckType"] = "TARGET_GROUP" },
        },
    };
}
