using System.Text.Json.Nodes;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Emulator;
using Spot.Deploy.Planning;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Strategies.Tests.Faults;

/// <summary>
/// One run of the fault campaign: a fresh emulator on a fake clock (timers of up to a minute fire at once,
/// instances boot in 30 s and are HEALTHY 30 s later), the deployment journal, and "processes" — clients,
/// app lock and journal view of one orchestrator process, which a crash can kill.
/// </summary>
internal sealed class CampaignWorld : IAsyncDisposable
{
    public const string App = "web";
    public const string OldImage = "ami-0000000000000aaa1";
    public const string NewImage = "ami-0000000000000bbb2";

    private readonly List<CampaignProcess> _processes = [];

    private CampaignWorld(SpotDeployEmulator emulator, VirtualClock clock)
    {
        Emulator = emulator;
        Clock = clock;
        Journal = new InMemoryDeploymentJournal(clock);
    }

    public VirtualClock Clock { get; }

    public SpotDeployEmulator Emulator { get; }

    public EmulatorState State => Emulator.State;

    /// <summary>The durable journal: it outlives every process.</summary>
    public InMemoryDeploymentJournal Journal { get; }

    /// <summary>The listeners and rules whose actions are part of the observed state.</summary>
    public List<string> ObservedListeners { get; } = [];

    public List<string> ObservedRules { get; } = [];

    public static async Task<CampaignWorld> StartAsync()
    {
        var clock = new VirtualClock { AutoAdvanceLimit = TimeSpan.FromMinutes(10) };
        var emulator = await SpotDeployEmulator.StartAsync(new EmulatorOptions
        {
            TimeProvider = clock,
            BootTime = TimeSpan.FromSeconds(30),
            HealthCheckDelay = TimeSpan.FromSeconds(30),
        });
        var world = new CampaignWorld(emulator, clock);
        world.State.SeedImage(OldImage, "web-1.0", clock.GetUtcNow().AddDays(-10));
        world.State.SeedImage(NewImage, "web-2.0", clock.GetUtcNow().AddDays(-1));
        return world;
    }

    /// <summary>Starts a process: its own HTTP connections (which a crash cuts), clients, a new app lock, and the journal it writes through.</summary>
    public CampaignProcess StartProcess(Func<IDeploymentJournal, IDeploymentJournal>? journalView = null)
    {
        var process = new CampaignProcess(this, journalView?.Invoke(Journal) ?? Journal);
        _processes.Add(process);
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        await Emulator.DisposeAsync();
    }

    /// <summary>The user's group document: a web app, behind one target group when <paramref name="targetGroupArn"/> is given.</summary>
    public static ElastigroupDocument Document(string? targetGroupArn = null)
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
            ["name"] = App,
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

    /// <summary>Seeds a group whose instances are running and HEALTHY already.</summary>
    public string SeedGroup(string name, Capacity capacity, string image = OldImage, string? targetGroupArn = null)
    {
        var group = (JsonObject)Document(targetGroupArn).Group.DeepClone();
        group["name"] = name;
        group["capacity"] = new JsonObject { ["minimum"] = capacity.Minimum, ["target"] = capacity.Target, ["maximum"] = capacity.Maximum, ["unit"] = "instance" };
        group["compute"]!["launchSpecification"]!["imageId"] = image;
        return State.SeedGroup(group);
    }

    /// <summary>
    /// What "the same state" means: every group as "name min/target/max image live=N [images of the live
    /// instances]", sorted by name, then the actions of every observed listener and rule (as the emulator
    /// stores them, compared as JSON text).
    /// </summary>
    public IReadOnlyList<string> Observe()
    {
        var lines = State.Groups
            .Select(g =>
            {
                var live = State.GetInstances(g.Id).Where(i => i.State != "terminated").ToList();
                var images = string.Join(",", live.GroupBy(i => i.ImageId).OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => $"{x.Key}x{x.Count()}"));
                return $"{g.Name} {g.Minimum}/{g.Target}/{g.Maximum} {g.ImageId} live={live.Count} [{images}]";
            })
            .OrderBy(s => s, StringComparer.Ordinal)
            .ToList();
        lines.AddRange(ObservedListeners.Select(l => "listener " + l + " " + State.GetListenerActions(l).ToJsonString()));
        lines.AddRange(ObservedRules.Select(r => "rule " + r + " " + State.GetRuleActions(r).ToJsonString()));
        return lines;
    }
}

/// <summary>
/// One orchestrator process: clients over its own <see cref="HttpClient"/> (which <see cref="Kill"/> cuts, so a dead
/// process sends nothing more), a new in-process app lock, and its view of the journal.
/// </summary>
internal sealed class CampaignProcess : IDisposable
{
    private readonly HttpClient _http;

