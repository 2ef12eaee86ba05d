using System.Text.Json.Nodes;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>Blue/Green swap: production forwards to the stage target group and stage to the production one. Safe to repeat.</summary>
internal sealed record SwapRoutesOperation : RouteOperation
{
    public override string Kind => "SwapRoutes";

    public override async Task<JsonObject?> PerformAsync(OperationContext context, bool retry, CancellationToken cancellationToken)
    {
        var changes = 0;
        foreach (var route in Routes)
        {
            var made = await context.Traffic.SwapAsync(Ref(route.Production), Ref(route.Stage), route.ProductionTargetGroupArn, route.StageTargetGroupArn, cancellationToken).ConfigureAwait(false);
            changes += made.Count;
        }

        context.Report(new TrafficWeightsEvent(context.Time.GetUtcNow(), 100, TrafficWeights.MaxWeight, 0, Routes.Count));
        return new JsonObject { ["changes"] = changes };
    }

    public override IReadOnlyList<ApiCall> ApiCalls(DryRunContext names) =>
        [.. Routes.SelectMany(route => new[]
        {
            Describe(route.Production),
            Describe(route.Stage),
            Modify(route.Production, "forward " + route.StageTargetGroupArn).With(("forward", Forward((route.StageTargetGroupArn, 1)))),
            Modify(route.Stage, "forward " + route.ProductionTargetGroupArn).With(("forward", Forward((route.ProductionTargetGroupArn, 1)))),
        })];
}
