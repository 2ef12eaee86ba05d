namespace Spot.Deploy.Aws;

/// <summary>One dimension of a CloudWatch metric, such as <c>TargetGroup</c> = <c>targetgroup/web/0123456789abcdef</c>.</summary>
/// <param name="Name">The dimension's name.</param>
/// <param name="Value">Its value.</param>
public sealed record MetricDimension(string Name, string Value);

/// <summary>A metric and how to aggregate it over each period (a GetMetricData <c>MetricStat</c>).</summary>
/// <param name="Namespace">The namespace, such as <c>AWS/ApplicationELB</c>.</param>
/// <param name="MetricName">The metric, such as <c>HTTPCode_Target_5XX_Count</c>.</param>
/// <param name="Dimensions">Its dimensions (all of them: CloudWatch matches the exact set).</param>
/// <param name="PeriodSeconds">The period in seconds (a multiple of 60 for standard-resolution metrics).</param>
/// <param name="Stat">The statistic: <c>Sum</c>, <c>Average</c>, <c>SampleCount</c>, <c>Minimum</c>, <c>Maximum</c> or a percentile such as <c>p99</c>.</param>
public sealed record MetricStat(string Namespace, string MetricName, IReadOnlyList<MetricDimension> Dimensions, int PeriodSeconds, string Stat);

/// <summary>One query of a GetMetricData call: a <see cref="MetricStat"/> or a metric-math <see cref="Expression"/> over other queries' ids.</summary>
/// <param name="Id">The id (<c>^[a-z][a-zA-Z0-9_]*$</c>, unique in the call), used by expressions and in the results.</param>
/// <param name="MetricStat">The metric, or null for an expression.</param>
/// <param name="Expression">The metric-math expression, such as <c>FILL(m5xx, 0) / requests</c>, or null for a metric.</param>
/// <param name="ReturnData">Whether the query's datapoints are returned (false for the inputs of an expression).</param>
/// <param name="Label">A label for the result, or null.</param>
public sealed record MetricDataQuery(string Id, MetricStat? MetricStat, string? Expression, bool ReturnData = true, string? Label = null);

/// <summary>The datapoints of one query, newest first.</summary>
/// <param name="Id">The query's id.</param>
/// <param name="Label">Its label (CloudWatch's when none was given).</param>
/// <param name="StatusCode"><c>Complete</c>, <c>PartialData</c>, <c>InternalError</c> or <c>Forbidden</c>.</param>
/// <param name="Timestamps">The period starts, in the order of <paramref name="Values"/>.</param>
/// <param name="Values">The values.</param>
public sealed record MetricDataResult(string Id, string? Label, string StatusCode, IReadOnlyList<DateTimeOffset> Timestamps, IReadOnlyList<double> Values);
