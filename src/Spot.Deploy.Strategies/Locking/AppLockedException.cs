using System.Globalization;

namespace Spot.Deploy.Strategies;

/// <summary>A deployment was refused because another deployment of the same app holds its lock.</summary>
public class AppLockedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AppLockedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public AppLockedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public AppLockedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a message naming the app and, when known, the holder.</summary>
    /// <param name="appName">The app.</param>
    /// <param name="owner">The holder's owner text, or null when unknown.</param>
    /// <param name="since">When the holder took the lock, or null when unknown.</param>
    /// <param name="details">More about the holder (process, machine, lock file), or null.</param>
    /// <param name="innerException">The cause, or null.</param>
    public AppLockedException(string appName, string? owner, DateTimeOffset? since, string? details, Exception? innerException = null)
        : base(Describe(appName, owner, since, details), innerException)
    {
        AppName = appName;
        Owner = owner;
        Since = since;
    }

    /// <summary>The app whose lock is held.</summary>
    public string AppName { get; } = string.Empty;

    /// <summary>The holder's owner text, or null when unknown.</summary>
    public string? Owner { get; }

    /// <summary>When the holder took the lock, or null when unknown.</summary>
    public DateTimeOffset? Since { get; }

    private static string Describe(string appName, string? owner, DateTimeOffset? since, string? details)
    {
        var holder = owner is null ? "an unknown holder" : $"'{owner}'";
        var when = since is { } s ? " since " + s.ToString("O", CultureInfo.InvariantCulture) : string.Empty;
        var more = details is null ? string.Empty : " (" + details + ")";
        return $"App '{appName}' is already being deployed by {holder}{when}{more}. Only one deployment per app may run at a time; wait for it to finish, or resume or roll it back.";
    }
}
