using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Spot.Deploy.Strategies;

/// <summary>The names under which deployments report traces and metrics.</summary>
public static class StrategiesDiagnostics
{
    /// <summary>The <see cref="ActivitySource"/> name (shared by every Spot.Deploy package): <c>Spot.Deploy</c>.</summary>
    public const string ActivitySourceName = "Spot.Deploy";

    /// <summary>The <see cref="Meter"/> name: <c>Spot.Deploy</c>.</summary>
    public const string MeterName = "Spot.Deploy";

    /// <summary>Counter of finished deployments, tagged <c>strategy</c> and <c>outcome</c> (succeeded, rolled_back, needs_attention, canceled).</summary>
    public const string DeploymentsMetric = "spot_deploy.deployments";

    /// <summary>Counter of rollbacks run, tagged <c>strategy</c> and <c>outcome</c> (succeeded, failed).</summary>
    public const string RollbacksMetric = "spot_deploy.rollbacks";

    /// <summary>Histogram of deployment durations in seconds, tagged <c>strategy</c> and <c>outcome</c>.</summary>
    public const string DurationMetric = "spot_deploy.deployment.duration";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName, typeof(StrategiesDiagnostics).Assembly.GetName().Version?.ToString());

    internal static readonly Meter Meter = new(MeterName, typeof(StrategiesDiagnostics).Assembly.GetName().Version?.ToString());

    internal static readonly Counter<long> Deployments = Meter.CreateCounter<long>(DeploymentsMetric, "{deployment}", "Deployments finished, by strategy and outcome.");

    internal static readonly Counter<long> Rollbacks = Meter.CreateCounter<long>(RollbacksMetric, "{rollback}", "Rollbacks run, by strategy and outcome.");

    internal static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(DurationMetric, "s", "Deployment duration, by strategy and outcome.");

    internal static void RecordDeployment(DeploymentStrategy strategy, string outcome, TimeSpan elapsed)
    {
        var tags = new TagList { { "strategy", strategy.ToString() }, { "outcome", outcome } };
        Deployments.Add(1, tags);
        Duration.Record(elapsed.TotalSeconds, tags);
    }

    internal static void RecordRollback(DeploymentStrategy strategy, bool succeeded) =>
        Rollbacks.Add(1, new TagList { { "strategy", strategy.ToString() }, { "outcome", succeeded ? "succeeded" : "failed" } });
}

/// <summary>Deployment logs, EventIds 1200–1299.</summary>
internal static partial class DeploymentLog
{
    [LoggerMessage(1200, LogLevel.Information, "Deployment {DeploymentId} ({Strategy}) of {AppName} started: image {ImageId}, {Steps} steps in {Stages} stages")]
    public static partial void Started(ILogger logger, string deploymentId, DeploymentStrategy strategy, string appName, string imageId, int steps, int stages);

    [LoggerMessage(1201, LogLevel.Information, "Deployment {DeploymentId}: stage {Index}/{Count} {Stage} started")]
    public static partial void StageStarted(ILogger logger, string deploymentId, int index, int count, string stage);

    [LoggerMessage(1202, LogLevel.Information, "Deployment {DeploymentId}: step {StepId} {Description}")]
    public static partial void Step(ILogger logger, string deploymentId, string stepId, string description);

    [LoggerMessage(1203, LogLevel.Information, "Deployment {DeploymentId}: gate before {Stage} answered {Verdict} (attempt {Attempt}): {Reason}")]
    public static partial void Gate(ILogger logger, string deploymentId, string stage, GateVerdict verdict, int attempt, string? reason);

    [LoggerMessage(1204, LogLevel.Information, "Deployment {DeploymentId} finished: {Status} in {Seconds:0.#} s")]
    public static partial void Finished(ILogger logger, string deploymentId, DeploymentStatus status, double seconds);

    [LoggerMessage(1205, LogLevel.Error, "Deployment {DeploymentId}: step {Step} failed")]
    public static partial void StepFailed(ILogger logger, Exception exception, string deploymentId, string step);

    [LoggerMessage(1206, LogLevel.Warning, "Deployment {DeploymentId}: rolling back ({Steps} steps) because: {Reason}")]
    public static partial void RollingBack(ILogger logger, string deploymentId, int steps, string reason);

    [LoggerMessage(1207, LogLevel.Error, "Deployment {DeploymentId}: the rollback failed; it needs attention")]
    public static partial void RollbackFailed(ILogger logger, Exception exception, string deploymentId);

    [LoggerMessage(1208, LogLevel.Warning, "Deployment {DeploymentId}: {Message}")]
    public static partial void Warning(ILogger logger, string deploymentId, string message);

    [LoggerMessage(1209, LogLevel.Warning, "Deployment {DeploymentId} cancelled after {Completed} steps; in flight: {InFlight}")]
    public static partial void Canceled(ILogger logger, string deploymentId, int completed, string? inFlight);

    [LoggerMessage(1210, LogLevel.Information, "Deployment {DeploymentId} resumed: {Done} steps done, {Unresolved} to check, {Left} left")]
    public static partial void Resumed(ILogger logger, string deploymentId, int done, int unresolved, int left);

    [LoggerMessage(1211, LogLevel.Warning, "Deployment {DeploymentId} of {AppName} abandoned by {Owner} (it was {Status}); nothing was changed in Spot or AWS")]
    public static partial void Abandoned(ILogger logger, string deploymentId, string appName, string owner, DeploymentStatus status);

    [LoggerMessage(1212, LogLevel.Warning, "A deployment of {AppName} was refused: deployment {DeploymentId} of the app is unfinished ({Status})")]
    public static partial void Refused(ILogger logger, string appName, string deploymentId, DeploymentStatus status);

    [LoggerMessage(1213, LogLevel.Information, "Deployment {DeploymentId}: {Where}: check {Check} measured {Verdict} (round {Round}): {Detail}; dry run {DryRun}")]
    public static partial void Measured(ILogger logger, string deploymentId, string where, string check, int round, Spot.Deploy.Planning.MeasurementVerdict verdict, string detail, bool dryRun);

    [LoggerMessage(1214, LogLevel.Information, "Deployment {DeploymentId}: {Where}: analysis {Verdict}: {Reason}")]
    public static partial void AnalysisEnded(ILogger logger, string deploymentId, string where, Spot.Deploy.Planning.AnalysisVerdict verdict, string? reason);
}
