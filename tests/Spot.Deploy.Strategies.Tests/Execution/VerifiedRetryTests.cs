using Spot.Deploy.Resilience;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Strategies.Tests.Execution;

/// <summary>The one verify-then-retry: a write whose answer was lost is checked before it is sent again, never blindly repeated.</summary>
public sealed class VerifiedRetryTests
{
    private readonly VirtualClock _clock = new() { AutoAdvanceLimit = TimeSpan.FromHours(1) };

    private VerifiedRetry Retry(int retries = 3) =>
        new(retries, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8), _clock, e => e is TimeoutException);

    [Fact]
    public async Task ClearAnswer_SentOnce_NeverChecked()
    {
        var sends = 0;
        var checks = 0;

        var result = await Retry().ExecuteAsync(_ => { sends++; return Task.FromResult("done"); }, _ => { checks++; return Task.FromResult<string?>(null); }, null, default);

        result.Should().Be("done");
        (sends, checks).Should().Be((1, 0));
    }

    [Fact]
    public async Task UnclearAnswer_ThenTheCheckFindsItHappened_NotSentAgain()
    {
        var sends = 0;
        var told = new List<int>();

        var result = await Retry().ExecuteAsync(
            _ => { sends++; throw new TimeoutException("no answer"); },
            _ => Task.FromResult<string?>("found"),
            (_, attempt) => told.Add(attempt),
            default);

        result.Should().Be("found");
        sends.Should().Be(1, "the check found the first attempt's effect");
        told.Should().Equal(1);
    }

    [Fact]
    public async Task UnclearAnswer_ThenTheCheckFindsNothing_SentAgainAfterAPause()
    {
        var sends = 0;
        var started = _clock.GetUtcNow();
        var sentAt = new List<TimeSpan>();

        var result = await Retry().ExecuteAsync(
            _ =>
            {
                sentAt.Add(_clock.GetUtcNow() - started);
                return ++sends == 1 ? throw new TimeoutException() : Task.FromResult("second");
            },
            _ => Task.FromResult<string?>(null),
            null,
            default);

        result.Should().Be("second");
        sends.Should().Be(2);
        sentAt[1].Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(1.5), "the base, stretched by up to half");
    }

    [Theory]
    [InlineData(0, 0.0, 1.0)]
    [InlineData(0, 0.999, 1.4995)]
    [InlineData(1, 0.0, 2.0)]
    [InlineData(2, 0.5, 5.0)]
    [InlineData(3, 0.0, 8.0)]
    [InlineData(3, 0.9, 8.0)]
    [InlineData(40, 0.9, 8.0)]
    public void Pause_DoublesFromTheBase_StretchedByUpToHalf_Capped(int attempt, double jitter, double seconds) =>
        VerifiedRetry.Pause(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8), attempt, jitter).TotalSeconds.Should().BeApproximately(seconds, 0.0001);

    [Fact]
    public async Task ClearFailure_SurfacesAtOnce_WithoutACheck()
    {
        var checks = 0;

        var run = () => Retry().ExecuteAsync<string>(_ => throw new InvalidOperationException("refused"), _ => { checks++; return Task.FromResult<string?>(null); }, null, default);

        await run.Should().ThrowAsync<InvalidOperationException>().WithMessage("refused");
        checks.Should().Be(0);
    }

    [Fact]
    public async Task AlwaysUnclear_GivesUpAfterTheRetries_WithTheLastFailure()
    {
        var sends = 0;
        var checks = 0;

        var run = () => Retry(retries: 2).ExecuteAsync<string>(
            _ => { sends++; throw new TimeoutException($"attempt {sends}"); },
            _ => { checks++; return Task.FromResult<string?>(null); },
            null,
            default);

        await run.Should().ThrowAsync<TimeoutException>().WithMessage("attempt 3");
        (sends, checks).Should().Be((3, 2), "one check before each re-send");
    }

    [Fact]
    public async Task Cancelled_StopsWithoutSendingAgain()
    {
        using var cancellation = new CancellationTokenSource();
        var sends = 0;

        var run = () => Retry().ExecuteAsync<string>(
            _ => { sends++; cancellation.Cancel(); throw new TimeoutException(); },
            _ => Task.FromResult<string?>(null),
            null,
            cancellation.Token);

        await run.Should().ThrowAsync<OperationCanceledException>();
        sends.Should().Be(1);
    }

    [Fact]
    public async Task NoRetries_TheFirstFailureSurfaces()
    {
        var run = () => Retry(retries: 0).ExecuteAsync<string>(_ => throw new TimeoutException("once"), _ => Task.FromResult<string?>("never asked"), null, default);

        await run.Should().ThrowAsync<TimeoutException>().WithMessage("once");
    }
}
