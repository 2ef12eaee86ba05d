using Spot.Deploy.Testing;

namespace Spot.Deploy.Aws.Tests.Transport;

/// <summary>
/// <see cref="CloudWatchPacer"/>: the CloudWatch calls of one connection are spaced to its
/// <see cref="AwsConnectionOptions.CloudWatchRequestsPerSecond"/>, so many deployments' analyses queue in the process
/// instead of bursting into CloudWatch's per-account limit. A clock that moves only when the test says shows each turn.
/// </summary>
public sealed class CloudWatchPacingTests
{
    private const string Ns = "http://monitoring.amazonaws.com/doc/2010-08-01/";

    private static readonly string Alarms =
        $"""<DescribeAlarmsResponse xmlns="{Ns}"><DescribeAlarmsResult><MetricAlarms><member><AlarmName>a</AlarmName><StateValue>OK</StateValue></member></MetricAlarms></DescribeAlarmsResult></DescribeAlarmsResponse>""";

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
    public async Task TheClient_SendsASecondCall_OnlyWhenItsTurnComes()
    {
        var clock = new VirtualClock();
        var transport = new FakeQueryTransport().Respond("DescribeAlarms", Alarms);
        var client = new CloudWatchClient(transport, new CloudWatchPacer(2, clock));

        await client.DescribeAlarmsAsync(["a"], null);
        var second = client.DescribeAlarmsAsync(["a"], null);
        transport.CallsTo("DescribeAlarms").Should().HaveCount(1);
        clock.Advance(TimeSpan.FromMilliseconds(499));
        transport.CallsTo("DescribeAlarms").Should().HaveCount(1, "half a second has not passed");
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await second;

        transport.CallsTo("DescribeAlarms").Should().HaveCount(2);
    }

    [Fact]
    public async Task ZeroDoesNotPace()
    {
        var clock = new VirtualClock();
        var transport = new FakeQueryTransport().Respond("DescribeAlarms", Alarms);
        var client = new CloudWatchClient(transport, new CloudWatchPacer(0, clock));

        var calls = Enumerable.Range(0, 20).Select(_ => client.DescribeAlarmsAsync(["a"], null)).ToList();

        calls.Should().OnlyContain(c => c.IsCompleted);
        await Task.WhenAll(calls);
        clock.Elapsed.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public async Task AWaitingCall_IsCancellable()
    {
        var clock = new VirtualClock();
        var transport = new FakeQueryTransport().Respond("DescribeAlarms", Alarms);
        var client = new CloudWatchClient(transport, new CloudWatchPacer(1, clock));
        await client.DescribeAlarmsAsync(["a"], null);
        using var cancel = new CancellationTokenSource();

        var waiting = client.DescribeAlarmsAsync(["a"], null, cancel.Token);
        waiting.IsCompleted.Should().BeFalse();
        await cancel.CancelAsync();

        await waiting.Invoking(w => w).Should().ThrowAsync<OperationCanceledException>();
        transport.CallsTo("DescribeAlarms").Should().HaveCount(1);
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
