using Spot.Deploy.Aws;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>An operation on the production and stage routes of every load balancer of a Blue/Green deployment.</summary>
internal abstract record RouteOperation : Operation
{
    /// <summary>The routes, with the target groups and action lists they had when planned.</summary>
    public required IReadOnlyList<RoutePair> Routes { get; init; }

    public override void RecordAttempt(RollbackFacts facts) => facts.RoutesChangeStarted = true;

    protected static RouteRef Ref(ListenerRoute route) => new(route.ListenerArn, route.RuleArn);

    /// <summary>The ELBv2 read of a route (DescribeListeners or DescribeRules).</summary>
    protected static ApiCall Describe(ListenerRoute route) =>
        route.IsDefaultRule ? ApiCall.Elb(ElbActions.DescribeListeners, route.ListenerArn) : ApiCall.Elb(ElbActions.DescribeRules, route.RuleArn!);

    /// <summary>The target groups a route write forwards to, as the preview's <c>forward</c> parameter: <c>targetGroupArn</c> and <c>weight</c> of each.</summary>
    protected static IReadOnlyList<IReadOnlyDictionary<string, object>> Forward(params (string TargetGroupArn, int Weight)[] targets) =>
        [.. targets.Select(t => (IReadOnlyDictionary<string, object>)new Dictionary<string, object>(StringComparer.Ordinal) { ["targetGroupArn"] = t.TargetGroupArn, ["weight"] = t.Weight })];

    /// <summary>The ELBv2 write of a route (ModifyListener or ModifyRule).</summary>
    protected static ApiCall Modify(ListenerRoute route, string details) =>
        route.IsDefaultRule ? ApiCall.Elb(ElbActions.ModifyListener, route.ListenerArn, details) : ApiCall.Elb(ElbActions.ModifyRule, route.RuleArn!, details);
}
