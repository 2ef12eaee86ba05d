using Spot.Deploy.Planning;
using Spot.Deploy.Strategies.Tests.Deployments;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Strategies.Tests.Analysis;

/// <summary>
/// <see cref="PrometheusCheck"/> against a real Prometheus server (Debian's package) scraping the emulator's
/// <c>/metrics</c>: the error ratio of a bad build fails the threshold, a good build passes, a group without series is
/// inconclusive — the query API's answers as the server gives them, not as we imagine them.
/// </summary>
public sealed class PrometheusCheckServerTests : ControlFlowTestBase
{
    private const string ErrorRatio =
        "sum(spot_deploy_emulator_errors_total{group=\"{newGroupName}\"}) / sum(spot_deploy_emulator_requests_total{group=\"{newGroupName}\"})";

    [RequiresFact(Prerequisite.Prometheus)]
    public async Task ErrorRatioOfTheNewGroup_FailsForABadBuild_PassesForAGoodOne_InconclusiveWithoutData()
    {
        var bad = SeedGroup("web__4", Cap(2, 2, 2), NewImage);
        var good = SeedGroup("web__3", Cap(2, 2, 2), OldImage);
        State.SetImageErrorRate(NewImage, 0.2);
        await using var prometheus = await PrometheusServer.StartAsync([Emulator.MetricsEndpoint]);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var badTraffic = State.GetGroupTraffic(bad);
        await prometheus.WaitForValueAsync($"sum(spot_deploy_emulator_errors_total{{group_id=\"{bad}\"}})", badTraffic.Errors);
        await prometheus.WaitForValueAsync($"sum(spot_deploy_emulator_requests_total{{group_id=\"{good}\"}})", State.GetGroupTraffic(good).Requests);
        var check = new PrometheusCheck { Name = "error-ratio", Address = prometheus.BaseAddress, Query = ErrorRatio, Threshold = Threshold.Parse("< 0.05") };
        check.Validate();

        var ofBadBuild = await check.MeasureAsync(Context("web__4"));
        var ofGoodBuild = await check.MeasureAsync(Context("web__3"));
        var ofNoGroup = await check.MeasureAsync(Context("web__9"));

        badTraffic.Errors.Should().BeGreaterThan(0);
        ofBadBuild.Verdict.Should().Be(MeasurementVerdict.Fail);
        ofBadBuild.Value.Should().BeApproximately(0.2, 0.001);
        ofBadBuild.Detail.Should().Contain("(threshold < 0.05)");
        ofGoodBuild.Should().Be(new Measurement(MeasurementVerdict.Pass, 0, "0 (threshold < 0.05)"));
        ofNoGroup.Verdict.Should().Be(MeasurementVerdict.Inconclusive);
        ofNoGroup.Detail.Should().Be("no data (the query matched no series)");
    }

    private AnalysisContext Context(string group) => new() { AppName = App, DeploymentId = "d-prometheus", Phase = "phase 1 of 2 (50 %)", NewGroupName = group, TimeProvider = Clock };
}