    public CampaignProcess(CampaignWorld world, IDeploymentJournal journal)
    {
        Watch = new RequestWatch(world.Emulator) { InnerHandler = new SocketsHttpHandler() };
        _http = new HttpClient(Watch, disposeHandler: true);
        Spot = new ElastigroupClient(_http, new ElastigroupClientOptions
        {
            BaseAddress = world.Emulator.SpotBaseAddress,
            Token = world.Emulator.Options.SpotToken,
            AccountId = world.Emulator.Options.AccountId,
            TimeProvider = world.Clock,
            AttemptTimeout = TimeSpan.FromHours(1),
            RandomSeed = 7,

            // The storms are one 429 more than MaxRetries, to make steps fail: count 429s like other failures.
            RateLimitedRetryTime = TimeSpan.Zero,
        });
        Aws = new AwsConnection(_http, new AwsConnectionOptions
        {
            Region = world.Emulator.Options.Region,
            AccessKeyId = "AKIDTEST",
            SecretAccessKey = "secret",
            Ec2Endpoint = world.Emulator.Ec2Endpoint,
            ElasticLoadBalancingEndpoint = world.Emulator.ElasticLoadBalancingEndpoint,
            TimeProvider = world.Clock,
            AttemptTimeout = TimeSpan.FromHours(1),
            RandomSeed = 7,
        });
        Services = new DeploymentServices(Spot, Aws, journal, new InProcessAppLock(), world.Clock);
    }

    public RequestWatch Watch { get; }

    public ElastigroupClient Spot { get; }

    public AwsConnection Aws { get; }

    public DeploymentServices Services { get; }

    /// <summary>The process dies: from now on every request it sends fails with a <see cref="CrashException"/>.</summary>
    public void Kill() => Watch.Killed = true;

    public void Dispose()
    {
        Spot.Dispose();
        Aws.Dispose();
        _http.Dispose();
    }
}

/// <summary>Thrown where a simulated process dies (its journal write or its network call).</summary>
internal sealed class CrashException : Exception
{
    public CrashException()
        : this("The process crashed (simulated).")
    {
    }

    public CrashException(string message)
        : base(message)
    {
    }

    public CrashException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Sees every request of a process: counts the mutating ones exactly as the emulator does (Spot: not GET; AWS:
/// an action not starting with Describe), lets a test act just before the n-th is sent, and refuses everything
/// once the process is killed.
/// </summary>
internal sealed class RequestWatch(SpotDeployEmulator emulator) : DelegatingHandler
{
    private int _mutating;

    public volatile bool Killed;

    /// <summary>Called just before each request (reads too) is sent, while the process lives.</summary>
    public Action? BeforeEach { get; set; }

    /// <summary>Called with the 1-based index of each mutating request just before it is sent.</summary>
    public Action<int>? BeforeMutating { get; set; }

    public int MutatingSent => Volatile.Read(ref _mutating);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Killed)
        {
            throw new CrashException("The process is dead; it sends nothing.");
        }

        BeforeEach?.Invoke();
        if (!await IsMutatingAsync(request, cancellationToken))
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var n = Interlocked.Increment(ref _mutating);
        BeforeMutating?.Invoke(n);
        var response = await base.SendAsync(request, cancellationToken);
        if (DiesAfterMutating?.Invoke() == true)
        {
            // A power loss: the call went out and was applied; its answer dies with the process.
            Killed = true;
            response.Dispose();
            throw new CrashException("The process lost power after its call was sent.");
        }

        return response;
    }

    /// <summary>Asked after each mutating call was answered: true when the process dies right then (a power loss).</summary>
    public Func<bool>? DiesAfterMutating { get; set; }

    private async Task<bool> IsMutatingAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        var aws = path.StartsWith(emulator.Ec2Endpoint.AbsolutePath.TrimEnd('/'), StringComparison.Ordinal)
            || path.StartsWith(emulator.ElasticLoadBalancingEndpoint.AbsolutePath.TrimEnd('/'), StringComparison.Ordinal);
        if (!aws)
        {
            return request.Method != HttpMethod.Get;
        }

        if (request.Content is null)
        {
            return false;
        }

        var body = await request.Content.ReadAsStringAsync(cancellationToken);
        var action = body.Split('&').Select(p => p.Split('=', 2)).FirstOrDefault(p => p[0] == "Action")?.ElementAtOrDefault(1);
        return action is not null && !action.StartsWith("Describe", StringComparison.Ordinal);
    }
}
