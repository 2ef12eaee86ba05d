using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Spot.Deploy.Emulator;

/// <summary>
/// <c>GET /metrics</c>: the emulated traffic in Prometheus's text exposition format 0.0.4, counted on the emulator's clock —
/// per group and image (<c>spot_deploy_emulator_requests_total</c>, <c>spot_deploy_emulator_errors_total</c>, labels
/// <c>group</c>, <c>group_id</c>, <c>image</c>) and per target group of a load balancer
/// (<c>spot_deploy_emulator_target_group_requests_total</c>, <c>…_errors_total</c>, labels <c>target_group</c> and
/// <c>load_balancer</c> as CloudWatch names them). The values are the counts CloudWatch's metrics are made of.
/// </summary>
internal static class PrometheusExposition
{
    internal const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    internal static void Map(WebApplication app, SpotDeployEmulator emulator) =>
        app.MapGet(SpotDeployEmulator.MetricsPath, context =>
        {
            context.Response.ContentType = ContentType;
            return context.Response.WriteAsync(Render(emulator.State.TrafficTotalsAt(DateTimeOffset.MaxValue)), Encoding.UTF8, context.RequestAborted);
        });

    /// <summary>The exposition of the totals: one family after another, series sorted by their labels.</summary>
    internal static string Render(IReadOnlyDictionary<TrafficKey, TrafficTally> totals)
    {
        var byGroup = totals
            .GroupBy(t => (t.Key.GroupId, t.Key.GroupName, t.Key.ImageId))
            .Select(g => (Labels: Labels(("group", g.Key.GroupName ?? string.Empty), ("group_id", g.Key.GroupId), ("image", g.Key.ImageId)), Tally: Sum(g)))
            .OrderBy(s => s.Labels, StringComparer.Ordinal)
            .ToList();
        var byTargetGroup = totals
            .Where(t => t.Key.TargetGroupArn is not null && t.Key.LoadBalancerArn is not null)
            .GroupBy(t => (t.Key.TargetGroupArn!, t.Key.LoadBalancerArn!))
            .Select(g => (Labels: Labels(("target_group", CloudWatchMetrics.TargetGroupDimension(g.Key.Item1)), ("load_balancer", CloudWatchMetrics.LoadBalancerDimension(g.Key.Item2))), Tally: Sum(g)))
            .OrderBy(s => s.Labels, StringComparer.Ordinal)
            .ToList();
        var text = new StringBuilder();
        Family(text, "spot_deploy_emulator_requests_total", "Requests served by a group's instances of one image (emulator clock).", byGroup.Select(s => (s.Labels, s.Tally.Requests)));
        Family(text, "spot_deploy_emulator_errors_total", "Requests a group's instances of one image answered with a 5xx status (emulator clock).", byGroup.Select(s => (s.Labels, s.Tally.Errors)));
        Family(text, "spot_deploy_emulator_target_group_requests_total", "Requests a load balancer forwarded to a target group (CloudWatch RequestCount).", byTargetGroup.Select(s => (s.Labels, s.Tally.Requests)));
        Family(text, "spot_deploy_emulator_target_group_errors_total", "5xx answers of a target group's targets (CloudWatch HTTPCode_Target_5XX_Count).", byTargetGroup.Select(s => (s.Labels, s.Tally.Errors)));
        return text.ToString();
    }

    private static TrafficTally Sum(IEnumerable<KeyValuePair<TrafficKey, TrafficTally>> tallies) =>
        tallies.Aggregate(new TrafficTally(), (sum, t) => new TrafficTally { Requests = sum.Requests + t.Value.Requests, Errors = sum.Errors + t.Value.Errors });

    private static void Family(StringBuilder text, string name, string help, IEnumerable<(string Labels, double Value)> series)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(" counter\n");
        foreach (var (labels, value) in series)
        {
            text.Append(name).Append('{').Append(labels).Append("} ").Append(EmulatorState.Whole(value).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    private static string Labels(params (string Name, string Value)[] labels) =>
        string.Join(",", labels.Select(l => l.Name + "=\"" + l.Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\""));
}
