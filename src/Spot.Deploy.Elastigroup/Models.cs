using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spot.Deploy.Elastigroup;

/// <summary>
/// A group as Spot returns it. The fields deployments need are typed; every other field is kept
/// in <see cref="AdditionalProperties"/> untouched. For editing a user's group without loss use
/// <see cref="ElastigroupDocument"/>.
/// </summary>
public sealed class ElastigroupGroup
{
    /// <summary>Spot's group id (<c>sig-…</c>).</summary>
    public string? Id { get; set; }

    /// <summary>The group's name.</summary>
    public string? Name { get; set; }

    /// <summary>The group's description.</summary>
    public string? Description { get; set; }

    /// <summary>The group's region, when Spot returns it.</summary>
    public string? Region { get; set; }

    /// <summary>Minimum, target, maximum and unit.</summary>
    public GroupCapacity? Capacity { get; set; }

    /// <summary>Spot strategy essentials.</summary>
    public GroupStrategy? Strategy { get; set; }

    /// <summary>Compute settings, including the launch specification.</summary>
    public GroupCompute? Compute { get; set; }

    /// <summary>Third-party integrations (CodeDeploy, ECS, …).</summary>
    public GroupThirdPartiesIntegration? ThirdPartiesIntegration { get; set; }

    /// <summary>When the group was created (both of Spot's timestamp styles are read).</summary>
    [JsonConverter(typeof(SpotTimestampConverter))]
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>When the group was last changed.</summary>
    [JsonConverter(typeof(SpotTimestampConverter))]
    public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>Every other field, exactly as received.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalProperties { get; set; }

    /// <summary>For example <c>app__3 (sig-123, min 1, target 2, max 4)</c>.</summary>
    public override string ToString() => $"{Name} ({Id}{(Capacity is null ? string.Empty : ", " + Capacity)})";
}

/// <summary>A group's capacity as Spot writes it.</summary>
public sealed class GroupCapacity
{
    /// <summary>Creates an empty capacity (for serializers).</summary>
    public GroupCapacity()
    {
    }

    /// <summary>Creates a capacity.</summary>
    public GroupCapacity(int minimum, int target, int maximum)
    {
        Minimum = minimum;
        Target = target;
        Maximum = maximum;
    }

    /// <summary>Minimum size.</summary>
    public int? Minimum { get; set; }

    /// <summary>Maximum size.</summary>
    public int? Maximum { get; set; }

    /// <summary>Target size.</summary>
    public int? Target { get; set; }

    /// <summary><c>instance</c> or <c>weight</c>; cannot change after create (not sent on capacity updates).</summary>
    public string? Unit { get; set; }

    /// <summary>Every other field, exactly as received.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalProperties { get; set; }

    /// <summary>For example <c>min 1, target 2, max 4</c>.</summary>
    public override string ToString() => $"min {Minimum}, target {Target}, max {Maximum}";
}

/// <summary>Strategy essentials; <c>persistence</c> and the rest stay raw (the spec and real payloads disagree on their shape).</summary>
public sealed class GroupStrategy
{
    /// <summary>Percentage of spot instances (0–100).</summary>
    public int? Risk { get; set; }

    /// <summary>Number of on-demand instances.</summary>
    public int? OnDemandCount { get; set; }

    /// <summary>costOriented, availabilityOriented, balanced, cheapest, equalAzDistribution.</summary>
    public string? AvailabilityVsCost { get; set; }

    /// <summary>Seconds to drain an instance before termination.</summary>
    public int? DrainingTimeout { get; set; }

    /// <summary>Fall back to on-demand when no spot capacity is available.</summary>
    [JsonConverter(typeof(LenientBooleanConverter))]
    public bool? FallbackToOd { get; set; }

    /// <summary>Every other field, exactly as received.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>Compute essentials.</summary>
public sealed class GroupCompute
{
    /// <summary>The product, e.g. <c>Linux/UNIX</c>; cannot change after create.</summary>
    public string? Product { get; set; }

    /// <summary>The launch specification.</summary>
    public LaunchSpecification? LaunchSpecification { get; set; }

