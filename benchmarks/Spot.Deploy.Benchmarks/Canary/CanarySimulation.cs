using System.Globalization;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Emulator;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Benchmarks.Canary;

/// <summary>How the steady-state waits poll.</summary>
public enum PollingPolicy
{
    /// <summary>Our default <see cref="SteadyStateOptions"/>: 2 s, backing off by 1.5 up to 20 s, reset when the healthy count grows.</summary>
    Adaptive,

    /// <summary>The reference system's fixed 20 s interval (first poll at once).</summary>
    Fixed20s,
}

/// <summary>One steady-state wait of a deployment, seen from its events and the emulator's instances.</summary>
/// <param name="Group">The group's name.</param>
/// <param name="Target">The target waited for.</param>
/// <param name="Start">When the capacity change before the wait was made (seconds since the deployment started).</param>
/// <param name="Ready">When the emulator's group actually became steady (ditto): the unavoidable end of the wait.</param>
/// <param name="Detected">When the last poll saw it steady (ditto).</param>
/// <param name="Polls">Polls of the wait.</param>
public sealed record WaitMeasurement(string Group, int Target, double Start, double Ready, double Detected, int Polls)
{
    /// <summary>The unavoidable part of the wait, in seconds.</summary>
    public double Unavoidable => Ready - Start;

    /// <summary>How long after readiness the wait noticed it, in seconds.</summary>
    public double Lag => Detected - Ready;
}

/// <summary>What one simulated canary deployment cost.</summary>
/// <param name="Policy">The polling policy.</param>
/// <param name="BootTime">The emulator's boot time B.</param>
/// <param name="HealthCheckDelay">The emulator's health-check delay H.</param>
/// <param name="Completion">Virtual time from the start of <c>RunAsync</c> to its end.</param>
/// <param name="ObservedLowerBound">The sum of the unavoidable parts of the waits, from the emulator's launch times.</param>
/// <param name="Calls">Every HTTP call the emulator answered (Spot, EC2, ELBv2).</param>
/// <param name="SpotCalls">The Spot calls among them.</param>
/// <param name="PollCalls">The Spot calls made by steady-state polls (status and instance healthiness).</param>
/// <param name="Waits">Every steady-state wait, in order.</param>
/// <param name="CallsByRoute">The calls counted by service, method and route (group ids replaced by <c>{groupId}</c>), in first-call order.</param>
public sealed record CanaryMeasurement(
    PollingPolicy Policy,
    TimeSpan BootTime,
    TimeSpan HealthCheckDelay,
    TimeSpan Completion,
    TimeSpan ObservedLowerBound,
    int Calls,
    int SpotCalls,
    int PollCalls,
    IReadOnlyList<WaitMeasurement> Waits,
    IReadOnlyList<KeyValuePair<string, int>> CallsByRoute)
{
    /// <summary>
    /// The lower bound from the emulator's model: each of the 3 phases grows the new group, whose new
    /// instances are HEALTHY B + H after the capacity call; shrinking the previous group terminates at
    /// once (0 s); API calls take no virtual time. So 3 × (B + H).
    /// </summary>
    public TimeSpan ModelLowerBound => CanarySimulation.Phases.Length * (BootTime + HealthCheckDelay);

    /// <summary>Completion time over the lower bound, in percent.</summary>
    public double OverheadPercent => (Completion - ModelLowerBound) / ModelLowerBound * 100;

    /// <summary>Polls over all waits.</summary>
    public int Polls => Waits.Sum(w => w.Polls);
}

/// <summary>
/// A 3-phase canary (25 / 50 / 100 %) of app <c>web</c> over a previous revision running 4 instances, end
/// to end over HTTP against the emulator, on the emulator's <see cref="VirtualTimeProvider"/>. Every timer of at most 10 min (longer than
/// any pause of both policies, learned ones included) fires at once and moves the clock to its due time; nothing else
/// moves it. The deployment is sequential, so no other timer is pending while a pause is skipped, and the
/// clients' 1 h attempt-timeout timers never fire (calls take no virtual time). A longer timer would hang
/// the run; <see cref="RunAsync"/> fails after a real-time watchdog instead. Every run checks itself: event
/// times never decrease, no wait ends before its group was steady, and the completion time is at least the
/// bound read back from the emulator.
/// </summary>
public sealed partial class CanarySimulation : IAsyncDisposable
{
    public const string App = "web";
    public const string OldImage = "ami-0000000000000aaa1";
    public const string NewImage = "ami-0000000000000bbb2";

