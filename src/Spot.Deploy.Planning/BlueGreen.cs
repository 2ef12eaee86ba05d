using System.Collections.ObjectModel;
using System.Globalization;

namespace Spot.Deploy.Planning;

/// <summary>
/// Blue/Green group names: production <c>A</c>, stage <c>A__STAGE</c> (ours), or the reference
/// system's <c>A</c> / <c>A__STAGE__Harness</c> so its groups are adopted as they are.
/// </summary>
public sealed record BlueGreenNaming
{
    /// <summary>Our stage suffix: <c>__STAGE</c>.</summary>
    public const string StageSuffix = "__STAGE";

    /// <summary>The reference system's stage suffix: <c>__STAGE__Harness</c>.</summary>
    public const string ReferenceStageSuffix = "__STAGE__Harness";

    /// <summary>Creates a naming; <paramref name="recognizedStageNames"/> always includes <paramref name="stageName"/>.</summary>
    /// <param name="productionName">The production group's name.</param>
    /// <param name="stageName">The name a new stage group is created with.</param>
    /// <param name="recognizedStageNames">Other names under which an existing stage group is found (and set aside by stage setup).</param>
    public BlueGreenNaming(string productionName, string stageName, IEnumerable<string>? recognizedStageNames = null)
    {
        ProductionName = productionName;
        StageName = stageName;
        var names = new List<string> { stageName };
        foreach (var name in recognizedStageNames ?? [])
        {
            if (!names.Contains(name, StringComparer.Ordinal))
            {
                names.Add(name);
            }
        }

        RecognizedStageNames = names.AsReadOnly();
    }

    /// <summary>The production group's name (<c>A</c>).</summary>
    public string ProductionName { get; }

    /// <summary>The name a new stage group gets (<c>A__STAGE</c>).</summary>
    public string StageName { get; }

    /// <summary>Every name that identifies an existing stage group, <see cref="StageName"/> first.</summary>
    public IReadOnlyList<string> RecognizedStageNames { get; }

    /// <summary>Ours: production <c>A</c>, stage <c>A__STAGE</c>.</summary>
    public static BlueGreenNaming Default(string appName)
    {
        AppName.Validate(appName);
        return new BlueGreenNaming(appName, appName + StageSuffix);
    }

    /// <summary>
    /// For groups deployed by the reference system: production <c>A</c>, stage <c>A__STAGE__Harness</c>;
    /// a stage group named <c>A__STAGE</c> is recognised too.
    /// </summary>
    public static BlueGreenNaming Reference(string appName)
    {
        AppName.Validate(appName);
        return new BlueGreenNaming(appName, appName + ReferenceStageSuffix, [appName + StageSuffix]);
    }

    /// <summary>
    /// The name an old stage group is set aside under until the clean-up deletes it (ours):
    /// <c>{groupName}__retired-{groupId}</c>, the id without a leading <c>sig-</c>. For example
    /// <c>web__STAGE__retired-1a2b</c> for group <c>sig-1a2b</c>. The id makes it unique.
    /// </summary>
    /// <param name="groupName">The old stage group's name.</param>
    /// <param name="groupId">Its Spot group id.</param>
    public static string RetiredName(string groupName, string groupId)
    {
        ArgumentNullException.ThrowIfNull(groupName);
        ArgumentNullException.ThrowIfNull(groupId);
        const string IdPrefix = "sig-";
        var id = groupId.StartsWith(IdPrefix, StringComparison.Ordinal) ? groupId[IdPrefix.Length..] : groupId;
        return groupName + "__retired-" + id;
    }

    internal void Validate()
    {
        AppName.Validate(ProductionName);
        foreach (var name in RecognizedStageNames)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new DeploymentValidationException("Naming.StageName", "Stage names must not be empty.");
            }

            if (string.Equals(name, ProductionName, StringComparison.Ordinal))
            {
                throw new DeploymentValidationException("Naming.StageName",
                    $"The stage name {name} collides with the production name; they must differ.");
            }
        }
    }
}

/// <summary>A listener and optionally one of its rules; no rule means the listener's default rule.</summary>
/// <param name="ListenerArn">The listener's ARN.</param>
/// <param name="RuleArn">A rule's ARN, or null for the default rule (changed with ModifyListener).</param>
public sealed record ListenerRoute(string ListenerArn, string? RuleArn = null)
{
    /// <summary>True when the route is the listener's default rule.</summary>
    public bool IsDefaultRule => RuleArn is null;
}

