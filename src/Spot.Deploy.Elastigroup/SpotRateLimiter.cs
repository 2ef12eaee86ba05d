namespace Spot.Deploy.Elastigroup;

/// <summary>
/// A client-side sliding-window limiter of calls per route and method per 60 s, matching how Spot
/// limits an organisation. Share one instance between clients so many concurrent deployments stay
/// under the limit together instead of each collecting 429s.
/// </summary>
public sealed class SpotRateLimiter
{
    /// <summary>The default limit: 300 calls per route and method per minute.</summary>
    public const int DefaultRequestsPerMinute = 300;

    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);
    private readonly Dictionary<string, Queue<Slot>> _windows = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;

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
    {
        ArgumentOutOfRangeException.ThrowIfNegative(requestsPerMinute);
        ArgumentNullException.ThrowIfNull(timeProvider);
        RequestsPerMinute = requestsPerMinute;
        _timeProvider = timeProvider;
    }

    /// <summary>Calls allowed per route and method in any 60 s window (0: unlimited).</summary>
    public int RequestsPerMinute { get; }

    /// <summary>Waits until a call of <paramref name="method"/> on <paramref name="route"/> may be made, and counts it.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="route">The route template, e.g. <c>/aws/ec2/group/{groupId}/capacity</c> (not the concrete path).</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>How long the call waited.</returns>
    public async Task<TimeSpan> AcquireAsync(string method, string route, CancellationToken cancellationToken = default) =>
        (await AcquireSlotAsync(method, route, cancellationToken).ConfigureAwait(false)).Waited;

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

                delay = window.Peek().Time + Window - now;
            }

            await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
            waited += delay;
        }
    }
}
