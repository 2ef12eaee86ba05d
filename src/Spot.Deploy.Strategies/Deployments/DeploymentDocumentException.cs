using System.Globalization;

namespace Spot.Deploy.Strategies;

/// <summary>
/// A resume has to create the deployment's group, but the journal kept sensitive values of its create body out (see
/// docs/journal-and-lock.md, "Secrets"), and the Elastigroup document the deployment started with was not given
/// (<see cref="IsDocumentMissing"/>) or a different one was (<see cref="Differences"/>). Thrown before the resume changes
/// anything: pass that document to <see cref="DeploymentRecovery.ResumeAsync(string, Elastigroup.ElastigroupDocument, IProgress{DeploymentEvent}, CancellationToken)"/>,
/// or roll the deployment back (a rollback never needs it). Never carries a value, only JSON paths.
/// </summary>
public class DeploymentDocumentException : Exception
{
    private const int PathsInMessage = 10;

    /// <summary>Creates the exception.</summary>
    public DeploymentDocumentException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public DeploymentDocumentException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DeploymentDocumentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="deploymentId">The deployment.</param>
    /// <param name="groupName">The group the resume has to create.</param>
    /// <param name="isDocumentMissing">True when no document was given; false when a different one was.</param>
    /// <param name="differences">Where the given document differs (JSON paths of the create body, or <c>UserData</c>); empty when none was given.</param>
    public DeploymentDocumentException(string message, string deploymentId, string groupName, bool isDocumentMissing, IReadOnlyList<string> differences)
        : base(message)
    {
        DeploymentId = deploymentId;
        GroupName = groupName;
        IsDocumentMissing = isDocumentMissing;
        Differences = differences ?? [];
    }

    /// <summary>The deployment.</summary>
    public string? DeploymentId { get; }

    /// <summary>The group the resume has to create (<c>web__4</c>, <c>web__STAGE</c>).</summary>
    public string? GroupName { get; }

    /// <summary>True when the resume needs the document and none was given.</summary>
    public bool IsDocumentMissing { get; }

    /// <summary>
    /// Where the given document (with the given user data) differs from the one the deployment started with: JSON paths of
    /// the create body (<c>$.thirdPartiesIntegration.rancher.secretKey</c>), or <c>UserData</c> for the request's user data.
    /// Empty when no document was given.
    /// </summary>
    public IReadOnlyList<string> Differences { get; } = [];

    internal static DeploymentDocumentException Missing(string deploymentId, string groupName, IReadOnlyList<string> keptOut, bool userDataGiven) =>
        new(string.Create(CultureInfo.InvariantCulture,
                $"Deployment {deploymentId} has yet to create its group {groupName}, and the journal kept {keptOut.Count} value(s) of the create body out ({List(keptOut)}). Pass the Elastigroup document the deployment started with{(userDataGiven ? ", and the same user data," : string.Empty)} to resume it, or roll it back (a rollback does not need it). Nothing was changed."),
            deploymentId, groupName, isDocumentMissing: true, []);

    internal static DeploymentDocumentException Mismatch(string deploymentId, string groupName, IReadOnlyList<(string Path, string What)> differences) =>
        new(string.Create(CultureInfo.InvariantCulture,
                $"The document given to resume deployment {deploymentId} is not the one it started with: the create body of {groupName} it makes differs at {List(differences.Select(d => $"{d.Path} ({d.What})").ToList())}. Pass the document (and user data) the deployment started with, or roll it back (a rollback does not need it). Nothing was changed."),
            deploymentId, groupName, isDocumentMissing: false, [.. differences.Select(d => d.Path)]);

    private static string List(IReadOnlyList<string> items) =>
        items.Count <= PathsInMessage
            ? string.Join(", ", items)
            : string.Join(", ", items.Take(PathsInMessage)) + string.Create(CultureInfo.InvariantCulture, $" and {items.Count - PathsInMessage} more");
}
