using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Spot.Deploy.Emulator;

// Spot's side of the state: groups (kept as the JSON documents Spot returns), their instances, rolls
// and CodeDeploy blue/green deployments. Instances have no timers: whenever anything is read, their
// state is derived from EmulatorOptions.TimeProvider — pending for the boot time,
// then running; INSUFFICIENT_DATA until EmulatorOptions.HealthCheckDelay after
// that, then HEALTHY (or UNHEALTHY for an image marked never healthy) — and rolls are
// replayed batch by batch up to the current time.
public sealed partial class EmulatorState
{
    private const string HexDigits = "0123456789abcdef";
    private const string RequestIdCharacters = "abcdefghijklmnopqrstuvwxyz0123456789";

    private readonly Dictionary<string, SpotGroup> _spotGroups = new(StringComparer.Ordinal);
    private readonly HashSet<string> _neverHealthyImages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TimeSpan> _imageBootTimes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _instanceIds = new(StringComparer.Ordinal);
    private long _spotGroupSequence;
    private long _launchSequence;

    /// <summary>
    /// Every Spot group, in creation order, with its capacity and image (a summary; <see cref="GetGroup"/>
    /// gives the whole document).
    /// </summary>
    public IReadOnlyList<SpotGroupInfo> Groups
    {
        get
        {
            lock (Gate)
            {
                return [.. _spotGroups.Values.OrderBy(g => g.Sequence).Select(Summarize)];
            }
        }
    }

    /// <summary>
    /// Adds a group as if it had existed for a while: its target's worth of instances are already
    /// running and (unless their image is marked never healthy) <c>HEALTHY</c>.
    /// </summary>
    /// <param name="group">The group document, bare or as <c>{"group": {…}}</c> (copied; the argument is not kept).
    /// An <c>id</c>, <c>createdAt</c> or <c>updatedAt</c> in it is kept; a missing one is filled in.</param>
    /// <returns>The group's id.</returns>
    /// <exception cref="ArgumentException">The document is not a group Spot would accept (the message names the field), or its id is taken.</exception>
    public string SeedGroup(JsonObject group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var document = (group["group"] as JsonObject ?? group).DeepClone().AsObject();
        lock (Gate)
        {
            try
            {
                SpotDocuments.Validate(document, Options.MaxCapacity);
            }
            catch (SpotRequestException e)
            {
                throw new ArgumentException($"The group is not valid: {e.Message} (field {e.Field}).", nameof(group), e);
            }

            var id = SpotDocuments.AsString(document["id"]);
            if (id is not null && _spotGroups.ContainsKey(id))
            {
                throw new ArgumentException($"A group with id {id} exists already.", nameof(group));
            }

            var now = Now;
            var createdAt = SpotDocuments.AsString(document["createdAt"]) ?? SpotDocuments.GroupTimestamp(now);
            var updatedAt = SpotDocuments.AsString(document["updatedAt"]) ?? createdAt;
            SpotDocuments.RemoveReadOnlyFields(document);
            var spotGroup = AddSpotGroup(id ?? NewId("sig"), document, createdAt, updatedAt);
            var image = SpotDocuments.ImageId(spotGroup.Document);
            ReconcileSpotGroup(spotGroup, now - BootTimeOf(image) - Options.HealthCheckDelay);
            CaptureTraffic();
            return spotGroup.Id;
        }
    }

