using System.Text.Json.Nodes;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>A stage of a compiled deployment: setup, a phase, a traffic step, the swap, the roll.</summary>
/// <param name="Name">Such as <c>phase 2 of 3 (50 %)</c>.</param>
/// <param name="GateBefore">The caller's gate is asked before it runs (end-to-end runs).</param>
internal sealed record StageInfo(string Name, bool GateBefore);

/// <summary>
/// A deployment turned into executable operations, with everything a rollback needs. It is what the
/// journal's <see cref="DeploymentRecord.Plan"/> holds, so a new process can resume or roll back from it.
/// </summary>
internal sealed class CompiledDeployment
{
    public required DeploymentStrategy Strategy { get; init; }

    public required string AppName { get; init; }

    public required string ImageId { get; init; }

    public required IReadOnlyList<StageInfo> Stages { get; init; }

    public required IReadOnlyList<Op> Ops { get; init; }

    /// <summary>The planner's steps (for the dry run); empty when loaded from a journal.</summary>
    public IReadOnlyList<PlanStep> PlanSteps { get; init; } = [];

    /// <summary>The group the deployment creates (Basic/Canary <c>A__N</c>, Blue/Green <c>A__STAGE</c>), or null (roll).</summary>
    public string? NewGroupName { get; init; }

    /// <summary>The name the new group ends with (Blue/Green: the production name).</summary>
    public string? FinalGroupName { get; init; }

    public Capacity? PlannedCapacity { get; init; }

    public CapacitySource? CapacitySource { get; init; }

    /// <summary>Basic/Canary: the previous group with its pre-setup capacity.</summary>
    public RecordedGroup? Previous { get; init; }

    /// <summary>Basic/Canary: older running groups setup scales to 0.</summary>
    public IReadOnlyList<RecordedGroup> ScaledDown { get; init; } = [];

    public bool RestoreScaledDown { get; init; }

    /// <summary>Blue/Green: production and stage names.</summary>
    public string? ProductionName { get; init; }

    public string? StageName { get; init; }

    /// <summary>Blue/Green: the production group before the deployment.</summary>
    public RecordedGroup? Production { get; init; }

    /// <summary>Blue/Green: the routes with their original action lists.</summary>
    public IReadOnlyList<RoutePair> Routes { get; init; } = [];

    /// <summary>Blue/Green: old stage groups set aside (scaled to 0, renamed) and deleted at the end.</summary>
    public IReadOnlyList<RetiredGroup> Retired { get; init; } = [];

    /// <summary>Roll: the group rolled.</summary>
    public string? RollGroupId { get; init; }

    public string? RollGroupName { get; init; }

    /// <summary>Roll: the image before the deployment, and whether the group uses <c>images</c>.</summary>
    public string? PreviousImageId { get; init; }

    public bool UsesImages { get; init; }

    public int RollBatchSizePercentage { get; init; }

    public int RollGracePeriodSeconds { get; init; }

    public string? RollHealthCheckType { get; init; }

    /// <summary>A summary of the request for the journal (no document, no secrets).</summary>
    public JsonObject Request { get; init; } = [];

