using System.Globalization;

namespace Spot.Deploy.Planning;

/// <summary>What the setup of a Basic or Canary deployment starts from.</summary>
public sealed record SetupRequest
{
    /// <summary>The reference system's retention: keep the 3 newest empty revisions.</summary>
    public const int DefaultRetainedEmptyRevisions = 3;

    /// <summary>Creates a request.</summary>
    /// <param name="appName">The app name <c>A</c>; revisions are <c>A__N</c>.</param>
    /// <param name="groups">Every group of the account (other apps' groups are ignored).</param>
    /// <param name="capacity">How to choose the new group's capacity.</param>
    public SetupRequest(string appName, IEnumerable<ExistingGroup> groups, CapacityRequest capacity)
    {
        ArgumentNullException.ThrowIfNull(groups);
        AppName = appName;
        Groups = [.. groups]; // a copy: the request stays as it was when made
        Capacity = capacity;
    }

    /// <summary>The app name <c>A</c>.</summary>
    public string AppName { get; }

    /// <summary>Every group of the account, as listed before the deployment.</summary>
    public IReadOnlyList<ExistingGroup> Groups { get; }

    /// <summary>How to choose the new group's capacity.</summary>
    public CapacityRequest Capacity { get; }

    /// <summary>K: how many empty revisions (beside the running ones) to keep. Default 3.</summary>
    public int RetainedEmptyRevisions { get; init; } = DefaultRetainedEmptyRevisions;

    /// <summary>
    /// Adopt a running group named exactly <c>A</c> (how groups are named before anyone used revisions): it is treated
    /// as revision 0 — the previous revision when no running <c>A__N</c> is newer, downsized as the plan says,
    /// restored by a rollback — and never deleted afterwards. Without it such a group is refused. Default false.
    /// </summary>
    public bool AdoptUnversionedGroup { get; init; }

    /// <summary>
    /// The unit of the new group's document and its instance weights. The planned capacity and the phases are in this
    /// unit (docs/semantics.md#capacity-in-weight-units); same as running is refused when the previous group counts in
    /// another unit. Null (not stated): the capacity keeps the unit it came with and phases count whole units.
    /// </summary>
    public InstanceWeights? Weights { get; init; }
}

/// <summary>The setup of a Basic or Canary deployment: every number and name, and the steps in order.</summary>
public sealed record SetupPlan
{
    internal SetupPlan(
        string appName,
        int newRevision,
        Capacity plannedCapacity,
        CapacitySource capacitySource,
        RecordedGroup? previous,
        IReadOnlyList<ExistingGroup> leftoversToDelete,
        IReadOnlyList<RecordedGroup> groupsToScaleDown,
        IReadOnlyList<ExistingGroup> emptyGroupsKept,
        IReadOnlyList<ExistingGroup> emptyGroupsToDelete,
        IReadOnlyList<PlanStep> steps)
    {
        AppName = appName;
        NewRevision = newRevision;
        NewGroupName = RevisionName.Format(appName, newRevision);
        PlannedCapacity = plannedCapacity;
        CapacitySource = capacitySource;
        Previous = previous;
        LeftoversToDelete = leftoversToDelete;
        GroupsToScaleDown = groupsToScaleDown;
        EmptyGroupsKept = emptyGroupsKept;
        EmptyGroupsToDelete = emptyGroupsToDelete;
        Steps = steps;
    }

    /// <summary>The app name.</summary>
    public string AppName { get; }

    /// <summary>N of the new group <c>A__N</c>: one more than any revision seen.</summary>
    public int NewRevision { get; }

    /// <summary>The new group's name, <c>A__N</c>.</summary>
    public string NewGroupName { get; }

    /// <summary>The capacity the new group reaches at the final phase.</summary>
    public Capacity PlannedCapacity { get; }

    /// <summary>Whether <see cref="PlannedCapacity"/> is fixed, the running group's, or the fallback.</summary>
    public CapacitySource CapacitySource { get; }

    /// <summary>The newest running revision and its pre-setup capacity (journaled), or null on a first deployment.</summary>
    public RecordedGroup? Previous { get; }

    /// <summary>Empty revisions newer than every running one: leftovers of aborted runs, deleted.</summary>
    public IReadOnlyList<ExistingGroup> LeftoversToDelete { get; }

    /// <summary>Older running revisions scaled to 0/0/0, each with the capacity it had (journaled).</summary>
    public IReadOnlyList<RecordedGroup> GroupsToScaleDown { get; }

