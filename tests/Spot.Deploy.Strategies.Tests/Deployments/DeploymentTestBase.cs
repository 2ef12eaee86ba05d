using System.Text.Json.Nodes;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Emulator;
using Spot.Deploy.Planning;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Strategies.Tests.Deployments;

/// <summary>
/// Deployments end to end over HTTP against the emulator, on a fake clock that fires every timer of up to
/// a minute at once. Instances boot in 30 s and are HEALTHY 30 s later.
/// </summary>
public abstract class DeploymentTestBase : IAsyncLifetime
{
    public const string App = "web";
    public const string OldImage = "ami-0000000000000aaa1";
    public const string NewImage = "ami-0000000000000bbb2";

    protected VirtualClock Clock { get; } = new() { AutoAdvanceLimit = TimeSpan.FromMinutes(10) };

    protected SpotDeployEmulator Emulator { get; private set; } = null!;

    protected ElastigroupClient Spot { get; private set; } = null!;

    protected AwsConnection Aws { get; private set; } = null!;

    protected InMemoryDeploymentJournal Journal { get; private set; } = null!;

    protected InProcessAppLock Lock { get; } = new();

    protected DeploymentServices Services { get; private set; } = null!;

    protected EmulatorState State => Emulator.State;

    protected virtual EmulatorOptions EmulatorOptions() => new()
    {
        TimeProvider = Clock,
        BootTime = TimeSpan.FromSeconds(30),
        HealthCheckDelay = TimeSpan.FromSeconds(30),
    };

    public virtual async Task InitializeAsync()
    {
        Emulator = await SpotDeployEmulator.StartAsync(EmulatorOptions());
        Spot = new ElastigroupClient(new ElastigroupClientOptions
        {
            BaseAddress = Emulator.SpotBaseAddress,
            Token = Emulator.Options.SpotToken,
            AccountId = Emulator.Options.AccountId,
            TimeProvider = Clock,
            AttemptTimeout = TimeSpan.FromHours(1),
            RandomSeed = 7,
        });
        Aws = new AwsConnection(new AwsConnectionOptions
        {
            Region = Emulator.Options.Region,
            AccessKeyId = "AKIDTEST",
            SecretAccessKey = "secret",
            Ec2Endpoint = Emulator.Ec2Endpoint,
            ElasticLoadBalancingEndpoint = Emulator.ElasticLoadBalancingEndpoint,
            CloudWatchEndpoint = Emulator.CloudWatchEndpoint,
            TimeProvider = Clock,
            AttemptTimeout = TimeSpan.FromHours(1),
        });
        Journal = new InMemoryDeploymentJournal(Clock);
        Services = new DeploymentServices(Spot, Aws, Journal, Lock, Clock);
        State.SeedImage(OldImage, "web-1.0", Clock.GetUtcNow().AddDays(-10));
        State.SeedImage(NewImage, "web-2.0", Clock.GetUtcNow().AddDays(-1));
    }

    public virtual async Task DisposeAsync()
    {
        Spot.Dispose();
        Aws.Dispose();
        await Emulator.DisposeAsync();
    }

    /// <summary>The user's group document: a web app behind one target group when <paramref name="targetGroupArn"/> is given.</summary>
    protected static ElastigroupDocument Document(string? targetGroupArn = null)
    {
        var launchSpecification = new JsonObject
        {
            ["imageId"] = OldImage,
            ["healthCheckType"] = "TARGET_GROUP",
            ["healthCheckGracePeriod"] = 300,
            ["securityGroupIds"] = new JsonArray("sg-123"),
            ["tags"] = new JsonArray(new JsonObject { ["tagKey"] = "team", ["tagValue"] = "web" }),
        };
        if (targetGroupArn is not null)
        {
            launchSpecification["loadBalancersConfig"] = new JsonObject
            {
                ["loadBalancers"] = new JsonArray(new JsonObject { ["type"] = "TARGET_GROUP", ["arn"] = targetGroupArn, ["name"] = "web-tg" }),
            };
        }

        return ElastigroupDocument.FromGroup(new JsonObject
        {
            ["name"] = "web",
            ["description"] = "web app",
            ["region"] = "us-east-1",
            ["capacity"] = new JsonObject { ["minimum"] = 1, ["target"] = 1, ["maximum"] = 1, ["unit"] = "instance" },
            ["strategy"] = new JsonObject { ["risk"] = 100, ["fallbackToOd"] = true, ["availabilityVsCost"] = "balanced" },
            ["compute"] = new JsonObject
            {
                ["product"] = "Linux/UNIX",
                ["availabilityZones"] = new JsonArray(new JsonObject { ["name"] = "us-east-1a", ["subnetIds"] = new JsonArray("subnet-1") }),
                ["instanceTypes"] = new JsonObject { ["ondemand"] = "t3.micro", ["spot"] = new JsonArray("t3.micro", "t3.small") },
                ["launchSpecification"] = launchSpecification,
            },
        });
    }

    /// <summary>Seeds a group (its instances running and HEALTHY already).</summary>
    protected string SeedGroup(string name, Capacity capacity, string image = OldImage, string? targetGroupArn = null)
    {
        var group = (JsonObject)Document(targetGroupArn).Group.DeepClone();
        group["name"] = name;
        group["capacity"] = new JsonObject { ["minimum"] = capacity.Minimum, ["target"] = capacity.Target, ["maximum"] = capacity.Maximum, ["unit"] = "instance" };
        group["compute"]!["launchSpecification"]!["imageId"] = image;
        return State.SeedGroup(group);
    }

    protected static CanaryDeploymentRequest CanaryRequest(params int[] percents)
    {
        var request = new CanaryDeploymentRequest { AppName = App, Document = Document() };
        request.UseImage(NewImage);
        foreach (var percent in percents)
        {
            request.AddPercentPhase(percent);
        }

        return request;
    }

    /// <summary>The groups of the account as (name, min/target/max, image, live instances), sorted by name: what "the same state" means.</summary>
    protected IReadOnlyList<string> GroupState() =>
        [.. State.Groups
            .Select(g => $"{g.Name} {g.Minimum}/{g.Target}/{g.Maximum} {g.ImageId} live={State.GetInstances(g.Id).Count(i => i.State != "terminated")}")
            .OrderBy(s => s, StringComparer.Ordinal)];

    protected static Capacity Cap(int min, int target, int max) => new(min, target, max);
}

/// <summary>Records every event in order (synchronously).</summary>
internal sealed class Recorder : IProgress<DeploymentEvent>
{
    private readonly List<DeploymentEvent> _events = [];

    public Action<DeploymentEvent>? OnEvent { get; set; }

    public IReadOnlyList<DeploymentEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public IEnumerable<T> Of<T>() where T : DeploymentEvent => Events.OfType<T>();

    public void Report(DeploymentEvent value)
    {
        lock (_events)
        {
            _events.Add(value);
        }

        OnEvent?.Invoke(value);
    }
}