/// <summary>One ALB of a Blue/Green deployment: its production and stage routes.</summary>
/// <param name="Production">The route that serves production traffic.</param>
/// <param name="Stage">The route that serves the stage (test) traffic.</param>
public sealed record BlueGreenLoadBalancer(ListenerRoute Production, ListenerRoute Stage);

/// <summary>Forward weights of a traffic-shift step (ALB weights, 0–999).</summary>
/// <param name="Percent">The share of traffic sent to the new group, 1–100.</param>
/// <param name="NewWeight">The weight of the new (stage) target group.</param>
/// <param name="OldWeight">The weight of the old (production) target group.</param>
public sealed record TrafficWeights(int Percent, int NewWeight, int OldWeight)
{
    /// <summary>The largest weight an ALB forward action accepts.</summary>
    public const int MaxWeight = 999;

    /// <summary>Weights that send <paramref name="percent"/> % of traffic to the new target group.</summary>
    public static TrafficWeights ForPercent(int percent)
    {
        if (percent is < 0 or > 100)
        {
            throw new DeploymentValidationException("TrafficShift",
                string.Create(CultureInfo.InvariantCulture, $"A traffic percentage must be between 0 and 100 (was {percent})."));
        }

        return new TrafficWeights(percent, percent, 100 - percent);
    }
}

/// <summary>What a Blue/Green deployment starts from.</summary>
public sealed record BlueGreenRequest
{
    /// <summary>Creates a request with our default naming, a hard swap and no downsize.</summary>
    /// <param name="appName">The app name <c>A</c>.</param>
    /// <param name="groups">Every group of the account.</param>
    /// <param name="capacity">How to choose the stage group's capacity (same as running = the production group's).</param>
    /// <param name="loadBalancers">At least one ALB with its production and stage routes.</param>
    public BlueGreenRequest(string appName, IEnumerable<ExistingGroup> groups, CapacityRequest capacity, IEnumerable<BlueGreenLoadBalancer> loadBalancers)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(loadBalancers);
        AppName = appName;
        Groups = [.. groups]; // copies: the request stays as it was when made
        Capacity = capacity;
        LoadBalancers = [.. loadBalancers];
    }

    /// <summary>The app name.</summary>
    public string AppName { get; }

    /// <summary>Every group of the account.</summary>
    public IReadOnlyList<ExistingGroup> Groups { get; }

    /// <summary>How to choose the stage group's capacity.</summary>
    public CapacityRequest Capacity { get; }

    /// <summary>The ALBs and their routes.</summary>
    public IReadOnlyList<BlueGreenLoadBalancer> LoadBalancers { get; }

    /// <summary>The group names; null means <see cref="BlueGreenNaming.Default(string)"/>.</summary>
    public BlueGreenNaming? Naming { get; init; }

    /// <summary>After the swap, scale the old production group to 0 (and wait).</summary>
    public bool DownsizeOldGroup { get; init; }

    /// <summary>
    /// Traffic-shift percentages to the new group, strictly increasing and ending at 100 (e.g. 10, 25,
    /// 50, 100); the last step is the swap. Null or empty means a hard swap. At most
    /// <see cref="BlueGreenPlanner.MaxTrafficShiftPercents"/> entries.
    /// </summary>
    public IReadOnlyList<int>? TrafficShiftPercents { get; init; }

    /// <summary>
    /// The unit of the stage group's document and its instance weights. The planned capacity is in this unit; same as
    /// running is refused when production counts in another unit. Null (not stated): the capacity keeps the unit it came with.
    /// </summary>
    public InstanceWeights? Weights { get; init; }

    /// <summary>A common shift: 10 → 25 → 50 → 100 %.</summary>
    public static IReadOnlyList<int> DefaultTrafficShift { get; } = [10, 25, 50, 100];
}

/// <summary>An old stage group that stage setup sets aside (ours): emptied, renamed, deleted by the clean-up.</summary>
/// <param name="Group">The group as found: its id, its original name and its capacity before the deployment (0/0/0 when it reported none).</param>
/// <param name="RetiredName">The name it is set aside under (<see cref="BlueGreenNaming.RetiredName"/>).</param>
public sealed record SetAsideGroup(RecordedGroup Group, string RetiredName);

