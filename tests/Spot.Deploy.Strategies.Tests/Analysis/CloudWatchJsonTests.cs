using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Tests.Analysis;

/// <summary>The analysis file's <c>cloudwatchMetric</c> and <c>cloudwatchAlarm</c> checks: both metric forms, alarms by names or prefix, and every mistake refused with its JSON path.</summary>
public sealed class CloudWatchJsonTests
{
    private const string Ratio = """
        {
          "checks": [
            { "name": "5xx-ratio", "type": "cloudwatchMetric", "threshold": "< 0.05", "window": "10m",
              "expression": "FILL(m5xx, 0) / requests",
              "metrics": [
                { "id": "m5xx", "namespace": "AWS/ApplicationELB", "metricName": "HTTPCode_Target_5XX_Count",
                  "dimensions": { "LoadBalancer": "{loadBalancer}", "TargetGroup": "{targetGroup}" }, "stat": "Sum", "period": 60 },
                { "id": "requests", "namespace": "AWS/ApplicationELB", "metricName": "RequestCount",
                  "dimensions": { "LoadBalancer": "{loadBalancer}", "TargetGroup": "{targetGroup}" }, "period": "2m" },
              ] },
            { "name": "cpu", "type": "cloudwatchMetric", "threshold": "< 80", "namespace": "AWS/EC2", "metricName": "CPUUtilization",
              "dimensions": { "AutoScalingGroupName": "{newGroupName}" }, "stat": "p99", "period": "5m" },
            { "name": "alarms", "type": "cloudwatchAlarm", "alarmNames": [ "{app}-5xx", "{app}-latency" ] },
            { "name": "all-web", "type": "cloudwatchAlarm", "alarmNamePrefix": "web-", "dryRun": true },
            { "name": "cpu-vs-old", "type": "newVsOld", "margin": 0.2,
              "query": { "type": "cloudwatchMetric", "namespace": "AWS/EC2", "metricName": "CPUUtilization", "dimensions": { "AutoScalingGroupName": "{newGroupName}" }, "stat": "Average" } },
          ],
        }
        """;

