using System.Globalization;
using System.Text.Json.Nodes;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies;

/// <summary>The CloudWatch check types of the analysis file: <c>cloudwatchMetric</c> and <c>cloudwatchAlarm</c>.</summary>
public static partial class AnalysisJson
{
    private static readonly string[] MetricKeys = ["namespace", "metricName", "dimensions", "stat", "period"];
    private static readonly string[] CloudWatchMetricKeys = ["threshold", "window", "expression", "metrics", .. MetricKeys];
    private static readonly string[] CloudWatchAlarmKeys = ["alarmNames", "alarmNamePrefix"];

    private sealed partial class Reader
    {
        private static CloudWatchMetricCheck CloudWatchMetric(JsonObject o, string path, string name, bool dryRun)
        {
            Known(o, path, [.. CommonKeys, .. CloudWatchMetricKeys]);
            var expression = String(o["expression"], path + ".expression");
            if (expression is not null && MetricKeys.FirstOrDefault(o.ContainsKey) is { } stray)
            {
                throw new DeploymentValidationException(path + "." + stray, "belongs to a metric in \"metrics\" when the check has an expression.");
            }

            if (expression is null && o.ContainsKey("metrics"))
            {
                throw new DeploymentValidationException(path + ".metrics", "are the inputs of an \"expression\", which is missing; a check of one metric gives namespace, metricName… itself.");
            }

            var metrics = o["metrics"] switch
            {
                null => [],
                JsonArray list => list.Select((m, i) => Metric(m as JsonObject ?? throw new DeploymentValidationException(Index(path + ".metrics", i), "must be an object."), Index(path + ".metrics", i), withId: true)).ToList(),
                _ => throw new DeploymentValidationException(path + ".metrics", "must be an array of metrics."),
            };
            var check = new CloudWatchMetricCheck
            {
                Name = name,
                DryRun = dryRun,
                Metric = expression is null ? Metric(o, path, withId: false) : null,
                Expression = expression,
                Metrics = metrics,
                Threshold = o["threshold"] is { } t ? Threshold(t, path + ".threshold") : null,
                Window = o["window"] is { } window ? Duration(window, path + ".window") : TimeSpan.FromMinutes(5),
            };
            AtPath(path, check.ValidateQuery);
            return check;
        }

        private static CloudWatchAlarmCheck CloudWatchAlarm(JsonObject o, string path, string name, bool dryRun)
        {
            Known(o, path, [.. CommonKeys, .. CloudWatchAlarmKeys]);
            var names = o["alarmNames"] switch
            {
                null => [],
                JsonArray list => list.Select((n, i) => String(n ?? throw new DeploymentValidationException(Index(path + ".alarmNames", i), "must be a string."), Index(path + ".alarmNames", i))!).ToList(),
                _ => throw new DeploymentValidationException(path + ".alarmNames", "must be an array of alarm names."),
            };
            var check = new CloudWatchAlarmCheck { Name = name, DryRun = dryRun, AlarmNames = names, AlarmNamePrefix = String(o["alarmNamePrefix"], path + ".alarmNamePrefix") };
            AtPath(path, check.Validate);
            return check;
        }

        private static CloudWatchMetric Metric(JsonObject o, string path, bool withId)
        {
            if (withId)
            {
                Known(o, path, ["id", .. MetricKeys]);
            }

            var dimensions = new Dictionary<string, string>(StringComparer.Ordinal);
            switch (o["dimensions"])
            {
                case null:
                    break;
                case JsonObject given:
                    foreach (var (key, value) in given)
                    {
                        dimensions[key] = String(value ?? throw new DeploymentValidationException(path + ".dimensions." + key, "must be a string."), path + ".dimensions." + key)!;
                    }

                    break;
                default:
                    throw new DeploymentValidationException(path + ".dimensions", "must be an object of dimension names and values, such as {\"TargetGroup\": \"{targetGroup}\"}.");
            }

            return new CloudWatchMetric
            {
                Id = withId ? String(o["id"], path + ".id") ?? throw new DeploymentValidationException(path + ".id", "is required: the metric's id in the expression, such as m5xx.") : "m1",
                Namespace = String(o["namespace"], path + ".namespace") ?? throw new DeploymentValidationException(path + ".namespace", "is required, such as AWS/ApplicationELB."),
                MetricName = String(o["metricName"], path + ".metricName") ?? throw new DeploymentValidationException(path + ".metricName", "is required, such as HTTPCode_Target_5XX_Count."),
                Dimensions = dimensions,
                Stat = String(o["stat"], path + ".stat") ?? "Sum",
                Period = o["period"] is { } period ? Duration(period, path + ".period") : TimeSpan.FromMinutes(1),
            };
        }

        /// <summary>Runs a check's validation, naming its fields by JSON path (<c>check 'x'.metrics[1].period</c> → <c>$.checks[0].metrics[1].period</c>).</summary>
        private static void AtPath(string path, Action validate)
        {
            try
            {
                validate();
            }
            catch (DeploymentValidationException e) when (e.Field.StartsWith("check '", StringComparison.Ordinal) && e.Field.IndexOf("'.", 7, StringComparison.Ordinal) is var at and > 0)
            {
                throw new DeploymentValidationException(path + e.Field[(at + 1)..], e.Reason);
            }
        }

        private static string Index(string path, int index) => string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]");
    }
}