    /// <summary>Every other field, exactly as received.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>What instances are launched with.</summary>
public sealed class LaunchSpecification
{
    /// <summary>The AMI id, when the group uses a single image.</summary>
    public string? ImageId { get; set; }

    /// <summary>The images, when the group uses <c>images</c> instead of <c>imageId</c>.</summary>
    public IList<GroupImage>? Images { get; set; }

    /// <summary>User data, base64.</summary>
    public string? UserData { get; set; }

    /// <summary>ELB, TARGET_GROUP, EC2, HCS, …</summary>
    public string? HealthCheckType { get; set; }

    /// <summary>Seconds before health checks count.</summary>
    public int? HealthCheckGracePeriod { get; set; }

    /// <summary>The group's load balancers and target groups.</summary>
    public LoadBalancersConfig? LoadBalancersConfig { get; set; }

    /// <summary>Every other field, exactly as received.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>One entry of <c>images</c>.</summary>
public sealed class GroupImage
{
    /// <summary>The AMI id.</summary>
    public string? Id { get; set; }

    /// <summary>Every other field, exactly as received.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>The load balancers of a group.</summary>
public sealed class LoadBalancersConfig
{
    /// <summary>Classic ELBs and ALB/NLB target groups.</summary>
    public IList<GroupLoadBalancer>? LoadBalancers { get; set; }

    /// <summary>Every other field, exactly as received.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>One load balancer or target group of a group.</summary>
public sealed class GroupLoadBalancer
{
    /// <summary>Name (of the ELB or target group).</summary>
    public string? Name { get; set; }

    /// <summary>The target group's ARN (TARGET_GROUP).</summary>
    public string? Arn { get; set; }

    /// <summary>CLASSIC or TARGET_GROUP.</summary>
    public string? Type { get; set; }

    /// <summary>Every other field, exactly as received.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>Third-party integrations; the two deployments care about are typed loosely.</summary>
public sealed class GroupThirdPartiesIntegration
{
    /// <summary>CodeDeploy settings (cleanUpOnFailure, terminateInstanceOnFailure, deploymentGroups).</summary>
    public JsonElement? CodeDeploy { get; set; }

    /// <summary>ECS settings (clusterName, autoScale, …).</summary>
    public JsonElement? Ecs { get; set; }

    /// <summary>Every other integration, exactly as received.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>An instance of a group (<c>GET …/status</c>).</summary>
public sealed class GroupInstance
{
    /// <summary>The EC2 instance id (null while a spot request is open).</summary>
    public string? InstanceId { get; set; }

    /// <summary>The spot request id (null for on-demand).</summary>
    public string? SpotInstanceRequestId { get; set; }

    /// <summary>The instance type.</summary>
    public string? InstanceType { get; set; }

    /// <summary>The product.</summary>
    public string? Product { get; set; }

    /// <summary>The group id.</summary>
    public string? GroupId { get; set; }

    /// <summary>The availability zone.</summary>
    public string? AvailabilityZone { get; set; }

    /// <summary>The private IP.</summary>
    public string? PrivateIp { get; set; }

    /// <summary>The public IP.</summary>
    public string? PublicIp { get; set; }

    /// <summary>Spot's status text (e.g. <c>fulfilled</c>, <c>running</c>, <c>pending-evaluation</c>).</summary>
    public string? Status { get; set; }

    /// <summary>When the instance was created.</summary>
    [JsonConverter(typeof(SpotTimestampConverter))]
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>Every other field, exactly as received.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>Health of one instance (<c>GET …/instanceHealthiness</c>).</summary>
public sealed class InstanceHealth
{
    /// <summary>The value Spot gives a healthy instance.</summary>
    public const string Healthy = "HEALTHY";

    /// <summary>The EC2 instance id.</summary>
    public string? InstanceId { get; set; }

    /// <summary>The spot request id.</summary>
    public string? SpotRequestId { get; set; }

    /// <summary>The group id.</summary>
    public string? GroupId { get; set; }

    /// <summary>The availability zone.</summary>
    public string? AvailabilityZone { get; set; }

