using System.Net;
using Spot.Deploy.Aws;
using Spot.Deploy.Emulator.Tests.Spot;

namespace Spot.Deploy.Emulator.Tests.Aws;

/// <summary>
/// The real <see cref="CloudWatchClient"/> (query protocol, the connection's transport) against the emulator's CloudWatch:
/// alarms by name and prefix over several pages, metric data and metric math of the emulated traffic, CloudWatch's
/// refusals as typed errors, and throttling retried on the virtual clock.
/// </summary>
public sealed class CloudWatchClientTests : IAsyncLifetime
{
    private const string Image = "ami-0c0c0c0c";

    private AwsHarness _aws = null!;
    private string _targetGroup = null!;
    private string _loadBalancer = null!;

    public async Task InitializeAsync()
    {
        _aws = await AwsHarness.StartAsync(o => o.CloudWatchRequestsPerSecond = 2);
        var loadBalancer = _aws.State.SeedLoadBalancer("web-alb");
        var targetGroup = _aws.State.SeedTargetGroup("web-blue");
        _aws.State.SeedListener(loadBalancer, 443, targetGroup);
        _aws.State.SeedGroup(SpotGroups.Group("web", 0, 2, 4, Image, targetGroup));
        _targetGroup = targetGroup[(targetGroup.IndexOf(":targetgroup/", StringComparison.Ordinal) + 1)..];
        _loadBalancer = loadBalancer[(loadBalancer.IndexOf(":loadbalancer/", StringComparison.Ordinal) + ":loadbalancer/".Length)..];
    }

    public async Task DisposeAsync() => await _aws.DisposeAsync();

    private CloudWatchClient CloudWatch => _aws.Aws.CloudWatch!;

    private MetricStat Alb(string metricName) =>
        new("AWS/ApplicationELB", metricName, [new MetricDimension("LoadBalancer", _loadBalancer), new MetricDimension("TargetGroup", _targetGroup)], 60, "Sum");