    /// <summary>The K newest empty revisions, kept.</summary>
    public IReadOnlyList<ExistingGroup> EmptyGroupsKept { get; }

    /// <summary>Empty revisions beyond the K newest, deleted.</summary>
    public IReadOnlyList<ExistingGroup> EmptyGroupsToDelete { get; }

    /// <summary>
    /// The setup's steps: create the new group at 0 first (a bad document then changes nothing), then
    /// delete leftovers, scale older running groups to 0, delete surplus empty groups. A deployment runs
    /// them as <see cref="DeploymentPlan.Stages"/> orders them: the create and the scale-downs in its
    /// setup stage, the deletes as clean-up steps once every phase succeeded.
    /// </summary>
    public IReadOnlyList<PlanStep> Steps { get; }

    /// <summary>The new group's unit and instance weights (from its document); <see cref="InstanceWeights.Instances"/> unless the request gave them.</summary>
    public InstanceWeights Weights { get; internal init; } = InstanceWeights.Instances;

    /// <summary>A reference to the group this deployment creates.</summary>
    public GroupRef NewGroup => new(NewGroupName, null, GroupRole.New);

    /// <summary>The rollback input for this setup once the new group exists with <paramref name="newGroupId"/> (null: not created).</summary>
    /// <param name="newGroupId">The created group's id, or null when the create never happened.</param>
    /// <param name="restoreScaledDownGroups">Also bring the older groups setup scaled to 0 back (ours).</param>
    public RollbackRequest ToRollbackRequest(string? newGroupId, bool restoreScaledDownGroups = false) =>
        new(NewGroupName, newGroupId, Previous, GroupsToScaleDown) { RestoreScaledDownGroups = restoreScaledDownGroups };
}

/// <summary>Plans the setup of Basic and Canary deployments. Pure: same input, same plan.</summary>
public static class SetupPlanner
{
    /// <summary>
    /// Plans the setup: the new name <c>A__(maxN+1)</c>, the previous group (newest running revision),
    /// leftovers to delete, older running groups to scale to 0, empty groups kept (K newest) and deleted.
    /// </summary>
    /// <remarks>
    /// With no running revision there are no leftovers: every empty revision is history, subject to
    /// retention. Groups this setup scales to 0 are never deleted by the same setup, so a rollback can
    /// restore them; they count towards K in the next deployment.
    /// </remarks>
    /// <exception cref="DeploymentValidationException">The request is invalid (the field is named).</exception>
    public static SetupPlan Plan(SetupRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        AppName.Validate(request.AppName);
        if (request.Capacity is null)
        {
            throw new DeploymentValidationException("Capacity", "A capacity request is required.");
        }

        if (request.RetainedEmptyRevisions < 0)
        {
            throw new DeploymentValidationException("RetainedEmptyRevisions",
                string.Create(CultureInfo.InvariantCulture, $"Must not be negative (was {request.RetainedEmptyRevisions})."));
        }

        var revisions = Revisions.Of(request.AppName, request.Groups);
        if (Revisions.Unversioned(request) is { } unversioned)
        {
            revisions.Insert(0, new Revisions.Revision(0, unversioned));
        }

        if (revisions.Count > 0 && revisions[^1].Number == RevisionName.MaxRevision)
        {
            throw new DeploymentValidationException("AppName",
                $"The newest revision {revisions[^1].Group.Name} has the largest possible number; no new revision name is left.");
        }

        var newRevision = revisions.Count == 0 ? 1 : revisions[^1].Number + 1;

        var newestRunning = -1;
        for (var i = revisions.Count - 1; i >= 0; i--)
        {
            if (revisions[i].Group.IsRunning)
            {
                newestRunning = i;
                break;
            }
        }

        RecordedGroup? previous = null;
        var leftovers = new List<ExistingGroup>();
        var scaleDown = new List<RecordedGroup>();
        var empty = new List<ExistingGroup>();
        if (newestRunning >= 0)
        {
            var group = revisions[newestRunning].Group;
            previous = new RecordedGroup(group.Id, group.Name, group.Capacity!.Value);
            for (var i = newestRunning + 1; i < revisions.Count; i++)
            {
                leftovers.Add(revisions[i].Group);
            }
        }

        var historyEnd = newestRunning >= 0 ? newestRunning : revisions.Count;
        for (var i = 0; i < historyEnd; i++)
        {
            var group = revisions[i].Group;
            if (group.IsRunning)
            {
                scaleDown.Add(new RecordedGroup(group.Id, group.Name, group.Capacity!.Value));
            }
            else
            {
                empty.Add(group);
            }
        }

        var deleteCount = Math.Max(0, empty.Count - request.RetainedEmptyRevisions);
        var emptyToDelete = empty.GetRange(0, deleteCount);
        var emptyKept = empty.GetRange(deleteCount, empty.Count - deleteCount);

        var (planned, source) = request.Capacity.Resolve(previous, request.Weights);
        var newName = RevisionName.Format(request.AppName, newRevision);

        var steps = new List<PlanStep>(1 + leftovers.Count + scaleDown.Count + emptyToDelete.Count)
        {
            new CreateGroupStep(newName, planned.ToZero()),
        };
        foreach (var group in leftovers)
        {
            steps.Add(new DeleteGroupStep(GroupRef.Create(group, GroupRole.Leftover)));
        }

        foreach (var group in scaleDown)
        {
            steps.Add(new ScaleGroupStep(new GroupRef(group.Name, group.Id, GroupRole.Older), group.Capacity, group.Capacity.ToZero(), WaitForSteadyState: false));
        }

        foreach (var group in emptyToDelete)
        {
            steps.Add(new DeleteGroupStep(GroupRef.Create(group, GroupRole.Surplus)));
        }

        return new SetupPlan(request.AppName, newRevision, planned, source, previous,
            leftovers.AsReadOnly(), scaleDown.AsReadOnly(), emptyKept.AsReadOnly(), emptyToDelete.AsReadOnly(), steps.AsReadOnly())
        {
            Weights = request.Weights ?? InstanceWeights.Instances,
        };
    }
}

