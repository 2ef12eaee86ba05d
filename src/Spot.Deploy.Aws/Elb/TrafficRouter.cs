using System.Globalization;
using System.Xml.Linq;
using Spot.Deploy.Resilience;

namespace Spot.Deploy.Aws;

/// <summary>
/// Reads and switches ALB routing for Blue/Green deployments: which target group a listener's default
/// rule or a listener rule forwards to, a swap of production and stage, a weighted traffic shift, an
/// exact restore, and a target-health gate. Every change reads the current state first (never an earlier
/// read), re-sends the route's complete action list with only the forward changed, makes no call when
/// the route is already as wanted, and reports what it changed.
/// </summary>
/// <remarks>
/// Substitutable in tests, as the Azure SDK's clients are: the methods are virtual and a protected constructor
/// needs no transport, so a mocking library (or a subclass) can stand in for the router.
/// </remarks>
public class TrafficRouter
{
    /// <summary>The largest <c>PageSize</c> ELBv2 accepts.</summary>
    internal const int PageSize = 400;

    /// <summary>How many ARNs or names one describe call carries (DescribeLoadBalancers' documented limit, used for all).</summary>
    internal const int ArnsPerCall = 20;

    /// <summary>The largest forward weight ELBv2 accepts.</summary>
    public const int MaxWeight = 999;

    private const string ModifyListener = ElbActions.ModifyListener;
    private const string ModifyRule = ElbActions.ModifyRule;

    /// <summary>How often a modify that got no clear answer is checked and sent again.</summary>
    internal const int ModifyRetries = 3;

    private readonly IAwsQueryTransport? _transport;
    private readonly TimeProvider _timeProvider;

