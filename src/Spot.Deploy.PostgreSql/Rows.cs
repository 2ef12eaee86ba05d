using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace Spot.Deploy.PostgreSql;

/// <summary>How records and entries map to rows: enums as their camel-case JSON names, documents as JSON text.</summary>
internal static class Rows
{
    public static string Text<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    public static TEnum Parse<TEnum>(string text, string deploymentId)
        where TEnum : struct, Enum =>
        Enum.TryParse<TEnum>(text, ignoreCase: true, out var value) && Enum.IsDefined(value)
            ? value
            : throw new DeploymentJournalException($"The journal of deployment '{deploymentId}' holds an unknown {typeof(TEnum).Name} '{text}'; it was written by a newer version of Spot.Deploy.", deploymentId, null);

    /// <summary>JSON text of a document; serialization errors (such as NaN) surface as <see cref="JsonException"/> or <see cref="ArgumentException"/> here, before any write.</summary>
    public static string? Json(JsonNode? node) => node?.ToJsonString();

    public static DeploymentRecord ReadHeader(NpgsqlDataReader reader, IReadOnlyList<JournalEntry> entries)
    {
        var id = reader.GetString(0);
        return new DeploymentRecord
        {
            Id = id,
            AppName = reader.GetString(1),
            Strategy = reader.GetString(2),
            Status = Parse<DeploymentStatus>(reader.GetString(3), id),
            StartedAt = reader.GetFieldValue<DateTimeOffset>(4),
            FinishedAt = reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
            Request = ParseObject(reader.GetString(6), id),
            Plan = reader.IsDBNull(7) ? null : ParseObject(reader.GetString(7), id),
            Runner = reader.GetString(8),
            Entries = entries,
        };
    }

    public static JournalEntry ReadEntry(NpgsqlDataReader reader)
    {
        var id = reader.GetString(0);
        return new JournalEntry
        {
            Sequence = reader.GetInt64(1),
            Time = reader.GetFieldValue<DateTimeOffset>(2),
            Kind = Parse<JournalEntryKind>(reader.GetString(3), id),
            StepId = reader.GetString(4),
            Operation = reader.GetString(5),
            Data = reader.IsDBNull(6) ? null : ParseObject(reader.GetString(6), id),
            Outcome = reader.IsDBNull(7) ? null : Parse<JournalOutcome>(reader.GetString(7), id),
            Error = reader.IsDBNull(8) ? null : reader.GetString(8),
        };
    }

    private static JsonObject ParseObject(string json, string deploymentId) =>
        JsonNode.Parse(json) as JsonObject
            ?? throw new DeploymentJournalException($"The journal of deployment '{deploymentId}' holds a document that is not a JSON object.", deploymentId, null);
}
