namespace Spot.Deploy.Strategies;

/// <summary>
/// The control channel of deployments: promote or abort a paused deployment (<see cref="DeploymentOptions.Pause"/>) from
/// this process or another one. Kept in the store the deployment uses but never in its journal, which only the deployment's
/// runner writes: <see cref="InMemoryDeploymentJournal"/>, <see cref="FileDeploymentJournal"/> (a file
/// <c>&lt;id&gt;.control</c> beside the journal file) and the PostgreSQL store (its <c>control_requests</c> table) implement it.
/// </summary>
/// <remarks>
/// Requests are ordered (<see cref="ControlRequest.Sequence"/>) and idempotent: asking for what was decided already returns
/// the stored decision and stores nothing. The first decision for a stage wins; a contradictory one, or any request after
/// an abort, is refused (<see cref="DeploymentControlException"/> with <see cref="ControlRefusal.AlreadyDecided"/>), as is
/// a request for an unknown or finished deployment.
/// </remarks>
public interface IDeploymentControl
{
    /// <summary>Records a decision for a paused (or about to pause) deployment; the paused run reads it at its next poll.</summary>
    /// <param name="deploymentId">Exactly one deployment.</param>
    /// <param name="request">The decision.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The decision stored for the stage: this request as stored, or the same decision stored earlier.</returns>
    /// <exception cref="DeploymentControlException">The deployment is unknown or finished, or a different decision was made first; nothing was stored.</exception>
    /// <exception cref="DeploymentJournalException">The store could not be read or written.</exception>
    Task<ControlRequest> RequestAsync(string deploymentId, ControlRequest request, CancellationToken cancellationToken = default);

    /// <summary>Reads a deployment's requests, in order.</summary>
    /// <param name="deploymentId">The deployment.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Every stored request, oldest first; empty when there is none.</returns>
    /// <exception cref="DeploymentJournalException">The store could not be read.</exception>
    Task<IReadOnlyList<ControlRequest>> ReadAsync(string deploymentId, CancellationToken cancellationToken = default);
}
