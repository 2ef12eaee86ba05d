using Spot.Deploy.Emulator;

namespace Spot.Deploy.Testing;

/// <summary>
/// The tests' clock: the emulator's <see cref="VirtualTimeProvider"/> (shipped for users' own tests and the CLI's demo),
/// starting at a fixed time so test output is stable.
/// </summary>
public sealed class FakeTimeProvider : VirtualTimeProvider
{
    public FakeTimeProvider()
        : this(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero))
    {
    }

    public FakeTimeProvider(DateTimeOffset start)
        : base(start)
    {
    }
}
