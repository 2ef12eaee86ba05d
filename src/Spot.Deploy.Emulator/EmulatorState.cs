using System.Text.Json.Nodes;

namespace Spot.Deploy.Emulator;

/// <summary>
/// Everything the emulator holds — Spot groups and their instances, rolls, EC2 images, load
/// balancers, listeners, rules and target groups — with methods to seed it and a snapshot to inspect
/// it. Every request changes it atomically under <see cref="Gate"/>.
/// </summary>
public sealed partial class EmulatorState
{
    private long _ids;

    internal EmulatorState(EmulatorOptions options)
    {
        Options = options;
        Random = new Random(options.RandomSeed);
    }

    /// <summary>The lock every request holds while it reads or changes state.</summary>
    internal object Gate { get; } = new();

    internal EmulatorOptions Options { get; }

    /// <summary>Seeded randomness for anything that should look random but stay reproducible.</summary>
    internal Random Random { get; }

    /// <summary>The emulator's time.</summary>
    internal DateTimeOffset Now => Options.TimeProvider.GetUtcNow();

    /// <summary>A new id with a prefix and eight hex digits, unique in this emulator (e.g. <c>sig-0000001a</c>).</summary>
    internal string NewId(string prefix) => prefix + "-" + Interlocked.Increment(ref _ids).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// A JSON snapshot of all state (groups with capacities and instances, rolls, images, load
    /// balancers, listeners with their actions, rules, target groups with target health), taken
    /// atomically, for assertions such as "the state is exactly what it was before".
    /// </summary>
    public JsonObject Snapshot()
    {
        lock (Gate)
        {
            var snapshot = new JsonObject();
            AddSpotSnapshot(snapshot);
            AddAwsSnapshot(snapshot);
            return snapshot;
        }
    }

    partial void AddSpotSnapshot(JsonObject snapshot);

    partial void AddAwsSnapshot(JsonObject snapshot);
}
