namespace Spot.Deploy.Strategies;

/// <summary>Why a control request (<see cref="IDeploymentControl.RequestAsync"/>) was refused.</summary>
public enum ControlRefusal
{
    /// <summary>The store holds no such deployment.</summary>
    UnknownDeployment,

    /// <summary>The deployment is finished (succeeded, rolled back, failed or abandoned): there is nothing to promote or abort.</summary>
    FinishedDeployment,

    /// <summary>A different decision was made first for the stage, or the deployment was aborted already.</summary>
    AlreadyDecided,

    /// <summary>The deployment is not paused (for a request that names no stage: the CLI and <see cref="Deployment.PromoteAsync"/>).</summary>
    NotPaused,
}

/// <summary>
/// A promote or abort was refused: nothing was stored. The message says which deployment, why, and (for
/// <see cref="ControlRefusal.AlreadyDecided"/>) who decided what first.
/// </summary>
public sealed class DeploymentControlException : DeploymentStateException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public DeploymentControlException()
        : base("The control request was refused; nothing was stored.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public DeploymentControlException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DeploymentControlException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a refusal.</summary>
    /// <param name="message">What was refused and why.</param>
    /// <param name="deploymentId">The deployment.</param>
    /// <param name="refusal">Why.</param>
    /// <param name="decision">The decision made first, for <see cref="ControlRefusal.AlreadyDecided"/>.</param>
    public DeploymentControlException(string message, string deploymentId, ControlRefusal refusal, ControlRequest? decision = null)
        : base(message)
    {
        ControlDeploymentId = deploymentId;
        Refusal = refusal;
        Decision = decision;
    }

    /// <summary>The deployment the request named.</summary>
    public string? ControlDeploymentId { get; }

    /// <summary>Why the request was refused.</summary>
    public ControlRefusal Refusal { get; }

    /// <summary>The decision made first, for <see cref="ControlRefusal.AlreadyDecided"/>; otherwise null.</summary>
    public ControlRequest? Decision { get; }
}

/// <summary>
/// A paused deployment was aborted (a person's abort, or a pause's timeout whose default verdict is abort): the deployment
/// failed and followed <see cref="DeploymentOptions.OnFailure"/>. It is the inner exception of the
/// <see cref="DeploymentFailedException"/>.
/// </summary>
public sealed class DeploymentAbortedException : DeploymentGateAbortedException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public DeploymentAbortedException()
        : base("The paused deployment was aborted.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public DeploymentAbortedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DeploymentAbortedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an abort at a pause.</summary>
    /// <param name="stageName">The stage the deployment was paused before.</param>
    /// <param name="abortedBy">Who aborted; null when the pause timed out.</param>
    /// <param name="reason">Why.</param>
    public DeploymentAbortedException(string stageName, string? abortedBy, string? reason)
        : base(stageName, abortedBy is null ? reason : $"aborted by {abortedBy}{(reason is null ? string.Empty : ": " + reason)}")
    {
        AbortedBy = abortedBy;
        TimedOut = abortedBy is null;
        PauseMessage = abortedBy is null
            ? $"The pause before {stageName} timed out: {reason}."
            : $"The pause before {stageName} was aborted by {abortedBy}{(reason is null ? "." : ": " + reason)}";
    }

    /// <inheritdoc />
    public override string Message => PauseMessage ?? base.Message;

    private string? PauseMessage { get; }

    /// <summary>Who aborted; null when the pause's timeout decided.</summary>
    public string? AbortedBy { get; }

    /// <summary>True when the pause timed out and its default verdict was abort.</summary>
    public bool TimedOut { get; }
}
