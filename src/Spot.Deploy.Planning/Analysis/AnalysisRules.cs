namespace Spot.Deploy.Planning;

/// <summary>The verdict of an analysis from the verdicts of its measurements (see <see cref="AnalysisLimits"/>). Pure.</summary>
public static class AnalysisRules
{
    /// <summary>The verdict of one check after <paramref name="measurements"/> (oldest first).</summary>
    /// <param name="limits">The analysis's limits (validated).</param>
    /// <param name="measurements">The check's verdicts so far, oldest first.</param>
    /// <returns>Running while more measurements are needed.</returns>
    public static AnalysisVerdict OfCheck(AnalysisLimits limits, IReadOnlyList<MeasurementVerdict> measurements)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(measurements);
        var failures = measurements.Count(m => m == MeasurementVerdict.Fail);
        if (failures > limits.FailureLimit)
        {
            return AnalysisVerdict.Failed;
        }

        if (measurements.Count(m => m == MeasurementVerdict.Inconclusive) > limits.InconclusiveLimit)
        {
            return AnalysisVerdict.Inconclusive;
        }

        if (limits.ConsecutiveSuccessLimit > 0 && TrailingPasses(measurements) >= limits.ConsecutiveSuccessLimit)
        {
            return AnalysisVerdict.Successful;
        }

        if (measurements.Count < limits.Count)
        {
            return AnalysisVerdict.Running;
        }

        return limits.ConsecutiveSuccessLimit > 0 ? AnalysisVerdict.Inconclusive : AnalysisVerdict.Successful;
    }

    /// <summary>
    /// The verdict of an analysis from its checks' verdicts: Failed when any failed, else Inconclusive when any was,
    /// else Running while any runs, else Successful (also for no checks at all: a bake without checks only waits).
    /// </summary>
    /// <param name="checks">The verdict of every check that counts (dry-run checks are left out by the caller).</param>
    /// <returns>The worst verdict.</returns>
    public static AnalysisVerdict Combine(IEnumerable<AnalysisVerdict> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var all = checks.ToList();
        return all.Contains(AnalysisVerdict.Failed) ? AnalysisVerdict.Failed
            : all.Contains(AnalysisVerdict.Inconclusive) ? AnalysisVerdict.Inconclusive
            : all.Contains(AnalysisVerdict.Running) ? AnalysisVerdict.Running
            : AnalysisVerdict.Successful;
    }

    /// <summary>
    /// How many measurements a bake of <paramref name="duration"/> takes at <paramref name="interval"/>: one at the end of
    /// each whole interval (a 10-minute bake measured every minute takes 10), at least one.
    /// </summary>
    /// <param name="duration">The bake's length (positive).</param>
    /// <param name="interval">The time between measurements (positive).</param>
    /// <returns>The count.</returns>
    public static int BakeCount(TimeSpan duration, TimeSpan interval)
    {
        if (duration <= TimeSpan.Zero || interval <= TimeSpan.Zero)
        {
            throw new DeploymentValidationException("Bake", $"needs a positive duration and interval (were {duration} and {interval}).");
        }

        return (int)Math.Max(1, Math.Min(int.MaxValue, duration.Ticks / interval.Ticks));
    }

    private static int TrailingPasses(IReadOnlyList<MeasurementVerdict> measurements)
    {
        var passes = 0;
        for (var i = measurements.Count - 1; i >= 0 && measurements[i] == MeasurementVerdict.Pass; i--)
        {
            passes++;
        }

        return passes;
    }
}