    /// <summary>SPOT or OD.</summary>
    public string? LifeCycle { get; set; }

    /// <summary>HEALTHY, UNHEALTHY, INSUFFICIENT_DATA or UNKNOWN.</summary>
    public string? HealthStatus { get; set; }

    /// <summary>True when <see cref="HealthStatus"/> is HEALTHY.</summary>
    [JsonIgnore]
    public bool IsHealthy => string.Equals(HealthStatus, Healthy, StringComparison.OrdinalIgnoreCase);

    /// <summary>Every other field, exactly as received.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>Options of a group delete (all optional).</summary>
public sealed class DeleteGroupOptions
{
    /// <summary>Stateful groups: what to delete with the group.</summary>
    public StatefulDeallocation? StatefulDeallocation { get; set; }
}

/// <summary>What a stateful group's deletion also removes.</summary>
public sealed class StatefulDeallocation
{
    /// <summary>Delete the group's images.</summary>
    public bool? ShouldDeleteImages { get; set; }

    /// <summary>Delete the network interfaces.</summary>
    public bool? ShouldDeleteNetworkInterfaces { get; set; }

    /// <summary>Delete the volumes.</summary>
    public bool? ShouldDeleteVolumes { get; set; }

    /// <summary>Delete the snapshots.</summary>
    public bool? ShouldDeleteSnapshots { get; set; }
}

/// <summary>Start of a Spot-managed blue/green roll (<c>PUT …/roll</c>).</summary>
public sealed class RollRequest
{
    /// <summary>Percentage of the group replaced per batch (required).</summary>
    public int BatchSizePercentage { get; set; } = 20;

    /// <summary>Seconds to wait for new instances to become healthy (required).</summary>
    public int GracePeriod { get; set; } = 600;

    /// <summary>ELB, TARGET_GROUP, EC2, HCS, NONE, …</summary>
    public string? HealthCheckType { get; set; }

    /// <summary>Seconds to drain old instances.</summary>
    public int? DrainingTimeout { get; set; }

    /// <summary>Roll strategy (action, batchMinHealthyPercentage, onFailure …), as JSON.</summary>
    public JsonElement? Strategy { get; set; }
}

/// <summary>A roll (<c>GET …/roll</c> items and <c>…/roll/{rollId}/status</c>).</summary>
public sealed class RollStatus
{
    /// <summary>The roll id (<c>sbgd-…</c>).</summary>
    public string? Id { get; set; }

    /// <summary>starting, in_progress, finished, stopped, failed … (compare case-insensitively).</summary>
    public string? Status { get; set; }

    /// <summary>Progress.</summary>
    public RollProgress? Progress { get; set; }

    /// <summary>The current batch.</summary>
    public int? CurrentBatch { get; set; }

    /// <summary>The number of batches (<c>numOfBatches</c> or <c>numberOfBatches</c>).</summary>
    public int? NumOfBatches { get; set; }

    /// <summary>The number of batches as the detailed status names it.</summary>
    public int? NumberOfBatches { get; set; }

    /// <summary>When the roll started.</summary>
    [JsonConverter(typeof(SpotTimestampConverter))]
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>When the roll last changed.</summary>
    [JsonConverter(typeof(SpotTimestampConverter))]
    public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>True for a finished roll.</summary>
    [JsonIgnore]
    public bool IsFinished => Is("finished") || Is("completed");

    /// <summary>True for a roll that ended without finishing (stopped or failed).</summary>
    [JsonIgnore]
    public bool IsFailedOrStopped => Is("failed") || Is("stopped");

    /// <summary>Every other field (blue/green instances …), exactly as received.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalProperties { get; set; }

