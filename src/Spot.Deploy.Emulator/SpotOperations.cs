using System.Globalization;
using System.Text.Json.Nodes;

namespace Spot.Deploy.Emulator;

// What each Spot route does to the state, free of HTTP: each operation is called under
// Gate, returns the response items, and throws SpotRequestException to refuse.
public sealed partial class EmulatorState
{
    private static readonly string[] HealthCheckTypes = ["ELB", "ECS_CLUSTER_INSTANCE", "TARGET_GROUP", "OPSWORKS", "NOMAD_NODE", "HCS", "EC2", "NONE", "K8S_NODE"];

    /// <summary><c>GET /aws/ec2/group</c>: every group, in creation order.</summary>
    internal JsonArray SpotListGroups() =>
        new([.. _spotGroups.Values.OrderBy(g => g.Sequence).Select(g => (JsonNode?)g.Document.DeepClone())]);

    /// <summary><c>GET /aws/ec2/group/{groupId}</c>.</summary>
    internal JsonObject SpotGetGroup(string groupId) => RequireGroup(groupId).Document.DeepClone().AsObject();

    /// <summary><c>POST /aws/ec2/group</c> with <c>{"group": {…}}</c>: read-only fields ignored, the rest kept as sent.</summary>
    internal JsonObject SpotCreateGroup(JsonNode? body)
    {
        if (body is not JsonObject wrapper || wrapper["group"] is not JsonObject posted)
        {
            throw new SpotRequestException("CANT_CREATE_GROUP", "The body must be {\"group\": {…}}.", "group");
        }

        var document = posted.DeepClone().AsObject();
        SpotDocuments.RemoveReadOnlyFields(document);
        SpotDocuments.Validate(document, Options.MaxCapacity);
        var now = SpotDocuments.GroupTimestamp(Now);
        var group = AddSpotGroup(NewId("sig"), document, now, now);
        ReconcileSpotGroup(group, Now);
        return group.Document.DeepClone().AsObject();
    }

    /// <summary>
    /// <c>PUT /aws/ec2/group/{groupId}</c> with <c>{"group": patch}</c>, merged (absent = unchanged, null =
    /// cleared, objects recursively, arrays replaced); <c>capacity.unit</c> and <c>compute.product</c> cannot change.
    /// </summary>
    internal JsonObject SpotUpdateGroup(string groupId, JsonNode? body)
    {
        var group = RequireGroup(groupId);
        if (body is not JsonObject wrapper || wrapper["group"] is not JsonObject posted)
        {
            throw SpotRequestException.Validation("group", "The body must be {\"group\": {…}}.");
        }

        var patch = posted.DeepClone().AsObject();
        SpotDocuments.RemoveReadOnlyFields(patch);
        RefuseChange(group.Document, patch, "capacity", "unit");
        RefuseChange(group.Document, patch, "compute", "product");
        var merged = group.Document.DeepClone().AsObject();
        SpotDocuments.Merge(merged, patch);
        SpotDocuments.Validate(merged, Options.MaxCapacity);
        merged["updatedAt"] = SpotDocuments.GroupTimestamp(Now);
        AdvanceSpotGroup(group);
        group.Document = merged;
        ReconcileSpotGroup(group, Now);
        return merged.DeepClone().AsObject();
    }

    /// <summary><c>PUT …/capacity</c> with <c>{"capacity": {minimum, maximum, target}}</c>; an absent number stays as it is.</summary>
    internal JsonObject SpotUpdateCapacity(string groupId, JsonNode? body)
    {
        var group = RequireGroup(groupId);
        if (body is not JsonObject wrapper || wrapper["capacity"] is not JsonObject requested)
        {
            throw SpotRequestException.Validation("capacity", "The body must be {\"capacity\": {\"minimum\", \"maximum\", \"target\"}}.");
        }

        RefuseChange(group.Document, new JsonObject { ["capacity"] = requested.DeepClone() }, "capacity", "unit", fieldPrefix: string.Empty);
        var (minimum, target, maximum, _) = SpotDocuments.Capacity(group.Document);
        var values = new Dictionary<string, int>(StringComparer.Ordinal) { ["minimum"] = minimum, ["target"] = target, ["maximum"] = maximum };
        foreach (var name in values.Keys.ToList())
        {
            if (!requested.TryGetPropertyValue(name, out var node))
            {
                continue;
            }

            if (!SpotDocuments.TryGetInt32(node, out var value) || value < 0)
            {
                throw SpotRequestException.Validation("capacity." + name, name + " must be a whole number of at least 0.");
            }

            values[name] = value;
        }

        SpotDocuments.ValidateCapacity(values["minimum"], values["target"], values["maximum"], "capacity", Options.MaxCapacity);
        AdvanceSpotGroup(group);
        SetCapacity(group, values["minimum"], values["target"], values["maximum"], requested);
        ReconcileSpotGroup(group, Now);
        return new JsonObject
        {
            ["capacity"] = new JsonObject { ["minimum"] = values["minimum"], ["maximum"] = values["maximum"], ["target"] = values["target"] },
        };
    }

