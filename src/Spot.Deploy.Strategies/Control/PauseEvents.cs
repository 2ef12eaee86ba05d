namespace Spot.Deploy.Strategies;

/// <summary>
/// The deployment paused before a stage and waits for a promote or an abort through its control channel
/// (<see cref="IDeploymentControl"/>, <see cref="Deployment.PromoteAsync"/>, <c>spot-deploy promote|abort &lt;id&gt;</c>).
/// </summary>
/// <param name="Time">When.</param>
/// <param name="DeploymentId">The deployment to promote or abort.</param>
/// <param name="StageIndex">The stage it waits before (the <see cref="ControlRequest.Stage"/> to decide).</param>
/// <param name="StageName">Its name, such as <c>phase 2 of 3 (50 %)</c>.</param>
/// <param name="Timeout">How long it waits in all (counted from <paramref name="Since"/>), or null for as long as it takes.</param>
/// <param name="DefaultVerdict">What happens when the timeout passes.</param>
/// <param name="Since">When the pause began (earlier than <paramref name="Time"/> for a resumed deployment that had paused here).</param>
public sealed record PausedEvent(DateTimeOffset Time, string DeploymentId, int StageIndex, string StageName, TimeSpan? Timeout, ControlAction DefaultVerdict, DateTimeOffset Since) : DeploymentEvent(Time);

/// <summary>A pause ended: promoted (the stage runs) or aborted (the deployment fails), by a person or by its timeout.</summary>
/// <param name="Time">When.</param>
/// <param name="StageName">The stage it waited before.</param>
/// <param name="Verdict">Promote or abort.</param>
/// <param name="DecidedBy">Who decided; null when the timeout did.</param>
/// <param name="Reason">Why, or null.</param>
/// <param name="Waited">How long the pause lasted.</param>
public sealed record PauseEndedEvent(DateTimeOffset Time, string StageName, ControlAction Verdict, string? DecidedBy, string? Reason, TimeSpan Waited) : DeploymentEvent(Time);
