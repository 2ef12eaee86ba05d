using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies;

/// <summary>A check was measured during an analysis.</summary>
/// <param name="Time">When, on the deployment's clock.</param>
/// <param name="Where">The analysis, such as <c>bake after phase 1 (10%)</c>.</param>
/// <param name="Check">The check's name.</param>
/// <param name="Round">1 for the first measurement of this analysis, one more each interval.</param>
/// <param name="Verdict">Pass, fail or inconclusive.</param>
/// <param name="Value">The value, when there is one.</param>
/// <param name="Detail">What was seen.</param>
/// <param name="DryRun">True when the check only records (it cannot fail anything).</param>
public sealed record MeasurementEvent(DateTimeOffset Time, string Where, string Check, int Round, MeasurementVerdict Verdict, double? Value, string Detail, bool DryRun) : DeploymentEvent(Time);

/// <summary>An analysis ended.</summary>
/// <param name="Time">When, on the deployment's clock.</param>
/// <param name="Where">The analysis, such as <c>bake after phase 1 (10%)</c>.</param>
/// <param name="Verdict">Successful, Failed or Inconclusive.</param>
/// <param name="Reason">The check that decided and the values seen, or null when successful.</param>
public sealed record AnalysisCompletedEvent(DateTimeOffset Time, string Where, AnalysisVerdict Verdict, string? Reason) : DeploymentEvent(Time);