/// <summary>A Blue/Green deployment: stage setup, traffic shift or swap, renames, the optional downsize and the clean-up.</summary>
public sealed record BlueGreenPlan
{
    internal BlueGreenPlan(BlueGreenNaming naming, Capacity plannedCapacity, CapacitySource capacitySource, RecordedGroup? production,
        IReadOnlyList<ExistingGroup> stageGroupsToDelete, IReadOnlyList<SetAsideGroup> setAside, IReadOnlyList<BlueGreenLoadBalancer> loadBalancers,
        IReadOnlyList<TrafficWeights> trafficSteps, bool downsizeOldGroup, IReadOnlyList<PlanStage> stages)
    {
        Naming = naming;
        PlannedCapacity = plannedCapacity;
        CapacitySource = capacitySource;
        Production = production;
        StageGroupsToDelete = stageGroupsToDelete;
        SetAside = setAside;
        LoadBalancers = loadBalancers;
        TrafficSteps = trafficSteps;
        DownsizeOldGroup = downsizeOldGroup;
        Stages = stages;
        Steps = PlanStage.Flatten(stages);
    }

    /// <summary>The names used.</summary>
    public BlueGreenNaming Naming { get; }

    /// <summary>The stage group's capacity.</summary>
    public Capacity PlannedCapacity { get; }

    /// <summary>Where <see cref="PlannedCapacity"/> came from.</summary>
    public CapacitySource CapacitySource { get; }

    /// <summary>The production group and its capacity before the deployment (journaled), or null when none exists.</summary>
    public RecordedGroup? Production { get; }

    /// <summary>
    /// The existing stage groups as found: the source of <see cref="SetAside"/>, in the same order. Stage setup
    /// sets them aside; the clean-up deletes them once the deployment succeeded.
    /// </summary>
    public IReadOnlyList<ExistingGroup> StageGroupsToDelete { get; }

    /// <summary>The old stage groups stage setup sets aside, each with its capacity and retired name.</summary>
    public IReadOnlyList<SetAsideGroup> SetAside { get; }

    /// <summary>The ALBs and their routes.</summary>
    public IReadOnlyList<BlueGreenLoadBalancer> LoadBalancers { get; }

    /// <summary>Weighted steps before the swap; empty for a hard swap.</summary>
    public IReadOnlyList<TrafficWeights> TrafficSteps { get; }

    /// <summary>Whether the old production group is scaled to 0 after the swap.</summary>
    public bool DownsizeOldGroup { get; }

    /// <summary>
    /// The stages: <c>stage setup</c> (no gate: the set-asides, the create, the scale of the new group), one
    /// <c>traffic {percent} %</c> stage per traffic shift and <c>swap</c> (the swap, the renames, the optional
    /// downsize and the clean-up), each after a gate.
    /// </summary>
    public IReadOnlyList<PlanStage> Stages { get; }

    /// <summary>Every step in execution order: exactly the steps of <see cref="Stages"/>, stage after stage.</summary>
    public IReadOnlyList<PlanStep> Steps { get; }

    /// <summary>
    /// The rollback input once the stage group exists with <paramref name="newGroupId"/> (null: not created).
    /// Every set-aside precedes the create, so a created group means every set-aside started; with no group,
    /// none is assumed: name the ones that started with <see cref="ToRollbackRequest(string?, IReadOnlyList{SetAsideGroup})"/>.
    /// </summary>
    public BlueGreenRollbackRequest ToRollbackRequest(string? newGroupId) => ToRollbackRequest(newGroupId, newGroupId is null ? [] : SetAside);

    /// <summary>The rollback input with the set-aside groups whose set-aside the deployment had started.</summary>
    /// <param name="newGroupId">The created stage group's id, or null when the create never happened.</param>
    /// <param name="setAsideStarted">The groups of <see cref="SetAside"/> whose scale or rename had started.</param>
    public BlueGreenRollbackRequest ToRollbackRequest(string? newGroupId, IReadOnlyList<SetAsideGroup> setAsideStarted) =>
        new(Naming, newGroupId, Production, LoadBalancers) { SetAside = setAsideStarted };
}

/// <summary>What a Blue/Green rollback is planned from.</summary>
/// <param name="Naming">The names used by the deployment.</param>
/// <param name="NewGroupId">The group the deployment created, or null when it never existed.</param>
/// <param name="OldProduction">The old production group with its capacity before the deployment, or null.</param>
/// <param name="LoadBalancers">The routes the deployment may have changed.</param>
public sealed record BlueGreenRollbackRequest(BlueGreenNaming Naming, string? NewGroupId, RecordedGroup? OldProduction, IReadOnlyList<BlueGreenLoadBalancer> LoadBalancers)
{
    /// <summary>The set-aside groups whose set-aside the deployment had started; each gets its name and capacity back.</summary>
    public IReadOnlyList<SetAsideGroup> SetAside { get; init; } = [];

