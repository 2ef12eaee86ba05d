using System.Globalization;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>
/// What one group may look like now, by the journal: each attribute a set of acceptable values, or null where the journal
/// does not know it (not checked). An operation journaled as done leaves exactly its after-state; one with an intent and no
/// result (or the next one, whose intent a power loss may have dropped) leaves its before- or its after-state.
/// </summary>
internal sealed class ExpectedGroup(string key)
{
    /// <summary>The group's id, or <see cref="ExpectedWorld.NewGroupKey"/> while the id of the group the deployment creates is unknown.</summary>
    public string Key { get; } = key;

    public HashSet<bool> Exists { get; set; } = [true];

    public HashSet<string>? Names { get; set; }

    public List<Capacity>? Capacities { get; set; }

    public HashSet<string>? Images { get; set; }

    /// <summary>The name a report calls the group by.</summary>
    public string Label => (Names is { Count: > 0 } names ? string.Join(" or ", names) : "group") + (Key == ExpectedWorld.NewGroupKey ? string.Empty : $" ({Key})");
}

/// <summary>What a route may forward to now: each acceptable traffic split, normalised (<see cref="ExpectedWorld.Split"/>).</summary>
internal sealed record ExpectedRoute(ListenerRoute Route, string Role, HashSet<string> Splits);

/// <summary>
/// The state the journal says a deployment last set: its groups (by id) and routes, replayed from the strategy's rollback
/// basis (what they were when planned) through every operation journaled as done, attempted, or next in line.
/// </summary>
internal sealed class ExpectedWorld
{
    public const string NewGroupKey = "(new)";

    private readonly CompiledDeployment _compiled;
    private readonly RunState _state;

    private ExpectedWorld(CompiledDeployment compiled, RunState state)
    {
        _compiled = compiled;
        _state = state;
    }

