using System.Globalization;

namespace Spot.Deploy.Planning;

/// <summary>What a Spot roll starts from: the group as read before the deployment, and how to roll it.</summary>
/// <param name="AppName">The app name (checked by <see cref="Planning.AppName.Validate"/>).</param>
/// <param name="GroupId">The rolled group's Spot id.</param>
/// <param name="GroupName">The rolled group's name.</param>
/// <param name="CurrentImages">
/// The group's images before the deployment: its <c>imageId</c> alone, or its whole <c>images</c> list in order.
/// </param>
/// <param name="UsesImagesList">True when the group's launch specification uses an <c>images</c> list rather than <c>imageId</c>.</param>
/// <param name="NewImageId">The AMI to deploy (<c>ami-…</c>).</param>
/// <param name="TargetCapacity">The group's target before the deployment: with 0 there is nothing to roll.</param>
public sealed record SpotRollRequest(string AppName, string GroupId, string GroupName, IReadOnlyList<string> CurrentImages, bool UsesImagesList, string NewImageId, int TargetCapacity)
{
    /// <summary>The share of the group's instances Spot replaces in each batch, 1–100. Default 20.</summary>
    public int BatchSizePercentage { get; init; } = 20;

    /// <summary>How long Spot waits for a new instance to become healthy, in seconds, ≥ 0. Default 600.</summary>
    public int GracePeriodSeconds { get; init; } = 600;

    /// <summary>
    /// The roll's health check, one of <see cref="SpotRollPlanner.HealthCheckTypes"/> (case-sensitive, as Spot
    /// compares it); null uses the group's own auto-healing health check.
    /// </summary>
    public string? HealthCheckType { get; init; }

    /// <summary>
    /// When set (and there is something to roll), the roll is a stage of its own, <c>roll</c>, gated, after a stage
    /// <c>set image</c>: a background analysis watches the instances Spot brings up batch by batch from its start, and
    /// its failure stops the roll and rolls the group back (ours). The engine sets it for a background analysis.
    /// </summary>
    public bool WatchTheRoll { get; init; }
}

/// <summary>A Spot roll: set the group's image, then let Spot replace its instances in batches.</summary>
public sealed record SpotRollPlan
{
    internal SpotRollPlan(GroupRef group, IReadOnlyList<string> previousImages, IReadOnlyList<string> newImages, bool usesImagesList, IReadOnlyList<PlanStage> stages)
    {
        Group = group;
        PreviousImages = previousImages;
        NewImages = newImages;
        UsesImagesList = usesImagesList;
        Stages = stages;
        Steps = PlanStage.Flatten(stages);
    }

    /// <summary>The rolled group (role <see cref="GroupRole.Rolled"/>).</summary>
    public GroupRef Group { get; }

    /// <summary>The group's images before the deployment (journaled for rollback).</summary>
    public IReadOnlyList<string> PreviousImages { get; }

    /// <summary>The group's images after the image change: the new AMI first, the rest of an images list kept.</summary>
    public IReadOnlyList<string> NewImages { get; }

    /// <summary>True when the group uses an <c>images</c> list rather than <c>imageId</c>.</summary>
    public bool UsesImagesList { get; }

    /// <summary>One stage, <c>roll</c>, without a gate; or, with <see cref="SpotRollRequest.WatchTheRoll"/>, <c>set image</c> then a gated <c>roll</c>.</summary>
    public IReadOnlyList<PlanStage> Stages { get; }

    /// <summary>Every step in execution order: exactly the steps of <see cref="Stages"/>.</summary>
    public IReadOnlyList<PlanStep> Steps { get; }
}

/// <summary>What a Spot roll's rollback is planned from: the plan and how far the deployment got.</summary>
/// <param name="Plan">The deployment's plan.</param>
/// <param name="ImageChangeStarted">True when the image change had started (its effect may be unknown).</param>
/// <param name="RollStarted">True when the roll had started (its effect may be unknown).</param>
public sealed record SpotRollRollbackRequest(SpotRollPlan Plan, bool ImageChangeStarted, bool RollStarted);

/// <summary>Plans Spot rolls and their rollbacks. Pure: same input, same plan.</summary>
public static class SpotRollPlanner
{
    /// <summary>
    /// The health check types Spot accepts for a roll (<c>healthCheckType</c> of the roll request), compared
    /// case-sensitively as Spot does.
    /// </summary>
    public static IReadOnlyList<string> HealthCheckTypes { get; } =
        Array.AsReadOnly(["ELB", "ECS_CLUSTER_INSTANCE", "TARGET_GROUP", "OPSWORKS", "NOMAD_NODE", "HCS", "EC2", "NONE"]);

