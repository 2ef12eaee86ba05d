using System.Text.Json.Nodes;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Emulator;
using Spot.Deploy.Planning;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli;

/// <summary>
/// An embedded emulator with real clients on a clock: images web-1.0/2.0/3.0 (3.0 never becomes healthy), one ALB with a
/// production listener (443, blue target group) and a stage listener (8443, green), so that any strategy can deploy.
/// </summary>
internal sealed class Sandbox : IAsyncDisposable
{
    public const string ImageV1 = "ami-0000000000000aaa1";
    public const string ImageV2 = "ami-0000000000000bbb2";
    public const string BrokenImage = "ami-0000000000000ccc3";

    /// <summary>A bad build: healthy, but half of the requests its instances serve are answered with a 5xx (the emulator's traffic model).</summary>
    public const string BadBuildImage = "ami-0000000000000ddd4";

    /// <summary>The share of <see cref="BadBuildImage"/>'s answers that are 5xx.</summary>
    public const double BadBuildErrorRate = 0.5;

    /// <summary>An SSM parameter: version 1 holds <see cref="ImageV1"/>, version 2 (label <c>prod</c>) <see cref="ImageV2"/>.</summary>
    public const string ImageParameter = "/spot-deploy/images/web";

    private Sandbox(SpotDeployEmulator emulator, TimeProvider clock, ElastigroupClient spot, AwsConnection aws)
    {
        Emulator = emulator;
        Clock = clock;
        Spot = spot;
        Aws = aws;
        Services = new DeploymentServices(spot, aws, new InMemoryDeploymentJournal(clock), new InProcessAppLock(), clock);
    }

    /// <summary>For tests: called with each sandbox this async flow starts (to inspect its emulator's calls and state).</summary>
    internal static AsyncLocal<Action<Sandbox>?> Started { get; } = new();

    public SpotDeployEmulator Emulator { get; }

    public TimeProvider Clock { get; }

    public ElastigroupClient Spot { get; }

    public AwsConnection Aws { get; }

    public DeploymentServices Services { get; }

    public string BlueTargetGroup { get; private set; } = string.Empty;

    public string GreenTargetGroup { get; private set; } = string.Empty;

    public BlueGreenLoadBalancer Routes { get; private set; } = null!;

    /// <summary>The ALB's CloudWatch <c>LoadBalancer</c> dimension, <c>app/web-alb/…</c>.</summary>
    public string LoadBalancerDimension { get; private set; } = string.Empty;

    /// <summary>The blue target group's CloudWatch <c>TargetGroup</c> dimension, <c>targetgroup/web-blue/…</c>.</summary>
    public string BlueTargetGroupDimension => BlueTargetGroup[(BlueTargetGroup.IndexOf(":targetgroup/", StringComparison.Ordinal) + 1)..];

    /// <summary>Virtual time (auto-advancing): a deployment takes milliseconds; or real time with 3 s boots and 2 s to health.</summary>
    public bool IsVirtual => Clock is Spot.Deploy.Emulator.VirtualTimeProvider;

    /// <summary>
    /// Starts the sandbox; in real time, instances boot in <paramref name="bootTime"/> (default 3 s) and are healthy
    /// <paramref name="healthDelay"/> (default 2 s) later; <paramref name="configure"/> may change any other emulator option.
    /// </summary>
    public static async Task<Sandbox> StartAsync(bool realTime, int port = 0, TimeSpan? bootTime = null, TimeSpan? healthDelay = null, Action<EmulatorOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        TimeProvider clock = realTime ? TimeProvider.System : new Spot.Deploy.Emulator.VirtualTimeProvider(DateTimeOffset.UtcNow) { AutoAdvanceLimit = TimeSpan.FromMinutes(10) };
        var options = new EmulatorOptions
        {
            Port = port,
            TimeProvider = clock,
            BootTime = realTime ? bootTime ?? TimeSpan.FromSeconds(3) : TimeSpan.FromSeconds(30),
            HealthCheckDelay = realTime ? healthDelay ?? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(30),
        };
        configure?.Invoke(options);
        var emulator = await SpotDeployEmulator.StartAsync(options, cancellationToken);
        var spot = new ElastigroupClient(new ElastigroupClientOptions
        {
            BaseAddress = emulator.SpotBaseAddress,
            Token = emulator.Options.SpotToken,
            AccountId = emulator.Options.AccountId,
            TimeProvider = clock,
            AttemptTimeout = TimeSpan.FromHours(1),
        });
        var aws = new AwsConnection(new AwsConnectionOptions
        {
            Region = emulator.Options.Region,
            AccessKeyId = emulator.Options.AwsAccessKeyId ?? "AKIDEMULATOR",
            SecretAccessKey = emulator.Options.AwsSecretAccessKey ?? "emulator",
            Ec2Endpoint = emulator.Ec2Endpoint,
            ElasticLoadBalancingEndpoint = emulator.ElasticLoadBalancingEndpoint,
            SystemsManagementEndpoint = emulator.SystemsManagementEndpoint,
            CloudWatchEndpoint = emulator.CloudWatchEndpoint,
            TimeProvider = clock,
            AttemptTimeout = TimeSpan.FromHours(1),
        });
        var sandbox = new Sandbox(emulator, clock, spot, aws);
        sandbox.Seed();
        Started.Value?.Invoke(sandbox);
        return sandbox;
    }

