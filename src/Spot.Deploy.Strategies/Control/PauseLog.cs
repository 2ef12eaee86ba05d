using Microsoft.Extensions.Logging;

namespace Spot.Deploy.Strategies;

/// <summary>The log messages of pauses (event ids 1230–1239, kept apart from <see cref="DeploymentLog"/>).</summary>
internal static partial class PauseLog
{
    [LoggerMessage(1230, LogLevel.Warning, "Deployment {DeploymentId} paused before {Stage}: waiting for promote or abort (timeout {Timeout}, then {DefaultVerdict})")]
    public static partial void Paused(ILogger logger, string deploymentId, string stage, string timeout, ControlAction defaultVerdict);

    [LoggerMessage(1231, LogLevel.Warning, "Deployment {DeploymentId}: the pause before {Stage} ended: {Verdict} by {DecidedBy}: {Reason}")]
    public static partial void Decided(ILogger logger, string deploymentId, string stage, ControlAction verdict, string decidedBy, string? reason);
}
