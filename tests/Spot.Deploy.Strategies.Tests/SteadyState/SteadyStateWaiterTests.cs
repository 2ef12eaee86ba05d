namespace Spot.Deploy.Strategies.Tests.SteadyState;

/// <summary>
/// <see cref="SteadyStateWaiter"/> against the real emulator. With the default options the pauses between
/// polls are 2, 3, 4.5, 6.75, 10.125, 15.187 s and then 20 s, so polls fall at 0, 2, 5, 9.5, 16.25,
/// 26.375, 41.562, 61.562, 81.562 … s of virtual time (back to 2 s whenever the healthy count grows).
/// </summary>
public sealed class SteadyStateWaiterTests : SteadyStateTestBase
{
    [Fact]
    public async Task WaitAsync_ScaleUpFromZero_DetectsReadinessWithinOnePollInterval()
    {
        var groupId = SeedGroup(target: 0);
        await Spot.UpdateCapacityAsync(groupId, 0, 3, 5);

        var result = await CreateWaiter().WaitAsync(groupId, 3);

        // Ready at 60 s (30 s boot + 30 s health check); the poll at 41.562 s misses it and the next,
        // 20 s later at 61.562 s, sees it: a detection lag of 1.562 s, within the 20 s bound.
        result.Healthy.Should().Be(3);
        result.Total.Should().Be(3);
        result.Elapsed.Should().BeGreaterThanOrEqualTo(Seconds(60)).And.BeLessThanOrEqualTo(Seconds(60 + 20));
        result.Elapsed.Should().Be(Seconds(61.562));

        // A fixed 20 s poller needs 4 polls here (0, 20, 40, 60 s); we make 8. The extra polls are the
        // 6 short ones before the pause reaches 20 s, a constant however long the wait; from then on
        // we poll exactly as often as the fixed poller.
        const int FixedPollerPolls = 4;
        result.Polls.Should().Be(8);
        result.Polls.Should().BeLessThanOrEqualTo(FixedPollerPolls + 6);
    }

    [Fact]
    public async Task WaitAsync_HealthyCountGrows_PollsSoonAgainAndDetectsTheRestQuickly()
    {
        var groupId = SeedGroup(target: 3);
        var instances = State.GetInstances(groupId).Select(i => i.InstanceId).ToList();
        State.Interrupt(instances[0]).Should().NotBeNull("its replacement is healthy at 60 s");
        var recorder = new EventRecorder(poll =>
        {
            if (poll.Polls == 4)
            {
                // At 9.5 s: a second interruption, whose replacement is healthy at 69.5 s.
                State.Interrupt(instances[1]).Should().NotBeNull();
            }
        });

        var result = await CreateWaiter().WaitAsync(groupId, 3, progress: recorder);

        // Healthy goes 2 → 1 (second interruption) → 2 at the 61.562 s poll. That growth resets the pause
        // to 2 s: polls at 63.562, 66.562 and 71.062 s, which sees all 3 (1.562 s after 69.5 s).
        // Without the reset the next poll would have been at 81.562 s.
        recorder.Events.Select(e => e.Healthy).Should().Equal(2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3);
        result.Polls.Should().Be(11);
        result.Elapsed.Should().Be(Seconds(71.062));
    }

    [Fact]
    public async Task WaitAsync_Progress_ReportsEveryPollInOrderWithGrowingHealthy()
    {
        var groupId = SeedGroup(target: 1);
        await Spot.UpdateCapacityAsync(groupId, 0, 3, 5);
        var start = Clock.GetUtcNow();
        var recorder = new EventRecorder();

        var result = await CreateWaiter().WaitAsync(groupId, 3, progress: recorder);

        var events = recorder.Events;
        events.Should().HaveCount(result.Polls);
        events.Select(e => e.Polls).Should().Equal(Enumerable.Range(1, result.Polls));
        events.Should().OnlyContain(e => e.GroupId == groupId && e.Target == 3 && e.Total == 3);
        events.Select(e => e.Healthy).Should().BeInAscendingOrder();
        events[0].Healthy.Should().Be(1, "the seeded instance is healthy already");
        events[^1].Healthy.Should().Be(3);
        events.Select(e => e.Time).Should().BeInAscendingOrder();
        events[0].Time.Should().Be(start, "the first poll is made at once");
        events[^1].Time.Should().Be(start + result.Elapsed);
    }