    /// <summary>
    /// Plans a Spot roll, one stage <c>roll</c> without a gate: set the group's image (with an images list only
    /// the first image is replaced, the rest of the list is kept); then, when the group has a target above 0,
    /// roll it in batches and wait until the roll finished.
    /// </summary>
    /// <exception cref="DeploymentValidationException">The request is invalid (the field is named).</exception>
    public static SpotRollPlan Plan(SpotRollRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);

        var group = new GroupRef(request.GroupName, request.GroupId, GroupRole.Rolled);
        string[] previous = [.. request.CurrentImages];

        // The first image is replaced and the rest of an images list kept; an imageId group has one image.
        string[] next = [request.NewImageId, .. previous[1..]];
        var steps = new List<PlanStep> { new SetImageStep(group, Array.AsReadOnly(previous), Array.AsReadOnly(next), request.UsesImagesList) };
        if (request.TargetCapacity > 0)
        {
            steps.Add(new RollGroupStep(group, request.BatchSizePercentage, request.GracePeriodSeconds, request.HealthCheckType) { Instances = request.TargetCapacity });
        }

        IReadOnlyList<PlanStage> stages = request.WatchTheRoll && request.TargetCapacity > 0
            ? [new PlanStage("set image", GateBefore: false, [steps[0]]), new PlanStage("roll", GateBefore: true, [steps[1]])]
            : [new PlanStage("roll", GateBefore: false, steps.AsReadOnly())];
        return new SpotRollPlan(group, Array.AsReadOnly(previous), Array.AsReadOnly(next), request.UsesImagesList, stages);
    }

    /// <summary>
    /// Plans a Spot roll's rollback: stop the forward roll if it had started (and still runs); put the previous
    /// images back if the image change had started; then, if the roll had started, roll the group again with
    /// the same settings — the executor skips it when the forward roll replaced no instance.
    /// </summary>
    /// <exception cref="ArgumentException"><see cref="SpotRollRollbackRequest.RollStarted"/> is set for a plan without a roll.</exception>
    public static RollbackPlan PlanRollback(SpotRollRollbackRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Plan);
        var plan = request.Plan;
        var roll = plan.Steps.OfType<RollGroupStep>().FirstOrDefault();
        if (request.RollStarted && roll is null)
        {
            throw new ArgumentException("RollStarted is set, but the plan has no roll (the group had no instance to replace).", nameof(request));
        }

        var steps = new List<PlanStep>();
        if (request.RollStarted)
        {
            steps.Add(new StopRollStep(plan.Group));
        }

        if (request.ImageChangeStarted)
        {
            steps.Add(new SetImageStep(plan.Group, plan.NewImages, plan.PreviousImages, plan.UsesImagesList));
        }

        if (request.RollStarted)
        {
            steps.Add(roll! with { Reverse = true });
        }

        return new RollbackPlan(steps.AsReadOnly());
    }

    private static void Validate(SpotRollRequest request)
    {
        AppName.Validate(request.AppName);
        if (string.IsNullOrWhiteSpace(request.GroupId))
        {
            throw new DeploymentValidationException("GroupId", "The rolled group's id is required.");
        }

        if (string.IsNullOrWhiteSpace(request.GroupName))
        {
            throw new DeploymentValidationException("GroupName", "The rolled group's name is required.");
        }

        var images = request.CurrentImages;
        if (images is null || images.Count == 0)
        {
            throw new DeploymentValidationException("CurrentImages", "The group's current image is required: it is what a rollback puts back.");
        }

        for (var i = 0; i < images.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(images[i]))
            {
                throw new DeploymentValidationException(string.Create(CultureInfo.InvariantCulture, $"CurrentImages[{i}]"), "An image id must not be empty.");
            }
        }

        if (!request.UsesImagesList && images.Count > 1)
        {
            throw new DeploymentValidationException("CurrentImages",
                string.Create(CultureInfo.InvariantCulture, $"A group that uses imageId has one image (was {images.Count}); set UsesImagesList for an images list."));
        }

        if (request.NewImageId is null || !request.NewImageId.StartsWith("ami-", StringComparison.Ordinal))
        {
            throw new DeploymentValidationException("NewImageId", $"'{request.NewImageId}' is not an AMI id (ami-…).");
        }

        if (request.TargetCapacity < 0)
        {
            throw new DeploymentValidationException("TargetCapacity",
                string.Create(CultureInfo.InvariantCulture, $"Must not be negative (was {request.TargetCapacity})."));
        }

        if (request.BatchSizePercentage is < 1 or > 100)
        {
            throw new DeploymentValidationException("BatchSizePercentage",
                string.Create(CultureInfo.InvariantCulture, $"Must be between 1 and 100 (was {request.BatchSizePercentage})."));
        }

        if (request.GracePeriodSeconds < 0)
        {
            throw new DeploymentValidationException("GracePeriodSeconds",
                string.Create(CultureInfo.InvariantCulture, $"Must not be negative (was {request.GracePeriodSeconds})."));
        }

        if (request.HealthCheckType is { } healthCheck && !HealthCheckTypes.Contains(healthCheck, StringComparer.Ordinal))
        {
            throw new DeploymentValidationException("HealthCheckType",
                $"Spot accepts {string.Join(", ", HealthCheckTypes)} (case-sensitive, as Spot compares it; was '{healthCheck}'). Leave it out for the group's own health check.");
        }
    }
}

