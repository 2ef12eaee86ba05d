using System.Text.Json.Serialization;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>One load balancer's production and stage routes with the target groups they forwarded to when planned, and their action lists then (XML).</summary>
internal sealed record RoutePair(
    ListenerRoute Production,
    ListenerRoute Stage,
    string ProductionTargetGroupArn,
    string StageTargetGroupArn,
    IReadOnlyList<string> ProductionActionsXml,
    IReadOnlyList<string> StageActionsXml)
{
    [JsonIgnore]
    public BlueGreenLoadBalancer LoadBalancer => new(Production, Stage);
}
