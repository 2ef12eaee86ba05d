using System.Globalization;
using System.Text.Json.Nodes;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>
/// Before a resume or rollback changes anything: reads the app's groups (ids, names, capacities, images), its routes and,
/// for a Spot roll, the group's rolls, and compares them with what the journal says the deployment last set
/// (<see cref="ExpectedWorld"/>). Also takes the planned name as a second witness: a group with the name the deployment
/// creates that the journal does not know (the write announcing its create was lost) is adopted when it is provably this
/// deployment's. Returns every difference; changes nothing but the journal (the adoption note).
/// </summary>
internal static class WorldCheck
{
    public const string DriftNote = "drift";
    public const string AdoptedNote = "adoptedByName";

    private const string OrAbandon = " Or, once a person has checked the app, abandon the deployment.";

    public static async Task<IReadOnlyList<WorldDifference>> CheckAsync(OperationContext context, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var listed = await context.Spot.ListGroupsAsync(null, cancellationToken).ConfigureAwait(false);
        var groups = listed.Where(g => g.Id is not null && g.Name is not null).ToList();
        await AdoptWitnessAsync(context, groups, startedAt, cancellationToken).ConfigureAwait(false);

        var expected = ExpectedWorld.Build(context.Compiled, context.State);
        var differences = new List<WorldDifference>();
        var byId = groups.ToDictionary(g => g.Id!, StringComparer.Ordinal);
        foreach (var group in expected.Groups.Values.Where(g => g.Key != ExpectedWorld.NewGroupKey))
        {
            Compare(group, byId.GetValueOrDefault(group.Key), differences);
        }

        UnknownGroups(context.Compiled, expected, groups, differences);
        await CompareRoutesAsync(context, expected, differences, cancellationToken).ConfigureAwait(false);
        await CompareRollsAsync(context, differences, cancellationToken).ConfigureAwait(false);
        return differences;
    }

    /// <summary>The journal note of a drift: what was asked and every difference.</summary>
    public static JsonObject Note(string operation, IReadOnlyList<WorldDifference> differences) => new()
    {
        ["operation"] = operation,
        ["differences"] = new JsonArray([.. differences.Select(d => (JsonNode)new JsonObject
        {
            ["what"] = d.What, ["expected"] = d.Expected, ["actual"] = d.Actual, ["action"] = d.Action,
        })]),
    };

    private static void Compare(ExpectedGroup expected, ElastigroupGroup? actual, List<WorldDifference> differences)
    {
        if (actual is null)
        {
            if (!expected.Exists.Contains(false))
            {
                differences.Add(new($"group {expected.Label}", "to exist", "no such group (deleted)",
                    "It was deleted outside this deployment, and a resume or rollback cannot bring it back." + OrAbandon));
            }

            return;
        }

        var label = $"group {actual.Name} ({actual.Id})";
        if (!expected.Exists.Contains(true))
        {
            differences.Add(new(label, "deleted", "it exists", "Delete it if nothing uses it, then run again." + OrAbandon));
            return;
        }

        if (expected.Names is { } names && !names.Contains(actual.Name!))
        {
            differences.Add(new(label + " name", string.Join(" or ", names), actual.Name!, $"Rename it back to {names.First()} and run again." + OrAbandon));
        }

        if (expected.Capacities is { Count: > 0 } capacities && !capacities.Any(c => Matches(c, actual.Capacity)))
        {
            differences.Add(new(label + " capacity", string.Join(" or ", capacities.Distinct()), Describe(actual.Capacity),
                $"Set its capacity back to {capacities[^1]} and run again (a target that autoscaling moved between min and max is not a difference)." + OrAbandon));
        }

        if (expected.Images is { } images && ImagesOf(actual) is { } image && !images.Contains(image))
        {
            differences.Add(new(label + " image", string.Join(" or ", images), image, $"Set its image back to {images.First()} and run again." + OrAbandon));
        }
    }

    /// <summary>
    /// Min and max must be what the deployment set; the target may differ between them — Spot's autoscaling moves it there,
    /// and that is no change a person made (docs/semantics.md, "Resume and rollback read the world first").
    /// </summary>
    private static bool Matches(Capacity expected, GroupCapacity? actual) =>
        actual is { Minimum: { } min, Maximum: { } max } && min == expected.Minimum && max == expected.Maximum
        && (actual.Target is not { } target || (target >= min && target <= max));

    private static string Describe(GroupCapacity? capacity) =>
        capacity is null ? "no capacity" : string.Create(CultureInfo.InvariantCulture, $"min {capacity.Minimum}, target {capacity.Target}, max {capacity.Maximum}");

    private static string? ImagesOf(ElastigroupGroup group) =>
        group.Compute?.LaunchSpecification is { } spec
            ? spec.ImageId ?? (spec.Images is { Count: > 0 } images ? ExpectedWorld.Images(images.Select(i => i.Id ?? "?")) : null)
            : null;

    /// <summary>A group the journal does not know under a name the deployment uses, or a newer revision of the app.</summary>
    private static void UnknownGroups(CompiledDeployment compiled, ExpectedWorld expected, List<ElastigroupGroup> groups, List<WorldDifference> differences)
    {
        var names = expected.Groups.Values.SelectMany(g => g.Names ?? []).ToHashSet(StringComparer.Ordinal);
        if (compiled.NewGroupName is { } planned)
        {
            names.Add(planned);
        }

        var revision = compiled.Rollback is RevisionsRollback && RevisionName.TryParse(compiled.AppName, compiled.NewGroupName, out var n) ? n : (int?)null;
        foreach (var group in groups.Where(g => !expected.Groups.ContainsKey(g.Id!)))
        {
            if (names.Contains(group.Name!))
            {
                differences.Add(new($"group {group.Name} ({group.Id})", "no group the journal does not know by this name", $"a group created {When(group.CreatedAt)}",
                    "Another deployment or a person made it (or it is not provably this deployment's): check whose it is; delete or rename it if it is not needed, then run again." + OrAbandon));
            }
            else if (revision is { } ours && RevisionName.TryParse(compiled.AppName, group.Name, out var other) && other > ours)
            {
                differences.Add(new($"group {group.Name} ({group.Id})", $"no revision of {compiled.AppName} newer than {compiled.NewGroupName}",
                    $"revision {other.ToString(CultureInfo.InvariantCulture)}, created {When(group.CreatedAt)}",
                    "A newer revision of the app exists that this deployment does not know: do not resume or roll back over it. Check the app, then abandon this deployment and deploy again."));
            }
        }
    }

