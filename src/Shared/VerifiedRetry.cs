using Polly;
using Polly.Retry;

namespace Spot.Deploy.Resilience;

/// <summary>
/// The one way Spot.Deploy repeats a write whose answer may have been lost (a timeout, a dropped connection, a 5xx):
/// before each re-send it checks whether the first attempt happened after all, and only sends again when it did not.
/// Retries follow a jittered exponential back-off with a cap (Polly), on the given clock, and stop on cancellation.
/// </summary>
/// <remarks>
/// Compiled into each package that sends such writes (group create, listener and rule modify, roll start, clean-up):
/// one source, no public surface.
/// </remarks>
internal sealed class VerifiedRetry
{
    /// <summary>Creates the retry.</summary>
    /// <param name="maxRetries">Re-sends after the first attempt (0: none).</param>
    /// <param name="baseDelay">The first pause; each later one doubles, with jitter.</param>
    /// <param name="maxDelay">The cap of a pause.</param>
    /// <param name="timeProvider">The clock the pauses run on.</param>
    /// <param name="isUnclear">The failures after which the write may or may not have happened (others surface at once).</param>
    public VerifiedRetry(int maxRetries, TimeSpan baseDelay, TimeSpan maxDelay, TimeProvider timeProvider, Func<Exception, bool> isUnclear)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetries);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(isUnclear);
        MaxRetries = maxRetries;
        IsUnclear = isUnclear;
        if (maxRetries == 0)
        {
            Pipeline = ResiliencePipeline.Empty;
            return;
        }

        Pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException && isUnclear(e)),
                MaxRetryAttempts = maxRetries,
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Pause(baseDelay, maxDelay, args.AttemptNumber, Random.Shared.NextDouble())),
            })
            .Build();
    }

    /// <summary>Re-sends after the first attempt.</summary>
    public int MaxRetries { get; }

    /// <summary>
    /// The pause before re-send <paramref name="attempt"/> (from 0): the base doubled per attempt, capped, then stretched
    /// by up to half at random (<paramref name="jitter"/> in [0, 1)) so that many runners do not retry in step; never
    /// shorter than the base, never longer than the cap.
    /// </summary>
    public static TimeSpan Pause(TimeSpan baseDelay, TimeSpan maxDelay, int attempt, double jitter)
    {
        var doubled = baseDelay.Ticks * Math.Pow(2, Math.Min(attempt, 30));
        var stretched = Math.Min(doubled, maxDelay.Ticks) * (1 + (0.5 * jitter));
        return TimeSpan.FromTicks((long)Math.Min(stretched, maxDelay.Ticks));
    }

    /// <summary>Which failures leave the write's effect unknown.</summary>
    public Func<Exception, bool> IsUnclear { get; }

    private ResiliencePipeline Pipeline { get; }

    /// <summary>
    /// Sends the write; after an unclear failure, pauses, asks <paramref name="check"/> whether it happened (its
    /// result, or null when it did not), and sends again only when it did not.
    /// </summary>
    /// <param name="send">The write.</param>
    /// <param name="check">Finds the effect of an earlier attempt: the result it would have returned, or null.</param>
    /// <param name="onUnclear">Told of each unclear failure before the pause (attempt number from 1), e.g. to log it.</param>
    /// <param name="cancellationToken">Stops the pauses, checks and sends.</param>
    /// <returns>The write's result, or what the check found.</returns>
    public async Task<T> ExecuteAsync<T>(
        Func<CancellationToken, Task<T>> send,
        Func<CancellationToken, Task<T?>> check,
        Action<Exception, int>? onUnclear,
        CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(check);
        var attempt = 0;
        return await Pipeline.ExecuteAsync(async token =>
        {
            attempt++;
            if (attempt > 1 && await check(token).ConfigureAwait(false) is { } found)
            {
                return found;
            }

            try
            {
                return await send(token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException && IsUnclear(e))
            {
                onUnclear?.Invoke(e, attempt);
                throw;
            }
        }, cancellationToken).ConfigureAwait(false);
    }
}