    /// <summary><c>DELETE /aws/ec2/group/{groupId}</c>: the group, its instances and its rolls are gone.</summary>
    internal void SpotDeleteGroup(string groupId)
    {
        var group = RequireGroup(groupId);
        var now = Now;
        foreach (var instance in group.Instances.Where(i => i.TerminatedAt is null))
        {
            instance.TerminatedAt = now;
        }

        _spotGroups.Remove(group.Id);
    }

    /// <summary><c>GET …/status</c>: live instances (pending ones included), oldest first.</summary>
    internal JsonArray SpotGroupStatus(string groupId)
    {
        var group = RequireGroup(groupId);
        AdvanceSpotGroup(group);
        var now = Now;
        var product = SpotDocuments.AsString(SpotDocuments.At(group.Document, "compute", "product"));
        var items = new JsonArray();
        foreach (var instance in group.Instances.Where(i => i.TerminatedAt is null))
        {
            items.Add(new JsonObject
            {
                ["spotInstanceRequestId"] = instance.SpotRequestId,
                ["instanceId"] = instance.Id,
                ["instanceType"] = instance.InstanceType,
                ["product"] = product,
                ["groupId"] = group.Id,
                ["availabilityZone"] = instance.AvailabilityZone,
                ["privateIp"] = instance.PrivateIp,
                ["createdAt"] = SpotDocuments.ZuluTimestamp(instance.LaunchedAt),
                ["status"] = InstanceState(instance, now) == "pending" ? "pending" : "running",
            });
        }

        return items;
    }

    /// <summary><c>GET …/instanceHealthiness</c>: live instances with HEALTHY / UNHEALTHY / INSUFFICIENT_DATA.</summary>
    internal JsonArray SpotInstanceHealthiness(string groupId)
    {
        var group = RequireGroup(groupId);
        AdvanceSpotGroup(group);
        var now = Now;
        var items = new JsonArray();
        foreach (var instance in group.Instances.Where(i => i.TerminatedAt is null))
        {
            items.Add(new JsonObject
            {
                ["instanceId"] = instance.Id,
                ["spotRequestId"] = instance.SpotRequestId,
                ["groupId"] = group.Id,
                ["availabilityZone"] = instance.AvailabilityZone,
                ["lifeCycle"] = "SPOT",
                ["healthStatus"] = InstanceHealth(instance, now),
            });
        }

        return items;
    }

