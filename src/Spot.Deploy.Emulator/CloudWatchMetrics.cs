namespace Spot.Deploy.Emulator;

/// <summary>A time series as GetMetricData computes it: values by period start, and every period start of the request (its grid).</summary>
internal sealed record MetricSeries(IReadOnlyList<DateTimeOffset> Grid, SortedDictionary<DateTimeOffset, double> Points);

/// <summary>
/// The Application Load Balancer metrics of the emulated traffic, as CloudWatch keeps them: one datapoint a minute per
/// metric and dimension set, published only for minutes with a count above zero (a load balancer without 5xx answers
/// reports no <c>HTTPCode_Target_5XX_Count</c> at all), aggregated into periods by a statistic. Dimensions as ALB
/// publishes them: <c>LoadBalancer</c> (<c>app/name/id</c>) alone, or with <c>TargetGroup</c> (<c>targetgroup/name/id</c>);
/// any other set (or metric) has no data, as an unknown metric has none in CloudWatch.
/// </summary>
internal sealed class CloudWatchMetrics(EmulatorState state)
{
    public const string ElbNamespace = "AWS/ApplicationELB";

    public static readonly string[] Statistics = ["Sum", "Average", "SampleCount", "Minimum", "Maximum"];

    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private readonly Dictionary<DateTimeOffset, Dictionary<TrafficKey, TrafficTally>> _totals = [];

    /// <summary>The period starts of a request: from its start time rounded down to the minute, one per period, before its end time.</summary>
    public static IReadOnlyList<DateTimeOffset> Grid(DateTimeOffset start, DateTimeOffset end, int periodSeconds)
    {
        var first = new DateTimeOffset(start.UtcTicks - (start.UtcTicks % Minute.Ticks), TimeSpan.Zero);
        var grid = new List<DateTimeOffset>();
        for (var at = first; at < end; at = at.AddSeconds(periodSeconds))
        {
            grid.Add(at);
        }

        return grid;
    }

    /// <summary>The load balancer dimension value of an ALB ARN (<c>app/name/id</c>).</summary>
    public static string LoadBalancerDimension(string arn) => arn[(arn.IndexOf(":loadbalancer/", StringComparison.Ordinal) + ":loadbalancer/".Length)..];

    /// <summary>The target group dimension value of a target group ARN (<c>targetgroup/name/id</c>).</summary>
    public static string TargetGroupDimension(string arn) => arn[(arn.IndexOf(":targetgroup/", StringComparison.Ordinal) + 1)..];

    /// <summary>One metric's series over a grid, each period's minutes combined by <paramref name="statistic"/>.</summary>
    public MetricSeries Query(string metricNamespace, string metricName, IReadOnlyList<(string Name, string Value)> dimensions, string statistic, int periodSeconds, IReadOnlyList<DateTimeOffset> grid)
    {
        var points = new SortedDictionary<DateTimeOffset, double>();
        if (Selector(metricNamespace, metricName, dimensions) is not { } selector)
        {
            return new MetricSeries(grid, points);
        }

        var now = state.Now;
        foreach (var periodStart in grid.Where(p => p < now))
        {
            var minutes = new List<double>();
            for (var minute = periodStart; minute < periodStart.AddSeconds(periodSeconds) && minute < now; minute += Minute)
            {
                var end = minute + Minute < now ? minute + Minute : now;
                var value = Counter(end, selector) - Counter(minute, selector);
                if (value > 0)
                {
                    minutes.Add(value);
                }
            }

            if (minutes.Count > 0)
            {
                points[periodStart] = statistic switch
                {
                    "Sum" => minutes.Sum(),
                    "Average" => minutes.Average(),
                    "SampleCount" => minutes.Count,
                    "Minimum" => minutes.Min(),
                    _ => minutes.Max(),
                };
            }
        }

        return new MetricSeries(grid, points);
    }

    /// <summary>Which traffic a metric counts, and which part of it; null when CloudWatch would have no such metric.</summary>
    private static Func<TrafficKey, TrafficTally, double?>? Selector(string metricNamespace, string metricName, IReadOnlyList<(string Name, string Value)> dimensions)
    {
        if (metricNamespace != ElbNamespace)
        {
            return null;
        }

        Func<TrafficTally, double>? part = metricName switch
        {
            "RequestCount" => t => t.Requests,
            "HTTPCode_Target_5XX_Count" => t => t.Errors,
            "HTTPCode_Target_2XX_Count" => t => t.Requests - t.Errors,
            _ => null,
        };
        var named = dimensions.ToDictionary(d => d.Name, d => d.Value, StringComparer.Ordinal);
        if (part is null || named.Count != dimensions.Count || !named.TryGetValue("LoadBalancer", out var loadBalancer)
            || named.Count != (named.ContainsKey("TargetGroup") ? 2 : 1))
        {
            return null;
        }

        var targetGroup = named.GetValueOrDefault("TargetGroup");
        return (key, tally) =>
            key.LoadBalancerArn is { } lb && LoadBalancerDimension(lb) == loadBalancer
            && (targetGroup is null || (key.TargetGroupArn is { } tg && TargetGroupDimension(tg) == targetGroup))
                ? part(tally)
                : null;
    }

    private long Counter(DateTimeOffset at, Func<TrafficKey, TrafficTally, double?> selector)
    {
        if (!_totals.TryGetValue(at, out var totals))
        {
            _totals[at] = totals = state.TrafficTotalsAt(at);
        }

        return EmulatorState.Whole(totals.Sum(t => selector(t.Key, t.Value) ?? 0));
    }
}
