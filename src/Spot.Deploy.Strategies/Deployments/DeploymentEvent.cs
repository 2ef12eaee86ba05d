namespace Spot.Deploy.Strategies;

/// <summary>
/// Something a deployment reports while it runs (through <see cref="IProgress{T}"/>); orchestrators add
/// their own kinds. Events are facts for display and logs, never inputs to decisions.
/// </summary>
/// <param name="Time">When it happened, on the deployment's <see cref="TimeProvider"/>.</param>
public abstract record DeploymentEvent(DateTimeOffset Time);

/// <summary>
/// One poll of a group's instances while waiting for a steady state. The numbers are in the group's capacity
/// <see cref="Unit"/>: instances, or for a group in weight units the sum of the instances' weights.
/// </summary>
/// <param name="Time">When the poll finished.</param>
/// <param name="GroupId">The Elastigroup polled.</param>
/// <param name="Healthy">How many of its instances Spot reported <c>HEALTHY</c> (in weight units: their weights' sum).</param>
/// <param name="Total">How many instances the group had (group status; in weight units: their weights' sum).</param>
/// <param name="Target">How many healthy instances (or weight units) the wait is for.</param>
/// <param name="Polls">Polls so far, this one included (1 for the first).</param>
public sealed record InstancesProgressEvent(DateTimeOffset Time, string GroupId, int Healthy, int Total, int Target, int Polls) : DeploymentEvent(Time)
{
    /// <summary>The unit of the numbers: <c>instance</c> (default) or <c>weight</c>.</summary>
    public string Unit { get; init; } = "instance";

    /// <summary>The group's name while it is waited for (as the deployment's step names it), or null when not known.</summary>
    public string? GroupName { get; init; }
}
