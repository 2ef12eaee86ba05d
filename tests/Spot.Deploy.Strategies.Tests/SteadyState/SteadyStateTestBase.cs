using System.Text.Json.Nodes;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Emulator;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Strategies.Tests.SteadyState;

/// <summary>
/// The real emulator and the real clients on one fake clock that fires every timer of up to a minute at
/// once: poll pauses finish instantly while their virtual duration is measured. Instances boot in 30 s
/// and pass their health check 30 s later, so a launched instance is HEALTHY 60 s after launch.
/// </summary>
public abstract class SteadyStateTestBase : IAsyncLifetime
{
    protected VirtualClock Clock { get; } = new() { AutoAdvanceLimit = TimeSpan.FromMinutes(10) };

    protected SpotDeployEmulator Emulator { get; private set; } = null!;

    protected ElastigroupClient Spot { get; private set; } = null!;

    protected AwsConnection Aws { get; private set; } = null!;

    protected EmulatorState State => Emulator.State;

    public async Task InitializeAsync()
    {
        Emulator = await SpotDeployEmulator.StartAsync(new EmulatorOptions
        {
            TimeProvider = Clock,
            BootTime = TimeSpan.FromSeconds(30),
            HealthCheckDelay = TimeSpan.FromSeconds(30),
        });
        Spot = new ElastigroupClient(new ElastigroupClientOptions
        {
            BaseAddress = Emulator.SpotBaseAddress,
            Token = Emulator.Options.SpotToken,
            AccountId = Emulator.Options.AccountId,
            TimeProvider = Clock,
            AttemptTimeout = TimeSpan.FromHours(1),
        });
        Aws = new AwsConnection(new AwsConnectionOptions
        {
            Region = Emulator.Options.Region,
            AccessKeyId = "AKIDTEST",
            SecretAccessKey = "secret",
            Ec2Endpoint = Emulator.Ec2Endpoint,
            ElasticLoadBalancingEndpoint = Emulator.ElasticLoadBalancingEndpoint,
            TimeProvider = Clock,
            AttemptTimeout = TimeSpan.FromHours(1),
        });
    }

    public async Task DisposeAsync()
    {
        Spot.Dispose();
        Aws.Dispose();
        await Emulator.DisposeAsync();
    }

    /// <summary>A waiter over the emulator (with the ELBv2 router).</summary>
    protected SteadyStateWaiter CreateWaiter() => new(Spot, Aws.Traffic, Clock);

    /// <summary>Seeds a group (its instances already healthy when <paramref name="target"/> &gt; 0).</summary>
    protected string SeedGroup(int target, string imageId = "ami-11111111", string? targetGroupArn = null)
    {
        var launchSpecification = new JsonObject { ["imageId"] = imageId, ["healthCheckType"] = "TARGET_GROUP" };
        if (targetGroupArn is not null)
        {
            launchSpecification["loadBalancersConfig"] = new JsonObject
            {
                ["loadBalancers"] = new JsonArray(new JsonObject { ["type"] = "TARGET_GROUP", ["arn"] = targetGroupArn, ["name"] = "web-tg" }),
            };
        }

        return State.SeedGroup(new JsonObject
        {
            ["name"] = "web__1",
            ["capacity"] = new JsonObject { ["minimum"] = 0, ["target"] = target, ["maximum"] = 5, ["unit"] = "instance" },
            ["compute"] = new JsonObject
            {
                ["product"] = "Linux/UNIX",
                ["launchSpecification"] = launchSpecification,
            },
        });
    }

    /// <summary>Virtual seconds as a TimeSpan.</summary>
    protected static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);
}

/// <summary>
/// Records events synchronously, in the order they are reported (<see cref="Progress{T}"/> would post
/// them to the thread pool and lose the order), and runs an optional reaction on each.
/// </summary>
internal sealed class EventRecorder(Action<InstancesProgressEvent>? onPoll = null) : IProgress<DeploymentEvent>
{
    private readonly List<InstancesProgressEvent> _events = [];

    public IReadOnlyList<InstancesProgressEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public void Report(DeploymentEvent value)
    {
        var poll = value.Should().BeOfType<InstancesProgressEvent>().Subject;
        lock (_events)
        {
            _events.Add(poll);
        }

        onPoll?.Invoke(poll);
    }
}
