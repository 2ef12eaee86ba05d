using Spot.Deploy.Testing;

namespace Spot.Deploy.Elastigroup.Tests.Client;

public sealed class SpotRateLimiterTests
{
    [Fact]
    public async Task AcquireAsync_WindowFull_WaitsUntilTheOldestCallLeavesTheWindow()
    {
        var clock = new VirtualClock { AutoAdvanceLimit = TimeSpan.FromMinutes(2) };
        var limiter = new SpotRateLimiter(2, clock);

        (await limiter.AcquireAsync("GET", "/aws/ec2/group")).Should().Be(TimeSpan.Zero);
        clock.Advance(TimeSpan.FromSeconds(10));
        (await limiter.AcquireAsync("GET", "/aws/ec2/group")).Should().Be(TimeSpan.Zero);
        var waited = await limiter.AcquireAsync("GET", "/aws/ec2/group");

        waited.Should().Be(TimeSpan.FromSeconds(50), "the first call leaves the window 60 s after it was made");
        (await limiter.AcquireAsync("PUT", "/aws/ec2/group")).Should().Be(TimeSpan.Zero, "each route and method has its own window");
    }

    [Fact]
    public async Task CompletedSlot_CountsFromItsAnswer_AsSpotCountsFromArrival()
    {
        var clock = new VirtualClock { AutoAdvanceLimit = TimeSpan.FromMinutes(2) };
        var limiter = new SpotRateLimiter(1, clock);
        var (_, slot) = await limiter.AcquireSlotAsync("GET", "/aws/ec2/group");
        clock.Advance(TimeSpan.FromSeconds(30));
        limiter.Complete(slot);

        var waited = await limiter.AcquireAsync("GET", "/aws/ec2/group");

        waited.Should().Be(TimeSpan.FromSeconds(60), "the slot was re-stamped when the answer came, 30 s after it was granted");
    }

    [Fact]
    public async Task Unlimited_NeverWaits()
    {
        var limiter = new SpotRateLimiter(0, new VirtualClock());

        for (var i = 0; i < 1000; i++)
        {
            (await limiter.AcquireAsync("GET", "/aws/ec2/group")).Should().Be(TimeSpan.Zero);
        }
    }

    [Fact]
    public async Task AcquireAsync_PauseEndingBetweenTwoMilliseconds_WaitsPastItAndReturns()
    {
        var clock = new VirtualClock { AutoAdvanceLimit = TimeSpan.FromMinutes(2) };
        var limiter = new SpotRateLimiter(300, clock, randomSeed: 42);
        await limiter.AcquireAsync("POST", "/aws/ec2/group");
        var pause = limiter.Observe("POST", "/aws/ec2/group", rateLimited: true, new SpotRateLimitHeaders(null, null, TimeSpan.FromSeconds(1.0004)))!.Value.Pause;
        (pause.Ticks % TimeSpan.TicksPerMillisecond).Should().NotBe(0, "a reset of 1.0004 s ends the pause between two milliseconds");

        // Task.Delay counts whole milliseconds: a guard against the wait spinning on a remainder below one.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var waited = await limiter.AcquireAsync("POST", "/aws/ec2/group", guard.Token);

        waited.Should().BeGreaterThanOrEqualTo(pause).And.BeLessThan(pause + TimeSpan.FromMilliseconds(1));
        clock.GetUtcNow().Should().BeOnOrAfter(limiter.Adaptive.PausedUntil);
    }
}