    private void Seed()
    {
        var now = Clock.GetUtcNow();
        var state = Emulator.State;
        state.SeedImage(ImageV1, "web-1.0", now.AddDays(-10));
        state.SeedImage(ImageV2, "web-2.0", now.AddDays(-1));
        state.SeedImage(BrokenImage, "web-3.0", now.AddHours(-1));
        state.MarkImageNeverHealthy(BrokenImage);
        state.SeedImage(BadBuildImage, "web-4.0", now.AddDays(-2)); // older than web-2.0: never "the newest web-*"
        state.SetImageErrorRate(BadBuildImage, BadBuildErrorRate);
        state.SeedParameter(ImageParameter, ImageV1, dataType: "aws:ec2:image");
        state.SeedParameter(ImageParameter, ImageV2, labels: ["prod"], dataType: "aws:ec2:image");
        var lb = state.SeedLoadBalancer("web-alb");
        LoadBalancerDimension = lb[(lb.IndexOf(":loadbalancer/", StringComparison.Ordinal) + ":loadbalancer/".Length)..];
        BlueTargetGroup = state.SeedTargetGroup("web-blue");
        GreenTargetGroup = state.SeedTargetGroup("web-green");
        var production = state.SeedListener(lb, 443, BlueTargetGroup);
        var stage = state.SeedListener(lb, 8443, GreenTargetGroup);
        Routes = new BlueGreenLoadBalancer(new ListenerRoute(production), new ListenerRoute(stage));
    }

    /// <summary>
    /// Seeds a running group of the app (its instances already healthy), behind the target group when given: named
    /// <c>app__1</c> (a revision, as Basic and Canary name them) or, with <paramref name="revision"/> false, <c>app</c>
    /// (the production group of Blue/Green, or a group to roll).
    /// </summary>
    public string SeedApp(string app, Capacity capacity, string? targetGroupArn, bool revision, string image = ImageV1)
    {
        var group = (JsonObject)Document(app, targetGroupArn).Group.DeepClone();
        group["name"] = revision ? RevisionName.Format(app, 1) : app;
        group["capacity"] = new JsonObject { ["minimum"] = capacity.Minimum, ["target"] = capacity.Target, ["maximum"] = capacity.Maximum, ["unit"] = "instance" };
        group["compute"]!["launchSpecification"]!["imageId"] = image;
        return Emulator.State.SeedGroup(group);
    }

    /// <summary>The id of the app's group named exactly <paramref name="app"/>, if any.</summary>
    public string? SeededGroupId(string app) => Emulator.State.Groups.FirstOrDefault(g => g.Name == app)?.Id;

    /// <summary>The app's group document in the sandbox: one AZ, t3 instances, behind <paramref name="targetGroupArn"/> when given.</summary>
    public static ElastigroupDocument Document(string app, string? targetGroupArn)
    {
        var launchSpecification = new JsonObject
        {
            ["imageId"] = ImageV1,
            ["healthCheckType"] = "TARGET_GROUP",
            ["healthCheckGracePeriod"] = 300,
            ["securityGroupIds"] = new JsonArray("sg-123"),
            ["tags"] = new JsonArray(new JsonObject { ["tagKey"] = "app", ["tagValue"] = app }),
        };
        if (targetGroupArn is not null)
        {
            launchSpecification["loadBalancersConfig"] = new JsonObject
            {
                ["loadBalancers"] = new JsonArray(new JsonObject { ["type"] = "TARGET_GROUP", ["arn"] = targetGroupArn, ["name"] = app + "-tg" }),
            };
        }

        return ElastigroupDocument.FromGroup(new JsonObject
        {
            ["name"] = app,
            ["description"] = app + " (spot-deploy sandbox)",
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

    /// <summary>The groups whose name starts with the app's name: "name min/target/max image live=N", sorted.</summary>
    public IReadOnlyList<string> Groups(string app) =>
        [.. Emulator.State.Groups
            .Where(g => g.Name is { } n && n.StartsWith(app, StringComparison.Ordinal))
            .Select(g => $"{g.Name} {g.Minimum}/{g.Target}/{g.Maximum} {g.ImageId} live={Emulator.State.GetInstances(g.Id).Count(i => i.State != "terminated")}")
            .OrderBy(s => s, StringComparer.Ordinal)];

    public async ValueTask DisposeAsync()
    {
        Spot.Dispose();
        Aws.Dispose();
        await Emulator.DisposeAsync();
    }
}