    public Dictionary<string, ExpectedGroup> Groups { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ExpectedRoute> Routes { get; } = new(StringComparer.Ordinal);

    /// <summary>The operation whose intent may have been lost with the last journal write: the first one not done of the sequence running (the rollback once planned).</summary>
    public static Operation? Frontier(CompiledDeployment compiled, RunState state) =>
        (state.RollbackPlan ?? compiled.Operations).FirstOrDefault(o => !state.Done.Contains(o.Id));

    public static ExpectedWorld Build(CompiledDeployment compiled, RunState state)
    {
        var world = new ExpectedWorld(compiled, state);
        world.Seed();
        // The first forward step not done may have run with its intent lost even when a rollback was planned after it (by
        // another process, which could not know); the rollback's own first step not done likewise.
        var forwardFrontier = compiled.Operations.FirstOrDefault(o => !state.Done.Contains(o.Id));
        var frontier = Frontier(compiled, state);
        var sequences = state.RollbackPlan is { } rollback ? new[] { compiled.Operations, rollback } : [compiled.Operations];
        foreach (var sequence in sequences)
        {
            foreach (var operation in sequence)
            {
                var done = state.Done.Contains(operation.Id);
                if (done || state.WasAttempted(operation) || ReferenceEquals(operation, frontier) || ReferenceEquals(operation, forwardFrontier))
                {
                    world.Apply(operation, certain: done);
                }
            }
        }

        return world;
    }

    /// <summary>A traffic split as text: the one target group, or each receiving group with its share (weights divided by their gcd), by ARN.</summary>
    public static string Split(IEnumerable<(string Arn, int? Weight)> targets)
    {
        var receiving = targets.Where(t => t.Weight is null or > 0).GroupBy(t => t.Arn, StringComparer.Ordinal)
            .Select(g => (Arn: g.Key, Weight: g.Sum(t => t.Weight ?? 1))).OrderBy(t => t.Arn, StringComparer.Ordinal).ToList();
        if (receiving.Count <= 1)
        {
            return receiving.Count == 0 ? "(nothing)" : receiving[0].Arn;
        }

        var gcd = receiving.Select(t => t.Weight).Aggregate(Gcd);
        return string.Join(" + ", receiving.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Arn} weight {t.Weight / gcd}")));
    }

    private static int Gcd(int a, int b) => b == 0 ? Math.Max(a, 1) : Gcd(b, a % b);

    /// <summary>What the groups and routes were when the deployment was planned, as its rollback basis records them.</summary>
    private void Seed()
    {
        switch (_compiled.Rollback)
        {
            case RevisionsRollback revisions:
                foreach (var recorded in revisions.ScaledDown.Prepend(revisions.Previous).OfType<RecordedGroup>())
                {
                    Known(recorded.Id, recorded.Name, recorded.Capacity);
                }

                break;
            case BlueGreenRollback blueGreen:
                if (blueGreen.Production is { } production)
                {
                    Known(production.Id, production.Name, production.Capacity);
                }

                foreach (var aside in blueGreen.SetAside)
                {
                    Known(aside.Group.Id, aside.Group.Name, aside.Group.Capacity);
                }

                foreach (var route in blueGreen.Routes)
                {
                    Routes[RouteKey(route.Production)] = new ExpectedRoute(route.Production, "production", [route.ProductionTargetGroupArn]);
                    Routes[RouteKey(route.Stage)] = new ExpectedRoute(route.Stage, "stage", [route.StageTargetGroupArn]);
                }

                break;
            case SpotRollRollback roll:
                Known(roll.GroupId, roll.Request.GroupName, null).Images = [Images(roll.Request.CurrentImages)];
                break;
        }

        if (_compiled.NewGroupName is not null)
        {
            var created = Group(_state.NewGroupId ?? NewGroupKey);
            created.Exists = [false];
        }
    }

    private ExpectedGroup Known(string id, string name, Capacity? capacity)
    {
        var group = Group(id);
        group.Names = [name];
        group.Capacities = capacity is { } known ? [known] : null;
        return group;
    }

    private ExpectedGroup Group(string key)
    {
        if (!Groups.TryGetValue(key, out var group))
        {
            group = new ExpectedGroup(key);
            Groups[key] = group;
        }

        return group;
    }

    private string KeyOf(GroupOperation operation) => operation.NewGroup ? _state.NewGroupId ?? NewGroupKey : operation.GroupId ?? NewGroupKey;

    private void Apply(Operation operation, bool certain)
    {
        switch (operation)
        {
            case CreateGroupOperation create:
                var created = Group(_state.NewGroupId ?? NewGroupKey);
                created.Exists = Set(created.Exists, true, certain);
                created.Names = Set(created.Names, create.GroupName, certain, StringComparer.Ordinal);
                created.Capacities = SetCapacity(created.Capacities, create.Capacity.ToZero(), certain);
                created.Images = Set(created.Images, create.ImageId, certain, StringComparer.Ordinal);
                break;
            case ScaleGroupOperation scale:
                var scaled = Touch(scale);
                if (scaled.Capacities is null && scale.From is { } from && !IsRollback(scale))
                {
                    scaled.Capacities = [from];
                }

                scaled.Capacities = scaled.Capacities is null && !certain ? null : SetCapacity(scaled.Capacities, scale.To, certain);
                break;
            case DeleteGroupOperation delete:
                var deleted = Touch(delete);
                deleted.Exists = Set(deleted.Exists, false, certain);
                break;
            case RenameGroupOperation rename:
                var renamed = Touch(rename);
                renamed.Names = renamed.Names is null && !certain ? null : Set(renamed.Names, rename.NewName, certain, StringComparer.Ordinal);
                break;
            case SetImageOperation image:
                var imaged = Group(image.GroupId);
                imaged.Images = imaged.Images is null && !certain ? null : Set(imaged.Images, Images(image.ImageIds), certain, StringComparer.Ordinal);
                break;
            case ShiftTrafficOperation shift:
                foreach (var route in shift.Routes)
                {
                    Route(route.Production, Split([(route.StageTargetGroupArn, shift.Weights.NewWeight), (route.ProductionTargetGroupArn, shift.Weights.OldWeight)]), certain);
                }

                break;
            case SwapRoutesOperation swap:
                foreach (var route in swap.Routes)
                {
                    Route(route.Production, route.StageTargetGroupArn, certain);
                    Route(route.Stage, route.ProductionTargetGroupArn, certain);
                }

                break;
            case RestoreRoutesOperation restore:
                foreach (var route in restore.Routes)
                {
                    Route(route.Production, route.ProductionTargetGroupArn, certain);
                    Route(route.Stage, route.StageTargetGroupArn, certain);
                }

                break;
        }
    }

    private bool IsRollback(Operation operation) => _state.RollbackPlan?.Contains(operation) == true;

    /// <summary>The group an operation acts on; a group first met in a forward operation existed then, under the name the operation gives.</summary>
    private ExpectedGroup Touch(GroupOperation operation)
    {
        var key = KeyOf(operation);
        var known = Groups.ContainsKey(key);
        var group = Group(key);
        if (!known && operation.GroupName is { } name && !IsRollback(operation))
        {
            group.Names = [name];
        }

        return group;
    }

    private void Route(ListenerRoute route, string split, bool certain)
    {
        if (Routes.TryGetValue(RouteKey(route), out var expected))
        {
            if (certain)
            {
                expected.Splits.Clear();
            }

            expected.Splits.Add(split);
        }
    }

    public static string RouteKey(ListenerRoute route) => route.RuleArn ?? route.ListenerArn;

    public static string Images(IEnumerable<string> images) => string.Join(", ", images);

    private static HashSet<T> Set<T>(HashSet<T>? current, T value, bool certain, IEqualityComparer<T>? comparer = null)
    {
        if (certain || current is null)
        {
            return new HashSet<T>(comparer) { value };
        }

        current.Add(value);
        return current;
    }

    private static List<Capacity> SetCapacity(List<Capacity>? current, Capacity value, bool certain)
    {
        if (certain || current is null)
        {
            return [value];
        }

        current.Add(value);
        return current;
    }
}
