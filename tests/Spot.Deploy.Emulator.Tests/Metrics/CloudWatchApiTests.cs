using System.Globalization;
using System.Net;
using Spot.Deploy.Emulator.Tests.Aws;
using Spot.Deploy.Emulator.Tests.Spot;

namespace Spot.Deploy.Emulator.Tests.Metrics;

/// <summary>The emulator's CloudWatch over the query protocol, with raw signed calls: metrics of the emulated traffic, metric math, alarms, refusals and the limit.</summary>
public sealed class CloudWatchApiTests : IAsyncLifetime
{
    private const string Image = "ami-0b0b0b0b";

    private AwsHarness _aws = null!;
    private string _targetGroupDimension = null!;
    private string _loadBalancerDimension = null!;

    public async Task InitializeAsync()
    {
        _aws = await AwsHarness.StartAsync(o => o.CloudWatchRequestsPerSecond = 5);
        var loadBalancer = _aws.State.SeedLoadBalancer("web-alb");
        var targetGroup = _aws.State.SeedTargetGroup("web-blue");
        _aws.State.SeedListener(loadBalancer, 443, targetGroup);
        _aws.State.SeedGroup(SpotGroups.Group("web", 0, 2, 4, Image, targetGroup));
        _targetGroupDimension = targetGroup[(targetGroup.IndexOf(":targetgroup/", StringComparison.Ordinal) + 1)..];
        _loadBalancerDimension = loadBalancer[(loadBalancer.IndexOf(":loadbalancer/", StringComparison.Ordinal) + ":loadbalancer/".Length)..];
    }

    public async Task DisposeAsync() => await _aws.DisposeAsync();

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private (string, string)[] Metric(int index, string id, string metricName, string stat = "Sum", bool withTargetGroup = true)
    {
        var prefix = $"MetricDataQueries.member.{index}.";
        var parameters = new List<(string, string)>
        {
            (prefix + "Id", id),
            (prefix + "MetricStat.Metric.Namespace", "AWS/ApplicationELB"),
            (prefix + "MetricStat.Metric.MetricName", metricName),
            (prefix + "MetricStat.Metric.Dimensions.member.1.Name", "LoadBalancer"),
            (prefix + "MetricStat.Metric.Dimensions.member.1.Value", _loadBalancerDimension),
            (prefix + "MetricStat.Period", "60"),
            (prefix + "MetricStat.Stat", stat),
        };
        if (withTargetGroup)
        {
            parameters.Add((prefix + "MetricStat.Metric.Dimensions.member.2.Name", "TargetGroup"));
            parameters.Add((prefix + "MetricStat.Metric.Dimensions.member.2.Value", _targetGroupDimension));
        }

        return [.. parameters];
    }

    private static List<(string Timestamp, double Value)> Series(RawAnswer answer, string id)
    {
        var result = answer.All("member").First(m => m.Elements().Any(e => e.Name.LocalName == "Id" && e.Value == id));
        var timestamps = result.Elements().Single(e => e.Name.LocalName == "Timestamps").Elements().Select(e => e.Value).ToList();
        var values = result.Elements().Single(e => e.Name.LocalName == "Values").Elements().Select(e => double.Parse(e.Value, CultureInfo.InvariantCulture)).ToList();
        return [.. timestamps.Zip(values)];
    }

