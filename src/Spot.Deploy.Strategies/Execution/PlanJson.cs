using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>
/// The journal's form of a compiled deployment (<see cref="DeploymentRecord.Plan"/>) and of a rollback plan: the
/// operation records themselves, through System.Text.Json source-generated polymorphism, under a format version.
/// </summary>
/// <remarks>
/// Format 2 (this version) journals typed operation records. Format 1 (Spot.Deploy 0.1, a property bag per operation)
/// is refused with a message saying what to do: 0.1 was never published on a feed, and a deployment it left unfinished
/// is best finished by the build that started it.
/// </remarks>
internal static class PlanJson
{
    public const int FormatVersion = 2;
    private const string FormatProperty = "format";

    public static JsonObject Write(CompiledDeployment compiled)
    {
        var json = JsonSerializer.SerializeToNode(compiled, ExecutionJsonContext.Default.CompiledDeployment)!.AsObject();
        json.Insert(0, FormatProperty, FormatVersion);
        return json;
    }

    public static CompiledDeployment Read(JsonObject plan, string deploymentId)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var version = plan[FormatProperty] is JsonValue value && value.TryGetValue<int>(out var v) ? v : 1;
        if (version != FormatVersion)
        {
            throw new DeploymentJournalException(
                string.Create(CultureInfo.InvariantCulture,
                    $"Deployment {deploymentId} was journaled in plan format {version} ({(version == 1 ? "Spot.Deploy 0.1" : "another version of Spot.Deploy")}); this version reads format {FormatVersion}. Resume or roll it back with the version that started it; or, once a person has checked its groups and routes, abandon it (DeploymentRecovery.AbandonAsync, spot-deploy abandon) and deploy again."),
                deploymentId, null);
        }

        try
        {
            var copy = (JsonObject)plan.DeepClone();
            copy.Remove(FormatProperty);
            return copy.Deserialize(ExecutionJsonContext.Default.CompiledDeployment)
                ?? throw new JsonException("The plan is null.");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new DeploymentJournalException($"The plan journaled for deployment {deploymentId} cannot be read: {e.Message}", deploymentId, null, e);
        }
    }

    public static JsonArray WriteOperations(IReadOnlyList<Operation> operations) =>
        JsonSerializer.SerializeToNode(operations, ExecutionJsonContext.Default.IReadOnlyListOperation)!.AsArray();

    public static IReadOnlyList<Operation> ReadOperations(JsonArray operations, string deploymentId)
    {
        try
        {
            return operations.Deserialize(ExecutionJsonContext.Default.IReadOnlyListOperation) ?? [];
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new DeploymentJournalException($"The rollback plan journaled for deployment {deploymentId} cannot be read: {e.Message}", deploymentId, null, e);
        }
    }
}

/// <summary><see cref="Capacity"/> as <c>{"minimum", "target", "maximum", "unit"}</c>.</summary>
internal sealed class CapacityJsonConverter : JsonConverter<Capacity>
{
    public override Capacity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        return new Capacity(
            root.GetProperty("minimum").GetInt32(),
            root.GetProperty("target").GetInt32(),
            root.GetProperty("maximum").GetInt32(),
            root.TryGetProperty("unit", out var unit) && unit.GetString() is { } text ? text : Capacity.InstanceUnit);
    }

    public override void Write(Utf8JsonWriter writer, Capacity value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteNumber("minimum", value.Minimum);
        writer.WriteNumber("target", value.Target);
        writer.WriteNumber("maximum", value.Maximum);
        writer.WriteString("unit", value.Unit);
        writer.WriteEndObject();
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectRequiredConstructorParameters = true,
    Converters = [typeof(CapacityJsonConverter)])]
[JsonSerializable(typeof(CompiledDeployment))]
[JsonSerializable(typeof(IReadOnlyList<Operation>))]
internal sealed partial class ExecutionJsonContext : JsonSerializerContext
{
}
