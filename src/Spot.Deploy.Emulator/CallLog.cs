using System.Collections.Concurrent;

namespace Spot.Deploy.Emulator;

/// <summary>One call the emulator answered (or failed on purpose).</summary>
/// <param name="Sequence">1, 2, 3 … in arrival order.</param>
/// <param name="Time">When it arrived, on the emulator's clock.</param>
/// <param name="Service"><c>spot</c>, <c>ec2</c> or <c>elasticloadbalancing</c>.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path, without the query.</param>
/// <param name="Action">For EC2 and ELBv2, the query action (e.g. <c>ModifyListener</c>); null for Spot.</param>
/// <param name="IsMutating">True when the call changes state (Spot: not GET; AWS: not Describe*).</param>
/// <param name="Status">The HTTP status answered (0 when the connection was dropped on purpose).</param>
/// <param name="Fault">The fault injected into this call, if any.</param>
public sealed record EmulatorCall(long Sequence, DateTimeOffset Time, string Service, string Method, string Path, string? Action, bool IsMutating, int Status, string? Fault);

/// <summary>Every call the emulator received, for assertions such as "no mutating call was made".</summary>
public sealed class CallLog
{
    private readonly ConcurrentQueue<EmulatorCall> _calls = new();
    private long _sequence;

    /// <summary>Every call so far, in arrival order.</summary>
    public IReadOnlyList<EmulatorCall> All => [.. _calls];

    /// <summary>Every call that changed (or would have changed) state.</summary>
    public IReadOnlyList<EmulatorCall> Mutating => [.. _calls.Where(c => c.IsMutating)];

    /// <summary>Forgets every call (e.g. after seeding).</summary>
    public void Clear() => _calls.Clear();

    internal long NextSequence() => Interlocked.Increment(ref _sequence);

    internal void Add(EmulatorCall call) => _calls.Enqueue(call);
}