/// <summary>An app's revisions, sorted by number; duplicates refused.</summary>
internal static class Revisions
{
    /// <summary>
    /// A running group named exactly the app: refused (a deployment would start a second fleet beside it) unless the
    /// request adopts it, then returned to be planned as revision 0. Null when there is none running.
    /// </summary>
    internal static ExistingGroup? Unversioned(SetupRequest request)
    {
        var running = request.Groups.Where(g => g is not null && g.IsRunning && string.Equals(g.Name, request.AppName, StringComparison.Ordinal)).ToList();
        if (running.Count == 0)
        {
            return null;
        }

        var group = running[0];
        if (running.Count > 1)
        {
            throw new DeploymentValidationException("Groups",
                $"{running.Count} running groups are named exactly {request.AppName} ({string.Join(", ", running.Select(g => g.Id))}); rename all but one to {request.AppName}__N (N a revision number) before deploying.");
        }

        return request.AdoptUnversionedGroup
            ? group
            : throw new DeploymentValidationException("AdoptUnversionedGroup",
                $"The running group {group.Name} ({group.Id}, {group.Capacity}) is named exactly like the app, so it is no revision ({request.AppName}__N) and a deployment would start a second fleet beside it. Either rename it to {request.AppName}__0 (it then becomes the previous revision), or adopt it (AdoptUnversionedGroup, spot-deploy --adopt): it is then treated as revision 0 — downsized as the plan says, restored by a rollback, and kept (never deleted) afterwards.");
    }

    internal readonly record struct Revision(int Number, ExistingGroup Group);

    internal static List<Revision> Of(string appName, IReadOnlyList<ExistingGroup> groups)
    {
        var revisions = new List<Revision>();
        for (var i = 0; i < groups.Count; i++)
        {
            var group = groups[i] ?? throw new DeploymentValidationException(
                string.Create(CultureInfo.InvariantCulture, $"Groups[{i}]"), "A group must not be null.");
            if (RevisionName.TryParse(appName, group.Name, out var number))
            {
                revisions.Add(new Revision(number, group));
            }
        }

        revisions.Sort(static (a, b) => a.Number.CompareTo(b.Number));
        for (var i = 1; i < revisions.Count; i++)
        {
            if (revisions[i].Number == revisions[i - 1].Number)
            {
                throw new DeploymentValidationException("Groups",
                    string.Create(CultureInfo.InvariantCulture,
                        $"Two groups are revision {revisions[i].Number} of {appName}: {revisions[i - 1].Group.Name} ({revisions[i - 1].Group.Id}) and {revisions[i].Group.Name} ({revisions[i].Group.Id}). Rename or delete one; the planner will not guess which one runs."));
            }
        }

        return revisions;
    }
}
