using Spot.Deploy.Emulator;

namespace Spot.Deploy.Testing;

/// <summary>
/// The clock of end-to-end tests: the emulator's <see cref="VirtualTimeProvider"/> (shipped for users' own tests
/// and the CLI's demo), starting at a fixed time so test output is stable. Use it where time must move by itself
/// (<see cref="VirtualTimeProvider.AutoAdvanceLimit"/>: a deployment's polls and retries finish at once) or where
/// the emulator shares the timeline. Tests of pure timing logic that move time by hand use
/// Microsoft.Extensions.Time.Testing's <c>FakeTimeProvider</c> instead.
/// </summary>
public class VirtualClock : VirtualTimeProvider
{
    /// <summary>The fixed start of every test's timeline: 2026-11-21 12:00 UTC.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    public VirtualClock()
        : this(Start)
    {
    }

    public VirtualClock(DateTimeOffset start)
        : base(start)
    {
    }
}
