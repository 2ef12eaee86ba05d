using System.Globalization;

namespace Spot.Deploy.Aws;

/// <summary>GetMetricData's form parameters (<c>MetricDataQueries.member.N.…</c>, <c>StartTime</c>, <c>EndTime</c>), in a fixed order.</summary>
internal static class MetricDataParameters
{
    public static IReadOnlyList<KeyValuePair<string, string>> Of(IReadOnlyList<MetricDataQuery> queries, DateTimeOffset startTime, DateTimeOffset endTime)
    {
        var parameters = new QueryParameters();
        for (var i = 0; i < queries.Count; i++)
        {
            var query = queries[i] ?? throw new ArgumentException("A query is null.", nameof(queries));
            var prefix = QueryParameters.Member("MetricDataQueries", i + 1) + ".";
            parameters.Add(prefix + "Id", query.Id);
            if (query.MetricStat is { } stat)
            {
                parameters.Add(prefix + "MetricStat.Metric.Namespace", stat.Namespace)
                    .Add(prefix + "MetricStat.Metric.MetricName", stat.MetricName);
                for (var d = 0; d < stat.Dimensions.Count; d++)
                {
                    var dimension = QueryParameters.Member(prefix + "MetricStat.Metric.Dimensions", d + 1) + ".";
                    parameters.Add(dimension + "Name", stat.Dimensions[d].Name).Add(dimension + "Value", stat.Dimensions[d].Value);
                }

                parameters.Add(prefix + "MetricStat.Period", stat.PeriodSeconds).Add(prefix + "MetricStat.Stat", stat.Stat);
            }

            parameters.AddIfNotNull(prefix + "Expression", query.Expression)
                .AddIfNotNull(prefix + "Label", query.Label)
                .Add(prefix + "ReturnData", query.ReturnData);
        }

        return parameters.Add("StartTime", Time(startTime)).Add("EndTime", Time(endTime)).Add("ScanBy", "TimestampDescending").ToList();
    }

    /// <summary>ISO 8601 in UTC to the second, as CloudWatch's query protocol takes it.</summary>
    internal static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
