using System.Globalization;
using Spot.Deploy.Emulator.Tests.Aws;
using Spot.Deploy.Emulator.Tests.Spot;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Emulator.Tests.Metrics;

/// <summary>
/// <c>GET /metrics</c>: the exposition text itself, and a real Prometheus scraping it. Prometheus scrapes on the wall clock
/// while the counters follow the virtual clock, which moves only when the test moves it: the test waits until Prometheus
/// shows exactly the emulator's current value, moves the clock, and waits for the new one.
/// </summary>
public sealed class PrometheusExpositionTests : IAsyncLifetime
{
    private const string Image = "ami-0b0b0b0b";

    private AwsHarness _aws = null!;
    private string _group = null!;
    private string _targetGroup = null!;

    public async Task InitializeAsync()
    {
        _aws = await AwsHarness.StartAsync();
        var loadBalancer = _aws.State.SeedLoadBalancer("web-alb");
        _targetGroup = _aws.State.SeedTargetGroup("web-blue");
        _aws.State.SeedListener(loadBalancer, 443, _targetGroup);
        _group = _aws.State.SeedGroup(SpotGroups.Group("web__4", 0, 2, 4, Image, _targetGroup));
        _aws.State.SetImageErrorRate(Image, 0.1);
    }

    public async Task DisposeAsync() => await _aws.DisposeAsync();

    [Fact]
    public async Task Metrics_AfterAMinute_CountersInTextFormat004WithoutAuthentication()
    {
        _aws.Clock.Advance(TimeSpan.FromMinutes(1));
        using var http = new HttpClient();

        using var response = await http.GetAsync(_aws.Emulator.MetricsEndpoint);
        var text = await response.Content.ReadAsStringAsync();

        response.Content.Headers.ContentType!.ToString().Should().Be("text/plain; version=0.0.4; charset=utf-8");
        var tg = _targetGroup[(_targetGroup.IndexOf(":targetgroup/", StringComparison.Ordinal) + 1)..];
        text.Split('\n').Should().Contain(
        [
            "# TYPE spot_deploy_emulator_requests_total counter",
            $"spot_deploy_emulator_requests_total{{group=\"web__4\",group_id=\"{_group}\",image=\"{Image}\"}} 1200",
            $"spot_deploy_emulator_errors_total{{group=\"web__4\",group_id=\"{_group}\",image=\"{Image}\"}} 120",
        ]);
        text.Should().Contain($"spot_deploy_emulator_target_group_requests_total{{target_group=\"{tg}\",load_balancer=\"app/web-alb/");
        text.Should().EndWith("\n");
        _aws.Emulator.Calls.All.Single().Service.Should().Be("metrics");
    }

    [RequiresFact(Prerequisite.Prometheus)]
    public async Task RealPrometheus_ScrapesTheEmulator_SeesTheCountersFollowTheVirtualClock()
    {
        await using var prometheus = await PrometheusServer.StartAsync([_aws.Emulator.MetricsEndpoint]);
        var requests = $"spot_deploy_emulator_requests_total{{group_id=\"{_group}\"}}";
        var errors = $"spot_deploy_emulator_errors_total{{group=\"web__4\"}}";

        _aws.Clock.Advance(TimeSpan.FromMinutes(1));
        var first = _aws.State.GetGroupTraffic(_group);
        await prometheus.WaitForValueAsync(requests, first.Requests);
        await prometheus.WaitForValueAsync(errors, first.Errors);

        _aws.Clock.Advance(TimeSpan.FromMinutes(2));
        var later = _aws.State.GetGroupTraffic(_group);
        await prometheus.WaitForValueAsync(requests, later.Requests);

        first.Should().Be(new TrafficCount(1200, 120));
        later.Requests.Should().Be(3600);
        var series = await prometheus.QueryAsync("spot_deploy_emulator_requests_total");
        ((string)series.Single()!["metric"]!["image"]!).Should().Be(Image);
        double.Parse((string)series.Single()!["value"]![1]!, CultureInfo.InvariantCulture).Should().Be(3600);
    }
}
