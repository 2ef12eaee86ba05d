namespace Spot.Deploy.Planning;

/// <summary>What one measurement of one check says.</summary>
public enum MeasurementVerdict
{
    /// <summary>The value is within the threshold.</summary>
    Pass,

    /// <summary>The value breaches the threshold (or the alarm is in ALARM).</summary>
    Fail,

    /// <summary>No answer either way: no data, INSUFFICIENT_DATA, or the measurement itself failed (an error never passes).</summary>
    Inconclusive,
}

/// <summary>Where an analysis stands after its measurements so far.</summary>
public enum AnalysisVerdict
{
    /// <summary>More measurements are needed.</summary>
    Running,

    /// <summary>Every check passed as its limits require: the deployment goes on.</summary>
    Successful,

    /// <summary>A check failed more often than its failure limit allows: the deployment is rolled back.</summary>
    Failed,

    /// <summary>A check was inconclusive more often than allowed, or ended without enough successes: a person decides.</summary>
    Inconclusive,
}
