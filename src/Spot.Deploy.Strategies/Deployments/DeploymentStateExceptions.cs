using System.Globalization;

namespace Spot.Deploy.Strategies;

/// <summary>
/// A call was refused because of where a deployment stands in the journal: another deployment of the app is
/// unfinished (<see cref="UnfinishedDeploymentException"/>), a newer one exists (<see cref="NewerDeploymentExistsException"/>),
/// or the deployment is finished in a way that does not allow what was asked (<see cref="DeploymentFinishedException"/>).
/// Nothing was changed — not in Spot, not in AWS, not in the journal — and asking again changes nothing until a person
/// acts on the deployment named. It is an <see cref="InvalidOperationException"/>: the call is invalid for the state the
/// app's deployments are in, not because of a field of the request (that is a
/// <see cref="Planning.DeploymentValidationException"/>), and not a lock that frees itself (<see cref="AppLockedException"/>).
/// </summary>
public class DeploymentStateException : InvalidOperationException
{
    /// <summary>Creates the exception with a generic message (prefer the subclasses).</summary>
    public DeploymentStateException()
        : base("The deployment's state does not allow this call; nothing was changed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public DeploymentStateException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DeploymentStateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for one deployment.</summary>
    /// <param name="message">The message: what was refused, why, and what to do.</param>
    /// <param name="deploymentId">The deployment the refusal is about.</param>
    /// <param name="appName">Its app.</param>
    /// <param name="status">Its status in the journal.</param>
    public DeploymentStateException(string message, string deploymentId, string appName, DeploymentStatus status)
        : base(message)
    {
        DeploymentId = deploymentId;
        AppName = appName;
        Status = status;
    }

    /// <summary>The deployment the refusal is about (for <see cref="UnfinishedDeploymentException"/>: the unfinished one).</summary>
    public string? DeploymentId { get; }

    /// <summary>Its app.</summary>
    public string? AppName { get; }

    /// <summary>Its status in the journal.</summary>
    public DeploymentStatus? Status { get; }

    private protected static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>
/// A new deployment was refused because the journal holds an unfinished deployment (<see cref="DeploymentStatus.Running"/>
/// with no process holding the app's lock: interrupted; or <see cref="DeploymentStatus.NeedsAttention"/>) of the same app.
/// An app has one deployment story at a time: a new one would start from groups and routes the unfinished one left
/// half-changed, and a later resume of the old one would undo the new one. Nothing was changed. Go on with the deployment
/// named: resume it, roll it back, or — once a person has checked the app — abandon it (<see cref="DeploymentRecovery"/>).
/// </summary>
public sealed class UnfinishedDeploymentException : DeploymentStateException
{
    /// <summary>Creates the exception with a generic message (prefer the other constructors).</summary>
    public UnfinishedDeploymentException()
        : base("The app has an unfinished deployment; resume it, roll it back or abandon it first. Nothing was changed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public UnfinishedDeploymentException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public UnfinishedDeploymentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a message naming the unfinished deployment and the three ways on.</summary>
    /// <param name="deploymentId">The unfinished deployment.</param>
    /// <param name="appName">Its app.</param>
    /// <param name="status">Its status (running, or needs attention).</param>
    /// <param name="strategy">Its strategy, as journaled (<see cref="DeploymentRecord.Strategy"/>).</param>
    /// <param name="startedAt">When it started.</param>
    public UnfinishedDeploymentException(string deploymentId, string appName, DeploymentStatus status, string strategy, DateTimeOffset startedAt)
        : base(Describe(deploymentId, appName, status, strategy, startedAt), deploymentId, appName, status)
    {
        Strategy = strategy;
        StartedAt = startedAt;
    }

    /// <summary>The unfinished deployment's strategy, as journaled (<see cref="DeploymentRecord.Strategy"/>, such as <c>Canary</c>).</summary>
    public string? Strategy { get; }

    /// <summary>When the unfinished deployment started.</summary>
    public DateTimeOffset? StartedAt { get; }

    private static string Describe(string deploymentId, string appName, DeploymentStatus status, string strategy, DateTimeOffset startedAt)
    {
        var state = status == DeploymentStatus.Running
            ? "status Running, but no deployment holds the app's lock: its process was interrupted (a crash, a kill)"
            : $"status {status}";
        return $"App '{appName}' has an unfinished deployment, {deploymentId} ({strategy}, started {Time(startedAt)}, {state}). "
            + "A new deployment would start from the groups and routes it left half-changed, and resuming it later would undo the new one, "
            + "so nothing was started and nothing was changed. Finish its story first: resume it (DeploymentRecovery.ResumeAsync), "
            + "roll it back (DeploymentRecovery.RollbackAsync), or, once a person has checked the app's groups and routes, "
            + $"abandon it (DeploymentRecovery.AbandonAsync with a reason); then deploy again.";
    }
}

/// <summary>
/// A resume or rollback was refused because a newer deployment of the same app exists in the journal (started later,
/// whatever its status): an old deployment is never resumed or rolled back over a newer one, which has changed the groups
/// and routes the old one's journal describes. Nothing was changed.
/// </summary>
public sealed class NewerDeploymentExistsException : DeploymentStateException
{
    /// <summary>Creates the exception with a generic message (prefer the other constructors).</summary>
    public NewerDeploymentExistsException()
        : base("A newer deployment of the app exists; an older one is never resumed or rolled back over it. Nothing was changed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public NewerDeploymentExistsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public NewerDeploymentExistsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a message naming both deployments.</summary>
    /// <param name="deploymentId">The deployment asked to be resumed or rolled back.</param>
    /// <param name="appName">Its app.</param>
    /// <param name="status">Its status.</param>
    /// <param name="newerDeploymentId">The newest deployment of the app.</param>
    /// <param name="newerStatus">That deployment's status.</param>
    /// <param name="newerStartedAt">When that deployment started.</param>
    public NewerDeploymentExistsException(string deploymentId, string appName, DeploymentStatus status, string newerDeploymentId, DeploymentStatus newerStatus, DateTimeOffset newerStartedAt)
        : base(Describe(deploymentId, appName, status, newerDeploymentId, newerStatus, newerStartedAt), deploymentId, appName, status)
    {
        NewerDeploymentId = newerDeploymentId;
        NewerStatus = newerStatus;
        NewerStartedAt = newerStartedAt;
    }

    /// <summary>The newest deployment of the app.</summary>
    public string? NewerDeploymentId { get; }

    /// <summary>That deployment's status.</summary>
    public DeploymentStatus? NewerStatus { get; }

    /// <summary>When that deployment started.</summary>
    public DateTimeOffset? NewerStartedAt { get; }

    private static string Describe(string deploymentId, string appName, DeploymentStatus status, string newerId, DeploymentStatus newerStatus, DateTimeOffset newerStartedAt)
    {
        var left = status is DeploymentStatus.Running or DeploymentStatus.NeedsAttention
            ? $" {deploymentId} is still unfinished: once a person has checked the app, abandon it (DeploymentRecovery.AbandonAsync with a reason)."
            : string.Empty;
        return $"Deployment {deploymentId} of app '{appName}' ({status}) cannot be resumed or rolled back: a newer deployment of the app, {newerId} "
            + $"(started {Time(newerStartedAt)}, {newerStatus}), exists, and an old deployment is never resumed or rolled back over a newer one "
            + $"(it would undo what the newer one did). Nothing was changed. Go on from {newerId}: resume or roll it back while it is unfinished, or deploy again.{left}";
    }
}

/// <summary>
/// The deployment is finished in a way that does not allow what was asked: a rollback of a succeeded deployment (deploy
/// the previous image to go back: <see cref="PreviousImageId"/> when the journal knows it), a rollback of an abandoned one,
/// or abandoning a finished one. Nothing was changed.
/// </summary>
public sealed class DeploymentFinishedException : DeploymentStateException
{
    /// <summary>Creates the exception with a generic message (prefer the other constructors).</summary>
    public DeploymentFinishedException()
        : base("The deployment is finished; nothing was changed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public DeploymentFinishedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DeploymentFinishedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was refused, and the way on.</param>
    /// <param name="deploymentId">The deployment.</param>
    /// <param name="appName">Its app.</param>
    /// <param name="status">Its final status.</param>
    /// <param name="previousImageId">The image the app ran before the deployment, when the journal knows it; otherwise null.</param>
    public DeploymentFinishedException(string message, string deploymentId, string appName, DeploymentStatus status, string? previousImageId)
        : base(message, deploymentId, appName, status)
    {
        PreviousImageId = previousImageId;
    }

    /// <summary>
    /// The image the app ran before the deployment, when the journal knows it (a Spot roll's previous image, or the image of
    /// the app's previous succeeded deployment); null otherwise. Deploying it is the way back from a succeeded deployment.
    /// </summary>
    public string? PreviousImageId { get; }
}