    internal TrafficRouter(IAwsQueryTransport transport, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>For substitutes in tests (mocking libraries, subclasses): override the methods you call.</summary>
    protected TrafficRouter()
    {
        _timeProvider = TimeProvider.System;
    }

    private IAwsQueryTransport Transport =>
        _transport ?? throw new InvalidOperationException("This TrafficRouter was made for a substitute: override the methods it is asked for.");

    /// <summary>
    /// The load balancers with these names or ARNs (values starting with <c>arn:</c> are ARNs); empty
    /// input gives an empty list. <c>POST / Action=DescribeLoadBalancers</c> (ELBv2), every page.
    /// </summary>
    public virtual async Task<IReadOnlyList<LoadBalancer>> DescribeLoadBalancersAsync(IEnumerable<string> namesOrArns, CancellationToken cancellationToken = default)
    {
        var values = Distinct(namesOrArns, nameof(namesOrArns));
        var result = new List<LoadBalancer>();
        foreach (var (listName, group) in new[]
        {
            ("LoadBalancerArns", values.Where(IsArn).ToArray()),
            ("Names", values.Where(v => !IsArn(v)).ToArray()),
        })
        {
            foreach (var chunk in group.Chunk(ArnsPerCall))
            {
                var members = await DescribeAllAsync(ElbActions.DescribeLoadBalancers, new QueryParameters().AddMemberList(listName, chunk), "LoadBalancers", cancellationToken).ConfigureAwait(false);
                result.AddRange(members.Select(ElbXml.ParseLoadBalancer));
            }
        }

        return result;
    }

    /// <summary>Every listener of a load balancer. <c>POST / Action=DescribeListeners</c> (ELBv2), every page.</summary>
    public virtual async Task<IReadOnlyList<Listener>> DescribeListenersAsync(string loadBalancerArn, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(loadBalancerArn);
        var members = await DescribeAllAsync(ElbActions.DescribeListeners, new QueryParameters().Add("LoadBalancerArn", loadBalancerArn), "Listeners", cancellationToken).ConfigureAwait(false);
        return members.Select(ElbXml.ParseListener).ToArray();
    }

    /// <summary>The listeners with these ARNs (empty input: empty list). <c>POST / Action=DescribeListeners</c> (ELBv2), every page.</summary>
    public virtual async Task<IReadOnlyList<Listener>> DescribeListenersAsync(IEnumerable<string> listenerArns, CancellationToken cancellationToken = default)
    {
        var result = new List<Listener>();
        foreach (var chunk in Distinct(listenerArns, nameof(listenerArns)).Chunk(ArnsPerCall))
        {
            var members = await DescribeAllAsync(ElbActions.DescribeListeners, new QueryParameters().AddMemberList("ListenerArns", chunk), "Listeners", cancellationToken).ConfigureAwait(false);
            result.AddRange(members.Select(ElbXml.ParseListener));
        }

        return result;
    }

    /// <summary>The load balancer's listener on <paramref name="port"/>, or null. <c>POST / Action=DescribeListeners</c> (ELBv2).</summary>
    public virtual async Task<Listener?> FindListenerAsync(string loadBalancerArn, int port, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        var listeners = await DescribeListenersAsync(loadBalancerArn, cancellationToken).ConfigureAwait(false);
        return listeners.FirstOrDefault(listener => listener.Port == port);
    }

    /// <summary>Every rule of a listener, the default rule included. <c>POST / Action=DescribeRules</c> (ELBv2), every page.</summary>
    public virtual async Task<IReadOnlyList<ListenerRule>> DescribeRulesAsync(string listenerArn, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(listenerArn);
        var members = await DescribeAllAsync(ElbActions.DescribeRules, new QueryParameters().Add("ListenerArn", listenerArn), "Rules", cancellationToken).ConfigureAwait(false);
        return members.Select(ElbXml.ParseRule).ToArray();
    }

    /// <summary>Every target group of a load balancer. <c>POST / Action=DescribeTargetGroups</c> (ELBv2), every page.</summary>
    public virtual async Task<IReadOnlyList<TargetGroup>> DescribeTargetGroupsAsync(string loadBalancerArn, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(loadBalancerArn);
        var members = await DescribeAllAsync(ElbActions.DescribeTargetGroups, new QueryParameters().Add("LoadBalancerArn", loadBalancerArn), "TargetGroups", cancellationToken).ConfigureAwait(false);
        return members.Select(ElbXml.ParseTargetGroup).ToArray();
    }

    /// <summary>The target groups with these ARNs (empty input: empty list). <c>POST / Action=DescribeTargetGroups</c> (ELBv2), every page.</summary>
    public virtual async Task<IReadOnlyList<TargetGroup>> DescribeTargetGroupsAsync(IEnumerable<string> targetGroupArns, CancellationToken cancellationToken = default)
    {
        var result = new List<TargetGroup>();
        foreach (var chunk in Distinct(targetGroupArns, nameof(targetGroupArns)).Chunk(ArnsPerCall))
        {
            var members = await DescribeAllAsync(ElbActions.DescribeTargetGroups, new QueryParameters().AddMemberList("TargetGroupArns", chunk), "TargetGroups", cancellationToken).ConfigureAwait(false);
            result.AddRange(members.Select(ElbXml.ParseTargetGroup));
        }

        return result;
    }

    /// <summary>The health of every target registered in a target group. <c>POST / Action=DescribeTargetHealth</c> (ELBv2; not paginated).</summary>
    public virtual async Task<IReadOnlyList<TargetHealthDescription>> DescribeTargetHealthAsync(string targetGroupArn, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(targetGroupArn);
        const string action = ElbActions.DescribeTargetHealth;
        var root = await Transport.SendAsync(AwsService.ElasticLoadBalancingV2, action, new QueryParameters().Add("TargetGroupArn", targetGroupArn).ToList(), isMutating: false, cancellationToken).ConfigureAwait(false);
        return QueryXml.Result(root, action).Members("TargetHealthDescriptions").Select(ElbXml.ParseTargetHealth).ToArray();
    }

    /// <summary>
    /// The health of the given instances in a target group: healthy when every one is registered and
    /// <c>healthy</c> on every port it is registered on. <c>POST / Action=DescribeTargetHealth</c> (ELBv2).
    /// </summary>
    /// <exception cref="ArgumentException">No instance ids were given.</exception>
    public virtual async Task<TargetGroupHealth> GetHealthAsync(string targetGroupArn, IEnumerable<string> instanceIds, CancellationToken cancellationToken = default)
    {
        var ids = Distinct(instanceIds, nameof(instanceIds));
        if (ids.Count == 0)
        {
            throw new ArgumentException("At least one instance id is needed: a health gate over no instances would always pass.", nameof(instanceIds));
        }

        var registered = await DescribeTargetHealthAsync(targetGroupArn, cancellationToken).ConfigureAwait(false);
        var targets = new List<TargetHealthDescription>();
        foreach (var id in ids)
        {
            var entries = registered.Where(target => string.Equals(target.TargetId, id, StringComparison.Ordinal)).ToArray();
            targets.AddRange(entries.Length > 0
                ? entries
                : [new TargetHealthDescription(id, null, "unused", "Target.NotRegistered", "The target is not registered with the target group.")]);
        }

        return new TargetGroupHealth(targetGroupArn, targets.TrueForAll(target => target.IsHealthy), targets);
    }

    /// <summary>True when every given instance is registered and <c>healthy</c> in the target group (see <see cref="GetHealthAsync"/>).</summary>
    public virtual async Task<bool> IsHealthyAsync(string targetGroupArn, IEnumerable<string> instanceIds, CancellationToken cancellationToken = default)
    {
        var health = await GetHealthAsync(targetGroupArn, instanceIds, cancellationToken).ConfigureAwait(false);
        return health.IsHealthy;
    }

    /// <summary>
    /// Which target group(s) the route forwards to now: its forward action's <c>ForwardConfig</c> groups
    /// and weights, or the plain <c>TargetGroupArn</c>. <c>DescribeListeners</c> (default rule) or
    /// <c>DescribeRules</c> (ELBv2).
    /// </summary>
    /// <exception cref="TrafficRouterConflictException">The route has no (or more than one) forward action.</exception>
    public virtual async Task<RouteForward> ResolveForwardAsync(RouteRef route, CancellationToken cancellationToken = default)
    {
        ValidateRoute(route, nameof(route));
        var state = await ReadRouteAsync(route, cancellationToken).ConfigureAwait(false);
        var forward = state.Actions[RouteActions.ForwardIndex(state.Actions, route)];
        return new RouteForward(route, state.Operation == ModifyListener, forward.ForwardTargetGroups, forward.ForwardConfig?.Stickiness, state.Actions);
    }

    /// <summary>
    /// The Blue/Green swap: production forwards to the stage target group and stage to the production
    /// target group (ModifyListener for a default rule, ModifyRule otherwise; the complete action list,
    /// every other action and all conditions untouched). Production is changed first.
    /// </summary>
    /// <remarks>
    /// With <paramref name="expectedProductionTargetGroupArn"/> and <paramref name="expectedStageTargetGroupArn"/>
    /// (the groups production and stage forward to before the swap) the call is idempotent: a route already
    /// forwarding only to its new group is left alone, so a repeated or resumed swap makes no second change, and
    /// a route forwarding anywhere else is a conflict. Without them, the groups are read from the routes (each must
    /// send all its traffic to one group) and every call swaps again.
    /// </remarks>
    /// <returns>The changes made, production first; empty when both routes were already swapped.</returns>
    /// <exception cref="TrafficRouterConflictException">A route is not in a state the swap can start from; nothing was changed.</exception>
    /// <exception cref="TrafficRouterPartialChangeException">Production was changed, then changing stage failed.</exception>
    public virtual async Task<IReadOnlyList<RouteChange>> SwapAsync(RouteRef production, RouteRef stage, string? expectedProductionTargetGroupArn = null, string? expectedStageTargetGroupArn = null, CancellationToken cancellationToken = default)
    {
        ValidateRoute(production, nameof(production));
        ValidateRoute(stage, nameof(stage));
        if (production == stage)
        {
            throw new ArgumentException("Production and stage must be different routes.", nameof(stage));
        }

        if ((expectedProductionTargetGroupArn is null) != (expectedStageTargetGroupArn is null))
        {
            throw new ArgumentException("Give both expected target groups or neither.", nameof(expectedStageTargetGroupArn));
        }

        if (expectedProductionTargetGroupArn is not null && string.Equals(expectedProductionTargetGroupArn, expectedStageTargetGroupArn, StringComparison.Ordinal))
        {
            throw new ArgumentException("The expected production and stage target groups must differ.", nameof(expectedStageTargetGroupArn));
        }

        var productionState = await ReadRouteAsync(production, cancellationToken).ConfigureAwait(false);
        var stageState = await ReadRouteAsync(stage, cancellationToken).ConfigureAwait(false);
        if (productionState.Operation == stageState.Operation && string.Equals(productionState.ResourceArn, stageState.ResourceArn, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Production ({production}) and stage ({stage}) are the same rule.", nameof(stage));
        }

        var productionForward = RouteActions.ForwardIndex(productionState.Actions, production);
        var stageForward = RouteActions.ForwardIndex(stageState.Actions, stage);
        string productionGroup;
        string stageGroup;
        if (expectedProductionTargetGroupArn is not null)
        {
            productionGroup = expectedProductionTargetGroupArn;
            stageGroup = expectedStageTargetGroupArn!;
            string[] allowed = [productionGroup, stageGroup];
            RequireOnly(productionState, productionForward, allowed);
            RequireOnly(stageState, stageForward, allowed);
        }
        else
        {
            productionGroup = Primary(productionState, productionForward);
            stageGroup = Primary(stageState, stageForward);
            if (string.Equals(productionGroup, stageGroup, StringComparison.Ordinal))
            {
                throw new TrafficRouterConflictException(stage, $"Production ({production}) and stage ({stage}) both forward to {productionGroup}; there is nothing to swap.");
            }
        }

        var plan = new List<(RouteState State, IReadOnlyList<RuleAction> Desired)>
        {
            (productionState, RouteActions.WithSingleForward(productionState.Actions, productionForward, stageGroup)),
            (stageState, RouteActions.WithSingleForward(stageState.Actions, stageForward, productionGroup)),
        };
        return await ApplyAsync(plan, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A traffic-shift step: the production route forwards to both target groups with these weights
    /// (0–999 each, not both 0), keeping stickiness and every other action. The route must currently forward
    /// only to these two groups. No call when it already has these weights.
    /// </summary>
    /// <returns>The change made, or an empty list when the route already had these weights.</returns>
    /// <exception cref="TrafficRouterConflictException">The route forwards elsewhere; nothing was changed.</exception>
    public virtual async Task<IReadOnlyList<RouteChange>> ShiftTrafficAsync(RouteRef production, string oldTargetGroupArn, string newTargetGroupArn, int newWeight, int oldWeight, CancellationToken cancellationToken = default)
    {
        ValidateRoute(production, nameof(production));
        ArgumentException.ThrowIfNullOrWhiteSpace(oldTargetGroupArn);
        ArgumentException.ThrowIfNullOrWhiteSpace(newTargetGroupArn);
        if (string.Equals(oldTargetGroupArn, newTargetGroupArn, StringComparison.Ordinal))
        {
            throw new ArgumentException("The old and new target groups must differ.", nameof(newTargetGroupArn));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(newWeight);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(newWeight, MaxWeight);
        ArgumentOutOfRangeException.ThrowIfNegative(oldWeight);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(oldWeight, MaxWeight);
        if (newWeight == 0 && oldWeight == 0)
        {
            throw new ArgumentException("At least one weight must be above 0, or the route would send traffic nowhere.", nameof(oldWeight));
        }

        var state = await ReadRouteAsync(production, cancellationToken).ConfigureAwait(false);
        var forward = RouteActions.ForwardIndex(state.Actions, production);
        RequireOnly(state, forward, [oldTargetGroupArn, newTargetGroupArn]);
        var desired = RouteActions.WithWeightedForward(state.Actions, forward, [(oldTargetGroupArn, oldWeight), (newTargetGroupArn, newWeight)]);
        return await ApplyAsync([(state, desired)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Undoes a change: when the route still routes as <see cref="RouteChange.After"/>, its action list is
    /// put back to <see cref="RouteChange.Before"/>; when it already routes as before, nothing is done.
    /// </summary>
    /// <returns>The restoring change, or an empty list when the route was already as before.</returns>
    /// <exception cref="TrafficRouterConflictException">The route has been changed since by someone else; nothing was changed.</exception>
    public virtual async Task<IReadOnlyList<RouteChange>> RestoreAsync(RouteChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        ValidateRoute(change.Route, nameof(change));
        var state = await ReadRouteAsync(change.Route, cancellationToken).ConfigureAwait(false);
        if (RouteActions.AreEquivalent(state.Actions, change.Before))
        {
            return [];
        }

        if (!RouteActions.AreEquivalent(state.Actions, change.After))
        {
            throw new TrafficRouterConflictException(change.Route,
                $"The {change.Route} was changed by someone else and is not restored. Now: [{string.Join("; ", state.Actions)}]; after our change: [{string.Join("; ", change.After)}]; before it: [{string.Join("; ", change.Before)}].");
        }

        return await ApplyAsync([(state, change.Before)], cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<RouteChange>> ApplyAsync(IReadOnlyList<(RouteState State, IReadOnlyList<RuleAction> Desired)> plan, CancellationToken cancellationToken)
    {
        var changes = new List<RouteChange>();
        foreach (var (state, desired) in plan)
        {
            if (RouteActions.AreEquivalent(state.Actions, desired))
            {
                continue;
            }

            var attempted = new RouteChange(state.Route, state.Operation, state.ResourceArn, state.Actions, desired);
            try
            {
                var answered = await ModifyCheckedAsync(state, desired, cancellationToken).ConfigureAwait(false);
                changes.Add(attempted with { After = answered ?? desired });
            }
            catch (Exception e) when (changes.Count > 0 && e is not OperationCanceledException)
            {
                throw new TrafficRouterPartialChangeException(
                    $"{changes.Count} route change(s) were made, then {attempted.Operation} for the {state.Route} failed: {e.Message} Restore the changes (newest first) to undo.",
                    [.. changes, attempted],
                    e);
            }
        }

        return changes;
    }

    /// <summary>
    /// Sends the complete action list; returns the actions ELBv2 answered with, or null when it answered none. A modify
    /// that failed without a clear answer (5xx, timeout, broken connection) may or may not have been applied, so it is
    /// never simply sent again: the route is read first. Already as desired → done; still as before → sent again after a
    /// pause; anything else → a conflict.
    /// </summary>
    private async Task<IReadOnlyList<RuleAction>?> ModifyCheckedAsync(RouteState state, IReadOnlyList<RuleAction> desired, CancellationToken cancellationToken)
    {
        AwsApiException? unclear = null;
        var retry = new VerifiedRetry(ModifyRetries, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8), _timeProvider, e => e is AwsApiException { IsTransient: true });
        var answered = await retry.ExecuteAsync<IReadOnlyList<RuleAction>>(
            async token => await ModifyAsync(state, desired, token).ConfigureAwait(false) ?? [],
            async token =>
            {
                var now = await ReadRouteAsync(state.Route, token).ConfigureAwait(false);
                if (RouteActions.AreEquivalent(now.Actions, desired))
                {
                    return now.Actions;
                }

                return RouteActions.AreEquivalent(now.Actions, state.Actions)
                    ? null
                    : throw new TrafficRouterConflictException(state.Route,
                        $"{state.Operation} for the {state.Route} failed ({unclear?.ErrorCode ?? unclear?.Message}) and the route has since changed to something neither before nor after: [{string.Join("; ", now.Actions)}].");
            },
            (e, _) => unclear = e as AwsApiException,
            cancellationToken).ConfigureAwait(false);
        return answered.Count > 0 ? answered : null;
    }

    private async Task<IReadOnlyList<RuleAction>?> ModifyAsync(RouteState state, IReadOnlyList<RuleAction> actions, CancellationToken cancellationToken)
    {
        var parameters = new QueryParameters();
        XElement result;
        if (state.Operation == ModifyListener)
        {
            parameters.Add("ListenerArn", state.ResourceArn);
            RouteActions.AddParameters(actions, "DefaultActions", parameters);
            var root = await Transport.SendAsync(AwsService.ElasticLoadBalancingV2, ModifyListener, parameters.ToList(), isMutating: true, cancellationToken).ConfigureAwait(false);
            result = QueryXml.Result(root, ModifyListener);
            var listener = result.Members("Listeners").Select(ElbXml.ParseListener).FirstOrDefault();
            return listener is { DefaultActions.Count: > 0 } ? listener.DefaultActions : null;
        }

        // Conditions and transforms are not sent: ModifyRule leaves what is not given unchanged.
        parameters.Add("RuleArn", state.ResourceArn);
        RouteActions.AddParameters(actions, "Actions", parameters);
        var ruleRoot = await Transport.SendAsync(AwsService.ElasticLoadBalancingV2, ModifyRule, parameters.ToList(), isMutating: true, cancellationToken).ConfigureAwait(false);
        result = QueryXml.Result(ruleRoot, ModifyRule);
        var rule = result.Members("Rules").Select(ElbXml.ParseRule).FirstOrDefault();
        return rule is { Actions.Count: > 0 } ? rule.Actions : null;
    }

    /// <summary>Reads the route's complete action list now; a rule that is the listener's default rule is changed through the listener.</summary>
    private async Task<RouteState> ReadRouteAsync(RouteRef route, CancellationToken cancellationToken)
    {
        if (route.RuleArn is null)
        {
            var members = await DescribeAllAsync(ElbActions.DescribeListeners, new QueryParameters().AddMemberList("ListenerArns", [route.ListenerArn]), "Listeners", cancellationToken).ConfigureAwait(false);
            var listener = members.Select(ElbXml.ParseListener).FirstOrDefault(l => string.Equals(l.Arn, route.ListenerArn, StringComparison.Ordinal))
                ?? throw new TrafficRouterConflictException(route, $"ELBv2 did not return listener {route.ListenerArn}.");
            return new RouteState(route, ModifyListener, route.ListenerArn, listener.DefaultActions);
        }

        var rules = await DescribeAllAsync(ElbActions.DescribeRules, new QueryParameters().AddMemberList("RuleArns", [route.RuleArn]), "Rules", cancellationToken).ConfigureAwait(false);
        var rule = rules.Select(ElbXml.ParseRule).FirstOrDefault(r => string.Equals(r.Arn, route.RuleArn, StringComparison.Ordinal))
            ?? throw new TrafficRouterConflictException(route, $"ELBv2 did not return rule {route.RuleArn}.");

        // ModifyRule refuses the default rule; its actions are the listener's default actions.
        return rule.IsDefault
            ? new RouteState(route, ModifyListener, route.ListenerArn, rule.Actions)
            : new RouteState(route, ModifyRule, route.RuleArn, rule.Actions);
    }

    private async Task<List<XElement>> DescribeAllAsync(string action, QueryParameters baseParameters, string listName, CancellationToken cancellationToken)
    {
        var members = new List<XElement>();
        var seenMarkers = new HashSet<string>(StringComparer.Ordinal);
        string? marker = null;
        do
        {
            var parameters = new QueryParameters().AddRange(baseParameters.ToList());
            if (marker is not null)
            {
                parameters.Add("Marker", marker);
            }

            parameters.Add("PageSize", PageSize);
            var root = await Transport.SendAsync(AwsService.ElasticLoadBalancingV2, action, parameters.ToList(), isMutating: false, cancellationToken).ConfigureAwait(false);
            var result = QueryXml.Result(root, action);
            members.AddRange(result.Members(listName));
            marker = result.NonEmptyString("NextMarker");
            if (marker is not null && !seenMarkers.Add(marker))
            {
                throw QueryXml.Malformed(AwsService.ElasticLoadBalancingV2, action, root, "ELBv2 returned the same NextMarker twice");
            }
        }
        while (marker is not null);

        return members;
    }

    private static void RequireOnly(RouteState state, int forwardIndex, string[] allowed)
    {
        var groups = state.Actions[forwardIndex].ForwardTargetGroups;
        var foreign = groups.Where(g => !allowed.Contains(g.TargetGroupArn, StringComparer.Ordinal)).Select(g => g.TargetGroupArn).ToArray();
        if (foreign.Length > 0)
        {
            throw new TrafficRouterConflictException(state.Route,
                $"The {state.Route} forwards to {string.Join(", ", foreign)}, which is neither {string.Join(" nor ", allowed)}; it was changed outside this deployment.");
        }
    }

    private static string Primary(RouteState state, int forwardIndex)
    {
        var action = state.Actions[forwardIndex];
        var forward = new RouteForward(state.Route, state.Operation == ModifyListener, action.ForwardTargetGroups, null, state.Actions);
        return forward.PrimaryTargetGroupArn
            ?? throw new TrafficRouterConflictException(state.Route,
                $"The {state.Route} splits traffic ({action}); pass the expected production and stage target groups to finish a traffic shift with a swap.");
    }

    private static void ValidateRoute(RouteRef route, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(route, parameterName);
        if (string.IsNullOrWhiteSpace(route.ListenerArn) || (route.RuleArn is not null && string.IsNullOrWhiteSpace(route.RuleArn)))
        {
            throw new ArgumentException("A route needs a listener ARN and, when given, a non-empty rule ARN.", parameterName);
        }

        // A rule ARN extends its listener's ARN (listener/app/lb/id/listener-id → listener-rule/app/lb/id/listener-id/rule-id).
        // A default rule is changed through route.ListenerArn, so a rule of another listener must never get that far.
        if (route.RuleArn is not null
            && route.RuleArn.Contains(":listener-rule/", StringComparison.Ordinal)
            && route.ListenerArn.Contains(":listener/", StringComparison.Ordinal)
            && !route.RuleArn.Replace(":listener-rule/", ":listener/", StringComparison.Ordinal).StartsWith(route.ListenerArn + "/", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Rule {route.RuleArn} does not belong to listener {route.ListenerArn}.", parameterName);
        }
    }

    private static List<string> Distinct(IEnumerable<string> values, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(values, parameterName);
        var list = new List<string>();
        foreach (var value in values)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException("Names, ARNs and ids must not be empty.", parameterName);
            }

            if (!list.Contains(value, StringComparer.Ordinal))
            {
                list.Add(value);
            }
        }

        return list;
    }

    private static bool IsArn(string value) => value.StartsWith("arn:", StringComparison.Ordinal);

    private sealed record RouteState(RouteRef Route, string Operation, string ResourceArn, IReadOnlyList<RuleAction> Actions);
}