    /// <summary>A copy of the group's document exactly as <c>GET /aws/ec2/group/{id}</c> returns it; null when there is no such group.</summary>
    /// <param name="groupId">The group id.</param>
    public JsonObject? GetGroup(string groupId)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        lock (Gate)
        {
            return _spotGroups.TryGetValue(groupId, out var group) ? group.Document.DeepClone().AsObject() : null;
        }
    }

    /// <summary>
    /// Every instance the group ever launched, in launch order, as of now: terminated (and detached)
    /// ones included with state <c>terminated</c>; Spot's status and healthiness calls show only the others.
    /// </summary>
    /// <param name="groupId">The group id.</param>
    /// <exception cref="ArgumentException">There is no such group.</exception>
    public IReadOnlyList<SpotInstanceInfo> GetInstances(string groupId)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        lock (Gate)
        {
            var group = RequireSeededGroup(groupId);
            AdvanceSpotGroup(group);
            var now = Now;
            return [.. group.Instances.Select(i => new SpotInstanceInfo(i.Id, i.SpotRequestId, InstanceState(i, now), InstanceHealth(i, now), i.ImageId, i.LaunchedAt))];
        }
    }

    /// <summary>
    /// Instances of this image never pass their health check: once booted and past the health check
    /// delay they report <c>UNHEALTHY</c> (instances already running it included), so waits for steady
    /// state time out and rolls onto it fail.
    /// </summary>
    /// <param name="imageId">The AMI id.</param>
    public void MarkImageNeverHealthy(string imageId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(imageId);
        lock (Gate)
        {
            _neverHealthyImages.Add(imageId);
            CaptureTraffic();
        }
    }

    /// <summary>Instances launched from now on with this image stay <c>pending</c> this long (instead of <see cref="EmulatorOptions.BootTime"/>).</summary>
    /// <param name="imageId">The AMI id.</param>
    /// <param name="bootTime">The boot time; zero or more.</param>
    public void SetImageBootTime(string imageId, TimeSpan bootTime)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(imageId);
        ArgumentOutOfRangeException.ThrowIfLessThan(bootTime, TimeSpan.Zero);
        lock (Gate)
        {
            _imageBootTimes[imageId] = bootTime;
        }
    }

    /// <summary>
    /// A spot interruption: the instance is terminated now and Spot launches a replacement at once
    /// (with the group's current image; subject to <see cref="SetCapacityShortfall"/>).
    /// </summary>
    /// <param name="instanceId">A live instance of any group.</param>
    /// <returns>The replacement's instance id, or null when a capacity shortfall prevented it.</returns>
    /// <exception cref="ArgumentException">No group has this instance alive.</exception>
    public string? Interrupt(string instanceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        lock (Gate)
        {
            foreach (var group in _spotGroups.Values)
            {
                AdvanceSpotGroup(group);
                var instance = group.Instances.FirstOrDefault(i => i.TerminatedAt is null && string.Equals(i.Id, instanceId, StringComparison.Ordinal));
                if (instance is null)
                {
                    continue;
                }

                var now = Now;
                instance.TerminatedAt = now;
                if (instance.Surge && group.ActiveRoll is { } roll && string.Equals(instance.RollId, roll.Id, StringComparison.Ordinal))
                {
                    return Launch(group, now, roll.Id, instance.BatchNumber, surge: true)?.Id;
                }

                return ReconcileSpotGroup(group, now).Launched.FirstOrDefault()?.Id;
            }

            throw new ArgumentException($"No group has a live instance {instanceId}.", nameof(instanceId));
        }
    }

    /// <summary>
    /// A capacity shortfall: from now on the group never has more than <paramref name="maxInstances"/>
    /// live (pending or running) instances; launches beyond that are left unfulfilled (the target stays,
    /// the instances are missing) until room appears. Instances already running are not touched.
    /// </summary>
    /// <param name="groupId">The group id.</param>
    /// <param name="maxInstances">The most live instances the group gets; zero or more.</param>
    /// <exception cref="ArgumentException">There is no such group.</exception>
    public void SetCapacityShortfall(string groupId, int maxInstances)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentOutOfRangeException.ThrowIfNegative(maxInstances);
        lock (Gate)
        {
            var group = RequireSeededGroup(groupId);
            AdvanceSpotGroup(group);
            group.MaxInstances = maxInstances;
        }
    }

    /// <summary>Ends a capacity shortfall: the group launches what it is missing at once.</summary>
    /// <param name="groupId">The group id.</param>
    /// <exception cref="ArgumentException">There is no such group.</exception>
    public void ClearCapacityShortfall(string groupId)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        lock (Gate)
        {
            var group = RequireSeededGroup(groupId);
            AdvanceSpotGroup(group);
            group.MaxInstances = null;
            ReconcileSpotGroup(group, Now);
        }
    }

    /// <summary>
    /// The target-group registrations of Spot's instances, for ELBv2 DescribeTargetHealth: every live
    /// instance of every group whose <c>loadBalancersConfig.loadBalancers</c> has TARGET_GROUP entries,
    /// once per target group. Health: <c>initial</c> while pending or <c>INSUFFICIENT_DATA</c>,
    /// <c>healthy</c> when <c>HEALTHY</c>, <c>unhealthy</c> when <c>UNHEALTHY</c>.
    /// </summary>
    internal IReadOnlyList<(string TargetGroupArn, string InstanceId, string HealthState)> TargetRegistrations()
    {
        lock (Gate)
        {
            var now = Now;
            var registrations = new List<(string TargetGroupArn, string InstanceId, string HealthState)>();
            foreach (var group in _spotGroups.Values.OrderBy(g => g.Sequence))
            {
                var arns = SpotDocuments.TargetGroupArns(group.Document);
                if (arns.Count == 0)
                {
                    continue;
                }

                AdvanceSpotGroup(group);
                foreach (var instance in group.Instances.Where(i => i.TerminatedAt is null))
                {
                    var health = InstanceHealth(instance, now) switch
                    {
                        "HEALTHY" => "healthy",
                        "UNHEALTHY" => "unhealthy",
                        _ => "initial",
                    };
                    registrations.AddRange(arns.Select(arn => (arn, instance.Id, health)));
                }
            }

            return registrations;
        }
    }

    partial void AddSpotSnapshot(JsonObject snapshot)
    {
        var now = Now;
        var groups = new JsonArray();
        var rolls = new JsonArray();
        var blueGreen = new JsonArray();
        foreach (var group in _spotGroups.Values.OrderBy(g => g.Id, StringComparer.Ordinal))
        {
            AdvanceSpotGroup(group);
            var capacity = SpotDocuments.Capacity(group.Document);
            var instances = new JsonArray();
            foreach (var instance in group.Instances.Where(i => i.TerminatedAt is null).OrderBy(i => i.Id, StringComparer.Ordinal))
            {
                instances.Add(new JsonObject
                {
                    ["id"] = instance.Id,
                    ["instanceType"] = instance.InstanceType,
                    ["weight"] = Weight(group, instance),
                    ["state"] = InstanceState(instance, now),
                    ["health"] = InstanceHealth(instance, now),
                });
            }

            groups.Add(new JsonObject
            {
                ["id"] = group.Id,
                ["name"] = SpotDocuments.AsString(group.Document["name"]),
                ["capacity"] = new JsonObject
                {
                    ["minimum"] = capacity.Minimum,
                    ["target"] = capacity.Target,
                    ["maximum"] = capacity.Maximum,
                    ["unit"] = capacity.Unit,
                },
                ["imageId"] = SpotDocuments.ImageId(group.Document),
                ["loadBalancers"] = new JsonArray([.. SpotDocuments.TargetGroupArns(group.Document).Select(a => (JsonNode?)a)]),
                ["instances"] = instances,
            });

            foreach (var roll in group.Rolls.OrderBy(r => r.Id, StringComparer.Ordinal))
            {
                rolls.Add(new JsonObject
                {
                    ["id"] = roll.Id,
                    ["groupId"] = group.Id,
                    ["status"] = RollStatusText(roll, now),
                    ["currentBatch"] = RollCurrentBatch(roll),
                    ["numberOfBatches"] = roll.NumberOfBatches,
                    ["progress"] = RollProgress(roll),
                });
            }

            foreach (var deployment in group.BlueGreenDeployments.OrderBy(d => d.Id, StringComparer.Ordinal))
            {
                blueGreen.Add(new JsonObject
                {
                    ["id"] = deployment.Id,
                    ["groupId"] = group.Id,
                    ["state"] = BlueGreenState(deployment, now).State,
                });
            }
        }

        snapshot["groups"] = groups;
        snapshot["rolls"] = rolls;
        snapshot["codeDeployBlueGreenDeployments"] = blueGreen;
    }

    private SpotGroup RequireSeededGroup(string groupId) =>
        _spotGroups.TryGetValue(groupId, out var group) ? group : throw new ArgumentException($"There is no group {groupId}.", nameof(groupId));

    private SpotGroupInfo Summarize(SpotGroup group)
    {
        var capacity = SpotDocuments.Capacity(group.Document);
        return new SpotGroupInfo(group.Id, SpotDocuments.AsString(group.Document["name"]), capacity.Minimum, capacity.Target, capacity.Maximum, capacity.Unit,
            SpotDocuments.ImageId(group.Document));
    }

    /// <summary>
    /// Stores a validated group: <c>id</c> first, the client's fields in their order, <c>createdAt</c> and
    /// <c>updatedAt</c> last (as Spot returns them), <c>capacity.unit</c> defaulting to <c>instance</c>.
    /// </summary>
    private SpotGroup AddSpotGroup(string id, JsonObject document, string createdAt, string updatedAt)
    {
        var stored = new JsonObject { ["id"] = id };
        foreach (var (name, value) in document.ToList())
        {
            document.Remove(name);
            stored[name] = value;
        }

        if (stored["capacity"] is JsonObject capacity && capacity["unit"] is null)
        {
            capacity["unit"] = "instance";
        }

        stored["createdAt"] = createdAt;
        stored["updatedAt"] = updatedAt;
        var group = new SpotGroup(id, stored, ++_spotGroupSequence);
        _spotGroups.Add(id, group);
        return group;
    }

    private TimeSpan BootTimeOf(string imageId) => _imageBootTimes.TryGetValue(imageId, out var boot) ? boot : Options.BootTime;

    private static string InstanceState(SpotInstance instance, DateTimeOffset now) =>
        !instance.IsAliveAt(now) ? "terminated" : now < instance.RunningAt ? "pending" : "running";

    private string InstanceHealth(SpotInstance instance, DateTimeOffset now) =>
        !instance.IsAliveAt(now) ? "UNKNOWN"
        : now < instance.RunningAt + Options.HealthCheckDelay ? "INSUFFICIENT_DATA"
        : _neverHealthyImages.Contains(instance.ImageId) ? "UNHEALTHY"
        : "HEALTHY";

    /// <summary>When the instance reports HEALTHY, or null if it never will.</summary>
    private DateTimeOffset? HealthyAt(SpotInstance instance) =>
        _neverHealthyImages.Contains(instance.ImageId) ? null : instance.RunningAt + Options.HealthCheckDelay;

    /// <summary>Brings a group up to now: replays its roll, then launches or terminates to meet the target.</summary>
    private void AdvanceSpotGroup(SpotGroup group)
    {
        var now = Now;
        if (group.ActiveRoll is { } roll)
        {
            AdvanceRoll(group, roll, now);
        }

        ReconcileSpotGroup(group, now);
    }

    /// <summary>
    /// Makes the group's live instances (not counting a roll's extra ones) match its target: launches the
    /// missing ones (as far as a shortfall allows) or terminates the newest surplus ones at once. The target is counted
    /// in the group's unit: in <c>weight</c> units each instance counts its type's weight, instances are launched until
    /// their weights reach the target (the last one may overshoot it: Spot launches whole instances), and the newest are
    /// terminated while the rest still reach it. The number of instances never exceeds the target (weights are at least 1).
    /// </summary>
    private (List<SpotInstance> Launched, List<SpotInstance> Terminated) ReconcileSpotGroup(SpotGroup group, DateTimeOffset now)
    {
        var target = SpotDocuments.Capacity(group.Document).Target;
        var regular = group.Instances.Where(i => i.TerminatedAt is null && !i.Surge).OrderByDescending(i => i.LaunchSequence).ToList();
        var capacity = regular.Sum(i => Weight(group, i));
        var launched = new List<SpotInstance>();
        var terminated = new List<SpotInstance>();
        foreach (var instance in regular)
        {
            var weight = Weight(group, instance);
            if (capacity - weight < target)
            {
                break;
            }

            instance.TerminatedAt = now;
            terminated.Add(instance);
            capacity -= weight;
        }

        while (capacity < target)
        {
            if (Launch(group, now, rollId: null, batchNumber: 0, surge: false) is not { } instance)
            {
                break;
            }

            launched.Add(instance);
            capacity += Weight(group, instance);
        }

        return (launched, terminated);
    }

    private static int Weight(SpotGroup group, SpotInstance instance) => SpotDocuments.InstanceWeight(group.Document, instance.InstanceType);

    /// <summary>Launches one instance with the group's current image, unless a capacity shortfall leaves no room.</summary>
    private SpotInstance? Launch(SpotGroup group, DateTimeOffset at, string? rollId, int batchNumber, bool surge)
    {
        if (group.MaxInstances is { } max && group.Instances.Count(i => i.TerminatedAt is null) >= max)
        {
            return null;
        }

        var image = SpotDocuments.ImageId(group.Document);
        var zones = SpotDocuments.AvailabilityZones(group.Document);
        var sequence = ++_launchSequence;
        var zone = zones.Count > 0 ? zones[(int)(sequence % zones.Count)] : Options.Region + "abc"[(int)(sequence % 3)];
        var instance = new SpotInstance
        {
            Id = NewInstanceId(),
            SpotRequestId = "sir-" + RandomText(RequestIdCharacters, 8),
            ImageId = image,
            InstanceType = SpotDocuments.InstanceType(group.Document),
            AvailabilityZone = zone,
            PrivateIp = string.Create(CultureInfo.InvariantCulture, $"10.0.{Random.Next(0, 256)}.{Random.Next(1, 255)}"),
            LaunchedAt = at,
            BootTime = BootTimeOf(image),
            LaunchSequence = sequence,
            RollId = rollId,
            BatchNumber = batchNumber,
            Surge = surge,
        };
        group.Instances.Add(instance);
        return instance;
    }

    private string NewInstanceId()
    {
        while (true)
        {
            var id = "i-" + RandomText(HexDigits, 17);
            if (_instanceIds.Add(id))
            {
                return id;
            }
        }
    }

    private string RandomText(string alphabet, int length)
    {
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            text.Append(alphabet[Random.Next(alphabet.Length)]);
        }

        return text.ToString();
    }
}
