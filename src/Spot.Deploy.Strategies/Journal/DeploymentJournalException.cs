namespace Spot.Deploy.Strategies;

/// <summary>A journal could not be read or written, or refused what it was given. Never carries journal data values.</summary>
public class DeploymentJournalException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DeploymentJournalException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public DeploymentJournalException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DeploymentJournalException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="deploymentId">The deployment concerned, if known.</param>
    /// <param name="filePath">The journal file concerned, if any.</param>
    /// <param name="innerException">The cause, or null.</param>
    public DeploymentJournalException(string message, string? deploymentId, string? filePath, Exception? innerException = null)
        : base(message, innerException)
    {
        DeploymentId = deploymentId;
        FilePath = filePath;
    }

    /// <summary>The deployment concerned, if known.</summary>
    public string? DeploymentId { get; }

    /// <summary>The journal file concerned; null for journals that are not files.</summary>
    public string? FilePath { get; }
}
