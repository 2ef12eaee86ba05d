using System.Globalization;

namespace Spot.Deploy.Elastigroup;

/// <summary>
/// Back-off shared by every call of a process (of one <see cref="SpotRateLimiter"/>), driven by Spot's answers, for limits
/// the client cannot see coming — other processes on the same account:
/// <list type="bullet">
/// <item>a 429 pauses every call until its reset (at most <see cref="MaxPause"/>) plus jitter (up to the reset again, at
/// most <see cref="MaxJitter"/>), so runners refused together do not come back together;</item>
/// <item>AIMD: the first 429 of a pause cuts the rate the process sent at (all routes) to <see cref="Decrease"/> of it, and calls are then paced to that
/// rate (bursts of up to <see cref="Burst"/> allowed), which recovers linearly by <see cref="RecoveryPerMinute"/> of itself
/// per minute until it is back where the decrease began, when pacing ends;</item>
/// <item><c>X-RateLimit-Remaining</c>: when a route's answer says only a few calls remain (a fifth of
/// <c>X-RateLimit-Limit</c> or fewer), its next calls are spread over the time left until the reset; at 0 they wait for
/// it.</item>
/// </list>
/// Every wait is on the <see cref="TimeProvider"/> and the jitter comes from a seedable <see cref="Random"/>, so the
/// behaviour is reproducible. Thread-safe.
/// </summary>
internal sealed class SpotAdaptiveRate
{
    /// <summary>The longest pause a reset can impose: Spot's window. A larger value is not believed.</summary>
    internal static readonly TimeSpan MaxPause = TimeSpan.FromMinutes(1);

    /// <summary>The most jitter added to a wait: a quarter of Spot's window.</summary>
    internal static readonly TimeSpan MaxJitter = TimeSpan.FromSeconds(15);

    /// <summary>The slowest pace: one call every 5 s.</summary>
    internal const double MinimumPerMinute = 12;

    /// <summary>
    /// The factor a 429 applies to the rate. 0.7, not TCP's 0.5: runners' calls come in small bursts between waits, and
    /// halving left four runners well under the account's limit (docs/performance.md).
    /// </summary>
    internal const double Decrease = 0.7;

    /// <summary>How much of the decreased rate comes back per minute without a 429 (1: back to double in a minute, Spot's window).</summary>
    internal const double RecoveryPerMinute = 1;

    /// <summary>How many calls pacing lets go at once.</summary>
    internal const int Burst = 3;

    private static readonly TimeSpan Horizon = TimeSpan.FromMinutes(1);

    /// <summary>The shortest span a rate is measured over, so a burst of a few calls does not read as thousands a minute.</summary>
    private static readonly TimeSpan ShortestSpan = TimeSpan.FromSeconds(5);

    private readonly TimeProvider _clock;
    private readonly Random _random;
    private readonly Queue<DateTimeOffset> _sent = new();
    private readonly Dictionary<string, Budget> _budgets = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;
    private DateTimeOffset _nextPaced = DateTimeOffset.MinValue;
    private double? _decreasedTo;
    private DateTimeOffset _decreasedAt;
    private double _ceiling;

    internal SpotAdaptiveRate(TimeProvider clock, Random random)
    {
        _clock = clock;
        _random = random;
    }

    /// <summary>The rate calls are paced to now, or null when there is no pacing (no 429 yet, or recovered).</summary>
    internal double? PermittedPerMinute
    {
        get
        {
            lock (_gate)
            {
                return Permitted(_clock.GetUtcNow());
            }
        }
    }

    /// <summary>Until when every call waits after a 429.</summary>
    internal DateTimeOffset PausedUntil
    {
        get
        {
            lock (_gate)
            {
                return _pausedUntil;
            }
        }
    }

    /// <summary>
    /// Reserves the moment a call on <paramref name="key"/> may be sent (now or later) and counts it as sent then.
    /// Returns how long to wait and why (null when it need not).
    /// </summary>
    internal (TimeSpan Delay, string? Reason) Reserve(string key)
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            Forget(now);
            var start = now;
            string? reason = null;
            if (_pausedUntil > start)
            {
                start = _pausedUntil;
                reason = "after a 429";
            }

            if (Permitted(now) is { } rate)
            {
                // GCRA: calls are due one spacing apart, but up to Burst of them may go at once (a deployment's steps come
                // in small bursts: list, create, resize), so pacing slows the rate, not every step.
                var spacing = TimeSpan.FromMinutes(1 / rate);
                var due = _nextPaced > start ? _nextPaced : start;
                var earliest = due - (spacing * (Burst - 1));
                if (earliest > start)
                {
                    start = earliest;
                    reason = string.Create(CultureInfo.InvariantCulture, $"paced to {rate:0.#} calls/min after a 429");
                }

                _nextPaced = due + spacing;
            }

