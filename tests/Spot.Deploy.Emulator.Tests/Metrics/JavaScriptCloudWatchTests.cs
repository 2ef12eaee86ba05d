using System.Text.Json.Nodes;
using Spot.Deploy.Emulator.Tests.Aws;
using Spot.Deploy.Emulator.Tests.Spot;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Emulator.Tests.Metrics;

/// <summary>
/// The official AWS SDK for JavaScript v3's CloudWatch client (pinned in tests/Spot.Deploy.Emulator.Tests/node), which speaks
/// AWS JSON 1.0 to CloudWatch, against the emulator: its signatures verify, its parser reads the answers (timestamps as
/// dates), and the emulator's errors are the SDK's modelled exceptions (query-compatible codes).
/// </summary>
public sealed class JavaScriptCloudWatchTests : IAsyncLifetime
{
    private const string Script = """
        import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";

        const env = process.env;
        const cw = new CloudWatchClient({ region: "us-east-1", maxAttempts: 1, endpoint: env.EMULATOR_CW,
          credentials: { accessKeyId: env.EMULATOR_KEY, secretAccessKey: env.EMULATOR_SECRET } });
        const out = { contentTypes: [] };
        cw.middlewareStack.add(next => async args => { out.contentTypes.push(args.request.headers["content-type"]); return next(args); }, { step: "finalizeRequest" });
        const failure = async command => {
          try { await cw.send(command); return "accepted"; }
          catch (e) { return { name: e.name, status: e.$metadata?.httpStatusCode }; }
        };

        const alarms = await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: "web-", StateValue: "ALARM" }));
        out.alarms = alarms.MetricAlarms.map(a => ({ name: a.AlarmName, state: a.StateValue, period: a.Period, threshold: a.Threshold,
          updated: a.StateUpdatedTimestamp instanceof Date ? a.StateUpdatedTimestamp.toISOString() : null, dimensions: a.Dimensions.length }));
        await cw.send(new SetAlarmStateCommand({ AlarmName: "web-5xx", StateValue: "OK", StateReason: "back to normal" }));
        out.afterSet = (await cw.send(new DescribeAlarmsCommand({ AlarmNames: ["web-5xx"] }))).MetricAlarms[0].StateValue;

        const metric = name => ({ Namespace: "AWS/ApplicationELB", MetricName: name,
          Dimensions: [{ Name: "LoadBalancer", Value: env.EMULATOR_LB }, { Name: "TargetGroup", Value: env.EMULATOR_TG }] });
        const data = await cw.send(new GetMetricDataCommand({
          StartTime: new Date(env.EMULATOR_START), EndTime: new Date(Date.parse(env.EMULATOR_START) + 5 * 60000), ScanBy: "TimestampAscending",
          MetricDataQueries: [
            { Id: "requests", MetricStat: { Metric: metric("RequestCount"), Period: 60, Stat: "Sum" }, ReturnData: false },
            { Id: "errors", MetricStat: { Metric: metric("HTTPCode_Target_5XX_Count"), Period: 60, Stat: "Sum" } },
            { Id: "rate", Expression: "FILL(errors, 0) / requests", Label: "error rate" },
          ] }));
        out.results = data.MetricDataResults.map(r => ({ id: r.Id, label: r.Label, status: r.StatusCode,
          timestamps: r.Timestamps.map(t => t.toISOString()), values: r.Values }));

        out.missingAlarm = await failure(new SetAlarmStateCommand({ AlarmName: "none", StateValue: "OK", StateReason: "x" }));
        out.badPeriod = await failure(new GetMetricDataCommand({ StartTime: new Date(0), EndTime: new Date(60000),
          MetricDataQueries: [{ Id: "m1", MetricStat: { Metric: metric("RequestCount"), Period: 90, Stat: "Sum" } }] }));
        out.throttled = await failure(new DescribeAlarmsCommand({}));
        console.log(JSON.stringify(out));
        """;

    private AwsHarness _aws = null!;

    public async Task InitializeAsync() => _aws = await AwsHarness.StartAsync(o => o.CloudWatchRequestsPerSecond = 6);

    public async Task DisposeAsync() => await _aws.DisposeAsync();

