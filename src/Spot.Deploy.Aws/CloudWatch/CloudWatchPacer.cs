namespace Spot.Deploy.Aws;

/// <summary>
/// Spaces every CloudWatch attempt of one connection — first attempts and retries alike — to at most
/// <see cref="AwsConnectionOptions.CloudWatchRequestsPerSecond"/>: each attempt takes the next free moment (at least
/// 1/rate after the previous one) and waits for it on the connection's clock. Many deployments of one process share the
/// connection, so their analyses queue here instead of bursting into CloudWatch's per-account limit.
/// <para>
/// A <c>Throttling</c> answer means someone else spends the account's limit too (another process, another tool) or the
/// answers arrived closer together than they were sent: the pace drops to <see cref="Decrease"/> of itself (once per
/// second: calls refused together are one signal) and climbs back linearly to the configured pace over
/// <see cref="Recovery"/>. Thread-safe; every wait is on the <see cref="TimeProvider"/>.
/// </para>
/// </summary>
internal sealed class CloudWatchPacer
{
    /// <summary>The factor a <c>Throttling</c> answer applies to the pace.</summary>
    internal const double Decrease = 0.7;

    /// <summary>How long a decreased pace takes to climb back to the configured one.</summary>
    internal static readonly TimeSpan Recovery = TimeSpan.FromMinutes(1);

    /// <summary>Refusals closer together than this are one signal (the calls were in flight together).</summary>
    internal static readonly TimeSpan OneSignal = TimeSpan.FromSeconds(1);

    private readonly object _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly double _configured;
    private readonly double _slowest;
    private DateTimeOffset _next = DateTimeOffset.MinValue;
    private double? _decreasedTo;
    private DateTimeOffset _decreasedAt = DateTimeOffset.MinValue;

    /// <param name="requestsPerSecond">Attempts per second; 0 lets every attempt go at once (and nothing adapts).</param>
    /// <param name="timeProvider">The clock waits run on.</param>
    public CloudWatchPacer(double requestsPerSecond, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(requestsPerSecond);
        _timeProvider = timeProvider;
        _configured = requestsPerSecond;
        _slowest = requestsPerSecond / 10;
    }

    /// <summary>The configured pace (attempts per second; 0: none).</summary>
    public double ConfiguredPerSecond => _configured;

    /// <summary>The pace now: the configured one, or less after a <c>Throttling</c> answer, climbing back.</summary>
    public double CurrentPerSecond
    {
        get
        {
            lock (_gate)
            {
                return Rate(_timeProvider.GetUtcNow());
            }
        }
    }

    /// <summary>How many attempts have taken a turn (a test reads it).</summary>
    internal int Turns { get; private set; }

    /// <summary>Reserves the next moment an attempt may start and waits for it; returns how long it waited.</summary>
    public async Task<TimeSpan> WaitTurnAsync(CancellationToken cancellationToken)
    {
        if (_configured == 0)
        {
            return TimeSpan.Zero;
        }

        DateTimeOffset turn;
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            Turns++;
            turn = _next > now ? _next : now;
            _next = turn + Spacing(Rate(now));
        }

        var wait = turn - now;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _timeProvider, cancellationToken).ConfigureAwait(false);
        }

        return wait;
    }

    /// <summary>
    /// Learns from a <c>Throttling</c> answer: the pace drops to <see cref="Decrease"/> of itself, unless it already did
    /// within <see cref="OneSignal"/>. Returns the new pace when it dropped, else null.
    /// </summary>
    public double? Throttled()
    {
        if (_configured == 0)
        {
            return null;
        }

        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            if (_decreasedTo is not null && now - _decreasedAt < OneSignal)
            {
                return null;
            }

            var decreased = Math.Max(_slowest, Rate(now) * Decrease);
            _decreasedTo = decreased;
            _decreasedAt = now;
            return decreased;
        }
    }

    private double Rate(DateTimeOffset now)
    {
        if (_decreasedTo is not { } low)
        {
            return _configured;
        }

        var climbed = (now - _decreasedAt) / Recovery;
        if (climbed >= 1)
        {
            _decreasedTo = null;
            return _configured;
        }

        return low + ((_configured - low) * climbed);
    }

    private static TimeSpan Spacing(double perSecond) => TimeSpan.FromTicks((long)Math.Ceiling(TimeSpan.TicksPerSecond / perSecond));
}
