using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Spot.Deploy.Emulator;

/// <summary>
/// CloudWatch's operations over a request tree as <see cref="CloudWatchApi"/> parses it (query-protocol leaves are strings,
/// JSON ones typed; both are read here) and answers as trees with members in the model's order (timestamps as
/// <see cref="DateTimeOffset"/> values, written by each protocol its own way; null answers carry no result).
/// Called under <see cref="EmulatorState.Gate"/>.
/// </summary>
internal sealed partial class CloudWatchOperations(EmulatorState state)
{
    private const int MaxQueries = 500;

    /// <summary>DescribeAlarms: <c>AlarmNames</c> or <c>AlarmNamePrefix</c>, <c>StateValue</c>, <c>AlarmTypes</c>, <c>MaxRecords</c> (1–100, default 50) and <c>NextToken</c>.</summary>
    public JsonObject DescribeAlarms(JsonObject input)
    {
        var names = Strings(input["AlarmNames"]);
        var prefix = Text(input["AlarmNamePrefix"]);
        var stateValue = Text(input["StateValue"]);
        var types = Strings(input["AlarmTypes"]);
        var maxRecords = Int(input["MaxRecords"], "MaxRecords") ?? 50;
        if (names.Count > 0 && prefix is not null)
        {
            throw new CloudWatchRefusal("InvalidParameterCombination", "AlarmNamePrefix and AlarmNames cannot be used together.");
        }

        if (names.Count > 100)
        {
            throw Validation($"Value at 'alarmNames' failed to satisfy constraint: Member must have length less than or equal to 100");
        }

        if (stateValue is not null && !EmulatorState.IsAlarmState(stateValue))
        {
            throw Validation($"Value '{stateValue}' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]");
        }

        if (maxRecords is < 1 or > 100)
        {
            throw Validation($"Value '{maxRecords}' at 'maxRecords' failed to satisfy constraint: Member must have value between 1 and 100");
        }

        var selected = state.Alarms
            .Where(a => names.Count == 0 || names.Contains(a.Name, StringComparer.Ordinal))
            .Where(a => prefix is null || a.Name.StartsWith(prefix, StringComparison.Ordinal))
            .Where(a => stateValue is null || a.State == stateValue)
            .Where(_ => types.Count == 0 || types.Contains("MetricAlarm", StringComparer.Ordinal))
            .ToList();
        if (Text(input["NextToken"]) is { } token)
        {
            var after = DecodeToken(token);
            selected = [.. selected.Where(a => string.CompareOrdinal(a.Name, after) > 0)];
        }

        var page = selected.Take(maxRecords).ToList();
        var output = new JsonObject
        {
            ["MetricAlarms"] = new JsonArray([.. page.Select(AlarmMember)]),
            ["CompositeAlarms"] = new JsonArray(),
        };
        if (selected.Count > page.Count)
        {
            output["NextToken"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(page[^1].Name));
        }

        return output;
    }

    /// <summary>SetAlarmState: <c>AlarmName</c>, <c>StateValue</c>, <c>StateReason</c> and optional <c>StateReasonData</c> (JSON).</summary>
    public JsonObject? SetAlarmState(JsonObject input)
    {
        var name = Required(input, "AlarmName");
        var stateValue = Required(input, "StateValue");
        var reason = Required(input, "StateReason");
        var data = Text(input["StateReasonData"]);
        if (!EmulatorState.IsAlarmState(stateValue))
        {
            throw Validation($"Value '{stateValue}' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]");
        }

        if (data is not null && !IsJson(data))
        {
            throw new CloudWatchRefusal("InvalidFormat", "StateReasonData is not valid JSON.");
        }

        if (state.FindAlarm(name) is null)
        {
            throw new CloudWatchRefusal("ResourceNotFound", $"Alarm {name} not found", 404);
        }

        state.SetAlarm(name, stateValue, reason);
        state.FindAlarm(name)!.StateReasonData = data;
        return null;
    }

