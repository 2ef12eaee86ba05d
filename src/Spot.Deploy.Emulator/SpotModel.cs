using System.Text.Json.Nodes;

namespace Spot.Deploy.Emulator;

/// <summary>A Spot group as the emulator holds it (see <see cref="EmulatorState.Groups"/>).</summary>
/// <param name="Id">The group id (<c>sig-…</c>).</param>
/// <param name="Name">The group's name.</param>
/// <param name="Minimum">The capacity's minimum.</param>
/// <param name="Target">The capacity's target.</param>
/// <param name="Maximum">The capacity's maximum.</param>
/// <param name="Unit">The capacity's unit (<c>instance</c> unless the document says <c>weight</c>).</param>
/// <param name="ImageId">The AMI new instances are launched with.</param>
public sealed record SpotGroupInfo(string Id, string? Name, int Minimum, int Target, int Maximum, string Unit, string ImageId);

/// <summary>An instance of a Spot group as the emulator holds it (see <see cref="EmulatorState.GetInstances"/>).</summary>
/// <param name="InstanceId">The EC2 instance id (<c>i-</c> and 17 hex digits).</param>
/// <param name="SpotRequestId">The spot request id (<c>sir-…</c>).</param>
/// <param name="State"><c>pending</c> (booting), <c>running</c> or <c>terminated</c> (also when detached from the group).</param>
/// <param name="Health"><c>INSUFFICIENT_DATA</c>, <c>HEALTHY</c> or <c>UNHEALTHY</c>; <c>UNKNOWN</c> once terminated.</param>
/// <param name="ImageId">The AMI it was launched with.</param>
/// <param name="LaunchTime">When it was launched, on the emulator's clock.</param>
public sealed record SpotInstanceInfo(string InstanceId, string SpotRequestId, string State, string Health, string ImageId, DateTimeOffset LaunchTime);

/// <summary>One group: its document (the source of truth for name, capacity and image) and what it ran.</summary>
internal sealed class SpotGroup(string id, JsonObject document, long sequence)
{
    public string Id { get; } = id;

    /// <summary>The group exactly as Spot would return it (id, createdAt, updatedAt included).</summary>
    public JsonObject Document { get; set; } = document;

    /// <summary>Creation order, for listing.</summary>
    public long Sequence { get; } = sequence;

    /// <summary>Every instance ever launched, terminated ones included, in launch order.</summary>
    public List<SpotInstance> Instances { get; } = [];

    /// <summary>Every roll, oldest first.</summary>
    public List<SpotRoll> Rolls { get; } = [];

    /// <summary>Every CodeDeploy blue/green deployment, oldest first.</summary>
    public List<SpotBlueGreenDeployment> BlueGreenDeployments { get; } = [];

    /// <summary>No more than this many instances may be alive at once (a simulated capacity shortfall).</summary>
    public int? MaxInstances { get; set; }

    /// <summary>The roll in progress, if any (there is at most one).</summary>
    public SpotRoll? ActiveRoll => Rolls.FirstOrDefault(r => r.IsActive);
}

/// <summary>One instance; its state and health are derived from the clock whenever they are read.</summary>
internal sealed class SpotInstance
{
    public required string Id { get; init; }

    public required string SpotRequestId { get; init; }

    public required string ImageId { get; init; }

    public required string InstanceType { get; init; }

    public required string AvailabilityZone { get; init; }

    public required string PrivateIp { get; init; }

    public required DateTimeOffset LaunchedAt { get; init; }

    public required TimeSpan BootTime { get; init; }

    public required long LaunchSequence { get; init; }

    /// <summary>When it left the group (terminated, interrupted, scaled in or detached).</summary>
    public DateTimeOffset? TerminatedAt { get; set; }

    /// <summary>True when a roll (or a detach) took it out of the group rather than a termination.</summary>
    public bool Detached { get; set; }

    /// <summary>The roll that launched it, if any.</summary>
    public string? RollId { get; init; }

    /// <summary>The batch of <see cref="RollId"/> that launched it.</summary>
    public int BatchNumber { get; init; }

    /// <summary>True while it is an extra instance of a roll batch in flight (not counted against the target).</summary>
    public bool Surge { get; set; }

    public DateTimeOffset RunningAt => LaunchedAt + BootTime;

    public bool IsAliveAt(DateTimeOffset time) => TerminatedAt is not { } terminated || terminated > time;
}

/// <summary>A Spot-managed blue/green roll.</summary>
internal sealed class SpotRoll
{
    public required string Id { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary><c>active</c>, <c>finished</c>, <c>failed</c> or <c>stopped</c> (active is shown as starting or in_progress).</summary>
    public string Outcome { get; set; } = "active";

    public required int BatchSizePercentage { get; init; }

    public required int GracePeriodSeconds { get; init; }

    /// <summary>The request's health check type, else the group's, else <c>EC2</c>; <c>NONE</c> checks nothing.</summary>
    public required string HealthCheckType { get; init; }

    public required string StrategyAction { get; init; }

    /// <summary>How many instances each batch replaces.</summary>
    public required int BatchSize { get; init; }

    public required int NumberOfBatches { get; init; }

    /// <summary>The instances to replace, captured when the roll started, oldest first.</summary>
    public required List<string> BlueInstanceIds { get; init; }

    public List<SpotRollBatch> Batches { get; } = [];

    public int CompletedBatches { get; set; }

    public bool IsActive => Outcome == "active";
}

/// <summary>One batch of a roll: the old instances it replaces and when it must be healthy.</summary>
internal sealed class SpotRollBatch
{
    public required int Number { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When the batch fails unless every new instance is healthy: start + boot time + grace period.</summary>
    public required DateTimeOffset Deadline { get; init; }

    /// <summary>When the new instances of the batch are all running (the end of "starting" for the first batch).</summary>
    public required DateTimeOffset BootedAt { get; init; }

    public required List<string> BlueInstanceIds { get; init; }
}

/// <summary>A CodeDeploy blue/green deployment record; its state follows the clock.</summary>
internal sealed class SpotBlueGreenDeployment
{
    public required string Id { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required JsonObject Config { get; init; }
}