    [Fact]
    public async Task DescribeAlarms_ByPrefix_FollowsEveryPage_ByNames_OnlyThoseThatExist()
    {
        for (var i = 0; i < 57; i++)
        {
            _aws.State.SeedAlarm($"web-5xx-{i:D2}", state: i == 3 ? "ALARM" : "OK");
            _aws.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        _aws.State.SeedAlarm("api-latency");
        _aws.Clock.Advance(TimeSpan.FromSeconds(1));

        var byPrefix = await CloudWatch.DescribeAlarmsAsync(null, "web-5xx-");
        _aws.Clock.Advance(TimeSpan.FromSeconds(1));
        var byName = await CloudWatch.DescribeAlarmsAsync(["api-latency", "web-5xx-03", "missing"], null);

        byPrefix.Select(a => a.Name).Should().Equal(Enumerable.Range(0, 57).Select(i => $"web-5xx-{i:D2}"));
        _aws.Emulator.Calls.All.Count(c => c.Action == "DescribeAlarms").Should().Be(3, "57 alarms at CloudWatch's default 50 a page, then the names");
        byName.Select(a => (a.Name, a.State)).Should().BeEquivalentTo([("api-latency", "INSUFFICIENT_DATA"), ("web-5xx-03", "ALARM")]);
        byName.Should().OnlyContain(a => !a.IsComposite && a.MetricName == "HTTPCode_Target_5XX_Count" && a.Namespace == "AWS/ApplicationELB");
    }

    [Fact]
    public async Task DescribeAlarms_StateReasonAndTime_AsSetByTheOperator()
    {
        _aws.State.SeedAlarm("web-5xx");
        _aws.Clock.Advance(TimeSpan.FromMinutes(1));
        _aws.State.SetAlarm("web-5xx", "ALARM", "Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0).");

        var alarm = (await CloudWatch.DescribeAlarmsAsync(["web-5xx"], null)).Should().ContainSingle().Subject;

        alarm.State.Should().Be(CloudWatchAlarmState.Alarm);
        alarm.StateReason.Should().Be("Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0).");
        alarm.StateUpdated.Should().Be(_aws.Clock.GetUtcNow());
    }

    [Fact]
    public async Task DescribeAlarms_NamesAndAPrefixTogether_CloudWatchsTypedRefusal()
    {
        var call = () => CloudWatch.DescribeAlarmsAsync(["web-5xx"], "web-");

        var refusal = (await call.Should().ThrowAsync<AwsApiException>()).Which;
        refusal.ErrorCode.Should().Be("InvalidParameterCombination");
        refusal.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        refusal.Service.Should().Be("monitoring");
        refusal.Action.Should().Be("DescribeAlarms");
        refusal.Message.Should().NotContain(AwsHarness.SecretKey);
    }

    [Fact]
    public async Task GetMetricData_ErrorRatioOfABadBuild_ByMetricMath_NewestFirst()
    {
        var start = _aws.Clock.GetUtcNow();
        _aws.State.SetImageErrorRate(Image, 0.25);
        _aws.Clock.Advance(TimeSpan.FromMinutes(3));

        var results = await CloudWatch.GetMetricDataAsync(
            [
                new MetricDataQuery("m5xx", Alb("HTTPCode_Target_5XX_Count"), null, ReturnData: false),
                new MetricDataQuery("requests", Alb("RequestCount"), null, ReturnData: false),
                new MetricDataQuery("ratio", null, "FILL(m5xx, 0) / requests", Label: "5xx ratio"),
            ],
            start,
            _aws.Clock.GetUtcNow());

        var ratio = results.Should().ContainSingle("only the expression returns data").Subject;
        ratio.Id.Should().Be("ratio");
        ratio.Label.Should().Be("5xx ratio");
        ratio.StatusCode.Should().Be("Complete");
        ratio.Timestamps.Should().NotBeEmpty().And.BeInDescendingOrder().And.StartWith(start.AddMinutes(2));
        ratio.Values.Should().HaveCount(ratio.Timestamps.Count).And.AllSatisfy(v => v.Should().BeApproximately(0.25, 1e-9));
    }

    [Fact]
    public async Task GetMetricData_ARefusedQuery_IsATypedError()
    {
        var bad = Alb("RequestCount") with { PeriodSeconds = 90 };

        var call = () => CloudWatch.GetMetricDataAsync([new MetricDataQuery("m1", bad, null)], _aws.Clock.GetUtcNow().AddMinutes(-5), _aws.Clock.GetUtcNow());

        var refusal = (await call.Should().ThrowAsync<AwsApiException>()).Which;
        refusal.ErrorCode.Should().Be("InvalidParameterValue");
        refusal.ErrorMessage.Should().Contain("multiple of 60");
    }

    [Fact]
    public async Task Throttling_IsRetriedOnTheVirtualClock_UntilTheLimitLetsTheCallThrough()
    {
        _aws.Clock.AutoAdvanceLimit = TimeSpan.FromMinutes(1);
        using var http = new HttpClient();
        using var retrying = new AwsConnection(http, new AwsConnectionOptions
        {
            Region = AwsHarness.Region,
            AccessKeyId = AwsHarness.AccessKey,
            SecretAccessKey = AwsHarness.SecretKey,
            CloudWatchEndpoint = _aws.Emulator.CloudWatchEndpoint,
            TimeProvider = _aws.Clock,
            MaxRetries = 8,
            RandomSeed = 7,
            AttemptTimeout = TimeSpan.FromHours(1), // longer than the clock's auto-advance: only the retry delays move it
        });
        _aws.State.SeedAlarm("web-5xx");
        var before = _aws.Clock.Elapsed;

        var answers = new List<IReadOnlyList<CloudWatchAlarmState>>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await retrying.CloudWatch!.DescribeAlarmsAsync(["web-5xx"], null));
        }

        answers.Should().HaveCount(4).And.OnlyContain(a => a.Count == 1);
        var calls = _aws.Emulator.Calls.All.Where(c => c.Action == "DescribeAlarms").ToList();
        calls.Count(c => c.Status == 400).Should().BeGreaterThan(0, "four calls at once exceed 2 a second");
        calls.Count(c => c.Status == 200).Should().Be(4);
        (_aws.Clock.Elapsed - before).Should().BePositive("the retries waited on the virtual clock");
    }
}
