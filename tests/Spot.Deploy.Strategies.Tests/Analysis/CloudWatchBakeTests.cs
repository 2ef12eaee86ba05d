using Spot.Deploy.Planning;
using Spot.Deploy.Strategies.Tests.Deployments;

namespace Spot.Deploy.Strategies.Tests.Analysis;

/// <summary>
/// CloudWatch checks end to end: canary and Blue/Green deployments against the emulator on a virtual clock, read through
/// the deployment's own AWS connection. The emulator's ALB metrics follow the emulated traffic, so a build whose image
/// answers 5xx fails its first bake on the 5xx ratio; an alarm moved to ALARM rolls back; INSUFFICIENT_DATA stops for a person.
/// </summary>
public sealed class CloudWatchBakeTests : ControlFlowTestBase
{
    private string _targetGroupArn = null!;
    private string _targetGroup = null!;
    private string _loadBalancer = null!;

    /// <summary>The running revision web__3 at 2/4/6 behind one target group of one ALB listener.</summary>
    private CanaryDeploymentRequest SeedCanaryBehindAnAlb(params int[] percents)
    {
        var loadBalancerArn = State.SeedLoadBalancer("web-alb");
        _targetGroupArn = State.SeedTargetGroup("web-tg");
        State.SeedListener(loadBalancerArn, 443, _targetGroupArn);
        SeedGroup(StartGroup, Cap(2, 4, 6), OldImage, _targetGroupArn);
        _targetGroup = _targetGroupArn[(_targetGroupArn.IndexOf(":targetgroup/", StringComparison.Ordinal) + 1)..];
        _loadBalancer = loadBalancerArn[(loadBalancerArn.IndexOf(":loadbalancer/", StringComparison.Ordinal) + ":loadbalancer/".Length)..];
        var request = new CanaryDeploymentRequest { AppName = App, Document = Document(_targetGroupArn) };
        request.UseImage(NewImage);
        foreach (var percent in percents)
        {
            request.AddPercentPhase(percent);
        }

        return request;
    }

    private static CloudWatchMetric Alb(string id, string metricName, string loadBalancer, string? targetGroup) => new()
    {
        Id = id,
        Namespace = "AWS/ApplicationELB",
        MetricName = metricName,
        Dimensions = targetGroup is null
            ? new Dictionary<string, string> { ["LoadBalancer"] = loadBalancer }
            : new Dictionary<string, string> { ["LoadBalancer"] = loadBalancer, ["TargetGroup"] = targetGroup },
    };

    /// <summary>The 5xx share of the ALB's answers: <c>FILL(m5xx, 0) / requests</c>, below 5 %.</summary>
    private static CloudWatchMetricCheck ErrorRatio(string loadBalancer, string? targetGroup) => new()
    {
        Name = "5xx-ratio",
        Expression = "FILL(m5xx, 0) / requests",
        Metrics = [Alb("m5xx", "HTTPCode_Target_5XX_Count", loadBalancer, targetGroup), Alb("requests", "RequestCount", loadBalancer, targetGroup)],
        Threshold = Threshold.Parse("< 0.05"),
    };

    private static DeploymentOptions Baking(params AnalysisCheck[] checks) => new()
    {
        Bake = TimeSpan.FromMinutes(3),
        BakeAnalysis = new Strategies.Analysis { Checks = checks, Interval = TimeSpan.FromMinutes(1) },
    };

