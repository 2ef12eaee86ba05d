using System.Globalization;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies;

/// <summary>One measurement of one check: the value seen (when there is one), its verdict and what it means in words.</summary>
/// <param name="Verdict">Pass, fail or inconclusive (an error is inconclusive, never a pass).</param>
/// <param name="Value">The value measured, or null (an alarm state, no data, an error).</param>
/// <param name="Detail">What was seen, such as <c>0.034 (threshold &lt; 0.01)</c> or <c>no data</c>; never a secret.</param>
public sealed record Measurement(MeasurementVerdict Verdict, double? Value, string Detail)
{
    /// <summary>The verdict of <paramref name="value"/> against <paramref name="threshold"/>.</summary>
    /// <param name="value">The measured value.</param>
    /// <param name="threshold">What it must be.</param>
    /// <returns>A pass or a fail, its detail naming the value and the threshold.</returns>
    public static Measurement Judge(double value, Threshold threshold)
    {
        ArgumentNullException.ThrowIfNull(threshold);
        var shown = value.ToString("G6", CultureInfo.InvariantCulture) + " (threshold " + threshold + ")";
        return new Measurement(threshold.IsMetBy(value) ? MeasurementVerdict.Pass : MeasurementVerdict.Fail, value, shown);
    }

    /// <summary>No answer either way.</summary>
    /// <param name="why">Why, such as <c>no data</c> or <c>HTTP 503 from Prometheus</c>.</param>
    /// <returns>An inconclusive measurement.</returns>
    public static Measurement Inconclusive(string why) => new(MeasurementVerdict.Inconclusive, null, why);
}