    [RequiresFact(Prerequisite.Node)]
    public async Task OfficialJavaScriptSdk_AlarmsAndMetricData_ReadOverAwsJson()
    {
        const string Image = "ami-0b0b0b0b";
        var loadBalancer = _aws.State.SeedLoadBalancer("web-alb");
        var targetGroup = _aws.State.SeedTargetGroup("web-blue");
        _aws.State.SeedListener(loadBalancer, 443, targetGroup);
        _aws.State.SeedGroup(SpotGroups.Group("web", 0, 1, 4, Image, targetGroup));
        _aws.State.SeedAlarm("web-5xx", threshold: 5, periodSeconds: 300, dimensions: new Dictionary<string, string> { ["TargetGroup"] = "targetgroup/web-blue/x", ["LoadBalancer"] = "app/web-alb/x" });
        _aws.State.SeedAlarm("web-latency", metricName: "TargetResponseTime");
        var start = _aws.Clock.GetUtcNow();
        _aws.Clock.Advance(TimeSpan.FromMinutes(1));
        _aws.State.SetImageErrorRate(Image, 0.5);
        _aws.State.SetAlarm("web-5xx", "ALARM", "errors");
        _aws.Clock.Advance(TimeSpan.FromMinutes(1));

        var environment = new Dictionary<string, string?>
        {
            ["EMULATOR_KEY"] = AwsHarness.AccessKey,
            ["EMULATOR_SECRET"] = AwsHarness.SecretKey,
            ["EMULATOR_CW"] = _aws.Emulator.CloudWatchEndpoint.ToString(),
            ["EMULATOR_LB"] = CloudWatchName(loadBalancer, ":loadbalancer/"),
            ["EMULATOR_TG"] = "targetgroup/" + CloudWatchName(targetGroup, ":targetgroup/"),
            ["EMULATOR_START"] = start.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var name in Environment.GetEnvironmentVariables().Keys.OfType<string>().Where(n => n.StartsWith("AWS_", StringComparison.Ordinal)))
        {
            environment[name] = null;
        }

        var (code, output, error) = await Conformance.ConformanceNode.Runner.RunAsync("--input-type=module -", Script, environment);

        code.Should().Be(0, error);
        var result = JsonNode.Parse(output)!.AsObject();
        result["contentTypes"]!.AsArray().Select(t => (string)t!).Should().OnlyContain(t => t == "application/x-amz-json-1.0");
        var alarm = result["alarms"]!.AsArray().Single()!;
        ((string)alarm["name"]!).Should().Be("web-5xx");
        ((int)alarm["period"]!).Should().Be(300);
        ((double)alarm["threshold"]!).Should().Be(5);
        ((int)alarm["dimensions"]!).Should().Be(2);
        ((string)alarm["updated"]!).Should().Be("2026-11-21T12:01:00.000Z", "the SDK parsed the epoch-seconds timestamp");
        ((string)result["afterSet"]!).Should().Be("OK");

        var results = result["results"]!.AsArray();
        results.Select(r => (string)r!["id"]!).Should().Equal("errors", "rate");
        ((string)results[0]!["status"]!).Should().Be("Complete");
        results[0]!["timestamps"]!.AsArray().Select(t => (string)t!).Should().Equal("2026-11-21T12:01:00.000Z");
        results[0]!["values"]!.AsArray().Select(v => (double)v!).Should().Equal(300);
        ((string)results[1]!["label"]!).Should().Be("error rate");
        results[1]!["values"]!.AsArray().Select(v => (double)v!).Should().Equal(0, 0.5);

        ((string)result["missingAlarm"]!["name"]!).Should().Be("ResourceNotFound");
        ((int)result["missingAlarm"]!["status"]!).Should().Be(404);
        ((string)result["badPeriod"]!["name"]!).Should().Be("InvalidParameterValueException");
        ((string)result["throttled"]!["name"]!).Should().Be("Throttling");
        _aws.Emulator.Calls.All.Select(c => c.Action).Should().Equal(
            "DescribeAlarms", "SetAlarmState", "DescribeAlarms", "GetMetricData", "SetAlarmState", "GetMetricData", "DescribeAlarms");
    }

    private static string CloudWatchName(string arn, string marker) => arn[(arn.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..];
}