    /// <summary>
    /// False when the deployment never attempted a change of the routes (it stopped before its first traffic step or
    /// swap): the rollback leaves them alone instead of "restoring" routes that never moved. Default true.
    /// </summary>
    public bool RoutesChanged { get; init; } = true;

    /// <summary>
    /// False when the deployment never attempted to rename the old production group (it stopped before the swap's
    /// renames): the rollback does not rename it to the name it still has. Default true.
    /// </summary>
    public bool ProductionRenamed { get; init; } = true;
}

/// <summary>Plans Blue/Green deployments and their rollbacks. Pure: same input, same plan.</summary>
public static class BlueGreenPlanner
{
    /// <summary>
    /// The most entries <see cref="BlueGreenRequest.TrafficShiftPercents"/> may hold, the final 100 (the swap)
    /// included: 20, for the reasons of <see cref="PhasePlanner.MaxPhases"/> (each is a stage with a gate).
    /// </summary>
    public const int MaxTrafficShiftPercents = 20;

    /// <summary>
    /// Every check of <see cref="Plan"/> that does not need the account's groups: the app name, the naming,
    /// the capacity request (a fixed target of at least 1; a fallback's target is checked by <see cref="Plan"/>,
    /// since it only counts when nothing runs), the load balancers and routes, the traffic steps.
    /// <see cref="Plan"/> runs it first, so both throw the same exception for the same request.
    /// </summary>
    /// <exception cref="DeploymentValidationException">The request is invalid (the field is named).</exception>
    public static void Validate(BlueGreenRequest request) => ValidateRequest(request);

    /// <summary>
    /// Plans a Blue/Green deployment. Stage setup: set every existing stage group aside (scale it to 0 and
    /// wait when it has any capacity, rename it to its retired name); create the stage group at 0 with the
    /// stage target groups; scale it to the planned capacity (wait). Then one stage per traffic shift when
    /// asked. Swap: swap routes; rename old production → stage name and new → production name; optionally
    /// downsize the old group to 0 (wait); clean-up: delete the set-aside groups.
    /// </summary>
    /// <exception cref="DeploymentValidationException">The request is invalid (the field is named).</exception>
    public static BlueGreenPlan Plan(BlueGreenRequest request)
    {
        var (naming, trafficSteps) = ValidateRequest(request);

        ExistingGroup? production = null;
        var stageGroups = new List<ExistingGroup>();
        var groups = request.Groups;
        for (var i = 0; i < groups.Count; i++)
        {
            var group = groups[i] ?? throw new DeploymentValidationException(
                string.Create(CultureInfo.InvariantCulture, $"Groups[{i}]"), "A group must not be null.");
            if (string.Equals(group.Name, naming.ProductionName, StringComparison.Ordinal))
            {
                if (production is not null)
                {
                    throw new DeploymentValidationException("Groups",
                        $"Two groups are named {naming.ProductionName} ({production.Id} and {group.Id}); the planner will not guess which one is production.");
                }

                production = group;
            }
            else if (naming.RecognizedStageNames.Contains(group.Name, StringComparer.Ordinal))
            {
                stageGroups.Add(group);
            }
        }

        RecordedGroup? recordedProduction = production is null
            ? null
            : new RecordedGroup(production.Id, production.Name, production.Capacity ?? Capacity.Zero);
        var (planned, source) = request.Capacity.Resolve(production is { IsRunning: true } ? recordedProduction : null, request.Weights);

        var setAside = new List<SetAsideGroup>(stageGroups.Count);
        var setup = new List<PlanStep>();
        var cleanup = new List<PlanStep>();
        foreach (var stage in stageGroups)
        {
            var aside = new SetAsideGroup(new RecordedGroup(stage.Id, stage.Name, stage.Capacity ?? Capacity.Zero), BlueGreenNaming.RetiredName(stage.Name, stage.Id));
            setAside.Add(aside);
            var oldStage = GroupRef.Create(stage, GroupRole.OldStage);
            var capacity = aside.Group.Capacity;
            if (!capacity.IsZero)
            {
                setup.Add(new ScaleGroupStep(oldStage, capacity, capacity.ToZero(), WaitForSteadyState: true));
            }

            setup.Add(new RenameGroupStep(oldStage, aside.RetiredName));
            cleanup.Add(new DeleteGroupStep(new GroupRef(aside.RetiredName, stage.Id, GroupRole.OldStage)) { IsCleanup = true });
        }

        var newGroup = new GroupRef(naming.StageName, null, GroupRole.New);
        setup.Add(new CreateGroupStep(naming.StageName, planned.ToZero(), UseStageTargetGroups: true));
        setup.Add(new ScaleGroupStep(newGroup, planned.ToZero(), planned, WaitForSteadyState: true));
        var stages = new List<PlanStage>(trafficSteps.Count + 2) { new("stage setup", GateBefore: false, setup.AsReadOnly()) };
        foreach (var weights in trafficSteps)
        {
            stages.Add(new PlanStage(string.Create(CultureInfo.InvariantCulture, $"traffic {weights.Percent} %"), GateBefore: true,
                [new ShiftTrafficStep(request.LoadBalancers, weights)]));
        }

        var swap = new List<PlanStep> { new SwapRoutesStep(request.LoadBalancers) };
        if (recordedProduction is not null)
        {
            swap.Add(new RenameGroupStep(new GroupRef(recordedProduction.Name, recordedProduction.Id, GroupRole.Production), naming.StageName));
        }

        swap.Add(new RenameGroupStep(newGroup, naming.ProductionName));
        if (request.DownsizeOldGroup && recordedProduction is not null)
        {
            swap.Add(new ScaleGroupStep(new GroupRef(naming.StageName, recordedProduction.Id, GroupRole.Production),
                recordedProduction.Capacity, recordedProduction.Capacity.ToZero(), WaitForSteadyState: true));
        }

        swap.AddRange(cleanup);
        stages.Add(new PlanStage("swap", GateBefore: true, swap.AsReadOnly()));

        return new BlueGreenPlan(naming, planned, source, recordedProduction, stageGroups.AsReadOnly(), setAside.AsReadOnly(), request.LoadBalancers,
            trafficSteps, request.DownsizeOldGroup, stages.AsReadOnly());
    }