/// <summary>
/// Spot roll: set the group's image. With an images list only the first image is replaced; the rest of the
/// list is kept as it was.
/// </summary>
/// <param name="Group">The rolled group.</param>
/// <param name="From">Its images before the step (journaled for rollback).</param>
/// <param name="To">Its images after the step.</param>
/// <param name="UsesImagesList">True to set the <c>images</c> list, false to set <c>imageId</c> (then <paramref name="To"/> has one image).</param>
public sealed record SetImageStep(GroupRef Group, IReadOnlyList<string> From, IReadOnlyList<string> To, bool UsesImagesList) : PlanStep
{
    /// <inheritdoc />
    public override PlanStepKind Kind => PlanStepKind.SetImage;

    /// <inheritdoc />
    protected override string DescribeChange() =>
        UsesImagesList
            ? $"set the images of {Group.Name} ({Group.Id}) from [{Images(From)}] to [{Images(To)}]"
            : $"set the image of {Group.Name} ({Group.Id}) from {Images(From)} to {Images(To)}";

    private static string Images(IReadOnlyList<string> images) => string.Join(", ", images);
}

/// <summary>
/// Spot roll: start a roll of the group (Spot replaces its instances in batches, launching them from the
/// group's image) and wait until it finished. The reverse roll of a rollback runs only when the forward
/// roll replaced at least one instance (the executor checks when the step runs).
/// </summary>
/// <param name="Group">The rolled group.</param>
/// <param name="BatchSizePercentage">The share of instances replaced in each batch, 1–100.</param>
/// <param name="GracePeriodSeconds">How long Spot waits for a new instance to become healthy, in seconds.</param>
/// <param name="HealthCheckType">The roll's health check, or null for the group's own.</param>
public sealed record RollGroupStep(GroupRef Group, int BatchSizePercentage, int GracePeriodSeconds, string? HealthCheckType) : PlanStep
{
    /// <summary>True for a rollback's roll back to the previous image, run only if the forward roll replaced any instance.</summary>
    public bool Reverse { get; init; }

    /// <summary>The instances the roll replaces (the group's target when planned), for the description.</summary>
    public int Instances { get; init; }

    /// <summary>
    /// The instances Spot replaces in one batch: <see cref="BatchSizePercentage"/> of <see cref="Instances"/>, rounded up,
    /// at least one (so 20 % of 2 instances is 1 per batch).
    /// </summary>
    public int InstancesPerBatch => Math.Max(1, (int)Math.Ceiling(Instances * BatchSizePercentage / 100.0));

    /// <summary>How many batches the roll takes (0 when there is no instance to replace).</summary>
    public int BatchCount => (Instances + InstancesPerBatch - 1) / InstancesPerBatch;

    /// <inheritdoc />
    public override PlanStepKind Kind => PlanStepKind.RollGroup;

    /// <inheritdoc />
    protected override string DescribeChange()
    {
        var healthCheck = HealthCheckType is null ? string.Empty : ", health check " + HealthCheckType;
        var settings = string.Create(CultureInfo.InvariantCulture,
            $"{Instances} instance(s) in batches of {BatchSizePercentage} %, grace period {GracePeriodSeconds} s{healthCheck}, wait until finished");
        return Reverse
            ? $"roll {Group.Name} ({Group.Id}) back to its previous image if the forward roll replaced any instance: {settings}"
            : $"roll {Group.Name} ({Group.Id}): {settings}";
    }
}

/// <summary>Spot roll rollback: stop the forward roll of the group if it still runs.</summary>
/// <param name="Group">The rolled group.</param>
public sealed record StopRollStep(GroupRef Group) : PlanStep
{
    /// <inheritdoc />
    public override PlanStepKind Kind => PlanStepKind.StopRoll;

    /// <inheritdoc />
    protected override string DescribeChange() => $"stop the roll of {Group.Name} ({Group.Id}) if it still runs";
}
