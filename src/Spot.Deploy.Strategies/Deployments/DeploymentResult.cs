using System.Globalization;

namespace Spot.Deploy.Strategies;

/// <summary>How a deployment (or a resume, or a rollback) ended.</summary>
public sealed class DeploymentResult
{
    internal DeploymentResult(string deploymentId, string appName, DeploymentStrategy strategy, DeploymentStatus status, string? groupId, string? groupName, TimeSpan elapsed)
    {
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

    /// <summary><see cref="DeploymentStatus.Succeeded"/> or <see cref="DeploymentStatus.RolledBack"/> (an explicit rollback).</summary>
    public DeploymentStatus Status { get; }

    /// <summary>The group now running the new image (the new revision, the new production group, the rolled group); null after a rollback.</summary>
    public string? GroupId { get; }

    /// <summary>That group's name.</summary>
    public string? GroupName { get; }

    /// <summary>How long this call took on the deployment's clock.</summary>
    public TimeSpan Elapsed { get; }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Strategy} deployment {DeploymentId} of {AppName}: {Status} in {Elapsed.TotalSeconds:0.#} s{(GroupName is null ? string.Empty : $", group {GroupName} ({GroupId})")}");
}
