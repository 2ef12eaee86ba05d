using System.Globalization;
using System.Text.RegularExpressions;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies;

/// <summary>Durations as people write them in an analysis file or on the command line: <c>90s</c>, <c>5m</c>, <c>1h30m</c>, or seconds.</summary>
public static partial class Durations
{
    /// <summary>Reads <c>30s</c>, <c>5m</c>, <c>2h</c>, <c>1h30m</c>, <c>1m30s</c> or a plain number of seconds.</summary>
    /// <param name="text">The text.</param>
    /// <param name="field">The field or option it came from, for the message.</param>
    /// <returns>The positive duration.</returns>
    /// <exception cref="DeploymentValidationException">Not a positive duration (the message names the field).</exception>
    public static TimeSpan Parse(string text, string field)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds <= TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        var match = Units().Match(trimmed);
        if (match.Success && trimmed.Length > 0)
        {
            var total = TimeSpan.FromHours(Number(match.Groups["h"])) + TimeSpan.FromMinutes(Number(match.Groups["m"])) + TimeSpan.FromSeconds(Number(match.Groups["s"]));
            if (total > TimeSpan.Zero)
            {
                return total;
            }
        }

        throw new DeploymentValidationException(field, $"'{text}' is not a positive duration such as 30s, 5m, 1h30m or a number of seconds.");
    }

    /// <summary>Writes a duration the way <see cref="Parse"/> reads it, e.g. <c>1h30m</c>, <c>90s</c> → <c>1m30s</c>.</summary>
    /// <param name="duration">The duration.</param>
    /// <returns>The text.</returns>
    public static string Format(TimeSpan duration)
    {
        var text = string.Empty;
        if ((int)duration.TotalHours > 0)
        {
            text += ((int)duration.TotalHours).ToString(CultureInfo.InvariantCulture) + "h";
        }

        if (duration.Minutes > 0)
        {
            text += duration.Minutes.ToString(CultureInfo.InvariantCulture) + "m";
        }

        if (duration.Seconds > 0 || text.Length == 0)
        {
            text += duration.Seconds.ToString(CultureInfo.InvariantCulture) + "s";
        }

        return text;
    }

    private static double Number(Group group) => group.Success ? double.Parse(group.Value, CultureInfo.InvariantCulture) : 0;

    [GeneratedRegex(@"^(?:(?<h>\d{1,4})h)?(?:(?<m>\d{1,5})m)?(?:(?<s>\d{1,6})s)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Units();
}