    [Fact]
    public void Read_BothMetricForms_AlarmsByNamesAndByPrefix_AndAsTheQueryOfAComparison()
    {
        var analysis = AnalysisJson.Read(Ratio);

        var ratio = analysis.Checks[0].Should().BeOfType<CloudWatchMetricCheck>().Subject;
        (ratio.Expression, ratio.Window, ratio.Metric, ratio.CloudWatch).Should().Be(("FILL(m5xx, 0) / requests", TimeSpan.FromMinutes(10), (CloudWatchMetric?)null, (Aws.CloudWatchClient?)null));
        ratio.Threshold.Should().Be(new Threshold(Comparison.LessThan, 0.05));
        ratio.Metrics.Select(m => (m.Id, m.MetricName, m.Stat, m.Period)).Should().Equal(
            ("m5xx", "HTTPCode_Target_5XX_Count", "Sum", TimeSpan.FromMinutes(1)), ("requests", "RequestCount", "Sum", TimeSpan.FromMinutes(2)));
        ratio.Metrics[0].Dimensions.Should().Equal(new Dictionary<string, string> { ["LoadBalancer"] = "{loadBalancer}", ["TargetGroup"] = "{targetGroup}" });
        var cpu = analysis.Checks[1].Should().BeOfType<CloudWatchMetricCheck>().Subject;
        (cpu.Metric!.Namespace, cpu.Metric.MetricName, cpu.Metric.Stat, cpu.Metric.Period, cpu.Window).Should().Be(("AWS/EC2", "CPUUtilization", "p99", TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5)));
        cpu.Expression.Should().BeNull();
        var names = analysis.Checks[2].Should().BeOfType<CloudWatchAlarmCheck>().Subject;
        (names.AlarmNames, names.AlarmNamePrefix).Should().BeEquivalentTo((new[] { "{app}-5xx", "{app}-latency" }, (string?)null));
        var prefix = analysis.Checks[3].Should().BeOfType<CloudWatchAlarmCheck>().Subject;
        (prefix.AlarmNames.Count, prefix.AlarmNamePrefix, prefix.DryRun).Should().Be((0, "web-", true));
        analysis.Checks[4].Should().BeOfType<NewVersusOldCheck>().Which.Query.Should().BeOfType<CloudWatchMetricCheck>().Which.Metric!.Stat.Should().Be("Average");
    }

    private const string Metric = "\"namespace\": \"AWS/ApplicationELB\", \"metricName\": \"RequestCount\"";
    private const string Input = "{ \"id\": \"m1\", " + Metric + " }";

    [Theory]
    [InlineData("\"expression\": \"m1\", \"metrics\": [" + Input + "], \"namespace\": \"AWS/EC2\"", "$.checks[0].namespace", "belongs to a metric in \"metrics\"")]
    [InlineData(Metric + ", \"metrics\": []", "$.checks[0].metrics", "are the inputs of an \"expression\", which is missing")]
    [InlineData("\"expression\": \"m1\", \"metrics\": {}", "$.checks[0].metrics", "must be an array of metrics")]
    [InlineData("\"expression\": \"m1\", \"metrics\": [ 1 ]", "$.checks[0].metrics[0]", "must be an object")]
    [InlineData("\"expression\": \"m1\", \"metrics\": [ { \"id\": \"m1\", \"unit\": \"Count\", " + Metric + " } ]", "$.checks[0].metrics[0].unit", "is not a known property here")]
    [InlineData("\"expression\": \"m1\", \"metrics\": [ { " + Metric + " } ]", "$.checks[0].metrics[0].id", "is required")]
    [InlineData("\"expression\": \"m1\", \"metrics\": [ { \"id\": \"M1\", " + Metric + " } ]", "$.checks[0].metrics[0].id", "'M1' is not a metric id")]
    [InlineData("\"expression\": \"m1\", \"metrics\": [" + Input + ", " + Input + "]", "$.checks[0].metrics[1].id", "'m1' is used twice")]
    [InlineData("\"expression\": \"value\", \"metrics\": [ { \"id\": \"value\", " + Metric + " } ]", "$.checks[0].metrics[0].id", "the expression's own id")]
    [InlineData("\"expression\": \"errors / m1\", \"metrics\": [" + Input + "]", "$.checks[0].expression", "uses 'errors', which is not the id of one of its metrics (m1)")]
    [InlineData("\"expression\": \" \", \"metrics\": [" + Input + "]", "$.checks[0].expression", "must not be empty")]
    [InlineData("\"expression\": 5", "$.checks[0].expression", "must be a string")]
    [InlineData("\"metricName\": \"RequestCount\"", "$.checks[0].namespace", "is required")]
    [InlineData("\"namespace\": \"AWS/ApplicationELB\"", "$.checks[0].metricName", "is required")]
    [InlineData(Metric + ", \"dimensions\": [ \"TargetGroup\" ]", "$.checks[0].dimensions", "must be an object of dimension names and values")]
    [InlineData(Metric + ", \"dimensions\": { \"TargetGroup\": 7 }", "$.checks[0].dimensions.TargetGroup", "must be a string")]
    [InlineData(Metric + ", \"dimensions\": { \"TargetGroup\": \"\" }", "$.checks[0].dimensions.TargetGroup", "needs a name and a value")]
    [InlineData(Metric + ", \"dimensions\": { \"TargetGroup\": \"{tg}\" }", "$.checks[0].dimensions.TargetGroup", "unknown placeholder {tg}")]
    [InlineData(Metric + ", \"stat\": \"Median\"", "$.checks[0].stat", "'Median' is not a statistic")]
    [InlineData(Metric + ", \"period\": 90", "$.checks[0].period", "must be a whole number of minutes (60 s, 300 s …), was 90 s")]
    [InlineData(Metric + ", \"period\": \"5 minutes\"", "$.checks[0].period", "not a positive duration")]
    [InlineData(Metric + ", \"period\": \"5m\", \"window\": \"2m\"", "$.checks[0].window", "must be at least the longest period (5m)")]
    [InlineData("\"expression\": \"m1\", \"metrics\": [ { \"id\": \"m1\", \"period\": 120, " + Metric + " } ], \"window\": \"1m\"", "$.checks[0].window", "at least the longest period (2m)")]
    [InlineData(Metric + ", \"alarmNames\": [ \"a\" ]", "$.checks[0].alarmNames", "is not a known property here")]
    public void CloudWatchMetric_RefusesMistakes_NamingTheJsonPath(string properties, string field, string reason)
    {
        var json = "{ \"checks\": [ { \"name\": \"a\", \"type\": \"cloudwatchMetric\", \"threshold\": \"< 1\", " + properties + " } ] }";

        var refusal = FluentActions.Invoking(() => AnalysisJson.Read(json)).Should().Throw<DeploymentValidationException>().Which;

        refusal.Field.Should().Be(field);
        refusal.Reason.Should().Contain(reason);
    }

    [Theory]
    [InlineData("\"alarmNames\": [ \"a\" ], \"alarmNamePrefix\": \"web-\"", "$.checks[0].alarmNames", "either alarmNames (a list of names) or alarmNamePrefix, not both")]
    [InlineData("\"dryRun\": false", "$.checks[0].alarmNames", "not both and not neither")]
    [InlineData("\"alarmNames\": [ ]", "$.checks[0].alarmNames", "not both and not neither")]
    [InlineData("\"alarmNames\": \"web-5xx\"", "$.checks[0].alarmNames", "must be an array of alarm names")]
    [InlineData("\"alarmNames\": [ \"a\", 2 ]", "$.checks[0].alarmNames[1]", "must be a string")]
    [InlineData("\"alarmNames\": [ \"a\", null ]", "$.checks[0].alarmNames[1]", "must be a string")]
    [InlineData("\"alarmNames\": [ \" \" ]", "$.checks[0].alarmNames[0]", "an alarm name is 1 to 255 characters")]
    [InlineData("\"alarmNames\": [ \"{application}-5xx\" ]", "$.checks[0].alarmNames[0]", "unknown placeholder {application}")]
    [InlineData("\"alarmNamePrefix\": \"\"", "$.checks[0].alarmNamePrefix", "would match every alarm")]
    [InlineData("\"alarmNamePrefix\": \"{stage}\"", "$.checks[0].alarmNamePrefix", "unknown placeholder {stage}")]
    [InlineData("\"alarmNamePrefix\": \"web-\", \"threshold\": \"< 1\"", "$.checks[0].threshold", "is not a known property here; known: name, type, dryRun, alarmNames, alarmNamePrefix")]
    public void CloudWatchAlarm_RefusesMistakes_NamingTheJsonPath(string properties, string field, string reason)
    {
        var json = "{ \"checks\": [ { \"name\": \"a\", \"type\": \"cloudwatchAlarm\", " + properties + " } ] }";

        var refusal = FluentActions.Invoking(() => AnalysisJson.Read(json)).Should().Throw<DeploymentValidationException>().Which;

        refusal.Field.Should().Be(field);
        refusal.Reason.Should().Contain(reason);
    }

    [Theory]
    [InlineData("""{ "checks": [ { "name": "a", "type": "newVsOld", "query": { "type": "cloudwatchAlarm", "alarmNamePrefix": "web-" } } ] }""", "$.checks[0].query.type", "use http, prometheus or cloudwatchMetric.")]
    [InlineData("""{ "checks": [ { "name": "a", "type": "newVsOld", "query": { "type": "cloudwatchMetric", "namespace": "AWS/EC2", "metricName": "CPUUtilization", "period": 30 } } ] }""", "$.checks[0].query.period", "whole number of minutes")]
    [InlineData("""{ "checks": [ { "name": "a", "type": "cloudwatchMetric", "namespace": "AWS/EC2", "metricName": "CPUUtilization" } ] }""", "check 'a'.threshold", "is required")]
    [InlineData("""{ "checks": [ { "name": "a", "type": "cloudwatch" } ] }""", "$.checks[0].type", "use http, prometheus, cloudwatchMetric, cloudwatchAlarm or newVsOld.")]
    public void Read_CloudWatchChecksInTheirPlaces(string json, string field, string reason)
    {
        var refusal = FluentActions.Invoking(() => AnalysisJson.Read(json)).Should().Throw<DeploymentValidationException>().Which;

        refusal.Field.Should().Be(field);
        refusal.Reason.Should().Contain(reason);
    }
}
