using System.Globalization;

namespace Spot.Deploy.Strategies;

/// <summary>How a deployment (or a resume, or a rollback) ended.</summary>
public sealed class DeploymentResult
{
    internal DeploymentResult(string deploymentId, string appName, DeploymentStrategy strategy, DeploymentStatus status, string? groupId, string? groupName, TimeSpan elapsed, bool alreadyFinished = false)
    {
        AlreadyFinished = alreadyFinished;
        DeploymentId = deploymentId;
        AppName = appName;
        Strategy = strategy;
        Status = status;
        GroupId = groupId;
        GroupName = groupName;
        Elapsed = elapsed;
    }

    /// <summary>The deployment id (the journal's).</summary>
    public string DeploymentId { get; }

    /// <summary>The app.</summary>
    public string AppName { get; }

    /// <summary>The strategy.</summary>
    public DeploymentStrategy Strategy { get; }

    /// <summary>
    /// <see cref="DeploymentStatus.Succeeded"/>, <see cref="DeploymentStatus.RolledBack"/> (an explicit rollback), or
    /// <see cref="DeploymentStatus.Abandoned"/> (<see cref="DeploymentRecovery.AbandonAsync"/>, or a resume of an abandoned deployment).
    /// </summary>
    public DeploymentStatus Status { get; }

    /// <summary>The group now running the new image (the new revision, the new production group, the rolled group); null after a rollback.</summary>
    public string? GroupId { get; }

    /// <summary>That group's name.</summary>
    public string? GroupName { get; }

    /// <summary>How long the deployment has taken on its clock, from its start to the end of this call (or to its finish, when <see cref="AlreadyFinished"/>).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>
    /// True when the deployment had finished before this call, which therefore changed nothing: a resume of a succeeded,
    /// rolled-back or abandoned deployment, or a rollback of a rolled-back one (a process that died right after journaling
    /// the final status leaves exactly this behind). <see cref="Status"/> is the final status the journal holds.
    /// </summary>
    public bool AlreadyFinished { get; }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Strategy} deployment {DeploymentId} of {AppName}: {(AlreadyFinished ? "already " : string.Empty)}{Status} in {Elapsed.TotalSeconds:0.#} s{(GroupName is null ? string.Empty : $", group {GroupName} ({GroupId})")}");
}
