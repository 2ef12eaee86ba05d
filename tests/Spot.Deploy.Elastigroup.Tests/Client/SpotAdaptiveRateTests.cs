using Spot.Deploy.Testing;

namespace Spot.Deploy.Elastigroup.Tests.Client;

/// <summary>
/// The back-off learnt from Spot's answers (<see cref="SpotAdaptiveRate"/>), on a virtual clock with a fixed jitter seed:
/// pause after a 429, AIMD decrease and slow recovery, and pacing by <c>X-RateLimit-Remaining</c>.
/// </summary>
public sealed class SpotAdaptiveRateTests
{
    private const string Key = "GET /aws/ec2/group/{groupId}/status";
    private const string OtherKey = "PUT /aws/ec2/group/{groupId}/capacity";
    private readonly VirtualClock _clock = new();

    private SpotAdaptiveRate Rate(int seed = 7) => new(_clock, new Random(seed));

    private static SpotRateLimitHeaders RateLimited(int resetSeconds) => new(100, 0, TimeSpan.FromSeconds(resetSeconds));

    /// <summary>Sends <paramref name="count"/> calls evenly over <paramref name="span"/> with no back-off in the way.</summary>
    private void Send(SpotAdaptiveRate rate, int count, TimeSpan span)
    {
        for (var i = 0; i < count; i++)
        {
            rate.Reserve(Key).Delay.Should().Be(TimeSpan.Zero);
            _clock.Advance(span / count);
        }
    }

    [Fact]
    public void NoAnswerYet_NeverWaits_AndDoesNotPace()
    {
        var rate = Rate();

        for (var i = 0; i < 1000; i++)
        {
            rate.Reserve(Key).Delay.Should().Be(TimeSpan.Zero);
        }

        rate.PermittedPerMinute.Should().BeNull();
    }