    [Fact]
    public async Task Canary_BadBuild_5xxRatioFailsTheFirstBake_RolledBack_NamingTheCheckAndTheValue()
    {
        var request = SeedCanaryBehindAnAlb(25, 50, 100);
        State.SetImageErrorRate(NewImage, 0.5);
        var progress = new Recorder();

        var run = () => new CanaryDeployment(Services, request, Baking(ErrorRatio(_loadBalancer, _targetGroup))).RunAsync(progress);

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack);
        var measured = progress.Of<MeasurementEvent>().Should().ContainSingle().Subject;
        measured.Should().Match<MeasurementEvent>(m => m.Check == "5xx-ratio" && m.Verdict == MeasurementVerdict.Fail && m.Where == "bake after phase 1 of 3 (25 %)");
        measured.Value.Should().BeGreaterThan(0.05).And.BeLessThan(0.5, "the old instances behind the same target group answer without errors");
        failure.Message.Should().Contain($"failed at bake after phase 1 of 3 (25 %): check '5xx-ratio' failed with {measured.Detail}");
        measured.Detail.Should().EndWith("(threshold < 0.05)");
        failure.InnerException.Should().BeOfType<AnalysisFailedException>().Which.Check.Should().Be("5xx-ratio");
        GroupState().Should().Equal($"web__3 2/4/6 {OldImage} live=4");
        Emulator.Calls.All.Where(c => c.Service == "monitoring").Should().ContainSingle().Which.Action.Should().Be("GetMetricData");
    }

    [Fact]
    public async Task Canary_GoodBuild_PassesEveryBake()
    {
        var request = SeedCanaryBehindAnAlb(50, 100);
        State.SetImageErrorRate(NewImage, 0.001);
        var progress = new Recorder();

        var result = await new CanaryDeployment(Services, request, Baking(ErrorRatio(_loadBalancer, _targetGroup))).RunAsync(progress);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        var measurements = progress.Of<MeasurementEvent>().ToList();
        measurements.Should().HaveCount(3).And.OnlyContain(m => m.Verdict == MeasurementVerdict.Pass && m.Value < 0.05);
    }

    [Fact]
    public async Task Canary_AlarmMovedToAlarmDuringThePhase_RolledBack_NamingTheAlarmAndItsReason()
    {
        var request = SeedCanaryBehindAnAlb(25, 100);
        State.SeedAlarm("web-5xx", state: "OK");
        State.SeedAlarm("web-latency", state: "OK");
        var progress = new Recorder
        {
            OnEvent = e =>
            {
                if (e is StageStartedEvent { Name: "phase 1 of 2 (25 %)" })
                {
                    State.SetAlarm("web-5xx", "ALARM", "Threshold Crossed: 1 datapoint [42.0] was greater than or equal to the threshold (1.0).");
                }
            },
        };
        var alarms = new CloudWatchAlarmCheck { Name = "alarms", AlarmNames = ["{app}-5xx", "{app}-latency"] };

        var run = () => new CanaryDeployment(Services, request, Baking(alarms)).RunAsync(progress);

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack);
        failure.Message.Should().Contain("check 'alarms' failed with alarm 'web-5xx' is ALARM: Threshold Crossed: 1 datapoint [42.0] was greater than or equal to the threshold (1.0).");
        progress.Of<MeasurementEvent>().Should().ContainSingle().Which.Value.Should().Be(1);
        GroupState().Should().Equal($"web__3 2/4/6 {OldImage} live=4");
    }

    [Fact]
    public async Task Canary_AlarmWithInsufficientData_IsInconclusive_StopsForAPerson()
    {
        var request = SeedCanaryBehindAnAlb(50, 100);
        State.SeedAlarm("web-5xx", state: "INSUFFICIENT_DATA");

        var run = () => new CanaryDeployment(Services, request, Baking(new CloudWatchAlarmCheck { Name = "alarms", AlarmNamePrefix = "web-" })).RunAsync();

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.NeedsAttention);
        failure.InnerException.Should().BeOfType<AnalysisInconclusiveException>();
        failure.Message.Should().Contain("alarm 'web-5xx' is INSUFFICIENT_DATA");
        (await RecordAsync(failure.DeploymentId!)).Status.Should().Be(DeploymentStatus.NeedsAttention);
    }

    [Fact]
    public async Task BlueGreen_BadBuild_LoadBalancers5xxRatioFailsTheBakeBeforeTraffic_TrafficStaysOnBlue()
    {
        var bg = SeedBlueGreen(10, 100);
        State.SetImageErrorRate(NewImage, 0.3);
        var progress = new Recorder();

        var run = () => new BlueGreenDeployment(Services, bg.Request, Baking(ErrorRatio("{loadBalancer}", null))).RunAsync(progress);

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack, failure.Message);
        failure.Message.Should().Contain("bake after stage setup: check '5xx-ratio' failed with");
        progress.Of<MeasurementEvent>().Should().ContainSingle().Which.Value.Should().BeGreaterThan(0.05, "the stage listener's share of the ALB reaches the bad green group");
        State.GetListenerActions(bg.ProductionListener).ToJsonString().Should().Contain(bg.Blue).And.NotContain(bg.Green);
        GroupState().Should().Equal($"web 1/2/3 {OldImage} live=2");
    }

    [Fact]
    public async Task NoAwsConnection_RefusedBeforeAnythingChanges_UnlessTheCheckBringsItsOwnClient()
    {
        var request = SeedCanaryBehindAnAlb(50, 100);
        var withoutAws = new DeploymentServices(Spot, null, Journal, Lock, Clock);

        var refused = () => new CanaryDeployment(withoutAws, request, Baking(ErrorRatio(_loadBalancer, _targetGroup))).RunAsync();
        var refusal = (await refused.Should().ThrowAsync<DeploymentValidationException>()).Which;
        refusal.Field.Should().Be("check '5xx-ratio'");
        refusal.Reason.Should().Contain("has no AWS connection with CloudWatch");
        GroupState().Should().Equal($"web__3 2/4/6 {OldImage} live=4");
        (await Journal.ListByAppAsync(App)).Should().BeEmpty();

        var own = new CloudWatchAlarmCheck { Name = "alarms", AlarmNamePrefix = "web-", CloudWatch = Aws.CloudWatch };
        State.SeedAlarm("web-5xx", state: "OK");
        var result = await new CanaryDeployment(withoutAws, request, Baking(own)).RunAsync();
        result.Status.Should().Be(DeploymentStatus.Succeeded);
    }

    [Fact]
    public async Task MetricCheck_NoDatapoint_IsInconclusive_NoData()
    {
        SeedCanaryBehindAnAlb(50, 100);
        var check = ErrorRatio(_loadBalancer, "targetgroup/nobody/0123456789abcdef");
        check.Validate();

        var measurement = await check.MeasureAsync(new AnalysisContext { AppName = App, Phase = "phase 1", TimeProvider = Clock, CloudWatch = Aws.CloudWatch });

        measurement.Should().Be(Measurement.Inconclusive("no data (no datapoint in the last 5m)"));
    }
}
