using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Spot.Deploy.Elastigroup;

/// <summary>Names of the library's traces and the User-Agent it sends.</summary>
public static class ElastigroupDiagnostics
{
    /// <summary>The <see cref="ActivitySource"/> name shared by every Spot.Deploy package: <c>Spot.Deploy</c>.</summary>
    public const string ActivitySourceName = "Spot.Deploy";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName, Version);

    /// <summary>The library's version as sent in the User-Agent.</summary>
    public static string Version { get; } =
        typeof(ElastigroupDiagnostics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(ElastigroupDiagnostics).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";

    /// <summary>The User-Agent: <c>Spot.Deploy.Elastigroup/{version} (.NET {runtime})</c>.</summary>
    public static string UserAgent { get; } = $"Spot.Deploy.Elastigroup/{Version} (.NET {Environment.Version})";
}

/// <summary>Source-generated logs, EventIds 1000–1099 (Elastigroup). Never given the token.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Debug, Message = "Spot {Method} {Route} → {Status} in {DurationMs} ms (attempt {Attempt})")]
    public static partial void CallSucceeded(ILogger logger, string method, string route, int status, long durationMs, int attempt);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Spot {Method} {Route} failed with {Status} in {DurationMs} ms (attempt {Attempt}): {Reason}")]
    public static partial void CallFailed(ILogger logger, string method, string route, int status, long durationMs, int attempt, string reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Spot {Method} {Route}: retry {Retry} in {DelayMs} ms after {Reason}")]
    public static partial void Retrying(ILogger logger, string method, string route, int retry, long delayMs, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Spot {Method} {Route}: waited {DelayMs} ms for the client-side rate limit")]
    public static partial void RateLimitWait(ILogger logger, string method, string route, long delayMs);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Spot {Method} {Route} answered 429: every Spot call of this process waits {PauseMs} ms, then is paced to {RequestsPerMinute:0.#} calls/min, recovering slowly")]
    public static partial void RateLimited(ILogger logger, string method, string route, long pauseMs, double requestsPerMinute);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "Spot {Method} {Route}: waited {DelayMs} ms ({Reason})")]
    public static partial void BackOffWait(ILogger logger, string method, string route, long delayMs, string reason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Spot create of group {Name} had no clear answer ({Reason}); looking it up by name before trying again")]
    public static partial void CreateUncertain(ILogger logger, string name, string reason);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Spot create of group {Name}: found it as {GroupId} after an unclear answer; not posting again")]
    public static partial void CreateFound(ILogger logger, string name, string groupId);
}
