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

    /// <summary>
    /// <see cref="Resolve(Capacity?)"/> in the unit of the new group's document: the numbers are taken in
    /// <paramref name="weights"/>' unit (a fixed capacity's, a running group's or the fallback's alike).
    /// </summary>
    /// <param name="running">The running group (null when nothing runs).</param>
    /// <param name="weights">The new group's unit and weights, from its document; null keeps <see cref="Resolve(Capacity?)"/>.</param>
    /// <exception cref="DeploymentValidationException">
    /// As <see cref="Resolve(Capacity?)"/>; or the fixed capacity names another unit than the document (field
    /// <c>Capacity.Unit</c>); or same as running is asked of a group that counts in another unit than the document (field
    /// <c>Capacity</c>): its numbers would mean a different fleet.
    /// </exception>
    internal (Capacity Capacity, CapacitySource Source) Resolve(RecordedGroup? running, InstanceWeights? weights)
    {
        if (weights is null)
        {
            // Unit not stated: the numbers keep the unit they came with (a library caller that plans without a document).
            return Resolve(running?.Capacity);
        }

        if (Mode == CapacityMode.Fixed && !string.Equals(Capacity.Unit, Capacity.InstanceUnit, StringComparison.Ordinal)
            && !string.Equals(Capacity.Unit, weights.Unit, StringComparison.Ordinal))
        {
            throw new DeploymentValidationException("Capacity.Unit",
                $"The fixed capacity is in {Capacity.Unit} units but the document counts capacity in {weights.Unit} units (capacity.unit).");
        }

        if (Mode == CapacityMode.SameAsRunning && running is not null && !string.Equals(running.Capacity.Unit, weights.Unit, StringComparison.Ordinal))
        {
            throw new DeploymentValidationException("Capacity",
                $"The running group {running.Name} ({running.Id}) counts its capacity in {running.Capacity.Unit} units ({running.Capacity}) but the document counts in {weights.Unit} units: the same numbers would mean a different fleet. Give a fixed capacity in {weights.Unit} units.");
        }

        var (capacity, source) = Resolve(running?.Capacity);
        return (new Capacity(capacity.Minimum, capacity.Target, capacity.Maximum, weights.Unit), source);
    }

    /// <summary>For example <c>Fixed (min 1, target 2, max 4)</c>.</summary>
    public override string ToString() =>
        Mode == CapacityMode.Fixed ? $"Fixed ({Capacity})" : $"Same as running (fallback {Capacity})";
}