    [Fact]
    public async Task WaitAsync_ScaleDownToZero_SteadyWhenTheGroupIsEmpty()
    {
        var groupId = SeedGroup(target: 3);
        await Spot.UpdateCapacityAsync(groupId, 0, 0, 5);

        var result = await CreateWaiter().WaitAsync(groupId, 0);

        result.Should().Be(new SteadyStateResult(0, 0, 1, TimeSpan.Zero));
    }

    [Fact]
    public async Task WaitAsync_TargetZeroWithInstancesLeft_TimesOut()
    {
        var groupId = SeedGroup(target: 2);

        var wait = () => CreateWaiter().WaitAsync(groupId, 0, options: new SteadyStateOptions { Timeout = TimeSpan.FromMinutes(1) });

        var thrown = (await wait.Should().ThrowAsync<SteadyStateTimeoutException>()).Which;
        thrown.Total.Should().Be(2);
        thrown.Message.Should().Contain("no instances").And.Contain("0 healthy of 2 instance(s)");
    }

    [Fact]
    public async Task WaitAsync_NeverHealthyImage_TimesOutNamingWhatWasSeen()
    {
        State.MarkImageNeverHealthy("ami-0badbad0");
        var groupId = SeedGroup(target: 0, imageId: "ami-0badbad0");
        await Spot.UpdateCapacityAsync(groupId, 0, 2, 5);
        var recorder = new EventRecorder();
        var options = new SteadyStateOptions { Timeout = TimeSpan.FromMinutes(5) };

        var wait = () => CreateWaiter().WaitAsync(groupId, 2, options: options, progress: recorder);

        var thrown = (await wait.Should().ThrowAsync<SteadyStateTimeoutException>()).Which;
        thrown.GroupId.Should().Be(groupId);
        thrown.Target.Should().Be(2);
        thrown.Healthy.Should().Be(0);
        thrown.Total.Should().Be(2);
        thrown.Elapsed.Should().Be(TimeSpan.FromMinutes(5), "the last pause is cut short to poll once more at the deadline");

        // 7 polls up to 41.562 s, 12 more every 20 s up to 281.562 s, and a last one at 300 s.
        thrown.Polls.Should().Be(20);
        thrown.Message.Should().Contain(groupId).And.Contain("2 healthy instance(s) out of 2").And.Contain("0 healthy of 2 instance(s)").And.Contain("00:05:00");
        var pauses = recorder.Events.Zip(recorder.Events.Skip(1), (a, b) => b.Time - a.Time).ToList();
        pauses.Take(7).Should().Equal(Seconds(2), Seconds(3), Seconds(4.5), Seconds(6.75), Seconds(10.125), Seconds(15.187), Seconds(20));
        pauses.Should().OnlyContain(p => p > TimeSpan.Zero && p <= Seconds(20), "the reference's 20 s interval is never exceeded");
    }

    [Fact]
    public async Task WaitAsync_CancelledDuringAPause_StopsAtOnce()
    {
        var groupId = SeedGroup(target: 0);
        await Spot.UpdateCapacityAsync(groupId, 0, 3, 5);
        using var cancellation = new CancellationTokenSource();
        var secondPoll = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var recorder = new EventRecorder(poll =>
        {
            if (poll.Polls == 2)
            {
                // From now on pauses never end by themselves: only cancellation can end the wait.
                Clock.AutoAdvanceLimit = null;
                secondPoll.SetResult();
            }
        });

        var wait = CreateWaiter().WaitAsync(groupId, 3, progress: recorder, cancellationToken: cancellation.Token);
        await secondPoll.Task;
        var pausedAt = Clock.GetUtcNow();
        await cancellation.CancelAsync();

        var act = () => wait.WaitAsync(TimeSpan.FromSeconds(30));
        await act.Should().ThrowAsync<OperationCanceledException>();
        recorder.Events.Should().HaveCount(2);
        Clock.GetUtcNow().Should().Be(pausedAt, "no virtual time passes after cancellation");
    }

    [Fact]
    public async Task WaitAsync_AlreadyCancelled_MakesNoCall()
    {
        var groupId = SeedGroup(target: 1);
        Emulator.Calls.Clear();

        var wait = () => CreateWaiter().WaitAsync(groupId, 1, cancellationToken: new CancellationToken(canceled: true));

        await wait.Should().ThrowAsync<OperationCanceledException>();
        Emulator.Calls.All.Should().BeEmpty();
    }
}
