using System.Net;
using Spot.Deploy.Emulator.Tests.Aws;
using Spot.Deploy.Emulator.Tests.Spot;

namespace Spot.Deploy.Emulator.Tests.Metrics;

/// <summary>
/// The emulated traffic on the virtual clock: 10 requests per second per healthy instance, routed by listener weights,
/// turned into 5xx answers by an image's error rate, and never rewritten by later changes.
/// </summary>
public sealed class TrafficModelTests : IAsyncLifetime
{
    private const string Blue = "ami-0b0b0b0b";
    private const string Green = "ami-06060606";

    private AwsHarness _aws = null!;
    private string _loadBalancer = null!;
    private string _blueTargetGroup = null!;
    private string _greenTargetGroup = null!;
    private string _listener = null!;

    public async Task InitializeAsync()
    {
        _aws = await AwsHarness.StartAsync();
        _loadBalancer = _aws.State.SeedLoadBalancer("web-alb");
        _blueTargetGroup = _aws.State.SeedTargetGroup("web-blue");
        _greenTargetGroup = _aws.State.SeedTargetGroup("web-green");
        _listener = _aws.State.SeedListener(_loadBalancer, 443, _blueTargetGroup);
    }

    public async Task DisposeAsync() => await _aws.DisposeAsync();

    private string SeedGroup(string name, int instances, string image, string targetGroup) =>
        _aws.State.SeedGroup(SpotGroups.Group(name, 0, instances, 10, image, targetGroup));

    private async Task ForwardAsync(int blueWeight, int greenWeight)
    {
        var answer = await _aws.ElbAsync("ModifyListener",
            ("ListenerArn", _listener),
            ("DefaultActions.member.1.Type", "forward"),
            ("DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn", _blueTargetGroup),
            ("DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.Weight", blueWeight.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn", _greenTargetGroup),
            ("DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.Weight", greenWeight.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        answer.Status.Should().Be(HttpStatusCode.OK, answer.Text);
    }

    [Fact]
    public void GetGroupTraffic_HealthyInstancesBehindAListener_TenRequestsPerSecondEach()
    {
        var group = SeedGroup("web", 2, Blue, _blueTargetGroup);

        _aws.Clock.Advance(TimeSpan.FromMinutes(1));

        _aws.State.GetGroupTraffic(group).Should().Be(new TrafficCount(1200, 0));
        _aws.State.GetGroupTraffic(group, Green).Should().Be(new TrafficCount(0, 0));
        _aws.State.GetTargetGroupTraffic(_blueTargetGroup).Should().Be(new TrafficCount(1200, 0));
        _aws.State.GetTargetGroupTraffic(_greenTargetGroup).Should().Be(new TrafficCount(0, 0));
    }

    [Fact]
    public void SetImageErrorRate_BadBuild_ItsShareOfRequestsAreErrorsFromThenOn()
    {
        var group = SeedGroup("web", 1, Blue, _blueTargetGroup);
        _aws.Clock.Advance(TimeSpan.FromMinutes(1));

        _aws.State.SetImageErrorRate(Blue, 0.2);
        _aws.Clock.Advance(TimeSpan.FromMinutes(1));

        _aws.State.GetGroupTraffic(group).Should().Be(new TrafficCount(1200, 120), "the first minute stays error-free");
    }

    [Fact]
    public async Task GetTargetGroupTraffic_WeightedForward_SplitsTheLoadBalancersTrafficByWeight()
    {
        var blue = SeedGroup("web-blue", 2, Blue, _blueTargetGroup);
        var green = SeedGroup("web-green", 2, Green, _greenTargetGroup);
        _aws.Clock.Advance(TimeSpan.FromSeconds(10));
        _aws.State.GetGroupTraffic(green).Requests.Should().Be(0, "nothing forwards to green yet");

        await ForwardAsync(90, 10);
        _aws.Clock.Advance(TimeSpan.FromSeconds(100));

        // Before: 2 healthy instances behind the listener, 20/s for 10 s. After: 4 instances, 40/s split 90/10.
        _aws.State.GetGroupTraffic(blue).Requests.Should().Be(200 + 3600);
        _aws.State.GetGroupTraffic(green).Requests.Should().Be(400);
        _aws.State.GetTargetGroupTraffic(_greenTargetGroup).Requests.Should().Be(400);
    }

    [Fact]
    public void GetGroupTraffic_ReadOftenOrOnce_SameCounts()
    {
        var group = SeedGroup("web", 3, Blue, _blueTargetGroup);
        _aws.State.SetImageErrorRate(Blue, 1.0 / 3);
        var readings = new List<TrafficCount>();
        for (var second = 0; second < 90; second += 7)
        {
            readings.Add(_aws.State.GetGroupTraffic(group));
            _aws.Clock.Advance(TimeSpan.FromSeconds(7));
        }

        readings.Should().BeInAscendingOrder(r => r.Requests).And.BeInAscendingOrder(r => r.Errors);
        _aws.State.GetGroupTraffic(group).Should().Be(new TrafficCount(30 * 91, 910), "13 steps of 7 s at 30/s, a third of them errors");
    }

    [Fact]
    public void MarkImageNeverHealthy_RunningInstances_StopServingFromNowWithoutRewritingThePast()
    {
        var group = SeedGroup("web", 1, Blue, _blueTargetGroup);
        _aws.Clock.Advance(TimeSpan.FromSeconds(30));

        _aws.State.MarkImageNeverHealthy(Blue);
        _aws.Clock.Advance(TimeSpan.FromSeconds(30));

        _aws.State.GetGroupTraffic(group).Requests.Should().Be(300);
    }

    [Fact]
    public void GetGroupTraffic_GroupWithoutTargetGroups_ServesDirectlyOnceHealthy()
    {
        var group = _aws.State.SeedGroup(SpotGroups.Group("worker", 0, 2, 4, Blue));
        _aws.Clock.Advance(TimeSpan.FromSeconds(5));

        _aws.State.GetGroupTraffic(group).Requests.Should().Be(100);
        _aws.State.GetTargetGroupTraffic(_blueTargetGroup).Requests.Should().Be(0);
    }
}