    public JsonObject ToPlanJson()
    {
        var ops = new JsonArray();
        foreach (var op in Ops)
        {
            ops.Add(op.ToJson());
        }

        var stages = new JsonArray();
        foreach (var stage in Stages)
        {
            stages.Add(new JsonObject { ["name"] = stage.Name, ["gateBefore"] = stage.GateBefore });
        }

        var json = new JsonObject
        {
            ["strategy"] = Strategy.ToString(),
            ["appName"] = AppName,
            ["imageId"] = ImageId,
            ["stages"] = stages,
            ["ops"] = ops,
            ["newGroupName"] = NewGroupName,
            ["finalGroupName"] = FinalGroupName,
            ["restoreScaledDown"] = RestoreScaledDown,
            ["productionName"] = ProductionName,
            ["stageName"] = StageName,
            ["rollGroupId"] = RollGroupId,
            ["rollGroupName"] = RollGroupName,
            ["previousImageId"] = PreviousImageId,
            ["usesImages"] = UsesImages,
            ["rollBatchSizePercentage"] = RollBatchSizePercentage,
            ["rollGracePeriod"] = RollGracePeriodSeconds,
            ["rollHealthCheckType"] = RollHealthCheckType,
        };
        if (PlannedCapacity is { } planned)
        {
            json["plannedCapacity"] = CapacityJson.ToJson(planned);
        }

        if (CapacitySource is { } source)
        {
            json["capacitySource"] = source.ToString();
        }

        if (Previous is not null)
        {
            json["previous"] = CapacityJson.ToJson(Previous);
        }

        if (Production is not null)
        {
            json["production"] = CapacityJson.ToJson(Production);
        }

        json["scaledDown"] = new JsonArray([.. ScaledDown.Select(g => (JsonNode)CapacityJson.ToJson(g))]);
        json["routes"] = new JsonArray([.. Routes.Select(r => (JsonNode)r.ToJson())]);
        json["retired"] = new JsonArray([.. Retired.Select(r => (JsonNode)r.ToJson())]);
        return json;
    }

    public static CompiledDeployment FromPlanJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return new CompiledDeployment
        {
            Strategy = Enum.Parse<DeploymentStrategy>(Op.Str(json, "strategy")!),
            AppName = Op.Str(json, "appName")!,
            ImageId = Op.Str(json, "imageId")!,
            Stages = [.. ((JsonArray)json["stages"]!).Select(s => new StageInfo(s!["name"]!.GetValue<string>(), s["gateBefore"]!.GetValue<bool>()))],
            Ops = [.. ((JsonArray)json["ops"]!).Select(o => Op.FromJson((JsonObject)o!))],
            NewGroupName = Op.Str(json, "newGroupName"),
            FinalGroupName = Op.Str(json, "finalGroupName"),
            PlannedCapacity = json["plannedCapacity"] is JsonObject planned ? CapacityJson.FromJson(planned) : null,
            CapacitySource = Op.Str(json, "capacitySource") is { } source ? Enum.Parse<CapacitySource>(source) : null,
            Previous = json["previous"] is JsonObject previous ? CapacityJson.GroupFromJson(previous) : null,
            ScaledDown = [.. ((JsonArray?)json["scaledDown"] ?? []).Select(g => CapacityJson.GroupFromJson((JsonObject)g!))],
            RestoreScaledDown = json["restoreScaledDown"]?.GetValue<bool>() ?? false,
            ProductionName = Op.Str(json, "productionName"),
            StageName = Op.Str(json, "stageName"),
            Production = json["production"] is JsonObject production ? CapacityJson.GroupFromJson(production) : null,
            Routes = [.. ((JsonArray?)json["routes"] ?? []).Select(r => RoutePair.FromJson((JsonObject)r!))],
            Retired = [.. ((JsonArray?)json["retired"] ?? []).Select(r => RetiredGroup.FromJson((JsonObject)r!))],
            RollGroupId = Op.Str(json, "rollGroupId"),
            RollGroupName = Op.Str(json, "rollGroupName"),
            PreviousImageId = Op.Str(json, "previousImageId"),
            UsesImages = json["usesImages"]?.GetValue<bool>() ?? false,
            RollBatchSizePercentage = json["rollBatchSizePercentage"]?.GetValue<int>() ?? 0,
            RollGracePeriodSeconds = json["rollGracePeriod"]?.GetValue<int>() ?? 0,
            RollHealthCheckType = Op.Str(json, "rollHealthCheckType"),
        };
    }
}

/// <summary>A Blue/Green stage group found before the deployment: set aside under <paramref name="RetiredName"/> and deleted when the deployment succeeds.</summary>
internal sealed record RetiredGroup(RecordedGroup Group, string RetiredName)
{
    public JsonObject ToJson() => new() { ["group"] = CapacityJson.ToJson(Group), ["retiredName"] = RetiredName };

    public static RetiredGroup FromJson(JsonObject json) =>
        new(CapacityJson.GroupFromJson((JsonObject)json["group"]!), json["retiredName"]!.GetValue<string>());
}