    /// <summary><c>PUT …/roll</c>: starts a roll (one at a time); answers with no items, as real Spot does.</summary>
    internal void SpotStartRoll(string groupId, JsonNode? body)
    {
        var group = RequireGroup(groupId);
        if (body is not JsonObject request)
        {
            throw SpotRequestException.Validation("batchSizePercentage", "The body must be an object with batchSizePercentage and gracePeriod.");
        }

        if (!SpotDocuments.TryGetInt32(request["batchSizePercentage"], out var batchSizePercentage) || batchSizePercentage is < 1 or > 100)
        {
            throw SpotRequestException.Validation("batchSizePercentage", "batchSizePercentage is required and must be a whole number from 1 to 100.");
        }

        if (!SpotDocuments.TryGetInt32(request["gracePeriod"], out var gracePeriod) || gracePeriod < 0)
        {
            throw SpotRequestException.Validation("gracePeriod", "gracePeriod is required and must be a whole number of seconds, at least 0.");
        }

        var healthCheckType = request["healthCheckType"];
        if (healthCheckType is not null && !HealthCheckTypes.Contains(SpotDocuments.AsString(healthCheckType), StringComparer.Ordinal))
        {
            throw SpotRequestException.Validation("healthCheckType", "healthCheckType must be one of " + string.Join(", ", HealthCheckTypes) + ".");
        }

        AdvanceSpotGroup(group);
        if (group.ActiveRoll is { } active)
        {
            throw new SpotRequestException("DEPLOYMENT_ALREADY_IN_PROGRESS", $"Group {group.Id} already has a deployment in progress ({active.Id}).");
        }

        var now = Now;
        var target = SpotDocuments.Capacity(group.Document).Target;
        var blue = group.Instances.Where(i => i.TerminatedAt is null && !i.Surge).OrderBy(i => i.LaunchSequence).Select(i => i.Id).ToList();
        // Batches replace instances one for one; in weight units the target is no instance count, so the group's instances are.
        var batchBase = SpotDocuments.IsWeighted(group.Document) ? blue.Count : target;
        var batchSize = Math.Max(1, (int)Math.Ceiling(batchBase * batchSizePercentage / 100.0));
        var roll = new SpotRoll
        {
            Id = NewId("sbgd"),
            CreatedAt = now,
            UpdatedAt = now,
            BatchSizePercentage = batchSizePercentage,
            GracePeriodSeconds = gracePeriod,
            HealthCheckType = SpotDocuments.AsString(healthCheckType)
                ?? SpotDocuments.AsString(SpotDocuments.At(group.Document, "compute", "launchSpecification", "healthCheckType"))
                ?? "EC2",
            StrategyAction = SpotDocuments.AsString(SpotDocuments.At(request, "strategy", "action")) ?? "REPLACE_SERVER",
            BatchSize = batchSize,
            NumberOfBatches = (blue.Count + batchSize - 1) / batchSize,
            BlueInstanceIds = blue,
        };
        group.Rolls.Add(roll);
        StartBatch(group, roll, now);
    }

    /// <summary><c>GET …/roll</c>: newest first unless <c>sort=createdAt:ASC</c>; at most <c>limit</c>.</summary>
    internal JsonArray SpotListRolls(string groupId, int? limit, bool ascending)
    {
        var group = RequireGroup(groupId);
        AdvanceSpotGroup(group);
        var now = Now;
        var live = group.Instances.Where(i => i.TerminatedAt is null).ToList();
        var rolls = ascending ? group.Rolls.AsEnumerable() : Enumerable.Reverse(group.Rolls);
        var items = new JsonArray();
        foreach (var roll in rolls.Take(limit ?? int.MaxValue))
        {
            items.Add(new JsonObject
            {
                ["id"] = roll.Id,
                ["status"] = RollStatusText(roll, now),
                ["progress"] = new JsonObject { ["unit"] = "percent", ["value"] = RollProgress(roll) },
                ["currentBatch"] = RollCurrentBatch(roll),
                ["numOfBatches"] = roll.NumberOfBatches,
                ["gracePeriod"] = roll.GracePeriodSeconds,
                ["blueInstances"] = live.Count(i => roll.BlueInstanceIds.Contains(i.Id)),
                ["greenInstances"] = live.Count(i => string.Equals(i.RollId, roll.Id, StringComparison.Ordinal)),
                ["createdAt"] = SpotDocuments.GroupTimestamp(roll.CreatedAt),
                ["updatedAt"] = SpotDocuments.GroupTimestamp(roll.UpdatedAt),
            });
        }

        return items;
    }