    /// <summary>The canary's phases in percent of the planned target.</summary>
    public static readonly int[] Phases = [25, 50, 100];

    private static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(2);

    private readonly VirtualTimeProvider _clock;
    private readonly SpotDeployEmulator _emulator;
    private readonly ElastigroupClient _spot;
    private readonly AwsConnection _aws;
    private readonly TimeSpan _boot;
    private readonly TimeSpan _health;

    private CanarySimulation(VirtualTimeProvider clock, SpotDeployEmulator emulator, TimeSpan boot, TimeSpan health)
    {
        _clock = clock;
        _emulator = emulator;
        _boot = boot;
        _health = health;
        _spot = new ElastigroupClient(new ElastigroupClientOptions
        {
            BaseAddress = emulator.SpotBaseAddress,
            Token = emulator.Options.SpotToken,
            AccountId = emulator.Options.AccountId,
            TimeProvider = clock,
            AttemptTimeout = TimeSpan.FromHours(1),
            RandomSeed = 7,
        });
        _aws = new AwsConnection(new AwsConnectionOptions
        {
            Region = emulator.Options.Region,
            AccessKeyId = "AKIDTEST",
            SecretAccessKey = "secret",
            Ec2Endpoint = emulator.Ec2Endpoint,
            ElasticLoadBalancingEndpoint = emulator.ElasticLoadBalancingEndpoint,
            TimeProvider = clock,
            AttemptTimeout = TimeSpan.FromHours(1),
        });
    }

    /// <summary>The emulator (its call log covers the last <see cref="RunAsync"/>).</summary>
    public SpotDeployEmulator Emulator => _emulator;

