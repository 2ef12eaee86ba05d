using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spot.Deploy.Emulator;

/// <summary>A Spot call the emulator refuses: HTTP 400 (by default) with <c>response.errors[{code, message, field}]</c>.</summary>
internal sealed class SpotRequestException : Exception
{
    public SpotRequestException()
        : this("VALIDATION_ERROR", "The request is not valid.")
    {
    }

    public SpotRequestException(string message)
        : this("VALIDATION_ERROR", message)
    {
    }

    public SpotRequestException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Code = "VALIDATION_ERROR";
    }

    public SpotRequestException(string code, string message, string? field = null)
        : base(message)
    {
        Code = code;
        Field = field;
    }

    /// <summary>Spot's error code, e.g. <c>GROUP_DOESNT_EXIST</c>.</summary>
    public string Code { get; }

    /// <summary>The request field the error is about, when there is one (e.g. <c>group.capacity.target</c>).</summary>
    public string? Field { get; }

    public static SpotRequestException Validation(string field, string message) => new("VALIDATION_ERROR", message, field);

    public static SpotRequestException GroupNotFound(string groupId) =>
        new("GROUP_DOESNT_EXIST", string.Create(CultureInfo.InvariantCulture, $"Group {groupId} does not exist."));
}

/// <summary>Reading and changing Spot group documents (JSON trees) the way Spot does: leniently typed, merged on update.</summary>
internal static class SpotDocuments
{
    /// <summary>Strict parsing: a repeated property name is not a document Spot would accept.</summary>
    internal static readonly JsonDocumentOptions ParseOptions = new() { AllowDuplicateProperties = false, MaxDepth = 128 };

    /// <summary>Readable output: <c>+</c> in timestamps and <c>/</c> in products stay as they are.</summary>
    internal static readonly JsonSerializerOptions WriteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The fields Spot owns; ignored when a client sends them on create or update.</summary>
    private static readonly string[] ReadOnlyFields = ["id", "createdAt", "updatedAt"];

