using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Spot.Deploy.Aws;

/// <summary>Trace source and User-Agent of the AWS package.</summary>
public static class AwsDiagnostics
{
    /// <summary>The <see cref="ActivitySource"/> name shared by every Spot.Deploy package: <c>Spot.Deploy</c>.</summary>
    public const string ActivitySourceName = "Spot.Deploy";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    /// <summary>The User-Agent sent: <c>Spot.Deploy.Aws/{version} (.NET {runtime})</c>.</summary>
    public static string UserAgent { get; } =
        $"Spot.Deploy.Aws/{typeof(AwsDiagnostics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0"} (.NET {Environment.Version})";
}

/// <summary>Source-generated logs, EventIds 1100–1199 (AWS). Never given keys or tokens.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Debug, Message = "AWS {Service} {Action} → {Status} in {DurationMs} ms (attempt {Attempt})")]
    public static partial void CallSucceeded(ILogger logger, string service, string action, int status, long durationMs, int attempt);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "AWS {Service} {Action} failed with {Status} in {DurationMs} ms (attempt {Attempt}): {Reason}")]
    public static partial void CallFailed(ILogger logger, string service, string action, int status, long durationMs, int attempt, string reason);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "AWS {Action}: retry {Retry} in {DelayMs} ms after {Reason}")]
    public static partial void Retrying(ILogger logger, string action, int retry, long delayMs, string reason);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "CloudWatch throttled this account: pacing this connection's CloudWatch calls to {PerSecond:0.##} a second, back to {ConfiguredPerSecond:0.##} within {RecoverySeconds} s")]
    public static partial void CloudWatchPaceDecreased(ILogger logger, double perSecond, double configuredPerSecond, long recoverySeconds);
}