    /// <summary><c>GET …/roll/{rollId}/status</c>: batches with their blue (old) and green (new) instances.</summary>
    internal JsonObject SpotRollStatus(string groupId, string rollId)
    {
        var group = RequireGroup(groupId);
        AdvanceSpotGroup(group);
        var roll = RequireRoll(group, rollId);
        var now = Now;
        var byId = group.Instances.ToDictionary(i => i.Id, StringComparer.Ordinal);
        var batches = new JsonArray();
        foreach (var batch in roll.Batches)
        {
            var blue = new JsonArray();
            foreach (var id in batch.BlueInstanceIds)
            {
                blue.Add(RollInstance(byId[id], batch.Number, now));
            }

            var green = new JsonArray();
            foreach (var instance in group.Instances.Where(i => IsOfBatch(i, roll, batch)))
            {
                green.Add(RollInstance(instance, batch.Number, now));
            }

            batches.Add(new JsonObject { ["blue"] = blue, ["green"] = green });
        }

        return new JsonObject
        {
            ["id"] = roll.Id,
            ["status"] = RollStatusText(roll, now),
            ["progress"] = new JsonObject { ["unit"] = "percent", ["value"] = RollProgress(roll) },
            ["numberOfBatches"] = roll.NumberOfBatches,
            ["currentBatch"] = RollCurrentBatch(roll),
            ["gracePeriod"] = roll.GracePeriodSeconds,
            ["strategyAction"] = roll.StrategyAction,
            ["healthCheck"] = roll.HealthCheckType,
            ["instances"] = batches,
            ["createdAt"] = SpotDocuments.GroupTimestamp(roll.CreatedAt),
            ["updatedAt"] = SpotDocuments.GroupTimestamp(roll.UpdatedAt),
        };
    }

    /// <summary><c>PUT …/roll/{rollId}</c> with <c>{"roll":{"status":"STOPPED"}}</c>; stopping a roll that already ended changes nothing.</summary>
    internal void SpotStopRoll(string groupId, string rollId, JsonNode? body)
    {
        var group = RequireGroup(groupId);
        if (!string.Equals(SpotDocuments.AsString(body is JsonObject o ? SpotDocuments.At(o, "roll", "status") : null), "STOPPED", StringComparison.OrdinalIgnoreCase))
        {
            throw SpotRequestException.Validation("roll.status", "The body must be {\"roll\": {\"status\": \"STOPPED\"}}.");
        }

        AdvanceSpotGroup(group);
        var roll = RequireRoll(group, rollId);
        if (roll.IsActive)
        {
            EndRoll(group, roll, "stopped", Now);
            ReconcileSpotGroup(group, Now);
        }
    }

    /// <summary>
    /// <c>POST …/roll/{rollId}/action</c> on a failed or stopped roll: DETACH_NEW detaches the instances the
    /// roll launched, DETACH_OLD the old ones it had not replaced yet.
    /// </summary>
    internal JsonObject SpotRollAction(string groupId, string rollId, JsonNode? body)
    {
        var group = RequireGroup(groupId);
        var request = body as JsonObject;
        var actionType = request is null ? null : SpotDocuments.AsString(request["actionType"]);
        if (request is null || actionType is not ("DETACH_NEW" or "DETACH_OLD"))
        {
            throw SpotRequestException.Validation("actionType", "actionType must be DETACH_NEW or DETACH_OLD.");
        }

        AdvanceSpotGroup(group);
        var roll = RequireRoll(group, rollId);
        if (roll.IsActive || roll.Outcome == "finished")
        {
            throw SpotRequestException.Validation("rollId", $"Roll {roll.Id} is {RollStatusText(roll, Now)}; actions apply to a failed or stopped roll.");
        }

        var victims = group.Instances
            .Where(i => i.TerminatedAt is null && (actionType == "DETACH_NEW"
                ? string.Equals(i.RollId, roll.Id, StringComparison.Ordinal)
                : roll.BlueInstanceIds.Contains(i.Id)))
            .ToList();
        Detach(group, victims, SpotDocuments.GetBoolean(request["shouldDecrementTargetCapacity"], absent: true));
        return new JsonObject
        {
            ["groupId"] = group.Id,
            ["rollId"] = roll.Id,
            ["actionType"] = actionType,
            ["detachedInstances"] = new JsonArray([.. victims.Select(v => (JsonNode?)v.Id)]),
        };
    }

