using System.Text.Json.Serialization;

namespace Spot.Deploy.Strategies;

/// <summary>The journal file: a format version around the record, so later versions can migrate old files.</summary>
internal sealed class JournalDocument
{
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; set; }

    public DeploymentRecord? Deployment { get; set; }
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