    private bool Is(string status) => string.Equals(Status, status, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Roll progress.</summary>
public sealed class RollProgress
{
    /// <summary>Usually <c>percent</c>.</summary>
    public string? Unit { get; set; }

    /// <summary>The value.</summary>
    public double? Value { get; set; }
}

/// <summary>An action on a running roll (<c>POST …/roll/{rollId}/action</c>).</summary>
public sealed class RollActionRequest
{
    /// <summary>DETACH_OLD or DETACH_NEW.</summary>
    public string ActionType { get; set; } = "DETACH_OLD";

    /// <summary>Apply to all batches.</summary>
    public bool? ShouldHandleAllBatches { get; set; }

    /// <summary>Seconds to drain.</summary>
    public int? DrainingTimeout { get; set; }

    /// <summary>Lower the target as instances are detached.</summary>
    public bool? ShouldDecrementTargetCapacity { get; set; }
}

/// <summary>Result of a roll action.</summary>
public sealed class RollActionResult
{
    /// <summary>The group id.</summary>
    public string? GroupId { get; set; }

    /// <summary>The roll id.</summary>
    public string? RollId { get; set; }

    /// <summary>The action.</summary>
    public string? ActionType { get; set; }

    /// <summary>Instances detached.</summary>
    public IList<string>? DetachedInstances { get; set; }
}

/// <summary>Detach instances from a group (<c>PUT …/detachInstances</c>).</summary>
public sealed class DetachInstancesRequest
{
    /// <summary>The instance ids.</summary>
    public IList<string> InstancesToDetach { get; set; } = [];

    /// <summary>Terminate them after detaching.</summary>
    public bool? ShouldTerminateInstances { get; set; }

    /// <summary>Lower the group's target accordingly.</summary>
    public bool? ShouldDecrementTargetCapacity { get; set; }

    /// <summary>Seconds to drain.</summary>
    public int? DrainingTimeout { get; set; }
}

/// <summary>A CodeDeploy blue/green deployment request (<c>POST …/codeDeploy/blueGreenDeployment</c>).</summary>
public sealed class CodeDeployBlueGreenRequest
{
    /// <summary>Minutes before the deployment times out.</summary>
    public int? Timeout { get; set; }

    /// <summary>Tags (tagKey/tagValue) that select the instances.</summary>
    public IList<CodeDeployTag>? Tags { get; set; }

    /// <summary>The CodeDeploy application and deployment groups.</summary>
    public IList<CodeDeployDeploymentGroup>? DeploymentGroups { get; set; }
}

/// <summary>A tag of a CodeDeploy blue/green deployment.</summary>
public sealed class CodeDeployTag
{
    /// <summary>The key.</summary>
    public string? TagKey { get; set; }

    /// <summary>The value.</summary>
    public string? TagValue { get; set; }
}

/// <summary>A CodeDeploy application and deployment group.</summary>
public sealed class CodeDeployDeploymentGroup
{
    /// <summary>The CodeDeploy application.</summary>
    public string? ApplicationName { get; set; }

    /// <summary>The deployment group.</summary>
    public string? DeploymentGroupName { get; set; }
}

/// <summary>A CodeDeploy blue/green deployment as Spot reports it.</summary>
public sealed class CodeDeployBlueGreenDeployment
{
    /// <summary>The deployment id (<c>cdbg-…</c>).</summary>
    public string? Id { get; set; }

    /// <summary>The group id.</summary>
    public string? GroupId { get; set; }

    /// <summary>STARTING, …</summary>
    public string? State { get; set; }

    /// <summary>INITIALIZING, … (seen in real payloads, not in the spec).</summary>
    public string? Status { get; set; }

    /// <summary>The request's settings as Spot echoes them.</summary>
    public CodeDeployBlueGreenRequest? Config { get; set; }

    /// <summary>Every other field, exactly as received.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>Reads <c>true</c>, <c>false</c>, <c>"true"</c> and <c>"false"</c> (Spot payloads carry both).</summary>
internal sealed class LenientBooleanConverter : JsonConverter<bool?>
{
    public override bool? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.Null => null,
        JsonTokenType.String when bool.TryParse(reader.GetString(), out var value) => value,
        _ => throw new JsonException("Expected a boolean."),
    };

    public override void Write(Utf8JsonWriter writer, bool? value, JsonSerializerOptions options)
    {
        if (value is { } v)
        {
            writer.WriteBooleanValue(v);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
