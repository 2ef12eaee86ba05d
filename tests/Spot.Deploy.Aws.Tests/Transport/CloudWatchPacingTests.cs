using Spot.Deploy.Testing;

namespace Spot.Deploy.Aws.Tests.Transport;

/// <summary>
/// <see cref="CloudWatchPacer"/>: the CloudWatch calls of one connection are spaced to its
/// <see cref="AwsConnectionOptions.CloudWatchRequestsPerSecond"/>, so many deployments' analyses queue in the process
/// instead of bursting into CloudWatch's per-account limit, and a <c>Throttling</c> slows the pace for a minute. A clock
/// that moves only when the test says shows each turn. (The transport's use of it: AwsQueryTransportTests.)
/// </summary>
public sealed class CloudWatchPacingTests
{
    [Fact]
    public async Task TwentyTurnsAtOnce_AtNinePerSecond_AreOneNinthOfASecondApart_NeverTenInASecond()
    {
        var clock = new VirtualClock();
        var pacer = new CloudWatchPacer(9, clock);

        var turns = Enumerable.Range(0, 20).Select(_ => pacer.WaitTurnAsync(CancellationToken.None)).ToList();
        turns.Count(t => t.IsCompleted).Should().Be(1, "the first call goes at once, the others wait their turn");
        clock.Advance(TimeSpan.FromSeconds(3));
        var waits = await Task.WhenAll(turns);

        var spacing = TimeSpan.FromTicks((long)Math.Ceiling(TimeSpan.TicksPerSecond / 9.0));
        waits.Should().Equal(Enumerable.Range(0, 20).Select(i => spacing * i));
        foreach (var second in Enumerable.Range(0, 3))
        {
            waits.Count(t => t >= TimeSpan.FromSeconds(second) && t < TimeSpan.FromSeconds(second + 1)).Should().BeLessThanOrEqualTo(9);
        }
    }

    [Fact]
    public async Task ASecondTurn_AtTwoPerSecond_ComesHalfASecondAfterTheFirst()
    {
        var clock = new VirtualClock();
        var pacer = new CloudWatchPacer(2, clock);

        (await pacer.WaitTurnAsync(CancellationToken.None)).Should().Be(TimeSpan.Zero);
        var second = pacer.WaitTurnAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromMilliseconds(499));
        second.IsCompleted.Should().BeFalse("half a second has not passed");
        clock.Advance(TimeSpan.FromMilliseconds(1));

        (await second).Should().Be(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public void ZeroDoesNotPace_NorAdapt()
    {
        var clock = new VirtualClock();
        var pacer = new CloudWatchPacer(0, clock);

        var turns = Enumerable.Range(0, 20).Select(_ => pacer.WaitTurnAsync(CancellationToken.None)).ToList();

        turns.Should().OnlyContain(t => t.IsCompletedSuccessfully && t.Result == TimeSpan.Zero);
        pacer.Throttled().Should().BeNull();
        clock.Elapsed.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public async Task AWaitingTurn_IsCancellable()
    {
        var clock = new VirtualClock();
        var pacer = new CloudWatchPacer(1, clock);
        await pacer.WaitTurnAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = pacer.WaitTurnAsync(cancel.Token);
        waiting.IsCompleted.Should().BeFalse();
        await cancel.CancelAsync();

        await waiting.Invoking(w => w).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public void Throttled_DropsThePaceToSevenTenths_OnceASecond_ThenItClimbsBackWithinAMinute()
    {
        var clock = new VirtualClock();
        var pacer = new CloudWatchPacer(10, clock);

        pacer.Throttled().Should().Be(7);
        pacer.Throttled().Should().BeNull("refusals of calls in flight together are one signal");
        clock.Advance(TimeSpan.FromMilliseconds(999));
        pacer.Throttled().Should().BeNull();
        pacer.CurrentPerSecond.Should().BeApproximately(7 + (3 * 0.999 / 60), 1e-9);

        clock.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(999));
        pacer.CurrentPerSecond.Should().BeApproximately(8.5, 1e-9, "half-way back after half a minute");
        clock.Advance(TimeSpan.FromSeconds(30));
        pacer.CurrentPerSecond.Should().Be(10);
    }

    [Fact]
    public void Throttled_Repeatedly_NeverPacesBelowATenth()
    {
        var clock = new VirtualClock();
        var pacer = new CloudWatchPacer(10, clock);

        for (var i = 0; i < 30; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            pacer.Throttled();
        }

        pacer.CurrentPerSecond.Should().Be(1);
    }

    [Fact]
    public async Task AfterAThrottle_TurnsAreSpacedAtTheLowerPace()
    {
        var clock = new VirtualClock();
        var pacer = new CloudWatchPacer(10, clock);
        pacer.Throttled();

        await pacer.WaitTurnAsync(CancellationToken.None);
        var second = pacer.WaitTurnAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromMilliseconds(140));

        second.IsCompleted.Should().BeFalse("at 7 a second turns are 1/7 s apart, not 1/10");
        clock.Advance(TimeSpan.FromMilliseconds(3));
        (await second).Should().Be(TimeSpan.FromTicks((long)Math.Ceiling(TimeSpan.TicksPerSecond / 7.0)));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Validate_ANegativeOrNonFinitePace_Throws(double perSecond)
    {
        var act = () => new AwsConnectionOptions { Region = "us-east-1", CloudWatchRequestsPerSecond = perSecond }.Validate();

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(nameof(AwsConnectionOptions.CloudWatchRequestsPerSecond));
    }

    [Fact]
    public void TheDefault_IsNinePerSecond()
    {
        new AwsConnectionOptions().CloudWatchRequestsPerSecond.Should().Be(9);
    }
}
