using System.Text.Json.Nodes;
using Spot.Deploy.Aws;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>
/// Blue/Green rollback: every route goes back to its journaled action list; a route already as it was is left alone,
/// and a route someone else changed (forwarding to a target group the deployment never used) is refused, not overwritten.
/// </summary>
internal sealed record RestoreRoutesOperation : RouteOperation
{
    public override string Kind => "RestoreRoutes";

    public override async Task<JsonObject?> PerformAsync(OperationContext context, bool retry, CancellationToken cancellationToken)
    {
        var changes = 0;
        foreach (var route in Routes)
        {
            string[] ours = [route.ProductionTargetGroupArn, route.StageTargetGroupArn];
            changes += await RestoreAsync(context.Traffic, route.Production, route.ProductionActionsXml, ours, cancellationToken).ConfigureAwait(false);
            changes += await RestoreAsync(context.Traffic, route.Stage, route.StageActionsXml, ours, cancellationToken).ConfigureAwait(false);
        }

        context.Report(new TrafficWeightsEvent(context.Time.GetUtcNow(), 0, 0, TrafficWeights.MaxWeight, Routes.Count));
        return new JsonObject { ["changes"] = changes };
    }

    public override IReadOnlyList<ApiCall> ApiCalls(DryRunContext names) =>
        [.. Routes.SelectMany(route => new[]
        {
            Describe(route.Production),
            Modify(route.Production, "back to its journaled actions, if it is not as it was"),
            Describe(route.Stage),
            Modify(route.Stage, "back to its journaled actions, if it is not as it was"),
        })];

    private static async Task<int> RestoreAsync(TrafficRouter traffic, ListenerRoute route, IReadOnlyList<string> originalXml, string[] ours, CancellationToken cancellationToken)
    {
        var reference = Ref(route);
        var original = originalXml.Select(RuleAction.Parse).ToList();
        var current = await traffic.ResolveForwardAsync(reference, cancellationToken).ConfigureAwait(false);
        if (current.TargetGroups.Any(tg => !ours.Contains(tg.TargetGroupArn, StringComparer.Ordinal)))
        {
            throw new TrafficRouterConflictException(reference,
                $"The {reference} forwards to {string.Join(", ", current.TargetGroups.Select(t => t.TargetGroupArn))}, which this deployment never routed to; someone else changed it, so it is not restored.");
        }

        var operation = route.IsDefaultRule ? ElbActions.ModifyListener : ElbActions.ModifyRule;
        var resource = route.RuleArn ?? route.ListenerArn;
        var made = await traffic.RestoreAsync(new RouteChange(reference, operation, resource, original, current.Actions), cancellationToken).ConfigureAwait(false);
        return made.Count;
    }
}
