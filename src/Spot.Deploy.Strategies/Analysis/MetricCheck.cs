using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies;

/// <summary>What a metric query read: a value, or none and why (no data, an error answer).</summary>
/// <param name="Value">The value, or null.</param>
/// <param name="Detail">Why there is no value, or a note about the value (never a secret).</param>
public sealed record MetricReading(double? Value, string Detail)
{
    /// <summary>A value.</summary>
    /// <param name="value">The value read.</param>
    /// <returns>The reading.</returns>
    public static MetricReading Of(double value) => new(value, string.Empty);

    /// <summary>No value.</summary>
    /// <param name="why">Why, such as <c>no data</c>.</param>
    /// <returns>The reading.</returns>
    public static MetricReading None(string why) => new(null, why);
}

/// <summary>
/// A check that reads one number (a Prometheus query, a JSON value, a CloudWatch metric) and compares it with a
/// <see cref="Threshold"/>; it can also be the query of a <see cref="NewVersusOldCheck"/>, which reads it for both groups.
/// </summary>
public abstract class MetricCheck : AnalysisCheck
{
    /// <summary>What the value must be to pass (required when the check is used on its own).</summary>
    public Threshold? Threshold { get; init; }

    /// <summary>Reads the value now.</summary>
    /// <param name="context">Where the deployment is (and, in a comparison, which group is read).</param>
    /// <param name="cancellationToken">Cancelled when the deployment is.</param>
    /// <returns>The reading.</returns>
    public abstract Task<MetricReading> ReadAsync(AnalysisContext context, CancellationToken cancellationToken = default);

    /// <inheritdoc />
    public override async Task<Measurement> MeasureAsync(AnalysisContext context, CancellationToken cancellationToken = default)
    {
        var threshold = Threshold ?? throw new InvalidOperationException($"Check '{Name}' has no threshold.");
        var reading = await ReadAsync(context, cancellationToken).ConfigureAwait(false);
        return reading.Value is { } value ? Measurement.Judge(value, threshold) : Measurement.Inconclusive(reading.Detail);
    }

    /// <inheritdoc />
    public override void Validate()
    {
        ValidateQuery();
        if (Threshold is null)
        {
            throw new DeploymentValidationException($"check '{Name}'.threshold", "is required, such as \"< 0.01\".");
        }
    }

    /// <summary>Checks what the query needs (its address, its text, its placeholders), not the threshold.</summary>
    /// <exception cref="DeploymentValidationException">Something is missing or invalid.</exception>
    public virtual void ValidateQuery() => base.Validate();
}
