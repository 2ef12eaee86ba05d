namespace Spot.Deploy.Benchmarks.Canary;

/// <summary>
/// A virtual clock for one sequential simulated deployment. Time moves only when a timer of at most
/// <see cref="AutoAdvanceLimit"/> is created: the clock jumps to that timer's due time (firing any timer
/// due before it, in order) and fires it. Longer timers (the clients' 1 h attempt timeouts) never fire.
/// The clock never moves backwards, even when two advances overlap on different threads (a late advance
/// to an earlier time does nothing), so a completion time measured on it is exact.
/// </summary>
public sealed class VirtualClock(DateTimeOffset start) : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<VirtualTimer> _timers = [];
    private DateTimeOffset _now = start;
    private long _sequence;

    /// <summary>Timers due within this are fired at once, moving the clock to their due time.</summary>
    public TimeSpan AutoAdvanceLimit { get; init; } = TimeSpan.FromSeconds(20);

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new VirtualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private void Schedule(VirtualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        if (period != Timeout.InfiniteTimeSpan && period != TimeSpan.Zero)
        {
            throw new NotSupportedException("Periodic timers are not needed by a deployment and not simulated.");
        }

        DateTimeOffset? due;
        lock (_gate)
        {
            timer.Sequence = ++_sequence;
            timer.Due = due = dueTime == Timeout.InfiniteTimeSpan ? null : _now + dueTime;
            if (!_timers.Contains(timer))
            {
                _timers.Add(timer);
            }
        }

        if (due is { } target && dueTime <= AutoAdvanceLimit)
        {
            // From the thread pool: the caller (e.g. Task.Delay) has not finished wiring the timer up yet.
            ThreadPool.QueueUserWorkItem(_ => AdvanceTo(target));
        }
    }

    /// <summary>Fires every timer due at or before <paramref name="target"/>, in order, and moves the clock there (never back).</summary>
    private void AdvanceTo(DateTimeOffset target)
    {
        while (true)
        {
            VirtualTimer? next;
            lock (_gate)
            {
                next = _timers.Where(t => t.Due is { } due && due <= target).OrderBy(t => t.Due).ThenBy(t => t.Sequence).FirstOrDefault();
                if (next is null)
                {
                    if (target > _now)
                    {
                        _now = target;
                    }

                    return;
                }

                if (next.Due!.Value > _now)
                {
                    _now = next.Due.Value;
                }

                next.Due = null;
            }

            next.Fire();
        }
    }

    private void Remove(VirtualTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class VirtualTimer(VirtualClock owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; set; }

        public long Sequence { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            owner.Schedule(this, dueTime, period);
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() => owner.Remove(this);

        public ValueTask DisposeAsync()
        {
            owner.Remove(this);
            return ValueTask.CompletedTask;
        }
    }
}
