using System.Text.Json.Serialization;

namespace Spot.Deploy.Strategies;

/// <summary>
/// A format version around the record, so later versions can migrate old files: the whole file in format 1, the first
/// line (the header, with the record as created) in format 2 (<see cref="JournalFormat"/>).
/// </summary>
internal sealed class JournalDocument
{
    /// <summary>JSON Lines: a header, then one line per entry or status change, appended.</summary>
    public const int CurrentFormatVersion = 2;

    /// <summary>One indented JSON document, rewritten whole on every write (Spot.Deploy 0.1).</summary>
    public const int LegacyFormatVersion = 1;

    public int FormatVersion { get; set; }

    public DeploymentRecord? Deployment { get; set; }
}

/// <summary>A line of a format-2 journal after its header: an entry, or a status change (and when it finished, if it did).</summary>
internal sealed class JournalLine
{
    public JournalEntry? Entry { get; set; }

    public DeploymentStatus? Status { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }
}

/// <summary>Who holds a <see cref="FileAppLock"/>; written next to the lock file for the refused.</summary>
internal sealed class AppLockHolder
{
    public string? AppName { get; set; }

    public string? Owner { get; set; }

    public int ProcessId { get; set; }

    public string? Machine { get; set; }

    public DateTimeOffset Since { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JournalDocument))]
[JsonSerializable(typeof(AppLockHolder))]
internal sealed partial class StrategiesJsonContext : JsonSerializerContext
{
}

/// <summary>The format-2 journal's lines: compact, so that each value is one line.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = false,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JournalDocument))]
[JsonSerializable(typeof(JournalLine))]
internal sealed partial class JournalLinesJsonContext : JsonSerializerContext
{
}
