namespace Spot.Deploy.Emulator;

/// <summary>
/// A virtual clock for emulated runs, tests and demos. Time moves only by <see cref="Advance"/>, or — with
/// <see cref="AutoAdvanceLimit"/> set — by itself to the due time of any timer not longer than the limit as soon
/// as that timer is created, so pauses (polls, retries, gates) finish at once while their virtual duration is
/// still measured, and longer timers (client attempt timeouts) stay under the caller's control. Periodic timers (a
/// <see cref="PeriodicTimer"/>, a lease renewal, a background analysis) never move the clock by themselves: they are
/// watchers, not pauses somebody waits on, so they fire as the clock passes their due times; were they to advance it,
/// a watcher would drag the clock ahead of the flow it watches. The clock never
/// moves backwards, even when advances overlap on several threads. Pass it as <see cref="EmulatorOptions.TimeProvider"/>
/// and to the clients and deployments so they all share one timeline.
/// </summary>
public class VirtualTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<FakeTimer> _timers = [];
    private DateTimeOffset _now;

    /// <summary>Creates a clock at <paramref name="start"/>.</summary>
    /// <param name="start">The clock's first time.</param>
    public VirtualTimeProvider(DateTimeOffset start) => _now = start;

    /// <summary>Timers whose due time is at most this are fired at once, moving the clock. Null: never.</summary>
    public TimeSpan? AutoAdvanceLimit { get; set; }

    /// <summary>How far the clock has moved since it was created.</summary>
    public TimeSpan Elapsed { get; private set; }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override long GetTimestamp()
    {
        lock (_gate)
        {
            return _now.UtcTicks;
        }
    }

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Moves the clock forward, firing every timer that falls due, in order.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + by;
        }

        AdvanceTo(target);
    }

    /// <summary>
    /// Moves the clock to <paramref name="target"/> (never backwards: concurrent advances only ever move it
    /// forward), firing every timer that falls due, in order.
    /// </summary>
    private void AdvanceTo(DateTimeOffset target) => AdvanceTo(target, null);

    /// <summary>
    /// Moves the clock to <paramref name="target"/>, firing due timers in order; with <paramref name="waitedOn"/> (an
    /// auto-advance), it stops where it is once that timer is no longer due then: the wait it served was cancelled by a
    /// timer fired on the way (a watcher that stopped the flow), so time does not run on past the cancellation.
    /// </summary>
    private void AdvanceTo(DateTimeOffset target, FakeTimer? waitedOn)
    {
        var served = waitedOn is null;
        while (true)
        {
            FakeTimer? next;
            lock (_gate)
            {
                if (!served && (waitedOn!.Due != target || !_timers.Contains(waitedOn)))
                {
                    return;
                }

                next = _timers.Where(t => t.Due is { } due && due <= target).OrderBy(t => t.Due).ThenBy(t => t.Sequence).FirstOrDefault();
                if (next is null)
                {
                    if (target > _now)
                    {
                        Elapsed += target - _now;
                        _now = target;
                    }

                    return;
                }

                if (next.Due!.Value > _now)
                {
                    Elapsed += next.Due.Value - _now;
                    _now = next.Due.Value;
                }

                next.Due = next.Period is { } period && period > TimeSpan.Zero ? _now + period : null;
                served |= next == waitedOn;
            }

            next.Fire();
        }
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new FakeTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private long _sequence;

    private void Schedule(FakeTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        var autoAdvance = false;
        lock (_gate)
        {
            timer.Sequence = ++_sequence;
            timer.Period = period == Timeout.InfiniteTimeSpan ? null : period;
            timer.Due = dueTime == Timeout.InfiniteTimeSpan ? null : _now + dueTime;
            if (!_timers.Contains(timer))
            {
                _timers.Add(timer);
            }

            autoAdvance = timer.Due is not null && !(timer.Period > TimeSpan.Zero) && AutoAdvanceLimit is { } limit && dueTime <= limit;
        }

        if (autoAdvance)
        {
            // Fire from the thread pool: the caller (e.g. Task.Delay) has not finished wiring the timer up yet.
            ThreadPool.QueueUserWorkItem(_ => AdvanceTo(timer));
        }
    }

    private void AdvanceTo(FakeTimer timer)
    {
        DateTimeOffset? due;
        lock (_gate)
        {
            due = timer.Due;
        }

        if (due is { } d)
        {
            AdvanceTo(d, timer);
        }
    }

    private void Remove(FakeTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class FakeTimer(VirtualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; set; }

        public TimeSpan? Period { get; set; }

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