    private static string When(DateTimeOffset? time) => time?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "at an unknown time";

    private static async Task CompareRoutesAsync(OperationContext context, ExpectedWorld expected, List<WorldDifference> differences, CancellationToken cancellationToken)
    {
        foreach (var route in expected.Routes.Values)
        {
            var forward = await context.Traffic.ResolveForwardAsync(new RouteRef(route.Route.ListenerArn, route.Route.RuleArn), cancellationToken).ConfigureAwait(false);
            var split = ExpectedWorld.Split(forward.TargetGroups.Select(t => (t.TargetGroupArn, t.Weight)));
            if (!route.Splits.Contains(split))
            {
                differences.Add(new($"{route.Role} route {ExpectedWorld.RouteKey(route.Route)}", "forward to " + string.Join(" or ", route.Splits), "forward to " + split,
                    $"Point the route back to {route.Splits.First()} (keeping its other actions) and run again." + OrAbandon));
            }
        }
    }

    /// <summary>A Spot roll in progress on the rolled group that this deployment did not start (by evidence: see <see cref="Rolls"/>).</summary>
    private static async Task CompareRollsAsync(OperationContext context, List<WorldDifference> differences, CancellationToken cancellationToken)
    {
        if (context.Compiled.Rollback is not SpotRollRollback roll)
        {
            return;
        }

        var steps = context.Compiled.Operations.Concat(context.State.RollbackPlan ?? []).OfType<RollGroupOperation>().Select(o => o.Id);
        var ours = new HashSet<string>(context.State.RollIds.Values, StringComparer.Ordinal);
        foreach (var step in steps)
        {
            if (await Rolls.StartedByAsync(context, roll.GroupId, step, cancellationToken).ConfigureAwait(false) is { } id)
            {
                ours.Add(id);
            }
        }

        var rolls = await context.Spot.ListRollsAsync(roll.GroupId, cancellationToken).ConfigureAwait(false);
        foreach (var other in rolls.Where(r => r.Id is not null && !r.IsFinished && !r.IsFailedOrStopped && !ours.Contains(r.Id)))
        {
            differences.Add(new($"group {roll.Request.GroupName} ({roll.GroupId}) roll {other.Id}", "no roll in progress that this deployment did not start",
                $"a roll {other.Status} since {When(other.CreatedAt)}", "Wait until it ends (or stop it), then run again." + OrAbandon));
        }
    }

    /// <summary>
    /// The name as a second witness: while the journal knows no id for the group the deployment creates, and its create may
    /// have been sent (attempted, or the next step), the one group with the planned name is adopted when it is provably
    /// this deployment's — created after the deployment started, and named by no other journal record of the app.
    /// </summary>
    private static async Task AdoptWitnessAsync(OperationContext context, List<ElastigroupGroup> groups, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var compiled = context.Compiled;
        var state = context.State;
        if (compiled.NewGroupName is not { } name || state.NewGroupId is not null || state.RollbackPlan is not null
            || compiled.Operations.OfType<CreateGroupOperation>().FirstOrDefault() is not { } create
            || !(state.WasAttempted(create) || ReferenceEquals(ExpectedWorld.Frontier(compiled, state), create)))
        {
            return;
        }

        var known = ExpectedWorld.Build(compiled, state).Groups.Keys;
        var candidates = groups.Where(g => string.Equals(g.Name, name, StringComparison.Ordinal) && !known.Contains(g.Id!)).ToList();
        if (candidates is not [var candidate] || candidate.CreatedAt is not { } createdAt || createdAt < Milliseconds(startedAt))
        {
            return;
        }

        var others = await context.Services.Journal.ListByAppAsync(compiled.AppName, cancellationToken).ConfigureAwait(false);
        var quoted = $"\"{candidate.Id}\"";
        if (others.Any(r => !string.Equals(r.Id, context.DeploymentId, StringComparison.Ordinal) && Mentions(r, quoted)))
        {
            return;
        }

        await context.NoteAsync(create.Id, AdoptedNote, new JsonObject
        {
            ["groupId"] = candidate.Id, ["name"] = name, ["createdAt"] = createdAt.ToString("O", CultureInfo.InvariantCulture),
        }, cancellationToken).ConfigureAwait(false);
        state.NewGroupId = candidate.Id;
        state.Attempted.TryAdd(create.Id, context.Time.GetUtcNow());
        context.Warn($"The group {name} ({candidate.Id}) was created by this deployment, but the journal had lost the write that announced it; it is taken as the deployment's group.");
    }

    private static DateTimeOffset Milliseconds(DateTimeOffset time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerMillisecond), time.Offset);

    private static bool Mentions(DeploymentRecord record, string quotedId) =>
        (record.Plan?.ToJsonString().Contains(quotedId, StringComparison.Ordinal) ?? false)
        || record.Entries.Any(e => e.Data?.ToJsonString().Contains(quotedId, StringComparison.Ordinal) == true);
}