            if (_budgets.TryGetValue(key, out var budget))
            {
                if (budget.ResetAt <= now)
                {
                    _budgets.Remove(key);
                }
                else
                {
                    var low = budget.Limit is { } limit ? Math.Max(1, limit / 5) : 1;
                    if (budget.Remaining <= 0 && budget.ResetAt > start)
                    {
                        start = budget.ResetAt;
                        reason = "X-RateLimit-Remaining was 0";
                    }
                    else if (budget.Remaining <= low && budget.Remaining > 0)
                    {
                        if (budget.NextAt > start)
                        {
                            start = budget.NextAt;
                            reason = string.Create(CultureInfo.InvariantCulture, $"X-RateLimit-Remaining was {budget.Remaining}");
                        }

                        budget.NextAt = start + (budget.ResetAt - start) / (budget.Remaining + 1);
                    }

                    // Counted here, so concurrent calls do not all spend the same remaining call; the next answer corrects it.
                    budget.Remaining--;
                }
            }

            _sent.Enqueue(start);
            return (start - now, reason);
        }
    }

    /// <summary>
    /// Learns from an answer on <paramref name="key"/>: its remaining budget, and on a 429 the pause and (once per pause)
    /// the decrease. Returns the pause and the new rate when this answer was a 429, else null.
    /// </summary>
    internal (TimeSpan Pause, double PermittedPerMinute)? Observe(string key, bool rateLimited, SpotRateLimitHeaders headers)
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            var reset = headers.Reset is { } r ? (r < MaxPause ? r : MaxPause) : (TimeSpan?)null;
            if (headers.Remaining is { } remaining && reset is { } until)
            {
                _budgets[key] = new Budget
                {
                    Remaining = rateLimited ? 0 : remaining,
                    Limit = headers.Limit,
                    ResetAt = now + until + (rateLimited || remaining == 0 ? Jitter(until) : TimeSpan.Zero),
                    NextAt = now,
                };
            }

            if (!rateLimited)
            {
                return null;
            }

            var wait = reset ?? TimeSpan.FromSeconds(1);
            var decrease = now >= _pausedUntil;
            var pausedUntil = now + wait + Jitter(wait);
            if (pausedUntil > _pausedUntil)
            {
                _pausedUntil = pausedUntil;
            }

            if (decrease)
            {
                var sent = SentPerMinute(now);
                var current = Permitted(now) is { } permitted && permitted < sent ? permitted : sent;
                var decreasedTo = Math.Max(MinimumPerMinute, current * Decrease);

                // Recovery ends where the decrease began (at least double the decreased rate, so it always takes a while).
                _ceiling = Math.Max(_decreasedTo is null ? sent : Math.Max(_ceiling, sent), decreasedTo / Decrease);
                _decreasedTo = decreasedTo;
                _decreasedAt = now;
                _nextPaced = _pausedUntil;
            }

            return (_pausedUntil - now, Permitted(now) ?? MinimumPerMinute);
        }
    }

    /// <summary>The paced rate at <paramref name="now"/>: linear recovery from the last decrease; none once it is back at the ceiling.</summary>
    private double? Permitted(DateTimeOffset now)
    {
        if (_decreasedTo is not { } decreased)
        {
            return null;
        }

        var minutes = Math.Max(0, (now - _decreasedAt).TotalMinutes);
        var rate = decreased * (1 + (RecoveryPerMinute * minutes));
        if (rate >= _ceiling)
        {
            _decreasedTo = null;
            return null;
        }

        return rate;
    }

    /// <summary>Calls a minute this process sent (or reserved) lately: over the last minute, or since its first call in it.</summary>
    private double SentPerMinute(DateTimeOffset now)
    {
        Forget(now);
        if (_sent.Count == 0)
        {
            return MinimumPerMinute;
        }

        var span = now - _sent.Peek();
        if (span < ShortestSpan)
        {
            span = ShortestSpan;
        }

        return _sent.Count / span.TotalMinutes;
    }

    private void Forget(DateTimeOffset now)
    {
        while (_sent.Count > 0 && now - _sent.Peek() >= Horizon)
        {
            _sent.Dequeue();
        }
    }

    /// <summary>
    /// Up to the wait itself, between 1 s and <see cref="MaxJitter"/>: runners refused together spread over a whole
    /// window instead of coming back in the same second (with a short window a quarter of it was not enough: four runners
    /// took turns losing the same two slots).
    /// </summary>
    private TimeSpan Jitter(TimeSpan wait)
    {
        var range = wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait > MaxJitter ? MaxJitter : wait;
        lock (_random)
        {
            return TimeSpan.FromMilliseconds(Math.Round(range.TotalMilliseconds * _random.NextDouble()));
        }
    }

    private sealed class Budget
    {
        public int Remaining { get; set; }

        public int? Limit { get; init; }

        public DateTimeOffset ResetAt { get; init; }

        public DateTimeOffset NextAt { get; set; }
    }
}