    [Fact]
    public void Observe429_PausesEveryRoute_ForTheResetPlusAtMostTheResetAgain()
    {
        var rate = Rate();
        Send(rate, 10, TimeSpan.FromSeconds(10));

        var backOff = rate.Observe(Key, rateLimited: true, RateLimited(8))!.Value;
        var (delay, reason) = rate.Reserve(OtherKey);

        backOff.Pause.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(8)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(16));
        delay.Should().Be(backOff.Pause, "a 429 on one route pauses the process's calls on every route");
        reason.Should().Be("after a 429");
    }

    [Fact]
    public void Observe429_Jitter_DiffersBetweenProcesses_AndRepeatsForOneSeed()
    {
        var pauses = new[] { 1, 2, 3, 1 }.Select(seed =>
        {
            var rate = Rate(seed);
            return rate.Observe(Key, rateLimited: true, RateLimited(20))!.Value.Pause;
        }).ToList();

        pauses[0].Should().Be(pauses[3], "the same seed gives the same jitter");
        pauses.Take(3).Distinct().Should().HaveCount(3, "processes refused together come back apart");
        pauses.Should().OnlyContain(p => p >= TimeSpan.FromSeconds(20) && p <= TimeSpan.FromSeconds(20) + SpotAdaptiveRate.MaxJitter, "jitter is at most 15 s");
    }

    [Fact]
    public void Observe429_ResetBeyondAMinute_PausesAtMostAMinutePlusJitter()
    {
        var rate = Rate();

        var pause = rate.Observe(Key, rateLimited: true, RateLimited(3600))!.Value.Pause;

        pause.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMinutes(1)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(75));
    }

    [Fact]
    public void Observe429_CutsTheRateSent_AndPacesCallsToIt()
    {
        var rate = Rate();
        Send(rate, 60, TimeSpan.FromSeconds(30));   // 120 calls a minute

        var backOff = rate.Observe(Key, rateLimited: true, RateLimited(5))!.Value;

        var expected = 120 * SpotAdaptiveRate.Decrease;
        backOff.PermittedPerMinute.Should().BeApproximately(expected, 0.01, "cut from the 120 calls a minute sent");
        var delays = Enumerable.Range(0, 6).Select(i => rate.Reserve(i % 2 == 0 ? Key : OtherKey).Delay).ToList();

        var spacing = 60 / expected;
        delays.Select(d => (d - delays[0]).TotalSeconds).Should().Equal(
            new[] { 0, 0, 0, spacing, 2 * spacing, 3 * spacing },
            (a, b) => Math.Abs(a - b) < 0.001,
            "paced whatever the route: a burst of three when the pause ends, then one per spacing");
    }

    [Fact]
    public void Observe429_ManyAnswersOfOnePause_DecreaseOnce()
    {
        var rate = Rate();
        Send(rate, 60, TimeSpan.FromSeconds(30));

        rate.Observe(Key, rateLimited: true, RateLimited(5));
        rate.Observe(OtherKey, rateLimited: true, RateLimited(5));
        var third = rate.Observe(Key, rateLimited: true, RateLimited(5))!.Value;

        third.PermittedPerMinute.Should().BeApproximately(120 * SpotAdaptiveRate.Decrease, 0.01, "calls in flight when the first 429 came were refused for the same reason");
    }

    [Fact]
    public void Observe429_AfterThePause_DecreasesAgain_DownToTheMinimum()
    {
        var rate = Rate();
        Send(rate, 60, TimeSpan.FromSeconds(30));
        var permitted = new List<double>();

        for (var i = 0; i < 12; i++)
        {
            var backOff = rate.Observe(Key, rateLimited: true, RateLimited(1))!.Value;
            permitted.Add(backOff.PermittedPerMinute);
            _clock.Advance(backOff.Pause);
        }

        permitted.Should().BeInDescendingOrder();
        permitted[1].Should().BeLessThanOrEqualTo(permitted[0] * (SpotAdaptiveRate.Decrease + 0.05), "cut again (from a rate that recovered a little during the pause)");
        permitted[^1].Should().Be(SpotAdaptiveRate.MinimumPerMinute);
    }

    [Fact]
    public void WithoutA429_TheRateRecoversLinearly_ThenPacingEnds()
    {
        var rate = Rate();
        Send(rate, 60, TimeSpan.FromSeconds(30));
        rate.Observe(Key, rateLimited: true, RateLimited(1));

        var afterDecrease = rate.PermittedPerMinute;
        _clock.Advance(TimeSpan.FromMinutes(0.25));
        var afterAQuarter = rate.PermittedPerMinute;
        _clock.Advance(TimeSpan.FromMinutes(0.75));
        var afterAMinute = rate.PermittedPerMinute;

        var decreased = 120 * SpotAdaptiveRate.Decrease;
        afterDecrease.Should().BeApproximately(decreased, 0.01);
        afterAQuarter.Should().BeApproximately(decreased * (1 + (SpotAdaptiveRate.RecoveryPerMinute / 4)), 0.01, "the decreased rate comes back linearly");
        afterAMinute.Should().BeNull("back at the 120 calls a minute the decrease began from: no more pacing");
        rate.Reserve(Key).Delay.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public void SuccessfulAnswers_DoNotPause()
    {
        var rate = Rate();

        rate.Observe(Key, rateLimited: false, new SpotRateLimitHeaders(100, 90, TimeSpan.FromSeconds(30))).Should().BeNull();

        rate.Reserve(Key).Delay.Should().Be(TimeSpan.Zero);
        rate.PermittedPerMinute.Should().BeNull();
    }

    [Fact]
    public void RemainingLow_SpreadsTheRoutesNextCallsOverTheTimeToReset()
    {
        var rate = Rate();
        rate.Observe(Key, rateLimited: false, new SpotRateLimitHeaders(20, 3, TimeSpan.FromSeconds(40)));

        var delays = Enumerable.Range(0, 3).Select(_ => rate.Reserve(Key)).ToList();
        var other = rate.Reserve(OtherKey).Delay;

        delays.Select(d => d.Delay).Should().Equal(TimeSpan.Zero, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20));
        delays[1].Reason.Should().Be("X-RateLimit-Remaining was 2");
        other.Should().Be(TimeSpan.Zero, "Spot counts per route and method: another route's budget is its own");
    }

    [Fact]
    public void RemainingPlenty_DoesNotPace()
    {
        var rate = Rate();
        rate.Observe(Key, rateLimited: false, new SpotRateLimitHeaders(20, 10, TimeSpan.FromSeconds(40)));

        Enumerable.Range(0, 6).Select(_ => rate.Reserve(Key).Delay).Should().OnlyContain(d => d == TimeSpan.Zero, "10 of 20 left: more than a fifth");
    }

    [Fact]
    public void RemainingZero_WaitsForTheReset_ThenTheBudgetIsForgotten()
    {
        var rate = Rate();
        rate.Observe(Key, rateLimited: false, new SpotRateLimitHeaders(20, 0, TimeSpan.FromSeconds(12)));

        var (delay, reason) = rate.Reserve(Key);
        _clock.Advance(delay);
        var after = rate.Reserve(Key).Delay;

        delay.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(12)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(24));
        reason.Should().Be("X-RateLimit-Remaining was 0");
        after.Should().Be(TimeSpan.Zero, "past the reset the old budget says nothing");
    }
}