    /// <summary>
    /// GetMetricData: <c>MetricDataQueries</c> (each an <c>Id</c> with a <c>MetricStat</c> or an <c>Expression</c>, <c>Label</c>,
    /// <c>ReturnData</c>), <c>StartTime</c>, <c>EndTime</c> and <c>ScanBy</c>; every result is <c>Complete</c>.
    /// </summary>
    public JsonObject GetMetricData(JsonObject input)
    {
        if (input["MetricDataQueries"] is not JsonArray { Count: > 0 } queryNodes)
        {
            throw new CloudWatchRefusal("MissingParameter", "The parameter MetricDataQueries is required.");
        }

        var start = Time(input["StartTime"], "StartTime") ?? throw new CloudWatchRefusal("MissingParameter", "The parameter StartTime is required.");
        var end = Time(input["EndTime"], "EndTime") ?? throw new CloudWatchRefusal("MissingParameter", "The parameter EndTime is required.");
        if (start >= end)
        {
            throw new CloudWatchRefusal("InvalidParameterValue", "The parameter StartTime must be less than the parameter EndTime.");
        }

        var scanBy = Text(input["ScanBy"]) ?? "TimestampDescending";
        if (scanBy is not ("TimestampDescending" or "TimestampAscending"))
        {
            throw Validation($"Value '{scanBy}' at 'scanBy' failed to satisfy constraint: Member must satisfy enum value set: [TimestampDescending, TimestampAscending]");
        }

        if (queryNodes.Count > MaxQueries)
        {
            throw Validation($"The collection MetricDataQueries must not have a size greater than {MaxQueries}.");
        }

        var queries = queryNodes.Select((node, index) => ReadQuery(node as JsonObject ?? [], index + 1)).ToList();
        var duplicate = queries.GroupBy(q => q.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw Validation($"The value {duplicate.Key} for parameter MetricDataQueries.member.Id is not unique.");
        }

        var metrics = new CloudWatchMetrics(state);
        var defaultPeriod = queries.Select(q => q.Period).Where(p => p > 0).DefaultIfEmpty(60).Min();
        var results = new Dictionary<string, MetricSeries>(StringComparer.Ordinal);
        var visiting = new HashSet<string>(StringComparer.Ordinal);
        MetricSeries Resolve(string id)
        {
            if (results.TryGetValue(id, out var known))
            {
                return known;
            }

            var query = queries.Find(q => q.Id == id) ?? throw Validation($"Error in expression: Unrecognized identifier '{id}'.");
            if (!visiting.Add(id))
            {
                throw Validation($"Error in expression {id}: the expressions refer to each other in a cycle.");
            }

            var period = query.Period > 0 ? query.Period : defaultPeriod;
            var grid = CloudWatchMetrics.Grid(start, end, period);
            MetricSeries series;
            if (query.Expression is { } expression)
            {
                try
                {
                    series = MetricMath.Evaluate(expression, Resolve, grid);
                }
                catch (MetricMathException e)
                {
                    throw Validation($"Error in expression {id}: {e.Message}");
                }
            }
            else
            {
                series = metrics.Query(query.Namespace!, query.MetricName!, query.Dimensions, query.Stat!, period, grid);
            }

            visiting.Remove(id);
            results[id] = series;
            return series;
        }

        var answers = new JsonArray();
        foreach (var query in queries)
        {
            var series = Resolve(query.Id);
            if (!query.ReturnData)
            {
                continue;
            }

            var points = scanBy == "TimestampAscending" ? series.Points.ToList() : series.Points.Reverse().ToList();
            answers.Add(new JsonObject
            {
                ["Id"] = query.Id,
                ["Label"] = query.Label ?? query.MetricName ?? query.Id,
                ["Timestamps"] = new JsonArray([.. points.Select(p => (JsonNode)JsonValue.Create(p.Key))]),
                ["Values"] = new JsonArray([.. points.Select(p => (JsonNode)JsonValue.Create(p.Value))]),
                ["StatusCode"] = "Complete",
                ["Messages"] = new JsonArray(),
            });
        }

        return new JsonObject { ["MetricDataResults"] = answers, ["Messages"] = new JsonArray() };
    }

    private static MetricQuery ReadQuery(JsonObject node, int index)
    {
        var where = $"MetricDataQueries.member.{index}";
        var id = Text(node["Id"]) ?? throw new CloudWatchRefusal("MissingParameter", $"The parameter {where}.Id is required.");
        if (!QueryId().IsMatch(id))
        {
            throw Validation($"The value {id} for parameter {where}.Id is not valid: it must start with a lower-case letter and hold only letters, digits and underscores.");
        }

        var expression = Text(node["Expression"]);
        var stat = node["MetricStat"] as JsonObject;
        if ((expression is null) == (stat is null))
        {
            throw Validation($"Exactly one of {where}.MetricStat and {where}.Expression must be given.");
        }

        var returnData = Text(node["ReturnData"]) is not { } flag || flag == "true";
        var period = Int(node["Period"], where + ".Period") ?? 0;
        if (stat is null)
        {
            CheckPeriod(period, where + ".Period", optional: true);
            return new MetricQuery(id, Text(node["Label"]), returnData, period, expression, null, null, [], null);
        }

        var metric = stat["Metric"] as JsonObject ?? throw new CloudWatchRefusal("MissingParameter", $"The parameter {where}.MetricStat.Metric is required.");
        var metricNamespace = Text(metric["Namespace"]) ?? throw new CloudWatchRefusal("MissingParameter", $"The parameter {where}.MetricStat.Metric.Namespace is required.");
        var metricName = Text(metric["MetricName"]) ?? throw new CloudWatchRefusal("MissingParameter", $"The parameter {where}.MetricStat.Metric.MetricName is required.");
        var dimensions = (metric["Dimensions"] as JsonArray ?? []).OfType<JsonObject>().Select(d => (Text(d["Name"]) ?? string.Empty, Text(d["Value"]) ?? string.Empty)).ToList();
        var statistic = Text(stat["Stat"]) ?? throw new CloudWatchRefusal("MissingParameter", $"The parameter {where}.MetricStat.Stat is required.");
        if (!CloudWatchMetrics.Statistics.Contains(statistic, StringComparer.Ordinal))
        {
            throw new CloudWatchRefusal("InvalidParameterValue", $"The value {statistic} for parameter {where}.MetricStat.Stat is not supported by the emulator: {string.Join(", ", CloudWatchMetrics.Statistics)}.");
        }

        var statPeriod = Int(stat["Period"], where + ".MetricStat.Period") ?? 0;
        CheckPeriod(statPeriod, where + ".MetricStat.Period", optional: false);
        return new MetricQuery(id, Text(node["Label"]), returnData, statPeriod, null, metricNamespace, metricName, dimensions, statistic);
    }

