using System.Globalization;

namespace Spot.Deploy.Planning;

/// <summary>
/// Names of revision groups: app <c>A</c>'s revisions are named <c>A__N</c>, N a decimal integer.
/// Matching is strict (nothing before, nothing after, digits only) and N is compared as an integer,
/// never as a string (<c>A__10</c> is newer than <c>A__9</c>).
/// </summary>
public static class RevisionName
{
    /// <summary>The separator between the app name and the revision number: two underscores.</summary>
    public const string Separator = "__";

    /// <summary>The largest revision number; a name with a larger number is not a revision.</summary>
    public const int MaxRevision = int.MaxValue - 1;

    /// <summary>Formats the name of revision <paramref name="revision"/> of <paramref name="appName"/>.</summary>
    /// <exception cref="DeploymentValidationException">The app name is invalid or the revision is below 1.</exception>
    public static string Format(string appName, int revision)
    {
        AppName.Validate(appName);
        if (revision < 1 || revision > MaxRevision)
        {
            throw new DeploymentValidationException("Revision",
                string.Create(CultureInfo.InvariantCulture, $"A revision number must be between 1 and {MaxRevision} (was {revision})."));
        }

        return appName + Separator + revision.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Reads the revision number of <paramref name="groupName"/> if it is exactly
    /// <c>{appName}__{digits}</c>; any other name (a suffix, a sign, spaces, another app) is not a revision.
    /// </summary>
    /// <param name="appName">The app name <c>A</c>.</param>
    /// <param name="groupName">A group's name.</param>
    /// <param name="revision">The revision number N when the method returns true; otherwise 0.</param>
    /// <returns>True when <paramref name="groupName"/> names a revision of <paramref name="appName"/>.</returns>
    public static bool TryParse(string appName, string? groupName, out int revision)
    {
        ArgumentNullException.ThrowIfNull(appName);
        revision = 0;
        if (groupName is null || groupName.Length <= appName.Length + Separator.Length)
        {
            return false;
        }

        var span = groupName.AsSpan();
        if (!span.StartsWith(appName, StringComparison.Ordinal) ||
            !span[appName.Length..].StartsWith(Separator, StringComparison.Ordinal))
        {
            return false;
        }

        long value = 0;
        foreach (var c in span[(appName.Length + Separator.Length)..])
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
            if (value > MaxRevision)
            {
                return false;
            }
        }

        revision = (int)value;
        return true;
    }

    /// <summary>True when <paramref name="groupName"/> names a revision of <paramref name="appName"/>.</summary>
    public static bool IsRevisionOf(string appName, string? groupName) => TryParse(appName, groupName, out _);
}

/// <summary>Rules for app names, shared by every plan.</summary>
public static class AppName
{
    /// <summary>
    /// Rejects a null or empty app name, surrounding white space, and control characters, with a
    /// <see cref="DeploymentValidationException"/> on field <c>AppName</c>.
    /// </summary>
    /// <exception cref="DeploymentValidationException">The app name is unusable.</exception>
    public static void Validate(string? appName)
    {
        if (string.IsNullOrWhiteSpace(appName))
        {
            throw new DeploymentValidationException("AppName", "The app name must not be empty.");
        }

        if (char.IsWhiteSpace(appName[0]) || char.IsWhiteSpace(appName[^1]))
        {
            throw new DeploymentValidationException("AppName", "The app name must not start or end with white space.");
        }

        foreach (var c in appName)
        {
            if (char.IsControl(c))
            {
                throw new DeploymentValidationException("AppName", "The app name must not contain control characters.");
            }
        }
    }
}
