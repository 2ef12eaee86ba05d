namespace Spot.Deploy.Aws.Tests.Transport;

/// <summary>
/// <see cref="CloudWatchClient"/>'s wire: GetMetricData pages merged per id (the emulator never pages metric data, so a
/// scripted transport plays CloudWatch here), the parameters flattened as CloudWatch's query protocol spells them, and the
/// service's API version and signing name.
/// </summary>
public sealed class CloudWatchClientPagingTests
{
    private const string Ns = "http://monitoring.amazonaws.com/doc/2010-08-01/";

    private static string Page(string id, string[] times, string[] values, string? token) => $"""
        <GetMetricDataResponse xmlns="{Ns}"><GetMetricDataResult><MetricDataResults><member>
          <Id>{id}</Id><Label>ratio</Label>
          <Timestamps>{string.Concat(times.Select(t => $"<member>{t}</member>"))}</Timestamps>
          <Values>{string.Concat(values.Select(v => $"<member>{v}</member>"))}</Values>
          <StatusCode>{(token is null ? "Complete" : "PartialData")}</StatusCode>
        </member></MetricDataResults>{(token is null ? string.Empty : $"<NextToken>{token}</NextToken>")}<Messages/></GetMetricDataResult>
        <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetMetricDataResponse>
        """;

    [Fact]
    public async Task GetMetricData_FollowsNextToken_MergingEachIdsDatapoints()
    {
        var transport = new FakeQueryTransport().Respond("GetMetricData",
            Page("ratio", ["2026-11-21T12:04:00Z", "2026-11-21T12:03:00Z"], ["0.5", "0.25"], "page-2"),
            Page("ratio", ["2026-11-21T12:02:00Z"], ["0"], null));
        var client = new CloudWatchClient(transport);
        var start = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
        var stat = new MetricStat("AWS/ApplicationELB", "RequestCount", [new MetricDimension("TargetGroup", "targetgroup/web/1"), new MetricDimension("LoadBalancer", "app/web/2")], 60, "Sum");

        var results = await client.GetMetricDataAsync([new MetricDataQuery("m1", stat, null, ReturnData: false), new MetricDataQuery("ratio", null, "m1 * 2", Label: "ratio")], start, start.AddMinutes(5));

        var result = results.Should().ContainSingle().Subject;
        result.Values.Should().Equal(0.5, 0.25, 0);
        result.Timestamps.Should().Equal(start.AddMinutes(4), start.AddMinutes(3), start.AddMinutes(2));
        result.StatusCode.Should().Be("Complete");
        var calls = transport.CallsTo("GetMetricData");
        calls.Should().HaveCount(2).And.OnlyContain(c => c.Service == AwsService.CloudWatch && !c.IsMutating);
        calls[0]["NextToken"].Should().BeNull();
        calls[1]["NextToken"].Should().Be("page-2");
        calls[0].Names.Should().Equal(
            "MetricDataQueries.member.1.Id", "MetricDataQueries.member.1.MetricStat.Metric.Namespace", "MetricDataQueries.member.1.MetricStat.Metric.MetricName",
            "MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name", "MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value",
            "MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.2.Name", "MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.2.Value",
            "MetricDataQueries.member.1.MetricStat.Period", "MetricDataQueries.member.1.MetricStat.Stat", "MetricDataQueries.member.1.ReturnData",
            "MetricDataQueries.member.2.Id", "MetricDataQueries.member.2.Expression", "MetricDataQueries.member.2.Label", "MetricDataQueries.member.2.ReturnData",
            "StartTime", "EndTime", "ScanBy");
        calls[0]["MetricDataQueries.member.1.ReturnData"].Should().Be("false");
        calls[0]["StartTime"].Should().Be("2026-11-21T12:00:00Z");
        calls[0]["EndTime"].Should().Be("2026-11-21T12:05:00Z");
    }

    [Fact]
    public async Task DescribeAlarms_MoreThanAHundredNames_AreAskedInBatches()
    {
        var transport = new FakeQueryTransport().Respond("DescribeAlarms",
            $"""<DescribeAlarmsResponse xmlns="{Ns}"><DescribeAlarmsResult><MetricAlarms><member><AlarmName>a</AlarmName><StateValue>OK</StateValue><StateReason>fine</StateReason></member></MetricAlarms><CompositeAlarms><member><AlarmName>c</AlarmName><StateValue>ALARM</StateValue><StateReason>children</StateReason></member></CompositeAlarms></DescribeAlarmsResult></DescribeAlarmsResponse>""");
        var client = new CloudWatchClient(transport);

        var alarms = await client.DescribeAlarmsAsync([.. Enumerable.Range(0, 150).Select(i => $"alarm-{i}")], null);

        transport.CallsTo("DescribeAlarms").Select(c => c.Under("AlarmNames.").Count).Should().Equal(100, 50);
        transport.CallsTo("DescribeAlarms")[0]["AlarmTypes.member.1"].Should().Be("CompositeAlarm");
        alarms.Select(a => (a.Name, a.IsComposite, a.State)).Should().Equal(("a", false, "OK"), ("c", true, "ALARM"), ("a", false, "OK"), ("c", true, "ALARM"));
    }

    [Theory]
    [InlineData(AwsService.CloudWatch, "2010-08-01", "monitoring")]
    [InlineData(AwsService.ElasticLoadBalancingV2, "2015-12-01", "elasticloadbalancing")]
    public void QueryTransport_SpeaksEachServicesVersion_AndRefusesTheSdkOnes(AwsService service, string version, string signingName)
    {
        AwsQueryTransport.ApiVersion(service).Should().Be(version);
        AwsQueryTransport.SigningName(service).Should().Be(signingName);
        var ec2 = () => AwsQueryTransport.ApiVersion(AwsService.Ec2);
        ec2.Should().Throw<ArgumentOutOfRangeException>();
    }
}
