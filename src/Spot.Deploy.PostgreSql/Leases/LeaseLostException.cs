using System.Globalization;

namespace Spot.Deploy.PostgreSql;

/// <summary>
/// A journal write was refused because the writer does not hold the app's lease: it expired (the runner stopped renewing it)
/// or another runner took it over. Nothing was written; the runner must stop, since every later write is refused too.
/// </summary>
public sealed class LeaseLostException : DeploymentJournalException
{
    /// <summary>Creates the exception.</summary>
    public LeaseLostException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public LeaseLostException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public LeaseLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception naming the deployment, the app, the writer's token and the lease's current holder.</summary>
    /// <param name="deploymentId">The deployment written to.</param>
    /// <param name="appName">Its app.</param>
    /// <param name="token">The writer's fencing token, or null when it held no lease on the app.</param>
    /// <param name="holder">The lease's current holder, or null when nobody holds an unexpired lease.</param>
    /// <param name="holderToken">The current holder's token, or null.</param>
    public LeaseLostException(string deploymentId, string appName, long? token, string? holder, long? holderToken)
        : base(Describe(deploymentId, appName, token, holder, holderToken), deploymentId, null)
    {
        AppName = appName;
        Token = token;
        Holder = holder;
        HolderToken = holderToken;
    }

    /// <summary>The app whose lease the writer lacks.</summary>
    public string AppName { get; } = string.Empty;

    /// <summary>The writer's fencing token, or null when it held no lease on the app.</summary>
    public long? Token { get; }

    /// <summary>Who holds the app's lease now, or null when nobody holds an unexpired one.</summary>
    public string? Holder { get; }

    /// <summary>The current holder's fencing token, or null.</summary>
    public long? HolderToken { get; }

    private static string Describe(string deploymentId, string appName, long? token, string? holder, long? holderToken)
    {
        var mine = token is { } t ? string.Create(CultureInfo.InvariantCulture, $"this runner's lease on app '{appName}' (fencing token {t}) is lost") : $"this runner holds no lease on app '{appName}'";
        var now = holder is null
            ? "it has expired and nobody holds it now"
            : string.Create(CultureInfo.InvariantCulture, $"'{holder}' holds it now (fencing token {holderToken})");
        return $"The journal refused a write to deployment '{deploymentId}': {mine}; {now}. Nothing was written and this runner must change nothing more; resume the deployment from the lease holder.";
    }
}