    /// <summary>
    /// Plans a Blue/Green rollback: the old group back to its capacity (wait), the routes the deployment
    /// changed put back (when it had attempted a route change), the old group renamed to the production name (when
    /// its rename had been attempted: no step that changes nothing), the new group to 0 (wait) and
    /// deleted — nothing of that when the new group never existed. Then each set-aside group of the request
    /// gets its name back and, when it had any, its capacity (wait). The route restore and the rename it leaves out are
    /// named in <see cref="RollbackPlan.AlreadyAsItShouldBe"/>.
    /// </summary>
    public static RollbackPlan PlanRollback(BlueGreenRollbackRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Naming);
        ArgumentNullException.ThrowIfNull(request.LoadBalancers);
        ArgumentNullException.ThrowIfNull(request.SetAside);
        var steps = new List<PlanStep>();
        var alreadyRight = new List<string>();
        if (request.NewGroupId is not null)
        {
            if (request.OldProduction is not null && !request.ProductionRenamed)
            {
                alreadyRight.Add($"production name ({request.Naming.ProductionName})");
            }

            if (!request.RoutesChanged)
            {
                alreadyRight.Add("routes (as the deployment found them)");
            }

            if (request.OldProduction is { } old)
            {
                var oldGroup = new GroupRef(old.Name, old.Id, GroupRole.Production);
                steps.Add(new ScaleGroupStep(oldGroup, null, old.Capacity, WaitForSteadyState: true));
                if (request.RoutesChanged)
                {
                    steps.Add(new RestoreRoutesStep(request.LoadBalancers));
                }

                if (request.ProductionRenamed)
                {
                    steps.Add(new RenameGroupStep(oldGroup, request.Naming.ProductionName));
                }
            }
            else if (request.RoutesChanged)
            {
                steps.Add(new RestoreRoutesStep(request.LoadBalancers));
            }

            var newGroup = new GroupRef(request.Naming.StageName, request.NewGroupId, GroupRole.New);
            steps.Add(new ScaleGroupStep(newGroup, null, Capacity.Zero, WaitForSteadyState: true));
            steps.Add(new DeleteGroupStep(newGroup));
        }

        // After the new group is gone, so the original stage name is free again.
        foreach (var aside in request.SetAside)
        {
            var group = aside.Group;
            steps.Add(new RenameGroupStep(new GroupRef(aside.RetiredName, group.Id, GroupRole.OldStage), group.Name));
            if (!group.Capacity.IsZero)
            {
                steps.Add(new ScaleGroupStep(new GroupRef(group.Name, group.Id, GroupRole.OldStage), null, group.Capacity, WaitForSteadyState: true));
            }
        }

