using System.Globalization;
using System.Text.Json.Nodes;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>The kinds of executable operation a compiled deployment is made of.</summary>
internal enum OpKind
{
    Create,
    Scale,
    Delete,
    Rename,
    ShiftTraffic,
    SwapRoutes,
    RestoreRoutes,
    UpdateImage,
    Roll,
    StopRoll,
}

/// <summary>
/// One executable operation of a compiled deployment, in a form the journal stores (<see cref="ToJson"/>)
/// so a new process can resume or roll back from it. Group references to the group the deployment creates
/// are resolved when the operation runs (<see cref="NewGroup"/>).
/// </summary>
internal sealed record Op
{
    public required string Id { get; init; }

    public required OpKind Kind { get; init; }

    /// <summary>Index of the stage (setup, phase …) the operation belongs to.</summary>
    public int Stage { get; init; }

    /// <summary>A one-line description with every number.</summary>
    public required string Description { get; init; }

    /// <summary>The group acted on by id; null with <see cref="NewGroup"/>.</summary>
    public string? GroupId { get; init; }

    /// <summary>The group's name (for messages, and for the create: the new name).</summary>
    public string? GroupName { get; init; }

    /// <summary>The operation acts on the group this deployment creates (its id is known once created).</summary>
    public bool NewGroup { get; init; }

    public Capacity? From { get; init; }

    public Capacity? To { get; init; }

    public bool Wait { get; init; }

    public string? NewName { get; init; }

    /// <summary>The create body (null when it held secret-like properties and was not journaled).</summary>
    public JsonObject? Body { get; init; }

    /// <summary>Why the body is not journaled (the secret-like property's path), or null.</summary>
    public string? BodyOmitted { get; init; }

    /// <summary>Clean-up: a failure is reported as a warning and does not fail the deployment.</summary>
    public bool Cleanup { get; init; }

    /// <summary>Rollback: a missing group counts as done for scale and delete.</summary>
    public bool MissingIsDone { get; init; }

    public TrafficWeights? Weights { get; init; }

    public IReadOnlyList<RoutePair>? Routes { get; init; }

    public string? ImageId { get; init; }

    public bool UsesImages { get; init; }

    public int? BatchSizePercentage { get; init; }

    public int? GracePeriodSeconds { get; init; }

    public string? HealthCheckType { get; init; }

    /// <summary>Target groups to check with <see cref="SteadyStateOptions.RequireTargetGroupHealth"/>.</summary>
    public IReadOnlyList<string>? TargetGroupArns { get; init; }

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["id"] = Id,
            ["kind"] = Kind.ToString(),
            ["stage"] = Stage,
            ["description"] = Description,
        };
        Put(json, "groupId", GroupId);
        Put(json, "groupName", GroupName);
        if (NewGroup)
        {
            json["newGroup"] = true;
        }

        if (From is { } from)
        {
            json["from"] = CapacityJson.ToJson(from);
        }

        if (To is { } to)
        {
            json["to"] = CapacityJson.ToJson(to);
        }

        if (Wait)
        {
            json["wait"] = true;
        }

        Put(json, "newName", NewName);
        if (Body is not null)
        {
            json["body"] = Body.DeepClone();
        }

        Put(json, "bodyOmitted", BodyOmitted);
        if (Cleanup)
        {
            json["cleanup"] = true;
        }

        if (MissingIsDone)
        {
            json["missingIsDone"] = true;
        }

        if (Weights is { } weights)
        {
            json["weights"] = new JsonObject { ["percent"] = weights.Percent, ["new"] = weights.NewWeight, ["old"] = weights.OldWeight };
        }

        if (Routes is { } routes)
        {
            var array = new JsonArray();
            foreach (var route in routes)
            {
                array.Add(route.ToJson());
            }

            json["routes"] = array;
        }

        Put(json, "imageId", ImageId);
        if (UsesImages)
        {
            json["usesImages"] = true;
        }

        if (BatchSizePercentage is { } batch)
        {
            json["batchSizePercentage"] = batch;
        }

        if (GracePeriodSeconds is { } grace)
        {
            json["gracePeriod"] = grace;
        }

        Put(json, "healthCheckType", HealthCheckType);
        if (TargetGroupArns is { Count: > 0 } arns)
        {
            json["targetGroupArns"] = new JsonArray([.. arns.Select(a => (JsonNode?)JsonValue.Create(a))]);
        }

        return json;
    }

    public static Op FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return new Op
        {
            Id = Str(json, "id") ?? throw Corrupt("id"),
            Kind = Enum.Parse<OpKind>(Str(json, "kind") ?? throw Corrupt("kind")),
            Stage = json["stage"]?.GetValue<int>() ?? 0,
            Description = Str(json, "description") ?? string.Empty,
            GroupId = Str(json, "groupId"),
            GroupName = Str(json, "groupName"),
            NewGroup = json["newGroup"]?.GetValue<bool>() ?? false,
            From = json["from"] is JsonObject from ? CapacityJson.FromJson(from) : null,
            To = json["to"] is JsonObject to ? CapacityJson.FromJson(to) : null,
            Wait = json["wait"]?.GetValue<bool>() ?? false,
            NewName = Str(json, "newName"),
            Body = json["body"] is JsonObject body ? (JsonObject)body.DeepClone() : null,
            BodyOmitted = Str(json, "bodyOmitted"),
            Cleanup = json["cleanup"]?.GetValue<bool>() ?? false,
            MissingIsDone = json["missingIsDone"]?.GetValue<bool>() ?? false,
            Weights = json["weights"] is JsonObject w
                ? new TrafficWeights(w["percent"]!.GetValue<int>(), w["new"]!.GetValue<int>(), w["old"]!.GetValue<int>())
                : null,
            Routes = json["routes"] is JsonArray routes ? [.. routes.Select(r => RoutePair.FromJson((JsonObject)r!))] : null,
            ImageId = Str(json, "imageId"),
            UsesImages = json["usesImages"]?.GetValue<bool>() ?? false,
            BatchSizePercentage = json["batchSizePercentage"]?.GetValue<int>(),
            GracePeriodSeconds = json["gracePeriod"]?.GetValue<int>(),
            HealthCheckType = Str(json, "healthCheckType"),
            TargetGroupArns = json["targetGroupArns"] is JsonArray tgs ? [.. tgs.Select(t => t!.GetValue<string>())] : null,
        };
    }

    private static void Put(JsonObject json, string name, string? value)
    {
        if (value is not null)
        {
            json[name] = value;
        }
    }

    internal static string? Str(JsonObject json, string name) => json[name]?.GetValue<string>();

    private static FormatException Corrupt(string field) =>
        new(string.Create(CultureInfo.InvariantCulture, $"A journaled operation has no '{field}'."));
}

