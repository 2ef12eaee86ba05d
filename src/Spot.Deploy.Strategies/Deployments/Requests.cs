using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies;

/// <summary>The deployment strategies.</summary>
public enum DeploymentStrategy
{
    /// <summary>One phase at 100 %: the new revision group takes over, the previous one goes to 0.</summary>
    Basic,

    /// <summary>Several phases (percent or count of the new group), the previous group shrinking in proportion.</summary>
    Canary,

    /// <summary>A stage group behind the stage routes, then a swap (or weighted shift) of production traffic.</summary>
    BlueGreen,

    /// <summary>The group's image updated in place and replaced by Spot's own blue/green roll.</summary>
    SpotRoll,
}

/// <summary>What every revision-based deployment (Basic, Canary, Blue/Green) needs: the app, its group document and the image.</summary>
public abstract class DeploymentRequest
{
    /// <summary>The app name <c>A</c>: revisions are named <c>A__N</c>, Blue/Green groups <c>A</c> and <c>A__STAGE</c>.</summary>
    public string AppName { get; set; } = string.Empty;

    /// <summary>The user's Elastigroup document the new group is created from (see <see cref="ElastigroupDocument.ToCreateBody"/>).</summary>
    public ElastigroupDocument? Document { get; set; }

    /// <summary>The AMI: an id (<see cref="AmiQuery.ImageId"/>) or a query resolved through EC2 before anything changes.</summary>
    public AmiQuery? Image { get; set; }

    /// <summary>User data for the new group (plain text, base64-encoded on the wire), or null to keep the document's.</summary>
    public string? UserData { get; set; }

    /// <summary>The new group's capacity: fixed, or the same as the running group's (default, with the fallback 1/2/4).</summary>
    public CapacityRequest Capacity { get; set; } = CapacityRequest.SameAsRunning();

    /// <summary>Sets <see cref="Image"/> to a known AMI id.</summary>
    /// <param name="imageId">The AMI id (<c>ami-…</c>).</param>
    public void UseImage(string imageId) => Image = new AmiQuery { ImageId = imageId };
}

/// <summary>A Basic deployment: setup, then one phase at 100 %.</summary>
public sealed class BasicDeploymentRequest : DeploymentRequest
{
    /// <summary>K: empty revisions kept besides the running ones (default 3, the reference's).</summary>
    public int RetainedEmptyRevisions { get; set; } = SetupRequest.DefaultRetainedEmptyRevisions;

    /// <summary>
    /// Adopt a running group named exactly like the app as the previous revision (revision 0): downsized as the plan
    /// says, restored by a rollback, kept afterwards. Without it such a group is refused (see <see cref="SetupRequest.AdoptUnversionedGroup"/>).
    /// </summary>
    public bool AdoptUnversionedGroup { get; set; }
}

/// <summary>A Canary deployment: setup, then each phase (percent or count, optional explicit downsize), the last one final.</summary>
public sealed class CanaryDeploymentRequest : DeploymentRequest
{
    /// <summary>K: empty revisions kept besides the running ones (default 3, the reference's).</summary>
    public int RetainedEmptyRevisions { get; set; } = SetupRequest.DefaultRetainedEmptyRevisions;

    /// <summary>
    /// Adopt a running group named exactly like the app as the previous revision (revision 0): downsized as the plan
    /// says, restored by a rollback, kept afterwards. Without it such a group is refused (see <see cref="SetupRequest.AdoptUnversionedGroup"/>).
    /// </summary>
    public bool AdoptUnversionedGroup { get; set; }

    /// <summary>The phases in order; the last must be final (100 % or a count ≥ the planned target).</summary>
    public IList<CanaryPhase> Phases { get; set; } = new List<CanaryPhase>();

    /// <summary>Adds a phase growing the new group to <paramref name="percent"/> % of its planned target.</summary>
    /// <param name="percent">1–100.</param>
    /// <returns>This request.</returns>
    public CanaryDeploymentRequest AddPercentPhase(int percent)
    {
        Phases.Add(new CanaryPhase(PhaseStep.Percent(percent)));
        return this;
    }

    /// <summary>Adds a phase growing the new group to <paramref name="count"/> instances.</summary>
    /// <param name="count">1 or more.</param>
    /// <returns>This request.</returns>
    public CanaryDeploymentRequest AddCountPhase(int count)
    {
        Phases.Add(new CanaryPhase(PhaseStep.Count(count)));
        return this;
    }
}

/// <summary>A Blue/Green deployment: stage group behind the stage routes, then a swap or a weighted traffic shift.</summary>
public sealed class BlueGreenDeploymentRequest : DeploymentRequest
{
    /// <summary>Per ALB: the production route (listener, optional rule) and the stage route.</summary>
    public IList<BlueGreenLoadBalancer> LoadBalancers { get; set; } = new List<BlueGreenLoadBalancer>();

    /// <summary>The names: <see cref="BlueGreenNaming.Default"/> (<c>A</c>, <c>A__STAGE</c>) when null, or the reference preset.</summary>
    public BlueGreenNaming? Naming { get; set; }

    /// <summary>After the swap, scale the old production group (now the stage group) to 0.</summary>
    public bool DownsizeOldGroup { get; set; }

    /// <summary>Weighted traffic shift instead of a hard swap, e.g. 10, 25, 50, 100 (the last is the swap); null or empty for a hard swap.</summary>
    public IList<int>? TrafficShiftPercents { get; set; }
}

/// <summary>A Spot-managed roll: the group's image updated in place, then Spot's blue/green roll replaces its instances.</summary>
public sealed class SpotRollDeploymentRequest
{
    /// <summary>The app: the group named exactly this is rolled unless <see cref="GroupId"/> is set.</summary>
    public string AppName { get; set; } = string.Empty;

    /// <summary>The group to roll (<c>sig-…</c>); when null the single group named <see cref="AppName"/>.</summary>
    public string? GroupId { get; set; }

    /// <summary>The AMI: an id or a query resolved through EC2 before anything changes.</summary>
    public AmiQuery? Image { get; set; }

    /// <summary>Percent of the group replaced per batch (1–100, default 20).</summary>
    public int BatchSizePercentage { get; set; } = 20;

    /// <summary>How long a batch may take to become healthy before the roll fails (default 600 s).</summary>
    public int GracePeriodSeconds { get; set; } = 600;

    /// <summary>The roll's health check type (<c>ELB</c>, <c>TARGET_GROUP</c>, <c>HCS</c>, <c>NONE</c> …); null for the group's own.</summary>
    public string? HealthCheckType { get; set; }

    /// <summary>Sets <see cref="Image"/> to a known AMI id.</summary>
    /// <param name="imageId">The AMI id (<c>ami-…</c>).</param>
    public void UseImage(string imageId) => Image = new AmiQuery { ImageId = imageId };
}