    [Fact]
    public async Task GetMetricData_RequestsErrorsAndTheirRatio_PerMinuteNewestFirst()
    {
        var start = _aws.Clock.GetUtcNow();
        _aws.Clock.Advance(TimeSpan.FromMinutes(2));
        _aws.State.SetImageErrorRate(Image, 0.25);
        _aws.Clock.Advance(TimeSpan.FromMinutes(1));

        var answer = await _aws.CloudWatchAsync("GetMetricData",
        [
            .. Metric(1, "m1", "RequestCount"),
            .. Metric(2, "m2", "HTTPCode_Target_5XX_Count"),
            ("MetricDataQueries.member.3.Id", "e1"),
            ("MetricDataQueries.member.3.Expression", "100 * m2 / m1"),
            ("MetricDataQueries.member.3.Label", "error rate"),
            ("MetricDataQueries.member.4.Id", "e2"),
            ("MetricDataQueries.member.4.Expression", "FILL(m2, 0) / m1"),
            ("StartTime", Iso(start)),
            ("EndTime", Iso(start.AddMinutes(5))),
        ]);

        answer.Status.Should().Be(HttpStatusCode.OK, answer.Text);
        answer.Xml!.Name.LocalName.Should().Be("GetMetricDataResponse");
        answer.Xml.Name.NamespaceName.Should().Be("http://monitoring.amazonaws.com/doc/2010-08-01/");
        Series(answer, "m1").Should().Equal(("2026-11-21T12:02:00.000Z", 1200d), ("2026-11-21T12:01:00.000Z", 1200d), ("2026-11-21T12:00:00.000Z", 1200d));
        Series(answer, "m2").Should().Equal([("2026-11-21T12:02:00.000Z", 300d)], "minutes without a 5xx publish no datapoint");
        Series(answer, "e1").Should().Equal(("2026-11-21T12:02:00.000Z", 25d));
        Series(answer, "e2").Should().Equal(("2026-11-21T12:02:00.000Z", 0.25), ("2026-11-21T12:01:00.000Z", 0d), ("2026-11-21T12:00:00.000Z", 0d));
        answer.All("StatusCode").Select(e => e.Value).Should().Equal("Complete", "Complete", "Complete", "Complete");
        answer.All("Label").Select(e => e.Value).Should().Contain(["RequestCount", "error rate"]);
    }

    [Fact]
    public async Task GetMetricData_LongerPeriodAndStatistics_AggregatesTheMinutes()
    {
        var start = _aws.Clock.GetUtcNow();
        _aws.Clock.Advance(TimeSpan.FromMinutes(3));

        var answer = await _aws.CloudWatchAsync("GetMetricData",
        [
            .. Metric(1, "sum", "RequestCount", withTargetGroup: false).Select(p => p.Item1.EndsWith("Period", StringComparison.Ordinal) ? (p.Item1, "180") : p),
            .. Metric(2, "avg", "RequestCount", "Average").Select(p => p.Item1.EndsWith("Period", StringComparison.Ordinal) ? (p.Item1, "180") : p),
            .. Metric(3, "samples", "RequestCount", "SampleCount").Select(p => p.Item1.EndsWith("Period", StringComparison.Ordinal) ? (p.Item1, "180") : p),
            ("StartTime", Iso(start)),
            ("EndTime", Iso(start.AddMinutes(3))),
            ("ScanBy", "TimestampAscending"),
        ]);

        answer.Status.Should().Be(HttpStatusCode.OK, answer.Text);
        Series(answer, "sum").Should().Equal(("2026-11-21T12:00:00.000Z", 3600d));
        Series(answer, "avg").Should().Equal(("2026-11-21T12:00:00.000Z", 1200d));
        Series(answer, "samples").Should().Equal(("2026-11-21T12:00:00.000Z", 3d));
    }

    [Theory]
    [InlineData("Period", "90", "InvalidParameterValue")]
    [InlineData("Stat", "p99.9", "InvalidParameterValue")]
    [InlineData("Id", "M1", "ValidationError")]
    public async Task GetMetricData_InvalidQuery_Refused(string member, string value, string code)
    {
        var start = _aws.Clock.GetUtcNow();
        var answer = await _aws.CloudWatchAsync("GetMetricData",
        [
            .. Metric(1, "m1", "RequestCount").Select(p => p.Item1.EndsWith(member, StringComparison.Ordinal) ? (p.Item1, value) : p),
            ("StartTime", Iso(start.AddMinutes(-5))),
            ("EndTime", Iso(start)),
        ]);

        answer.Status.Should().Be(HttpStatusCode.BadRequest);
        answer.ErrorCode.Should().Be(code);
        answer.Xml!.Name.LocalName.Should().Be("ErrorResponse");
    }

