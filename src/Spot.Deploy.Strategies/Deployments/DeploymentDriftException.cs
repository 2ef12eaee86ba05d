using System.Text;

namespace Spot.Deploy.Strategies;

/// <summary>
/// One difference between the live state of an app and what the journal says its deployment last set, found by the world
/// check a resume or rollback makes before its first change (see <see cref="DeploymentDriftException"/>).
/// </summary>
/// <param name="What">What differs: a group (name and id) and its attribute, a route, or an unknown group.</param>
/// <param name="Expected">What the journal says it is (several acceptable values joined by " or ").</param>
/// <param name="Actual">What it is.</param>
/// <param name="Action">What a person should do about it.</param>
public sealed record WorldDifference(string What, string Expected, string Actual, string Action)
{
    /// <summary>The difference on one line: what, expected, actual, and what to do.</summary>
    /// <returns>The line.</returns>
    public override string ToString() => $"{What}: expected {Expected}, found {Actual}. {Action}";
}

/// <summary>
/// A resume or rollback found the app's live state different from what the journal says the deployment last set (a group
/// resized, renamed or deleted, an image or a route changed, a group or a newer revision the journal does not know), so it
/// changed nothing: the finding is journaled and the deployment's status is <see cref="DeploymentStatus.NeedsAttention"/>.
/// <see cref="Differences"/> lists each difference with what to do; the message is the whole report, one line each.
/// Put things back as the report expects and run the same call again, or — once a person has checked the app — abandon the
/// deployment (<see cref="DeploymentRecovery.AbandonAsync"/>).
/// </summary>
public sealed class DeploymentDriftException : DeploymentFailedException
{
    /// <summary>Creates the exception with a generic message (prefer the other constructors).</summary>
    public DeploymentDriftException()
        : base("The app's live state differs from what the journal says its deployment last set; nothing was changed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public DeploymentDriftException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DeploymentDriftException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with the report of <paramref name="differences"/>.</summary>
    /// <param name="deploymentId">The deployment.</param>
    /// <param name="appName">Its app.</param>
    /// <param name="operation">What was asked: <c>resume</c> or <c>rollback</c>.</param>
    /// <param name="differences">Every difference found (at least one).</param>
    public DeploymentDriftException(string deploymentId, string appName, string operation, IReadOnlyList<WorldDifference> differences)
        : base(Report(deploymentId, appName, operation, differences), deploymentId, DeploymentStatus.NeedsAttention, null, null, null)
    {
        ArgumentNullException.ThrowIfNull(differences);
        AppName = appName;
        Operation = operation;
        Differences = [.. differences];
    }

    /// <summary>The deployment's app.</summary>
    public string? AppName { get; }

    /// <summary>What was asked and refused: <c>resume</c> or <c>rollback</c>.</summary>
    public string? Operation { get; }

    /// <summary>Every difference found, each with what to do.</summary>
    public IReadOnlyList<WorldDifference> Differences { get; } = [];

    private static string Report(string deploymentId, string appName, string operation, IReadOnlyList<WorldDifference> differences)
    {
        ArgumentNullException.ThrowIfNull(differences);
        var text = new StringBuilder()
            .Append("The ").Append(operation).Append(" of deployment ").Append(deploymentId).Append(" of app '").Append(appName)
            .Append("' changed nothing: the app's live state differs from what the journal says the deployment last set (")
            .Append(differences.Count).Append(differences.Count == 1 ? " difference" : " differences").Append("). The status is NeedsAttention.");
        foreach (var difference in differences)
        {
            text.AppendLine().Append("  - ").Append(difference);
        }

        text.AppendLine().Append("Put each back as expected and run the ").Append(operation).Append(" again; or, once a person has checked the app and put it right by hand, abandon ")
            .Append(deploymentId).Append(" (DeploymentRecovery.AbandonAsync, `spot-deploy abandon`) and deploy again.");
        return text.ToString();
    }
}
