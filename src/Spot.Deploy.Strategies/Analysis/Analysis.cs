using System.Globalization;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies;

/// <summary>
/// Checks measured every <see cref="Interval"/> and judged by Argo Rollouts' rules (<see cref="AnalysisLimits"/>): a
/// failure beyond <see cref="FailureLimit"/> rolls the deployment back, naming the check and the values seen; an
/// inconclusive result beyond <see cref="InconclusiveLimit"/> stops it for a person (NeedsAttention: resume to go on,
/// roll back to undo) instead of guessing. Every measurement is journaled and reported as a <see cref="MeasurementEvent"/>.
/// </summary>
public sealed class Analysis
{
    /// <summary>The checks (at least one, unique names).</summary>
    public IList<AnalysisCheck> Checks { get; init; } = [];

    /// <summary>Time between measurements (default 1 minute; at least 1 second).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How many measurements; null (default) for a bake: one per whole interval of the bake.</summary>
    public int? Count { get; init; }

    /// <summary>Failures tolerated per check (default 0).</summary>
    public int FailureLimit { get; init; }

    /// <summary>Inconclusive measurements tolerated per check (default 0).</summary>
    public int InconclusiveLimit { get; init; }

    /// <summary>Passes in a row that end the analysis early as Successful (default 0: not used).</summary>
    public int ConsecutiveSuccessLimit { get; init; }

    /// <summary>The limits of a bake lasting <paramref name="bake"/>.</summary>
    /// <param name="bake">The bake's duration.</param>
    /// <returns>The limits, <see cref="Count"/> or one measurement per whole interval.</returns>
    public AnalysisLimits LimitsFor(TimeSpan bake) => new()
    {
        Count = Count ?? AnalysisRules.BakeCount(bake, Interval),
        FailureLimit = FailureLimit,
        InconclusiveLimit = InconclusiveLimit,
        ConsecutiveSuccessLimit = ConsecutiveSuccessLimit,
    };

    /// <summary>Checks the analysis and every check before anything in the cloud changes.</summary>
    /// <exception cref="DeploymentValidationException">Something is invalid (the message names it).</exception>
    public void Validate()
    {
        if (Checks is null || Checks.Count == 0)
        {
            throw new DeploymentValidationException("analysis.checks", "an analysis needs at least one check.");
        }

        if (Interval < TimeSpan.FromSeconds(1))
        {
            throw new DeploymentValidationException("analysis.interval", string.Create(CultureInfo.InvariantCulture, $"must be at least 1 second (was {Interval})."));
        }

        foreach (var check in Checks)
        {
            (check ?? throw new DeploymentValidationException("analysis.checks", "a check is missing (null).")).Validate();
        }

        var duplicate = Checks.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new DeploymentValidationException("analysis.checks", $"two checks are named '{duplicate.Key}'; names must be unique.");
        }

        LimitsFor(Interval * Math.Max(1, Count ?? 1)).Validate();
    }
}