    [Fact]
    public async Task DescribeAlarms_FiltersAndPages_AsSeededAndSet()
    {
        foreach (var name in new[] { "web-5xx", "web-latency", "api-5xx" })
        {
            _aws.State.SeedAlarm(name, dimensions: new Dictionary<string, string> { ["TargetGroup"] = _targetGroupDimension, ["LoadBalancer"] = _loadBalancerDimension }, state: "OK");
        }

        _aws.Clock.Advance(TimeSpan.FromMinutes(1));
        _aws.State.SetAlarm("web-5xx", "ALARM", "Threshold Crossed: 1 datapoint [42.0] was greater than or equal to the threshold (1.0).");

        var alarming = await _aws.CloudWatchAsync("DescribeAlarms", ("StateValue", "ALARM"));
        alarming.Status.Should().Be(HttpStatusCode.OK, alarming.Text);
        alarming.All("AlarmName").Select(e => e.Value).Should().Equal("web-5xx");
        alarming.First("StateReason").Should().StartWith("Threshold Crossed");
        alarming.First("StateUpdatedTimestamp").Should().Be("2026-11-21T12:01:00.000Z");
        alarming.All("Dimensions").Single().Elements().Should().HaveCount(2);
        alarming.First("Namespace").Should().Be("AWS/ApplicationELB");

        var first = await _aws.CloudWatchAsync("DescribeAlarms", ("AlarmNamePrefix", "web-"), ("MaxRecords", "1"));
        first.All("AlarmName").Select(e => e.Value).Should().Equal("web-5xx");
        var second = await _aws.CloudWatchAsync("DescribeAlarms", ("AlarmNamePrefix", "web-"), ("MaxRecords", "1"), ("NextToken", first.First("NextToken")!));
        second.All("AlarmName").Select(e => e.Value).Should().Equal("web-latency");
        second.All("NextToken").Should().BeEmpty();

        var named = await _aws.CloudWatchAsync("DescribeAlarms", ("AlarmNames.member.1", "api-5xx"), ("AlarmNames.member.2", "none"));
        named.All("AlarmName").Select(e => e.Value).Should().Equal("api-5xx");
        var both = await _aws.CloudWatchAsync("DescribeAlarms", ("AlarmNames.member.1", "api-5xx"), ("AlarmNamePrefix", "web-"));
        both.ErrorCode.Should().Be("InvalidParameterCombination");
    }

    [Fact]
    public async Task SetAlarmState_OverTheWire_MovesTheAlarm()
    {
        _aws.State.SeedAlarm("web-5xx");

        var answer = await _aws.CloudWatchAsync("SetAlarmState", ("AlarmName", "web-5xx"), ("StateValue", "ALARM"), ("StateReason", "testing"));
        var missing = await _aws.CloudWatchAsync("SetAlarmState", ("AlarmName", "none"), ("StateValue", "ALARM"), ("StateReason", "testing"));

        answer.Status.Should().Be(HttpStatusCode.OK, answer.Text);
        answer.Xml!.Name.LocalName.Should().Be("SetAlarmStateResponse");
        (await _aws.CloudWatchAsync("DescribeAlarms", ("StateValue", "ALARM"))).All("AlarmName").Select(e => e.Value).Should().Equal("web-5xx");
        missing.Status.Should().Be(HttpStatusCode.NotFound);
        missing.ErrorCode.Should().Be("ResourceNotFound");
        _aws.Emulator.Calls.Mutating.Select(c => c.Action).Should().Equal("SetAlarmState", "SetAlarmState");
    }

    [Fact]
    public async Task Limit_MoreCallsInOneSecond_ThrottlingUntilTheClockMoves()
    {
        var answers = new List<RawAnswer>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add(await _aws.CloudWatchAsync("DescribeAlarms"));
        }

        _aws.Clock.Advance(TimeSpan.FromSeconds(1));
        var later = await _aws.CloudWatchAsync("DescribeAlarms");

        answers.Take(5).Should().OnlyContain(a => a.Status == HttpStatusCode.OK);
        answers[5].Status.Should().Be(HttpStatusCode.BadRequest);
        answers[5].ErrorCode.Should().Be("Throttling");
        answers[5].First("Message").Should().Be("Rate exceeded");
        later.Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Signature_WrongSecretOrUnsigned_Refused()
    {
        var body = AwsHarness.Form("DescribeAlarms", "2010-08-01", []);
        var wrong = await _aws.SendAsync(_aws.Emulator.CloudWatchEndpoint, "monitoring", body, secretKey: "wrong");
        var unsigned = await _aws.SendAsync(_aws.Emulator.CloudWatchEndpoint, "monitoring", body, sign: false);

        wrong.Status.Should().Be(HttpStatusCode.Forbidden);
        wrong.ErrorCode.Should().Be("SignatureDoesNotMatch");
        unsigned.ErrorCode.Should().Be("MissingAuthenticationToken");
    }
}
