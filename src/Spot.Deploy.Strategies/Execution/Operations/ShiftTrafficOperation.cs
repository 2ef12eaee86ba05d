using System.Globalization;
using System.Text.Json.Nodes;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>Blue/Green traffic step: every production route forwards to both target groups with the step's weights. Safe to repeat.</summary>
internal sealed record ShiftTrafficOperation : RouteOperation
{
    public required TrafficWeights Weights { get; init; }

    public override string Kind => "ShiftTraffic";

    public override async Task<JsonObject?> PerformAsync(OperationContext context, bool retry, CancellationToken cancellationToken)
    {
        var changes = 0;
        foreach (var route in Routes)
        {
            var made = await context.Traffic.ShiftTrafficAsync(Ref(route.Production), route.ProductionTargetGroupArn, route.StageTargetGroupArn,
                Weights.NewWeight, Weights.OldWeight, cancellationToken).ConfigureAwait(false);
            changes += made.Count;
        }

        context.Report(new TrafficWeightsEvent(context.Time.GetUtcNow(), Weights.Percent, Weights.NewWeight, Weights.OldWeight, Routes.Count));
        return new JsonObject { ["changes"] = changes };
    }

    public override IReadOnlyList<ApiCall> ApiCalls(DryRunContext names) =>
        [.. Routes.SelectMany(route => new[]
        {
            Describe(route.Production),
            Modify(route.Production, string.Create(CultureInfo.InvariantCulture,
                $"forward {route.StageTargetGroupArn} weight {Weights.NewWeight}, {route.ProductionTargetGroupArn} weight {Weights.OldWeight}"))
                .With(("forward", Forward((route.StageTargetGroupArn, Weights.NewWeight), (route.ProductionTargetGroupArn, Weights.OldWeight)))),
        })];
}
