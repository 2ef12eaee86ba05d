namespace Spot.Deploy.Aws;

/// <summary>
/// Spaces the CloudWatch calls of one connection to at most <see cref="AwsConnectionOptions.CloudWatchRequestsPerSecond"/>:
/// each call takes the next free moment (at least 1/rate after the previous one) and waits for it on the connection's
/// clock. Many deployments of one process share the connection, so their analyses queue here instead of bursting into
/// CloudWatch's per-account limit and spending their retries on <c>Throttling</c>; calls of other processes on the
/// account are still met by the retries.
/// </summary>
internal sealed class CloudWatchPacer
{
    private readonly object _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _spacing;
    private DateTimeOffset _next = DateTimeOffset.MinValue;

    /// <param name="requestsPerSecond">Calls per second; 0 lets every call go at once.</param>
    /// <param name="timeProvider">The clock waits run on.</param>
    public CloudWatchPacer(double requestsPerSecond, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(requestsPerSecond);
        _timeProvider = timeProvider;
        _spacing = requestsPerSecond == 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)Math.Ceiling(TimeSpan.TicksPerSecond / requestsPerSecond));
    }

    /// <summary>Reserves the next moment a call may start and waits for it; returns how long it waited.</summary>
    public async Task<TimeSpan> WaitTurnAsync(CancellationToken cancellationToken)
    {
        if (_spacing == TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        DateTimeOffset turn;
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            turn = _next > now ? _next : now;
            _next = turn + _spacing;
        }

        var wait = turn - now;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _timeProvider, cancellationToken).ConfigureAwait(false);
        }

        return wait;
    }
}
