namespace Spot.Deploy.Strategies.Tests.SteadyState;

/// <summary>
/// <see cref="SteadyStateWaiter"/> against the real emulator. A wait for new instances (fewer healthy than
/// the target at the first poll) polls at once and then every 10 s (MaxPollInterval) — new instances need a
/// boot and a health check — until the healthy count grows; then pauses of 2, 3, 4.5, 6.75 s … up to 10 s.
/// Other waits back off from 2 s at once. A waiter learns when new instances became healthy and, in its next
/// wait for new instances, looks at the middle and the end of that interval.
/// </summary>
public sealed class SteadyStateWaiterTests : SteadyStateTestBase
{
    [Fact]
    public async Task WaitAsync_ScaleUpFromZero_DetectsReadinessWithinOnePollInterval()
    {
        var groupId = SeedGroup(target: 0);
        await Spot.UpdateCapacityAsync(groupId, 0, 3, 5);

        var result = await CreateWaiter().WaitAsync(groupId, 3);

        // Ready at 60 s (30 s boot + 30 s health check); polls every 10 s see it at 60 s exactly.
        result.Healthy.Should().Be(3);
        result.Total.Should().Be(3);
        result.Elapsed.Should().Be(Seconds(60));

        // 0, 10, … 60 s: 7 polls; a fixed 20 s poller makes 4 (0, 20, 40, 60 s) with a lag of up to 20 s.
        result.Polls.Should().Be(7);
    }

    [Fact]
    public async Task WaitAsync_ReadinessOffTheGrid_LagsByLessThanTenSeconds()
    {
        State.SetImageBootTime("ami-11111111", Seconds(33));
        var groupId = SeedGroup(target: 0);
        await Spot.UpdateCapacityAsync(groupId, 0, 2, 5);

        var result = await CreateWaiter().WaitAsync(groupId, 2);

        // Ready at 63 s; seen at the 70 s poll.
        result.Elapsed.Should().Be(Seconds(70));
        result.Polls.Should().Be(8);
    }

    [Fact]
    public async Task WaitAsync_SecondWaitForNewInstances_LooksWhenReadinessIsDue()
    {
        State.SetImageBootTime("ami-11111111", Seconds(33));
        var groupId = SeedGroup(target: 0);
        var waiter = CreateWaiter();
        await Spot.UpdateCapacityAsync(groupId, 0, 1, 5);
        var first = await waiter.WaitAsync(groupId, 1);
        waiter.LearnedReadiness().Should().Be((Seconds(60), Seconds(70)), "the 60 s poll saw none healthy, the 70 s poll saw it");

        await Spot.UpdateCapacityAsync(groupId, 0, 2, 5);
        var recorder = new EventRecorder();
        var second = await waiter.WaitAsync(groupId, 2, progress: recorder);

        // Ready at 63 s again: polls at 0 s, at 65 s (middle of the learned 60–70 s) — seen.
        first.Elapsed.Should().Be(Seconds(70));
        second.Polls.Should().Be(2);
        second.Elapsed.Should().Be(Seconds(65));
        waiter.LearnedReadiness().Should().Be((Seconds(60), Seconds(65)), "the intervals of both waits intersect");

        // A third wait: middle 62.5 s (not yet), end 65 s (seen): 3 polls, 2 s after readiness.
        await Spot.UpdateCapacityAsync(groupId, 0, 3, 5);
        var third = await waiter.WaitAsync(groupId, 3);
        third.Polls.Should().Be(3);
        third.Elapsed.Should().Be(Seconds(65));
        waiter.LearnedReadiness().Should().Be((Seconds(62.5), Seconds(65)));
    }