    private static void CheckPeriod(int period, string where, bool optional)
    {
        if (optional && period == 0)
        {
            return;
        }

        if (period < 60 || period % 60 != 0)
        {
            throw new CloudWatchRefusal("InvalidParameterValue", $"The parameter {where} must be a multiple of 60 (metrics of standard resolution).");
        }
    }

    private static JsonObject AlarmMember(CloudWatchAlarm alarm) => new()
    {
        ["AlarmName"] = alarm.Name,
        ["AlarmArn"] = alarm.Arn,
        ["AlarmDescription"] = alarm.Description,
        ["AlarmConfigurationUpdatedTimestamp"] = JsonValue.Create(alarm.ConfigurationUpdatedAt),
        ["ActionsEnabled"] = true,
        ["OKActions"] = new JsonArray(),
        ["AlarmActions"] = new JsonArray(),
        ["InsufficientDataActions"] = new JsonArray(),
        ["StateValue"] = alarm.State,
        ["StateReason"] = alarm.StateReason,
        ["StateReasonData"] = alarm.StateReasonData,
        ["StateUpdatedTimestamp"] = JsonValue.Create(alarm.StateUpdatedAt),
        ["MetricName"] = alarm.MetricName,
        ["Namespace"] = alarm.Namespace,
        ["Statistic"] = alarm.Statistic,
        ["Dimensions"] = new JsonArray([.. alarm.Dimensions.Select(d => (JsonNode)new JsonObject { ["Name"] = d.Name, ["Value"] = d.Value })]),
        ["Period"] = alarm.Period,
        ["EvaluationPeriods"] = alarm.EvaluationPeriods,
        ["Threshold"] = alarm.Threshold,
        ["ComparisonOperator"] = alarm.ComparisonOperator,
        ["StateTransitionedTimestamp"] = JsonValue.Create(alarm.StateUpdatedAt),
    };

    private static string DecodeToken(string token)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw new CloudWatchRefusal("InvalidNextToken", "The service couldn't process the NextToken.");
        }
    }

    private static bool IsJson(string text)
    {
        try
        {
            JsonDocument.Parse(text).Dispose();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static CloudWatchRefusal Validation(string message) => new("ValidationError", message);

    private static string Required(JsonObject input, string name) =>
        Text(input[name]) ?? throw new CloudWatchRefusal("MissingParameter", $"The parameter {name} is required.");

    /// <summary>A leaf as text: a query-protocol string, or a JSON string, number or boolean.</summary>
    private static string? Text(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValueKind() == JsonValueKind.True ? "true" : "false",
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        _ => null,
    };

    private static List<string> Strings(JsonNode? node) => (node as JsonArray ?? []).Select(Text).OfType<string>().ToList();

    private static int? Int(JsonNode? node, string name) => Text(node) switch
    {
        null => null,
        var text when int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) => value,
        var text => throw new CloudWatchRefusal("InvalidParameterValue", $"The value {text} for parameter {name} is not an integer."),
    };

    /// <summary>A timestamp: ISO 8601 in the query protocol, epoch seconds in AWS JSON 1.0.</summary>
    private static DateTimeOffset? Time(JsonNode? node, string name)
    {
        if (node is JsonValue number && number.GetValueKind() == JsonValueKind.Number)
        {
            return DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(number.GetValue<double>() * TimeSpan.TicksPerSecond));
        }

        return Text(node) switch
        {
            null => null,
            var text when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) => time,
            var text => throw new CloudWatchRefusal("InvalidParameterValue", $"The value {text} for parameter {name} is not a timestamp."),
        };
    }

    [GeneratedRegex("^[a-z][a-zA-Z0-9_]*$")]
    private static partial Regex QueryId();

    private sealed record MetricQuery(string Id, string? Label, bool ReturnData, int Period, string? Expression, string? Namespace, string? MetricName,
        IReadOnlyList<(string Name, string Value)> Dimensions, string? Stat);
}
