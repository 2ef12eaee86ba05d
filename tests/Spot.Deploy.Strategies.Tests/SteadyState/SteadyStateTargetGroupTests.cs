namespace Spot.Deploy.Strategies.Tests.SteadyState;

/// <summary>
/// <see cref="SteadyStateOptions.RequireTargetGroupHealth"/>: Spot's HEALTHY is not enough, every
/// instance must also be <c>healthy</c> in the ALB target group (the emulator registers the group's
/// instances there; <c>SeedTarget</c> overrides one instance's target health).
/// </summary>
public sealed class SteadyStateTargetGroupTests : SteadyStateTestBase
{
    private string _targetGroup = null!;
    private string _groupId = null!;
    private string _firstInstance = null!;

    private async Task ScaleUpWithOneUnhealthyTargetAsync()
    {
        var loadBalancer = State.SeedLoadBalancer("web-alb");
        _targetGroup = State.SeedTargetGroup("web-tg");
        State.SeedListener(loadBalancer, 443, _targetGroup);
        _groupId = SeedGroup(target: 0, targetGroupArn: _targetGroup);
        await Spot.UpdateCapacityAsync(_groupId, 0, 2, 5);
        _firstInstance = State.GetInstances(_groupId)[0].InstanceId;
        State.SeedTarget(_targetGroup, _firstInstance, "unhealthy");
    }

    [Fact]
    public async Task WaitAsync_TargetUnhealthyUntilFlipped_SteadyOnlyOnceTheTargetIsHealthy()
    {
        await ScaleUpWithOneUnhealthyTargetAsync();
        var spotHealthyAtPoll = 0;
        var recorder = new EventRecorder(poll =>
        {
            if (poll.Healthy == 2 && spotHealthyAtPoll == 0)
            {
                spotHealthyAtPoll = poll.Polls;
                State.SeedTarget(_targetGroup, _firstInstance, "healthy");
            }
        });
        var options = new SteadyStateOptions { RequireTargetGroupHealth = true };

        var result = await CreateWaiter().WaitAsync(_groupId, 2, [_targetGroup], options, recorder);

        // Spot reports both HEALTHY at the 60 s poll (the 7th), but the target group does not: not
        // steady. The healthy count grew, so the next poll comes 2 s later and finds the target healthy.
        spotHealthyAtPoll.Should().Be(7);
        result.Polls.Should().Be(8);
        result.Elapsed.Should().Be(Seconds(62));
        result.Healthy.Should().Be(2);
    }

    [Fact]
    public async Task WaitAsync_TargetStaysUnhealthy_TimesOutNamingTheTarget()
    {
        await ScaleUpWithOneUnhealthyTargetAsync();
        var options = new SteadyStateOptions { RequireTargetGroupHealth = true, Timeout = TimeSpan.FromMinutes(3) };

        var wait = () => CreateWaiter().WaitAsync(_groupId, 2, [_targetGroup], options);

        var thrown = (await wait.Should().ThrowAsync<SteadyStateTimeoutException>()).Which;
        thrown.Healthy.Should().Be(2);
        thrown.Total.Should().Be(2);
        thrown.Message.Should().Contain(_targetGroup).And.Contain(_firstInstance + " unhealthy");
    }

    [Fact]
    public async Task WaitAsync_TargetHealthNotRequired_IgnoresTheTargetGroup()
    {
        await ScaleUpWithOneUnhealthyTargetAsync();

        var result = await CreateWaiter().WaitAsync(_groupId, 2, [_targetGroup]);

        result.Polls.Should().Be(7);
        result.Elapsed.Should().Be(Seconds(60));
    }

    [Fact]
    public async Task WaitAsync_TargetHealthRequiredWithoutRouter_Throws()
    {
        var groupId = SeedGroup(target: 1);
        var waiter = new SteadyStateWaiter(Spot, Clock);

        var wait = () => waiter.WaitAsync(groupId, 1, ["arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/x/1"], new SteadyStateOptions { RequireTargetGroupHealth = true });

        await wait.Should().ThrowAsync<InvalidOperationException>().WithMessage("*TrafficRouter*");
    }
}