    /// <summary><c>PUT …/detachInstances</c>: the instances leave the group (the target drops with them unless told otherwise).</summary>
    internal void SpotDetachInstances(string groupId, JsonNode? body)
    {
        var group = RequireGroup(groupId);
        if (body is not JsonObject request || request["instancesToDetach"] is not JsonArray { Count: > 0 } ids || ids.Any(id => SpotDocuments.AsString(id) is null))
        {
            throw SpotRequestException.Validation("instancesToDetach", "instancesToDetach must be a non-empty array of instance ids.");
        }

        AdvanceSpotGroup(group);
        var victims = new List<SpotInstance>();
        foreach (var id in ids.Select(SpotDocuments.AsString).Distinct(StringComparer.Ordinal))
        {
            victims.Add(group.Instances.FirstOrDefault(i => i.TerminatedAt is null && string.Equals(i.Id, id, StringComparison.Ordinal))
                ?? throw SpotRequestException.Validation("instancesToDetach", $"Instance {id} is not a live instance of group {group.Id}."));
        }

        Detach(group, victims, SpotDocuments.GetBoolean(request["shouldDecrementTargetCapacity"], absent: true));
    }

    /// <summary>
    /// <c>PUT …/scale/up</c> and <c>…/scale/down</c> with <c>?adjustment=n</c> (default 1): moves the target, which
    /// must stay within minimum and maximum; lists the instances launched or terminated.
    /// </summary>
    internal JsonObject SpotScale(string groupId, bool up, string? adjustmentText)
    {
        var group = RequireGroup(groupId);
        var adjustment = 1;
        if (adjustmentText is not null && (!int.TryParse(adjustmentText, NumberStyles.None, CultureInfo.InvariantCulture, out adjustment) || adjustment < 1))
        {
            throw SpotRequestException.Validation("adjustment", "adjustment must be a whole number of at least 1.");
        }

        AdvanceSpotGroup(group);
        var (minimum, target, maximum, _) = SpotDocuments.Capacity(group.Document);
        var newTarget = up ? (long)target + adjustment : (long)target - adjustment;
        if (newTarget > maximum || newTarget < minimum)
        {
            throw SpotRequestException.Validation("adjustment", string.Create(CultureInfo.InvariantCulture,
                $"Scaling {(up ? "up" : "down")} by {adjustment} would take the target to {newTarget}, outside minimum {minimum} and maximum {maximum}."));
        }

        SetCapacity(group, minimum, (int)newTarget, maximum, new JsonObject { ["target"] = newTarget });
        var (launched, terminated) = ReconcileSpotGroup(group, Now);
        if (up)
        {
            return new JsonObject
            {
                ["newSpotRequests"] = new JsonArray([.. launched.Select(i => (JsonNode?)new JsonObject
                {
                    ["spotInstanceRequestId"] = i.SpotRequestId,
                    ["instanceId"] = i.Id,
                    ["availabilityZone"] = i.AvailabilityZone,
                    ["instanceType"] = i.InstanceType,
                })]),
                ["newInstances"] = null,
            };
        }

        return new JsonObject
        {
            ["victimSpotRequests"] = new JsonArray([.. terminated.Select(i => (JsonNode?)new JsonObject { ["spotInstanceRequestId"] = i.SpotRequestId, ["instanceId"] = i.Id })]),
            ["victimInstances"] = new JsonArray([.. terminated.Select(i => (JsonNode?)new JsonObject { ["instanceId"] = i.Id })]),
        };
    }

    /// <summary><c>POST …/codeDeploy/blueGreenDeployment</c> with <c>{"deployment": {…}}</c>: records a deployment.</summary>
    internal JsonObject SpotStartBlueGreen(string groupId, JsonNode? body)
    {
        var group = RequireGroup(groupId);
        if (body is not JsonObject wrapper || wrapper["deployment"] is not JsonObject config)
        {
            throw SpotRequestException.Validation("deployment", "The body must be {\"deployment\": {\"timeout\", \"tags\", \"deploymentGroups\"}}.");
        }

        if (config["deploymentGroups"] is { } groups && (groups is not JsonArray list || list.Any(g => g is not JsonObject)))
        {
            throw SpotRequestException.Validation("deployment.deploymentGroups", "deploymentGroups must be an array of {applicationName, deploymentGroupName}.");
        }

        var deployment = new SpotBlueGreenDeployment { Id = NewId("cdbg"), CreatedAt = Now, Config = config.DeepClone().AsObject() };
        group.BlueGreenDeployments.Add(deployment);
        return BlueGreenItem(group, deployment);
    }

