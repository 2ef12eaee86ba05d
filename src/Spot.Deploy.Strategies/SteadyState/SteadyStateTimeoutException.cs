using System.Globalization;

namespace Spot.Deploy.Strategies;

/// <summary>A group did not reach its steady state within <see cref="SteadyStateOptions.Timeout"/>.</summary>
public class SteadyStateTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public SteadyStateTimeoutException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public SteadyStateTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SteadyStateTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a message saying what the last poll saw.</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="target">The healthy instances waited for.</param>
    /// <param name="healthy">Healthy instances at the last poll.</param>
    /// <param name="total">Instances in the group at the last poll.</param>
    /// <param name="polls">How many polls the wait made.</param>
    /// <param name="elapsed">How long the wait took.</param>
    /// <param name="details">What else kept the group from being steady (e.g. target health), or null.</param>
    public SteadyStateTimeoutException(string groupId, int target, int healthy, int total, int polls, TimeSpan elapsed, string? details)
        : this(groupId, target, healthy, total, polls, elapsed, details, "instance")
    {
    }

    /// <summary>Creates the exception with a message saying what the last poll saw, in the group's capacity unit.</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="target">The healthy capacity waited for.</param>
    /// <param name="healthy">Healthy capacity at the last poll.</param>
    /// <param name="total">The group's capacity at the last poll.</param>
    /// <param name="polls">How many polls the wait made.</param>
    /// <param name="elapsed">How long the wait took.</param>
    /// <param name="details">What else kept the group from being steady (e.g. target health), or null.</param>
    /// <param name="unit">The unit of the numbers: <c>instance</c> or <c>weight</c> (the sum of the instances' weights).</param>
    public SteadyStateTimeoutException(string groupId, int target, int healthy, int total, int polls, TimeSpan elapsed, string? details, string unit)
        : base(Describe(groupId, target, healthy, total, polls, elapsed, details, unit))
    {
        Unit = unit;
        GroupId = groupId;
        Target = target;
        Healthy = healthy;
        Total = total;
        Polls = polls;
        Elapsed = elapsed;
    }

    /// <summary>The group waited for.</summary>
    public string GroupId { get; } = string.Empty;

    /// <summary>The healthy instances waited for.</summary>
    public int Target { get; }

    /// <summary>Healthy instances at the last poll.</summary>
    public int Healthy { get; }

    /// <summary>Instances in the group at the last poll.</summary>
    public int Total { get; }

    /// <summary>How many polls the wait made.</summary>
    public int Polls { get; }

    /// <summary>How long the wait took before giving up.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The unit of <see cref="Target"/>, <see cref="Healthy"/> and <see cref="Total"/>: <c>instance</c> or <c>weight</c>.</summary>
    public string Unit { get; } = "instance";

    private static string Describe(string groupId, int target, int healthy, int total, int polls, TimeSpan elapsed, string? details, string unit)
    {
        var weighted = string.Equals(unit, "weight", StringComparison.Ordinal);
        var wanted = target == 0
            ? "no instances"
            : weighted
                ? string.Create(CultureInfo.InvariantCulture, $"healthy instances weighing {target} weight units, and no instance more than that needs")
                : string.Create(CultureInfo.InvariantCulture, $"{target} healthy instance(s) out of {target}");
        var seen = weighted && target > 0
            ? string.Create(CultureInfo.InvariantCulture, $"the last poll saw {healthy} healthy weight units of {total}")
            : string.Create(CultureInfo.InvariantCulture, $"the last poll saw {healthy} healthy of {total} instance(s)");
        var more = details is null ? string.Empty : "; " + details;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"Group '{groupId}' did not reach a steady state ({wanted}) within {elapsed:c}: {seen} after {polls} poll(s){more}. Check the group's instances and health checks in Spot.");
    }
}
