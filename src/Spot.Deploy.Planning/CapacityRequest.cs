using System.Globalization;

namespace Spot.Deploy.Planning;

/// <summary>How the new group's capacity is chosen.</summary>
public enum CapacityMode
{
    /// <summary>A fixed (minimum, target, maximum) given by the caller.</summary>
    Fixed,

    /// <summary>The previous (running) group's capacity before the deployment, or a fallback when none runs.</summary>
    SameAsRunning,
}

/// <summary>Where a plan's capacity came from.</summary>
public enum CapacitySource
{
    /// <summary>The caller's fixed capacity.</summary>
    Fixed,

    /// <summary>The running group's capacity before the deployment.</summary>
    SameAsRunning,

    /// <summary>Same as running was asked, but nothing runs: the stated fallback.</summary>
    Fallback,
}

/// <summary>The caller's choice of capacity for the new group.</summary>
public sealed class CapacityRequest
{
    private const string FixedField = "Capacity.Maximum";
    private const string FallbackField = "Capacity.Fallback.Maximum";

    private CapacityRequest(CapacityMode mode, Capacity capacity)
    {
        Mode = mode;
        Capacity = capacity;
    }

    /// <summary>The reference system's fallback when nothing runs: min 1, target 2, max 4.</summary>
    public static Capacity DefaultFallback => new(1, 2, 4);

    /// <summary>Fixed or same as running.</summary>
    public CapacityMode Mode { get; }

    /// <summary>The fixed capacity (<see cref="CapacityMode.Fixed"/>) or the fallback (<see cref="CapacityMode.SameAsRunning"/>).</summary>
    public Capacity Capacity { get; }

    /// <summary>A fixed capacity.</summary>
    /// <exception cref="DeploymentValidationException">Its maximum is above <see cref="Capacity.MaxPlanned"/> (field <c>Capacity.Maximum</c>).</exception>
    public static CapacityRequest Fixed(Capacity capacity)
    {
        Capacity.ValidatePlanned(FixedField, capacity, "The maximum", string.Empty);
        return new(CapacityMode.Fixed, capacity);
    }

    /// <summary>A fixed capacity from three numbers, validated.</summary>
    /// <exception cref="DeploymentValidationException">The numbers do not make a valid capacity, or the maximum is above <see cref="Capacity.MaxPlanned"/>.</exception>
    public static CapacityRequest Fixed(int minimum, int target, int maximum) => Fixed(new Capacity(minimum, target, maximum));

    /// <summary>The running group's capacity; with nothing running, <see cref="DefaultFallback"/>.</summary>
    public static CapacityRequest SameAsRunning() => new(CapacityMode.SameAsRunning, DefaultFallback);

    /// <summary>The running group's capacity; with nothing running, <paramref name="fallback"/>.</summary>
    /// <exception cref="DeploymentValidationException">The fallback's maximum is above <see cref="Capacity.MaxPlanned"/> (field <c>Capacity.Fallback.Maximum</c>).</exception>
    public static CapacityRequest SameAsRunning(Capacity fallback)
    {
        Capacity.ValidatePlanned(FallbackField, fallback, "The fallback's maximum", string.Empty);
        return new(CapacityMode.SameAsRunning, fallback);
    }

    /// <summary>
    /// Resolves the planned capacity against the running group's capacity (null when nothing runs).
    /// A running capacity is widened into a valid one; the result always has a target of at least 1 and a maximum of at
    /// most <see cref="Capacity.MaxPlanned"/>.
    /// </summary>
    /// <exception cref="DeploymentValidationException">
    /// The resolved target is 0 (there would be nothing to deploy), or the resolved maximum is above <see cref="Capacity.MaxPlanned"/>.
    /// </exception>
    public (Capacity Capacity, CapacitySource Source) Resolve(Capacity? running)
    {
        (Capacity capacity, CapacitySource source) = Mode switch
        {
            CapacityMode.Fixed => (Capacity, CapacitySource.Fixed),
            _ when running is { } r => (Capacity.Widen(r.Minimum, r.Target, r.Maximum, r.Unit), CapacitySource.SameAsRunning),
            _ => (Capacity, CapacitySource.Fallback),
        };

        if (capacity.Target < 1)
        {
            throw new DeploymentValidationException(
                source == CapacitySource.Fallback ? "Capacity.Fallback.Target" : "Capacity.Target",
                "The planned target must be at least 1: a deployment to 0 instances deploys nothing.");
        }

        switch (source)
        {
            case CapacitySource.SameAsRunning:
                Capacity.ValidatePlanned(FixedField, capacity, "The running group's maximum",
                    string.Create(CultureInfo.InvariantCulture, $" Give a fixed capacity with a maximum of at most {Capacity.MaxPlanned}."));
                break;
            case CapacitySource.Fallback:
                Capacity.ValidatePlanned(FallbackField, capacity, "The fallback's maximum", string.Empty);
                break;
            default:
                Capacity.ValidatePlanned(FixedField, capacity, "The maximum", string.Empty);
                break;
        }

        return (capacity, source);
    }

    /// <summary>For example <c>Fixed (min 1, target 2, max 4)</c>.</summary>
    public override string ToString() =>
        Mode == CapacityMode.Fixed ? $"Fixed ({Capacity})" : $"Same as running (fallback {Capacity})";
}