    /// <summary>Starts an emulator with boot time <paramref name="boot"/> and health-check delay <paramref name="health"/>, seeded with the previous revision at 4 instances.</summary>
    public static async Task<CanarySimulation> StartAsync(TimeSpan boot, TimeSpan health)
    {
        var clock = new VirtualTimeProvider(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero)) { AutoAdvanceLimit = TimeSpan.FromMinutes(10) };
        var emulator = await SpotDeployEmulator.StartAsync(new EmulatorOptions { TimeProvider = clock, BootTime = boot, HealthCheckDelay = health }).ConfigureAwait(false);
        var simulation = new CanarySimulation(clock, emulator, boot, health);
        emulator.State.SeedImage(OldImage, "web-1.0", clock.GetUtcNow().AddDays(-10));
        emulator.State.SeedImage(NewImage, "web-2.0", clock.GetUtcNow().AddDays(-1));
        var previous = (JsonObject)Document().Group.DeepClone();
        previous["name"] = App + "__1";
        previous["capacity"] = new JsonObject { ["minimum"] = 1, ["target"] = 4, ["maximum"] = 6, ["unit"] = "instance" };
        emulator.State.SeedGroup(previous);
        emulator.Calls.Clear();
        return simulation;
    }

    /// <summary>The steady-state options of a policy.</summary>
    public static SteadyStateOptions OptionsOf(PollingPolicy policy) => policy switch
    {
        PollingPolicy.Adaptive => new SteadyStateOptions(),
        PollingPolicy.Fixed20s => new SteadyStateOptions { InitialPollInterval = TimeSpan.FromSeconds(20), MaxPollInterval = TimeSpan.FromSeconds(20), BackoffFactor = 1, LearnReadinessTime = false },
        _ => throw new ArgumentOutOfRangeException(nameof(policy)),
    };

    /// <summary>Runs the canary once (call once per simulation: the account is seeded for one deployment).</summary>
    public async Task<CanaryMeasurement> RunAsync(PollingPolicy policy)
    {
        var services = new DeploymentServices(_spot, _aws, new InMemoryDeploymentJournal(_clock), new InProcessAppLock(), _clock);
        var options = new DeploymentOptions { SteadyState = OptionsOf(policy) };
        var request = new CanaryDeploymentRequest { AppName = App, Document = Document() };
        request.UseImage(NewImage);
        foreach (var percent in Phases)
        {
            request.AddPercentPhase(percent);
        }

        var events = new EventLog();
        var started = _clock.GetUtcNow();
        DeploymentResult result;
        await using (var deployment = new CanaryDeployment(services, request, options))
        {
            using var watchdog = new CancellationTokenSource(Watchdog);
            var run = deployment.RunAsync(events, watchdog.Token);
            if (await Task.WhenAny(run, Task.Delay(Watchdog + TimeSpan.FromSeconds(5))).ConfigureAwait(false) != run)
            {
                throw new InvalidOperationException($"The simulated deployment did not finish within {Watchdog} of real time: a timer longer than the auto-advance limit is pending (virtual time {_clock.GetUtcNow() - started}).");
            }

            result = await run.ConfigureAwait(false);
        }

        var completion = _clock.GetUtcNow() - started;
        if (result.Status != DeploymentStatus.Succeeded)
        {
            throw new InvalidOperationException("The simulated deployment did not succeed: " + result);
        }

        var calls = _emulator.Calls.All;
        var recorded = events.Events;
        for (var i = 1; i < recorded.Count; i++)
        {
            if (recorded[i].Time < recorded[i - 1].Time)
            {
                throw new InvalidOperationException($"The virtual clock went backwards: {recorded[i - 1]} then {recorded[i]}.");
            }
        }

        var waits = Waits(recorded, started);
        var bound = TimeSpan.FromSeconds(waits.Sum(w => w.Unavoidable));
        if (waits.Any(w => w.Detected < w.Ready) || completion < bound)
        {
            throw new InvalidOperationException($"Inconsistent measurement: completion {completion}, bound {bound}, waits {string.Join("; ", waits)}.");
        }
        return new CanaryMeasurement(
            policy,
            _boot,
            _health,
            completion,
            bound,
            calls.Count,
            calls.Count(c => c.Service == "spot"),
            calls.Count(c => c.Service == "spot" && c.Method == "GET" && (c.Path.EndsWith("/status", StringComparison.Ordinal) || c.Path.EndsWith("/instanceHealthiness", StringComparison.Ordinal))),
            waits,
            [.. calls.GroupBy(c => $"{c.Service} {c.Method} {GroupIds().Replace(c.Path, "{groupId}")}{(c.Action is null ? string.Empty : " " + c.Action)}")
                .Select(g => new KeyValuePair<string, int>(g.Key, g.Count()))]);
    }

    /// <summary>Each wait: from the capacity change before it to its last poll, with the time the emulator's group was actually steady.</summary>
    private List<WaitMeasurement> Waits(IReadOnlyList<DeploymentEvent> events, DateTimeOffset started)
    {
        var waits = new List<WaitMeasurement>();
        double Seconds(DateTimeOffset time) => (time - started).TotalSeconds;
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is not CapacityChangedEvent change)
            {
                continue;
            }

            var polls = events.Skip(i + 1).TakeWhile(e => e is not CapacityChangedEvent)
                .OfType<InstancesProgressEvent>().Where(p => p.GroupId == change.GroupId).ToList();
            if (polls.Count == 0)
            {
                continue;
            }

            // The group is steady once every instance the capacity change left it with is HEALTHY, B + H after
            // its launch. Calls take no virtual time, so the instances this change launched carry its time
            // exactly, and the next change (at the instant this wait ends) launches after it. Only the new
            // group launches in this scenario; the previous group's instances are long healthy, so its waits
            // are steady at once.
            var detected = polls[^1].Time;
            var launched = _emulator.State.GetInstances(change.GroupId).Where(x => x.LaunchTime <= change.Time).ToList();
            var ready = launched.Count == 0 ? change.Time : launched.Max(x => x.LaunchTime + _boot + _health);
            if (ready < change.Time)
            {
                ready = change.Time;
            }

            waits.Add(new WaitMeasurement(change.Name, change.Capacity.Target, Seconds(change.Time), Seconds(ready), Seconds(detected), polls.Count));
        }

        return waits;
    }

    public async ValueTask DisposeAsync()
    {
        _spot.Dispose();
        _aws.Dispose();
        await _emulator.DisposeAsync().ConfigureAwait(false);
    }

    [GeneratedRegex("sig-[0-9a-z]+")]
    private static partial Regex GroupIds();

    /// <summary>Formats seconds for reports.</summary>
    public static string Format(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture);

    private static ElastigroupDocument Document() => ElastigroupDocument.FromGroup(new JsonObject
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
            ["launchSpecification"] = new JsonObject
            {
                ["imageId"] = OldImage,
                ["healthCheckType"] = "TARGET_GROUP",
                ["healthCheckGracePeriod"] = 300,
                ["securityGroupIds"] = new JsonArray("sg-123"),
            },
        },
    });

    /// <summary>Records every event in order, synchronously.</summary>
    private sealed class EventLog : IProgress<DeploymentEvent>
    {
        private readonly List<DeploymentEvent> _events = [];

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

        public void Report(DeploymentEvent value)
        {
            lock (_events)
            {
                _events.Add(value);
            }
        }
    }
}
