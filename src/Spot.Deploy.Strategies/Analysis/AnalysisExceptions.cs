namespace Spot.Deploy.Strategies;

/// <summary>
/// An analysis failed (a check failed more often than its failure limit allows): the deployment follows
/// <see cref="DeploymentOptions.OnFailure"/> (by default it is rolled back); the message names the check and the values seen.
/// </summary>
public class AnalysisFailedException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public AnalysisFailedException()
        : base("An analysis failed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public AnalysisFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public AnalysisFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a failed check.</summary>
    /// <param name="where">The analysis, such as <c>bake after phase 1 (10%)</c>.</param>
    /// <param name="check">The check that failed.</param>
    /// <param name="values">The measurements seen, oldest first.</param>
    public AnalysisFailedException(string where, string check, IReadOnlyList<string> values)
        : base($"{where}: check '{check}' failed with {string.Join("; ", values)}")
    {
        Check = check;
        Values = values;
    }

    /// <summary>The check that failed.</summary>
    public string? Check { get; }

    /// <summary>Its measurements, oldest first (value and threshold, or why there was none); the latest ten when there were more.</summary>
    public IReadOnlyList<string> Values { get; } = [];
}

/// <summary>
/// An analysis was inconclusive (no data, errors, or too few successes): the deployment stops for a person, whatever
/// <see cref="DeploymentOptions.OnFailure"/> says, with status NeedsAttention — resume it to go on, roll it back to undo.
/// </summary>
public class AnalysisInconclusiveException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public AnalysisInconclusiveException()
        : base("An analysis was inconclusive.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public AnalysisInconclusiveException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public AnalysisInconclusiveException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an inconclusive check.</summary>
    /// <param name="where">The analysis.</param>
    /// <param name="check">The check that was inconclusive.</param>
    /// <param name="values">The measurements seen, oldest first.</param>
    public AnalysisInconclusiveException(string where, string check, IReadOnlyList<string> values)
        : base($"{where}: check '{check}' was inconclusive with {string.Join("; ", values)}")
    {
        Check = check;
        Values = values;
    }

    /// <summary>The check that was inconclusive.</summary>
    public string? Check { get; }

    /// <summary>Its measurements, oldest first; the latest ten when there were more.</summary>
    public IReadOnlyList<string> Values { get; } = [];
}
