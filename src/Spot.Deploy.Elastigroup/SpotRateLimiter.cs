namespace Spot.Deploy.Elastigroup;

/// <summary>
/// A client-side sliding-window limiter of calls per route and method per 60 s, matching how Spot
/// limits an organisation, plus back-off learnt from Spot's answers for what other processes on the account spend: a 429
/// pauses every call of the limiter until its reset (with jitter) and paces them to half the rate they were sent at,
/// recovering slowly; an answer saying few calls remain (<c>X-RateLimit-Remaining</c>) spreads a route's next calls over
/// the time until its reset. Share one instance between clients (the DI registration does) so every deployment of the
/// process backs off together instead of each collecting 429s.
/// </summary>
public sealed class SpotRateLimiter
{
    /// <summary>The default limit: 300 calls per route and method per minute.</summary>
    public const int DefaultRequestsPerMinute = 300;

    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);
    private readonly Dictionary<string, Queue<Slot>> _windows = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly SpotAdaptiveRate _adaptive;

    /// <summary>Creates a limiter on the system clock.</summary>
    /// <param name="requestsPerMinute">Calls allowed per route and method in any 60 s window; 0 allows everything.</param>
    public SpotRateLimiter(int requestsPerMinute)
        : this(requestsPerMinute, TimeProvider.System)
    {
    }

    /// <summary>Creates a limiter on a given clock.</summary>
    /// <param name="requestsPerMinute">Calls allowed per route and method in any 60 s window; 0 allows everything.</param>
    /// <param name="timeProvider">The clock.</param>
    public SpotRateLimiter(int requestsPerMinute, TimeProvider timeProvider)
        : this(requestsPerMinute, timeProvider, new Random())
    {
    }

    /// <summary>Creates a limiter on a given clock whose back-off jitter is reproducible.</summary>
    /// <param name="requestsPerMinute">Calls allowed per route and method in any 60 s window; 0 allows everything.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="randomSeed">Seed of the jitter added to waits after a 429.</param>
    public SpotRateLimiter(int requestsPerMinute, TimeProvider timeProvider, int randomSeed)
        : this(requestsPerMinute, timeProvider, new Random(randomSeed))
    {
    }

    private SpotRateLimiter(int requestsPerMinute, TimeProvider timeProvider, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(requestsPerMinute);
        ArgumentNullException.ThrowIfNull(timeProvider);
        RequestsPerMinute = requestsPerMinute;
        _timeProvider = timeProvider;
        _adaptive = new SpotAdaptiveRate(timeProvider, random);
    }

    /// <summary>Calls allowed per route and method in any 60 s window (0: unlimited, and no back-off is learnt either).</summary>
    public int RequestsPerMinute { get; }

    /// <summary>
    /// The rate (calls a minute, all routes together) calls are paced to after Spot answered 429; null while there is no
    /// pacing — no 429 yet, or the rate has recovered to where it was.
    /// </summary>
    public double? PermittedRequestsPerMinute => _adaptive.PermittedPerMinute;

    /// <summary>The back-off learnt from Spot's answers.</summary>
    internal SpotAdaptiveRate Adaptive => _adaptive;

    /// <summary>
    /// Learns from an answer to a call of <paramref name="method"/> on <paramref name="route"/>; on a 429 returns the pause
    /// every call now waits and the rate they are paced to.
    /// </summary>
    internal (TimeSpan Pause, double PermittedPerMinute)? Observe(string method, string route, bool rateLimited, SpotRateLimitHeaders headers) =>
        RequestsPerMinute == 0 ? null : _adaptive.Observe(method + " " + route, rateLimited, headers);

    /// <summary>Waits until a call of <paramref name="method"/> on <paramref name="route"/> may be made (back-off, then the route's window), and counts it.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="route">The route template, e.g. <c>/aws/ec2/group/{groupId}/capacity</c> (not the concrete path).</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>How long the call waited.</returns>
    public async Task<TimeSpan> AcquireAsync(string method, string route, CancellationToken cancellationToken = default) =>
        (await AcquireCallAsync(method, route, cancellationToken).ConfigureAwait(false)).Waited;

    /// <summary>
    /// Waits as the back-off asks (see <see cref="SpotAdaptiveRate.Reserve"/>), then for a slot of the route's window.
    /// Returns the whole wait, the slot (to be re-stamped by <see cref="Complete"/>) and why the back-off made it wait
    /// (null when only the window did, or nothing).
    /// </summary>
    internal async Task<(TimeSpan Waited, Slot? Slot, string? Reason)> AcquireCallAsync(string method, string route, CancellationToken cancellationToken)
    {
        if (RequestsPerMinute == 0)
        {
            return (TimeSpan.Zero, null, null);
        }

        var key = method + " " + route;
        var (delay, reason) = _adaptive.Reserve(key);
        var waited = TimeSpan.Zero;
        while (delay > TimeSpan.Zero)
        {
            delay = WholeMilliseconds(delay);
            await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
            waited += delay;

            // A 429 answered while this call waited pauses it too.
            delay = _adaptive.PausedUntil - _timeProvider.GetUtcNow();
            if (delay > TimeSpan.Zero)
            {
                reason ??= "after a 429";
            }
        }

        var (windowWait, slot) = await AcquireSlotAsync(method, route, cancellationToken).ConfigureAwait(false);
        return (waited + windowWait, slot, reason);
    }

    /// <summary>
    /// Re-stamps a slot with the time its call's answer arrived: Spot counts a call when it arrives, which can be
    /// later than when the slot was granted, so the slot stays in the window until a minute after the answer.
    /// </summary>
    internal void Complete(Slot? slot)
    {
        if (slot is null)
        {
            return;
        }

        lock (_windows)
        {
            var now = _timeProvider.GetUtcNow();
            if (now > slot.Time)
            {
                slot.Time = now;
            }
        }
    }

    /// <summary>One call's place in a window.</summary>
    internal sealed class Slot
    {
        public DateTimeOffset Time { get; set; }
    }

    /// <summary>Waits for a slot (see <see cref="AcquireAsync"/>) and returns it, to be re-stamped by <see cref="Complete"/>.</summary>
    internal async Task<(TimeSpan Waited, Slot? Slot)> AcquireSlotAsync(string method, string route, CancellationToken cancellationToken = default)
    {
        if (RequestsPerMinute == 0)
        {
            return (TimeSpan.Zero, null);
        }

        var key = method + " " + route;
        var waited = TimeSpan.Zero;
        while (true)
        {
            TimeSpan delay;
            lock (_windows)
            {
                var now = _timeProvider.GetUtcNow();
                if (!_windows.TryGetValue(key, out var window))
                {
                    window = new Queue<Slot>();
                    _windows[key] = window;
                }

                while (window.Count > 0 && now - window.Peek().Time >= Window)
                {
                    window.Dequeue();
                }

                if (window.Count < RequestsPerMinute)
                {
                    var slot = new Slot { Time = now };
                    window.Enqueue(slot);
                    return (waited, slot);
                }

                delay = WholeMilliseconds(window.Peek().Time + Window - now);
            }

            await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
            waited += delay;
        }
    }

    /// <summary>
    /// Rounded up to whole milliseconds: <see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/> counts whole
    /// milliseconds, so a shorter remainder would return at once without the clock reaching the moment waited for.
    /// </summary>
    private static TimeSpan WholeMilliseconds(TimeSpan delay) => TimeSpan.FromMilliseconds(Math.Ceiling(delay.TotalMilliseconds));
}
