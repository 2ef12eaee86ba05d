using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spot.Deploy.Elastigroup;

/// <summary>Source-generated JSON metadata for every wire type (no reflection at run time).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(SpotEnvelope<JsonElement>))]
[JsonSerializable(typeof(SpotEnvelope<ElastigroupGroup>))]
[JsonSerializable(typeof(SpotEnvelope<GroupInstance>))]
[JsonSerializable(typeof(SpotEnvelope<InstanceHealth>))]
[JsonSerializable(typeof(SpotEnvelope<RollStatus>))]
[JsonSerializable(typeof(SpotEnvelope<RollActionResult>))]
[JsonSerializable(typeof(SpotEnvelope<CodeDeployBlueGreenDeployment>))]
[JsonSerializable(typeof(CapacityBody))]
[JsonSerializable(typeof(DeleteGroupOptions))]
[JsonSerializable(typeof(RollRequest))]
[JsonSerializable(typeof(RollStopBody))]
[JsonSerializable(typeof(RollActionRequest))]
[JsonSerializable(typeof(DetachInstancesRequest))]
[JsonSerializable(typeof(CodeDeployBody))]
internal sealed partial class SpotJsonContext : JsonSerializerContext
{
}

/// <summary><c>{"capacity":{minimum,maximum,target}}</c>; the unit cannot change and is not sent.</summary>
internal sealed class CapacityBody
{
    public required CapacityBodyValues Capacity { get; init; }
}

internal sealed class CapacityBodyValues
{
    public int Minimum { get; init; }

    public int Maximum { get; init; }

    public int Target { get; init; }
}

/// <summary><c>{"roll":{"status":"STOPPED"}}</c>.</summary>
internal sealed class RollStopBody
{
    public RollStopValues Roll { get; init; } = new();
}

internal sealed class RollStopValues
{
    public string Status { get; init; } = "STOPPED";
}

/// <summary><c>{"deployment":{…}}</c>.</summary>
internal sealed class CodeDeployBody
{
    public required CodeDeployBlueGreenRequest Deployment { get; init; }
}
