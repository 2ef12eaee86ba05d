using Microsoft.Extensions.Logging;

namespace Spot.Deploy.PostgreSql;

/// <summary>The package's log messages (EventIds 6000-6099). They name the store by <see cref="PostgreSqlStoreOptions.ToString"/>, never by its connection string.</summary>
internal static partial class Log
{
    [LoggerMessage(6000, LogLevel.Information, "Schema {Schema} migrated to version {Version} ({Description})")]
    public static partial void MigrationApplied(ILogger logger, string schema, int version, string description);

    [LoggerMessage(6001, LogLevel.Information, "Lease on app {AppName} taken by {Holder} with fencing token {Token} until {ExpiresAt:O}")]
    public static partial void LeaseAcquired(ILogger logger, string appName, string holder, long token, DateTimeOffset expiresAt);

    [LoggerMessage(6002, LogLevel.Warning, "Could not renew the lease on app {AppName} (token {Token}); retrying at the next interval")]
    public static partial void LeaseRenewalFailed(ILogger logger, Exception exception, string appName, long token);

    [LoggerMessage(6003, LogLevel.Error, "The lease on app {AppName} (token {Token}) was lost: it expired or another runner took it; this runner's journal writes for the app are refused")]
    public static partial void LeaseLost(ILogger logger, string appName, long token);

    [LoggerMessage(6004, LogLevel.Warning, "Could not release the lease on app {AppName} (token {Token}); it expires by itself")]
    public static partial void LeaseReleaseFailed(ILogger logger, Exception exception, string appName, long token);

    [LoggerMessage(6005, LogLevel.Error, "Journal write for deployment {DeploymentId} refused: {Reason}")]
    public static partial void WriteRefused(ILogger logger, string deploymentId, string reason);

    [LoggerMessage(6006, LogLevel.Warning, "Transient database failure in {What} (attempt {Attempt}); trying again in {DelaySeconds} s: {Reason}")]
    public static partial void TransientFailure(ILogger logger, string what, int attempt, double delaySeconds, string reason);
}
