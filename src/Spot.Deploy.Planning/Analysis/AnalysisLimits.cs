using System.Globalization;

namespace Spot.Deploy.Planning;

/// <summary>
/// How many measurements an analysis takes and what ends it — the model of Argo Rollouts' analysis, which users know:
/// <see cref="Count"/> measurements at most; <b>Failed</b> as soon as failures exceed <see cref="FailureLimit"/>;
/// <b>Inconclusive</b> as soon as inconclusive measurements exceed <see cref="InconclusiveLimit"/>; <b>Successful</b> as
/// soon as the last <see cref="ConsecutiveSuccessLimit"/> measurements all passed (when set), otherwise once
/// <see cref="Count"/> measurements were taken without breaching a limit. A count reached without the consecutive
/// successes asked for is Inconclusive (a person decides; the analysis does not guess).
/// </summary>
public sealed record AnalysisLimits
{
    /// <summary>The most measurements per check (≥ 1; default 1).</summary>
    public int Count { get; init; } = 1;

    /// <summary>Failures tolerated (≥ 0; default 0: the first failure fails the analysis).</summary>
    public int FailureLimit { get; init; }

    /// <summary>Inconclusive measurements tolerated (≥ 0; default 0: the first one makes the analysis inconclusive).</summary>
    public int InconclusiveLimit { get; init; }

    /// <summary>Passes in a row that end the analysis early as Successful (0, the default: not used).</summary>
    public int ConsecutiveSuccessLimit { get; init; }

    /// <summary>Checks every value.</summary>
    /// <exception cref="DeploymentValidationException">A value is out of range (the message names it).</exception>
    public void Validate()
    {
        Require(Count >= 1, "count", Count, "at least 1");
        Require(FailureLimit >= 0, "failureLimit", FailureLimit, "0 or more");
        Require(InconclusiveLimit >= 0, "inconclusiveLimit", InconclusiveLimit, "0 or more");
        Require(ConsecutiveSuccessLimit >= 0 && ConsecutiveSuccessLimit <= Count, "consecutiveSuccessLimit", ConsecutiveSuccessLimit, "between 0 and count");
    }

    private static void Require(bool ok, string name, int value, string rule)
    {
        if (!ok)
        {
            throw new DeploymentValidationException("Analysis." + name, string.Create(CultureInfo.InvariantCulture, $"must be {rule} (was {value})."));
        }
    }
}