        return new RollbackPlan(steps.AsReadOnly()) { AlreadyAsItShouldBe = alreadyRight.AsReadOnly() };
    }

    private static (BlueGreenNaming Naming, ReadOnlyCollection<TrafficWeights> TrafficSteps) ValidateRequest(BlueGreenRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        AppName.Validate(request.AppName);
        var naming = request.Naming ?? BlueGreenNaming.Default(request.AppName);
        naming.Validate();
        if (request.Capacity is null)
        {
            throw new DeploymentValidationException("Capacity", "A capacity request is required.");
        }

        ValidateLoadBalancers(request.LoadBalancers);
        var trafficSteps = TrafficSteps(request.TrafficShiftPercents);
        if (request.Capacity.Mode == CapacityMode.Fixed)
        {
            // A fixed capacity resolves the same whatever runs; a fallback's target only matters when nothing does.
            request.Capacity.Resolve(null);
        }

        return (naming, trafficSteps);
    }

    private static void ValidateLoadBalancers(IReadOnlyList<BlueGreenLoadBalancer> loadBalancers)
    {
        if (loadBalancers is null || loadBalancers.Count == 0)
        {
            throw new DeploymentValidationException("LoadBalancers", "Blue/Green needs at least one load balancer with a production and a stage route.");
        }

        for (var i = 0; i < loadBalancers.Count; i++)
        {
            var field = string.Create(CultureInfo.InvariantCulture, $"LoadBalancers[{i}]");
            var lb = loadBalancers[i] ?? throw new DeploymentValidationException(field, "A load balancer must not be null.");
            ValidateRoute(field + ".Production", lb.Production);
            ValidateRoute(field + ".Stage", lb.Stage);
            if (lb.Production == lb.Stage)
            {
                throw new DeploymentValidationException(field + ".Stage", "The stage route is the production route; they must differ.");
            }
        }
    }

    private static void ValidateRoute(string field, ListenerRoute? route)
    {
        if (route is null)
        {
            throw new DeploymentValidationException(field, "A route is required.");
        }

        if (string.IsNullOrWhiteSpace(route.ListenerArn))
        {
            throw new DeploymentValidationException(field + ".ListenerArn", "A listener ARN is required.");
        }

        if (route.RuleArn is not null && string.IsNullOrWhiteSpace(route.RuleArn))
        {
            throw new DeploymentValidationException(field + ".RuleArn", "A rule ARN must not be blank; leave it out for the default rule.");
        }
    }

    private static ReadOnlyCollection<TrafficWeights> TrafficSteps(IReadOnlyList<int>? percents)
    {
        if (percents is null || percents.Count == 0)
        {
            return ReadOnlyCollection<TrafficWeights>.Empty;
        }

        if (percents.Count > MaxTrafficShiftPercents)
        {
            throw new DeploymentValidationException("TrafficShiftPercents",
                string.Create(CultureInfo.InvariantCulture,
                    $"At most {MaxTrafficShiftPercents} traffic percentages are allowed, the final 100 included (got {percents.Count}): each is a stage with a gate."));
        }

        var steps = new List<TrafficWeights>(percents.Count - 1);
        for (var i = 0; i < percents.Count; i++)
        {
            var field = string.Create(CultureInfo.InvariantCulture, $"TrafficShiftPercents[{i}]");
            var percent = percents[i];
            if (percent is < 1 or > 100)
            {
                throw new DeploymentValidationException(field,
                    string.Create(CultureInfo.InvariantCulture, $"A traffic percentage must be between 1 and 100 (was {percent})."));
            }

            if (i > 0 && percent <= percents[i - 1])
            {
                throw new DeploymentValidationException(field,
                    string.Create(CultureInfo.InvariantCulture, $"Traffic percentages must increase ({percents[i - 1]} then {percent})."));
            }

            if (i < percents.Count - 1)
            {
                steps.Add(TrafficWeights.ForPercent(percent));
            }
        }

        if (percents[^1] != 100)
        {
            throw new DeploymentValidationException(
                string.Create(CultureInfo.InvariantCulture, $"TrafficShiftPercents[{percents.Count - 1}]"),
                "The last traffic step must be 100: it is the swap.");
        }

        return steps.AsReadOnly();
    }
}
