namespace Spot.Deploy.Strategies;

/// <summary>
/// A deployment failed after it started changing things. <see cref="Status"/> says where it ended:
/// <see cref="DeploymentStatus.RolledBack"/> (back where it started), or <see cref="DeploymentStatus.NeedsAttention"/>
/// (stopped by policy, or the rollback failed too): resume or roll it back by <see cref="DeploymentId"/>.
/// </summary>
public class DeploymentFailedException : Exception
{
    /// <summary>Creates the exception with a generic message (prefer the other constructors).</summary>
    public DeploymentFailedException()
        : base("The deployment failed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public DeploymentFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DeploymentFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message, saying what state things are in.</param>
    /// <param name="deploymentId">The deployment.</param>
    /// <param name="status">Where it ended.</param>
    /// <param name="failedStep">The step that failed, or null (a gate, a validation).</param>
    /// <param name="innerException">The failure.</param>
    /// <param name="rollbackException">The rollback's own failure, or null.</param>
    public DeploymentFailedException(string message, string deploymentId, DeploymentStatus status, string? failedStep, Exception? innerException, Exception? rollbackException)
        : base(message, innerException)
    {
        DeploymentId = deploymentId;
        Status = status;
        FailedStep = failedStep;
        RollbackException = rollbackException;
    }

    /// <summary>The deployment id (journal).</summary>
    public string? DeploymentId { get; }

    /// <summary>Where the deployment ended: rolled back or needs attention.</summary>
    public DeploymentStatus Status { get; } = DeploymentStatus.NeedsAttention;

    /// <summary>The step that failed, as described in the plan; null when no step did (a gate aborted).</summary>
    public string? FailedStep { get; }

    /// <summary>Why the automatic rollback failed, or null.</summary>
    public Exception? RollbackException { get; }

    /// <summary>True when everything is back where the deployment started.</summary>
    public bool IsRolledBack => Status == DeploymentStatus.RolledBack;
}

/// <summary>
/// A deployment was cancelled. It stopped between calls (or abandoned a wait) and nothing was rolled back:
/// <see cref="Exception.Message"/> says what was done and what was in flight; the status is
/// <see cref="DeploymentStatus.NeedsAttention"/>, and the deployment can be resumed or rolled back by <see cref="DeploymentId"/>.
/// </summary>
public class DeploymentCanceledException : OperationCanceledException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public DeploymentCanceledException()
        : base("The deployment was cancelled.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public DeploymentCanceledException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DeploymentCanceledException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was done and what was in flight.</param>
    /// <param name="deploymentId">The deployment.</param>
    /// <param name="completedSteps">How many steps had completed.</param>
    /// <param name="stepInFlight">The step that was running, or null.</param>
    /// <param name="innerException">The cancellation.</param>
    /// <param name="cancellationToken">The token that was cancelled.</param>
    public DeploymentCanceledException(string message, string deploymentId, int completedSteps, string? stepInFlight, Exception? innerException, CancellationToken cancellationToken)
        : base(message, innerException, cancellationToken)
    {
        DeploymentId = deploymentId;
        CompletedSteps = completedSteps;
        StepInFlight = stepInFlight;
    }

    /// <summary>The deployment id (journal).</summary>
    public string? DeploymentId { get; }

    /// <summary>How many steps had completed.</summary>
    public int CompletedSteps { get; }

    /// <summary>The step that was running when the cancellation came, or null.</summary>
    public string? StepInFlight { get; }
}

/// <summary>A Spot roll failed or was stopped by someone else.</summary>
public class SpotRollFailedException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public SpotRollFailedException()
        : base("The Spot roll failed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public SpotRollFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SpotRollFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A gate answered <see cref="GateVerdict.Abort"/>: the deployment fails and follows <see cref="DeploymentOptions.OnFailure"/>.</summary>
public class DeploymentGateAbortedException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public DeploymentGateAbortedException()
        : base("A gate aborted the deployment.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public DeploymentGateAbortedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DeploymentGateAbortedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a gate's abort.</summary>
    /// <param name="stageName">The stage the gate guarded.</param>
    /// <param name="reason">The gate's reason.</param>
    public DeploymentGateAbortedException(string stageName, string? reason)
        : base($"The gate before {stageName} aborted the deployment{(reason is null ? "." : ": " + reason)}")
    {
        StageName = stageName;
        Reason = reason;
    }

    /// <summary>The stage the gate guarded.</summary>
    public string? StageName { get; }

    /// <summary>The gate's reason.</summary>
    public string? Reason { get; }
}