/// <summary>One load balancer's production and stage routes with the target groups they forwarded to when planned, and their action lists then (XML).</summary>
internal sealed record RoutePair(
    ListenerRoute Production,
    ListenerRoute Stage,
    string ProductionTargetGroupArn,
    string StageTargetGroupArn,
    IReadOnlyList<string> ProductionActionsXml,
    IReadOnlyList<string> StageActionsXml)
{
    public BlueGreenLoadBalancer LoadBalancer => new(Production, Stage);

    public JsonObject ToJson() => new()
    {
        ["productionListenerArn"] = Production.ListenerArn,
        ["productionRuleArn"] = Production.RuleArn,
        ["stageListenerArn"] = Stage.ListenerArn,
        ["stageRuleArn"] = Stage.RuleArn,
        ["productionTargetGroupArn"] = ProductionTargetGroupArn,
        ["stageTargetGroupArn"] = StageTargetGroupArn,
        ["productionActions"] = new JsonArray([.. ProductionActionsXml.Select(x => (JsonNode?)JsonValue.Create(x))]),
        ["stageActions"] = new JsonArray([.. StageActionsXml.Select(x => (JsonNode?)JsonValue.Create(x))]),
    };

    public static RoutePair FromJson(JsonObject json) => new(
        new ListenerRoute(Op.Str(json, "productionListenerArn")!, Op.Str(json, "productionRuleArn")),
        new ListenerRoute(Op.Str(json, "stageListenerArn")!, Op.Str(json, "stageRuleArn")),
        Op.Str(json, "productionTargetGroupArn")!,
        Op.Str(json, "stageTargetGroupArn")!,
        [.. ((JsonArray)json["productionActions"]!).Select(x => x!.GetValue<string>())],
        [.. ((JsonArray)json["stageActions"]!).Select(x => x!.GetValue<string>())]);
}

/// <summary>Capacity ↔ JSON for the journal.</summary>
internal static class CapacityJson
{
    public static JsonObject ToJson(Capacity capacity) => new()
    {
        ["minimum"] = capacity.Minimum,
        ["target"] = capacity.Target,
        ["maximum"] = capacity.Maximum,
        ["unit"] = capacity.Unit,
    };

    public static Capacity FromJson(JsonObject json) => new(
        json["minimum"]!.GetValue<int>(),
        json["target"]!.GetValue<int>(),
        json["maximum"]!.GetValue<int>(),
        json["unit"]?.GetValue<string>() ?? Capacity.InstanceUnit);

    public static JsonObject ToJson(RecordedGroup group) => new()
    {
        ["id"] = group.Id,
        ["name"] = group.Name,
        ["capacity"] = ToJson(group.Capacity),
    };

    public static RecordedGroup GroupFromJson(JsonObject json) =>
        new(json["id"]!.GetValue<string>(), json["name"]!.GetValue<string>(), FromJson((JsonObject)json["capacity"]!));
}