    /// <summary>The group timestamp style: <c>2018-08-29T18:09:01.431+0000</c>.</summary>
    internal static string GroupTimestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture);

    /// <summary>The instance/status timestamp style: <c>2018-06-25T11:49:00.000Z</c>.</summary>
    internal static string ZuluTimestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A JSON string value, or null for anything else (absent, null, number, object …).</summary>
    internal static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>
    /// A whole number within <see cref="int"/>, written as a JSON number or as a string (<c>"2"</c>), as
    /// Spot payloads carry both; false for anything else (absent, null, <c>2.5</c>, <c>"abc"</c>).
    /// </summary>
    internal static bool TryGetInt32(JsonNode? node, out int value)
    {
        value = 0;
        if (node is not JsonValue json)
        {
            return false;
        }

        return json.GetValueKind() switch
        {
            JsonValueKind.Number => json.TryGetValue(out value) || (json.TryGetValue<JsonElement>(out var element) && element.TryGetInt32(out value)),
            JsonValueKind.String => int.TryParse(json.GetValue<string>(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value),
            _ => false,
        };
    }

    /// <summary>True for JSON <c>true</c> or <c>"true"</c>; <paramref name="absent"/> for absent or null; false otherwise.</summary>
    internal static bool GetBoolean(JsonNode? node, bool absent)
    {
        if (node is not JsonValue json)
        {
            return absent;
        }

        return json.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String => bool.TryParse(json.GetValue<string>(), out var parsed) ? parsed : absent,
            _ => absent,
        };
    }

    /// <summary>The node at a path of property names, or null when a step is missing or not an object.</summary>
    internal static JsonNode? At(JsonObject root, params ReadOnlySpan<string> path)
    {
        JsonNode? node = root;
        foreach (var name in path)
        {
            if (node is not JsonObject parent || !parent.TryGetPropertyValue(name, out node))
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>Removes what Spot owns (<c>id</c>, <c>createdAt</c>, <c>updatedAt</c>) from a group sent by a client.</summary>
    internal static void RemoveReadOnlyFields(JsonObject group)
    {
        foreach (var name in ReadOnlyFields)
        {
            group.Remove(name);
        }
    }

    /// <summary>
    /// Merges a patch into a group the way <c>PUT /aws/ec2/group/{id}</c> does: an absent field stays, an
    /// explicit null clears the field (it is kept as an explicit null, so a document sent back unchanged
    /// stays exactly as it was), an object is merged recursively, anything else (arrays included) replaces
    /// the value.
    /// </summary>
    internal static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (name, value) in patch.ToList())
        {
            if (value is JsonObject patchObject)
            {
                if (target[name] is not JsonObject targetObject)
                {
                    targetObject = new JsonObject();
                    target[name] = targetObject;
                }

                Merge(targetObject, patchObject);
            }
            else
            {
                target[name] = value?.DeepClone();
            }
        }
    }

    /// <summary>The capacity of a (validated) group.</summary>
    internal static (int Minimum, int Target, int Maximum, string Unit) Capacity(JsonObject group)
    {
        TryGetInt32(At(group, "capacity", "minimum"), out var minimum);
        TryGetInt32(At(group, "capacity", "target"), out var target);
        TryGetInt32(At(group, "capacity", "maximum"), out var maximum);
        return (minimum, target, maximum, AsString(At(group, "capacity", "unit")) ?? "instance");
    }

    /// <summary>The AMI new instances get: <c>imageId</c>, or the first of <c>images</c>.</summary>
    internal static string ImageId(JsonObject group) =>
        AsString(At(group, "compute", "launchSpecification", "imageId"))
        ?? (At(group, "compute", "launchSpecification", "images") is JsonArray { Count: > 0 } images && images[0] is JsonObject first ? AsString(first["id"]) : null)
        ?? "ami-unknown";

    /// <summary>The ARNs of the group's TARGET_GROUP load balancers, in document order.</summary>
    internal static IReadOnlyList<string> TargetGroupArns(JsonObject group)
    {
        if (At(group, "compute", "launchSpecification", "loadBalancersConfig", "loadBalancers") is not JsonArray balancers)
        {
            return [];
        }

        return balancers.OfType<JsonObject>()
            .Where(b => string.Equals(AsString(b["type"]), "TARGET_GROUP", StringComparison.OrdinalIgnoreCase))
            .Select(b => AsString(b["arn"]))
            .OfType<string>()
            .ToList();
    }

    /// <summary>
    /// The instance type new instances get: the first spot type, else the on-demand type (the emulator has no market, so
    /// it always launches this one; in weight units each instance counts this type's weight).
    /// </summary>
    internal static string InstanceType(JsonObject group) =>
        (At(group, "compute", "instanceTypes", "spot") is JsonArray { Count: > 0 } spot ? AsString(spot[0]) : null)
        ?? AsString(At(group, "compute", "instanceTypes", "ondemand"))
        ?? "m5.large";

    /// <summary>
    /// What one instance of <paramref name="instanceType"/> counts towards the target: 1 in <c>instance</c> units; in
    /// <c>weight</c> units its <c>compute.instanceTypes.weights[].weightedCapacity</c> (validation makes sure every type
    /// the group launches has one; 1 if an update took it away since).
    /// </summary>
    internal static int InstanceWeight(JsonObject group, string instanceType)
    {
        if (!IsWeighted(group))
        {
            return 1;
        }

        return Weights(group).TryGetValue(instanceType, out var weight) && weight >= 1 ? weight : 1;
    }

    /// <summary>True when the group counts its capacity in <c>weight</c> units.</summary>
    internal static bool IsWeighted(JsonObject group) => string.Equals(AsString(At(group, "capacity", "unit")), "weight", StringComparison.Ordinal);

    /// <summary>The weights of <c>compute.instanceTypes.weights</c> that are well formed (type → weight).</summary>
    private static Dictionary<string, int> Weights(JsonObject group)
    {
        var weights = new Dictionary<string, int>(StringComparer.Ordinal);
        if (At(group, "compute", "instanceTypes", "weights") is JsonArray entries)
        {
            foreach (var entry in entries.OfType<JsonObject>())
            {
                if (AsString(entry["instanceType"]) is { } type && TryGetInt32(entry["weightedCapacity"], out var weight))
                {
                    weights.TryAdd(type, weight);
                }
            }
        }

        return weights;
    }

    /// <summary>Every instance type the group names: <c>ondemand</c>, <c>onDemandTypes</c>, <c>spot</c>, <c>preferredSpot</c>.</summary>
    private static IEnumerable<string> InstanceTypes(JsonObject group)
    {
        if (AsString(At(group, "compute", "instanceTypes", "ondemand")) is { } onDemand)
        {
            yield return onDemand;
        }

        foreach (var list in (string[])["onDemandTypes", "spot", "preferredSpot"])
        {
            if (At(group, "compute", "instanceTypes", list) is JsonArray types)
            {
                foreach (var type in types.Select(AsString).OfType<string>())
                {
                    yield return type;
                }
            }
        }
    }

    /// <summary>
    /// A group in <c>weight</c> units needs a whole-number weight of at least 1 for every instance type it names, and at
    /// least one weight (the emulator's reading of Spot's OpenAPI, which defines weights per type for this unit only).
    /// </summary>
    private static void ValidateWeights(JsonObject group)
    {
        const string Field = "group.compute.instanceTypes.weights";
        if (At(group, "compute", "instanceTypes", "weights") is { } node)
        {
            if (node is not JsonArray entries || entries.Any(e => e is not JsonObject o || AsString(o["instanceType"]) is null
                || !TryGetInt32(o["weightedCapacity"], out var w) || w < 1))
            {
                throw SpotRequestException.Validation(Field, "weights must be an array of {\"instanceType\": …, \"weightedCapacity\": a whole number of at least 1}.");
            }
        }

        if (!IsWeighted(group))
        {
            return;
        }

        var weights = Weights(group);
        if (weights.Count == 0)
        {
            throw SpotRequestException.Validation(Field, "a group whose capacity unit is weight needs compute.instanceTypes.weights.");
        }

        var missing = InstanceTypes(group).Where(t => !weights.ContainsKey(t)).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            throw SpotRequestException.Validation(Field, $"a group whose capacity unit is weight needs a weight for every instance type; missing: {string.Join(", ", missing)}.");
        }
    }

    /// <summary>The availability zones named in <c>compute.availabilityZones</c> (empty when the group uses <c>subnetIds</c>).</summary>
    internal static IReadOnlyList<string> AvailabilityZones(JsonObject group) =>
        At(group, "compute", "availabilityZones") is JsonArray zones
            ? zones.OfType<JsonObject>().Select(z => AsString(z["name"])).OfType<string>().ToList()
            : [];

    /// <summary>
    /// Checks a whole group (a create body, or a group after an update was merged in) and throws
    /// <see cref="SpotRequestException"/> naming the first bad field.
    /// </summary>
    internal static void Validate(JsonObject group, int maxCapacity)
    {
        if (string.IsNullOrWhiteSpace(AsString(group["name"])))
        {
            throw SpotRequestException.Validation("group.name", "name is required and must be a non-empty string.");
        }

        if (group["capacity"] is not JsonObject capacity)
        {
            throw SpotRequestException.Validation("group.capacity", "capacity is required and must be an object.");
        }

        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in (string[])["minimum", "target", "maximum"])
        {
            if (!TryGetInt32(capacity[name], out var value) || value < 0)
            {
                throw SpotRequestException.Validation("group.capacity." + name, name + " is required and must be a whole number of at least 0.");
            }

            numbers[name] = value;
        }

        ValidateCapacity(numbers["minimum"], numbers["target"], numbers["maximum"], "group.capacity", maxCapacity);
        if (capacity.TryGetPropertyValue("unit", out var unit) && unit is not null && AsString(unit) is not ("instance" or "weight"))
        {
            throw SpotRequestException.Validation("group.capacity.unit", "unit must be \"instance\" or \"weight\".");
        }

        ValidateWeights(group);
        if (At(group, "compute", "launchSpecification") is not JsonObject launchSpecification)
        {
            throw SpotRequestException.Validation("group.compute.launchSpecification", "compute.launchSpecification is required and must be an object.");
        }

        var imageId = launchSpecification["imageId"];
        var images = launchSpecification["images"];
        if (imageId is not null && images is not null)
        {
            throw SpotRequestException.Validation("group.compute.launchSpecification.images", "images cannot be combined with imageId.");
        }

        if (imageId is null && images is null)
        {
            throw SpotRequestException.Validation("group.compute.launchSpecification.imageId", "imageId (or images) is required.");
        }

        if (imageId is not null && string.IsNullOrWhiteSpace(AsString(imageId)))
        {
            throw SpotRequestException.Validation("group.compute.launchSpecification.imageId", "imageId must be a non-empty string.");
        }

        if (images is not null && (images is not JsonArray { Count: > 0 } list || list.Any(i => i is not JsonObject o || string.IsNullOrWhiteSpace(AsString(o["id"])))))
        {
            throw SpotRequestException.Validation("group.compute.launchSpecification.images", "images must be null or hold at least one {\"id\": …}.");
        }

        var balancers = At(launchSpecification, "loadBalancersConfig", "loadBalancers");
        if (balancers is not null)
        {
            if (balancers is not JsonArray entries || entries.Any(e => e is not JsonObject o || AsString(o["type"]) is null))
            {
                throw SpotRequestException.Validation("group.compute.launchSpecification.loadBalancersConfig.loadBalancers", "loadBalancers must be an array of objects with a type.");
            }

            if (entries.OfType<JsonObject>().Any(o => string.Equals(AsString(o["type"]), "TARGET_GROUP", StringComparison.Ordinal) && string.IsNullOrWhiteSpace(AsString(o["arn"]))))
            {
                throw SpotRequestException.Validation("group.compute.launchSpecification.loadBalancersConfig.loadBalancers", "a TARGET_GROUP load balancer needs an arn.");
            }
        }
    }

    /// <summary>Refuses a capacity that breaks 0 ≤ minimum ≤ target ≤ maximum ≤ <paramref name="maxCapacity"/>.</summary>
    internal static void ValidateCapacity(int minimum, int target, int maximum, string field, int maxCapacity)
    {
        if (minimum < 0 || target < minimum || maximum < target)
        {
            throw SpotRequestException.Validation(field, string.Create(CultureInfo.InvariantCulture,
                $"capacity must satisfy 0 <= minimum <= target <= maximum (minimum {minimum}, target {target}, maximum {maximum})."));
        }

        // Checked after the order, so the maximum is the largest of the three: it names the field.
        if (maximum > maxCapacity)
        {
            throw SpotRequestException.Validation(field + ".maximum", string.Create(CultureInfo.InvariantCulture,
                $"maximum must be at most {maxCapacity} (was {maximum})."));
        }
    }
}