    /// <summary><c>GET …/codeDeploy/blueGreenDeployment</c>: the group's deployments, oldest first.</summary>
    internal JsonArray SpotListBlueGreen(string groupId)
    {
        var group = RequireGroup(groupId);
        return new JsonArray([.. group.BlueGreenDeployments.Select(d => (JsonNode?)BlueGreenItem(group, d))]);
    }

    private JsonObject BlueGreenItem(SpotGroup group, SpotBlueGreenDeployment deployment)
    {
        var (state, status) = BlueGreenState(deployment, Now);
        return new JsonObject
        {
            ["id"] = deployment.Id,
            ["groupId"] = group.Id,
            ["state"] = state,
            ["status"] = status,
            ["config"] = deployment.Config.DeepClone(),
        };
    }

    private SpotGroup RequireGroup(string groupId) =>
        _spotGroups.TryGetValue(groupId, out var group) ? group : throw SpotRequestException.GroupNotFound(groupId);

    private static SpotRoll RequireRoll(SpotGroup group, string rollId) =>
        group.Rolls.FirstOrDefault(r => string.Equals(r.Id, rollId, StringComparison.Ordinal))
        ?? throw new SpotRequestException("DEPLOYMENT_DOESNT_EXIST", $"Group {group.Id} has no roll {rollId}.");

    /// <summary>Refuses a patch that would change a field fixed at create (the same value, sent again, is fine).</summary>
    private static void RefuseChange(JsonObject stored, JsonObject patch, string section, string field, string fieldPrefix = "group.")
    {
        if (patch[section] is JsonObject patchSection && patchSection.TryGetPropertyValue(field, out var value) &&
            !JsonNode.DeepEquals(value, SpotDocuments.At(stored, section, field)))
        {
            throw SpotRequestException.Validation($"{fieldPrefix}{section}.{field}", $"{section}.{field} cannot be changed after the group is created.");
        }
    }

    /// <summary>Writes numbers into <c>capacity</c> (only those named in <paramref name="given"/>, so the others keep their text) and stamps <c>updatedAt</c>.</summary>
    private void SetCapacity(SpotGroup group, int minimum, int target, int maximum, JsonObject given)
    {
        if (group.Document["capacity"] is not JsonObject capacity)
        {
            capacity = new JsonObject();
            group.Document["capacity"] = capacity;
        }

        foreach (var (name, value) in (ReadOnlySpan<(string, int)>)[("minimum", minimum), ("target", target), ("maximum", maximum)])
        {
            if (given.ContainsKey(name) || !SpotDocuments.TryGetInt32(capacity[name], out var current) || current != value)
            {
                capacity[name] = value;
            }
        }

        group.Document["updatedAt"] = SpotDocuments.GroupTimestamp(Now);
    }

    /// <summary>Takes instances out of the group; with <paramref name="decrement"/> the target (and, if need be, the minimum) drops by as many.</summary>
    private void Detach(SpotGroup group, List<SpotInstance> victims, bool decrement)
    {
        var now = Now;
        var counted = 0;
        foreach (var victim in victims)
        {
            counted += victim.Surge ? 0 : SpotDocuments.InstanceWeight(group.Document, victim.InstanceType);
            victim.TerminatedAt = now;
            victim.Detached = true;
            victim.Surge = false;
        }

        if (decrement && counted > 0)
        {
            var (minimum, target, maximum, _) = SpotDocuments.Capacity(group.Document);
            var newTarget = Math.Max(0, target - counted);
            SetCapacity(group, Math.Min(minimum, newTarget), newTarget, maximum, new JsonObject { ["target"] = newTarget });
        }

        ReconcileSpotGroup(group, now);
    }

    private static JsonObject RollInstance(SpotInstance instance, int batchNumber, DateTimeOffset now) => new()
    {
        ["instanceId"] = instance.Id,
        ["lifeCycle"] = "spot",
        ["batchNum"] = batchNumber,
        ["status"] = instance.IsAliveAt(now) ? (InstanceState(instance, now) == "pending" ? "PENDING" : "RUNNING")
            : instance.Detached ? "DETACHED"
            : "TERMINATED",
    };
}