    [Fact]
    public async Task WaitAsync_ReadinessLaterThanLearned_FallsBackToPolling()
    {
        var groupId = SeedGroup(target: 0);
        var waiter = CreateWaiter();
        await Spot.UpdateCapacityAsync(groupId, 0, 1, 5);
        await waiter.WaitAsync(groupId, 1);
        waiter.LearnedReadiness().Should().Be((Seconds(50), Seconds(60)));
        State.SetImageBootTime("ami-11111111", Seconds(60));

        await Spot.UpdateCapacityAsync(groupId, 0, 2, 5);
        var result = await waiter.WaitAsync(groupId, 2);

        // Ready at 90 s: polls at 0, 55, 60, then 2, 3, 4.5, 6.75, 10, 10 s later: 62, 65, 69.5, 76.25, 86.25, 96.25.
        result.Elapsed.Should().Be(Seconds(96.25));
        result.Polls.Should().Be(9);
        waiter.LearnedReadiness().Should().Be((Seconds(86.25), Seconds(96.25)), "a disagreeing interval replaces the old one");
    }

    [Fact]
    public async Task WaitAsync_LearningOff_KeepsPollingOnTheGrid()
    {
        var groupId = SeedGroup(target: 0);
        var waiter = CreateWaiter();
        var options = new SteadyStateOptions { LearnReadinessTime = false };
        await Spot.UpdateCapacityAsync(groupId, 0, 1, 5);
        await waiter.WaitAsync(groupId, 1, options: options);
        await Spot.UpdateCapacityAsync(groupId, 0, 2, 5);

        var result = await waiter.WaitAsync(groupId, 2, options: options);

        waiter.LearnedReadiness().Should().BeNull();
        result.Polls.Should().Be(7);
        result.Elapsed.Should().Be(Seconds(60));
    }

    [Fact]
    public async Task WaitAsync_PollWithTooFewHealthy_DoesNotReadTheGroupStatus()
    {
        var groupId = SeedGroup(target: 0);
        await Spot.UpdateCapacityAsync(groupId, 0, 2, 5);
        Emulator.Calls.Clear();

        var result = await CreateWaiter().WaitAsync(groupId, 2);

        var calls = Emulator.Calls.All.Select(c => c.Path.EndsWith("/status", StringComparison.Ordinal) ? "status" : "health").ToList();
        calls.Count(c => c == "health").Should().Be(result.Polls);
        calls.Count(c => c == "status").Should().Be(1, "only the poll that sees enough healthy instances confirms the total");
    }

    [Fact]
    public async Task WaitAsync_HealthyCountGrows_PollsSoonAgainAndDetectsTheRestQuickly()
    {
        var groupId = SeedGroup(target: 3);
        var instances = State.GetInstances(groupId).Select(i => i.InstanceId).ToList();
        State.Interrupt(instances[0]).Should().NotBeNull("its replacement is healthy at 60 s");
        var recorder = new EventRecorder(poll =>
        {
            if (poll.Polls == 2)
            {
                // At 10 s: a second interruption, whose replacement is healthy at 70 s.
                State.Interrupt(instances[1]).Should().NotBeNull();
            }
        });

        var result = await CreateWaiter().WaitAsync(groupId, 3, progress: recorder);

        // A wait for a new instance: polls every 10 s. Healthy goes 2 → 1 (second interruption) → 2 at the
        // 60 s poll. That growth resets the pause to 2 s: polls at 62, 65 and 69.5 s (2 healthy) and 76.25 s,
        // which sees all 3 (6.25 s after 70 s). Without the reset the next poll would have been at 70 s too,
        // but a longer wait would keep the 10 s step.
        recorder.Events.Select(e => e.Healthy).Should().Equal(2, 2, 1, 1, 1, 1, 2, 2, 2, 2, 3);
        result.Polls.Should().Be(11);
        result.Elapsed.Should().Be(Seconds(76.25));
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

        // A wait for new instances: a poll every 10 s from 0 to 300 s.
        thrown.Polls.Should().Be(31);
        thrown.Message.Should().Contain(groupId).And.Contain("2 healthy instance(s) out of 2").And.Contain("0 healthy of 2 instance(s)").And.Contain("00:05:00");
        var pauses = recorder.Events.Zip(recorder.Events.Skip(1), (a, b) => b.Time - a.Time).ToList();
        pauses.Should().OnlyContain(p => p == Seconds(10), "MaxPollInterval is never exceeded, and new instances are not polled for every 2 s");
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
