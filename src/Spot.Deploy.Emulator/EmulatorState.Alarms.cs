namespace Spot.Deploy.Emulator;

/// <summary>CloudWatch metric alarms: seeded by tests, their state set by tests (or by <c>SetAlarmState</c>), never evaluated.</summary>
public sealed partial class EmulatorState
{
    private static readonly string[] AlarmStates = ["OK", "ALARM", "INSUFFICIENT_DATA"];

    private static readonly string[] ComparisonOperators =
    [
        "GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold",
        "LessThanLowerOrGreaterThanUpperThreshold", "LessThanLowerThreshold", "GreaterThanUpperThreshold",
    ];

    private readonly SortedDictionary<string, CloudWatchAlarm> _alarms = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds a CloudWatch metric alarm (or replaces the one with that name), in state <c>INSUFFICIENT_DATA</c> as a new
    /// alarm is, unless <paramref name="state"/> says otherwise. Returns its ARN. The emulator never evaluates it: a test
    /// moves it with <see cref="SetAlarm"/>.
    /// </summary>
    /// <param name="name">The alarm name (1–255 characters).</param>
    /// <param name="metricName">The metric watched.</param>
    /// <param name="metricNamespace">The metric's namespace.</param>
    /// <param name="dimensions">The metric's dimensions, name → value (e.g. <c>TargetGroup</c> → <c>targetgroup/web/0123…</c>).</param>
    /// <param name="threshold">The threshold.</param>
    /// <param name="comparisonOperator">One of CloudWatch's operators, e.g. <c>GreaterThanThreshold</c>.</param>
    /// <param name="statistic"><c>Sum</c>, <c>Average</c>, <c>SampleCount</c>, <c>Minimum</c> or <c>Maximum</c>.</param>
    /// <param name="periodSeconds">The period, a multiple of 60.</param>
    /// <param name="evaluationPeriods">How many periods are evaluated.</param>
    /// <param name="state">The state it starts in.</param>
    /// <param name="description">The alarm description; none when null.</param>
    /// <exception cref="ArgumentException">A value CloudWatch would refuse.</exception>
    public string SeedAlarm(string name, string metricName = "HTTPCode_Target_5XX_Count", string metricNamespace = "AWS/ApplicationELB",
        IReadOnlyDictionary<string, string>? dimensions = null, double threshold = 1, string comparisonOperator = "GreaterThanOrEqualToThreshold",
        string statistic = "Sum", int periodSeconds = 60, int evaluationPeriods = 1, string state = "INSUFFICIENT_DATA", string? description = null)
    {
        CheckAlarmName(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(metricName);
        ArgumentException.ThrowIfNullOrWhiteSpace(metricNamespace);
        ArgumentOutOfRangeException.ThrowIfLessThan(periodSeconds, 60);
        ArgumentOutOfRangeException.ThrowIfLessThan(evaluationPeriods, 1);
        CheckAlarmState(state, nameof(state));
        if (periodSeconds % 60 != 0)
        {
            throw new ArgumentException("The period must be a multiple of 60 seconds.", nameof(periodSeconds));
        }

        if (!ComparisonOperators.Contains(comparisonOperator, StringComparer.Ordinal))
        {
            throw new ArgumentException($"'{comparisonOperator}' is not a CloudWatch comparison operator.", nameof(comparisonOperator));
        }

        if (!CloudWatchMetrics.Statistics.Contains(statistic, StringComparer.Ordinal))
        {
            throw new ArgumentException($"'{statistic}' is not a statistic: {string.Join(", ", CloudWatchMetrics.Statistics)}.", nameof(statistic));
        }

        lock (Gate)
        {
            var now = Now;
            var alarm = new CloudWatchAlarm
            {
                Name = name,
                Arn = $"arn:aws:cloudwatch:{Options.Region}:{Options.AwsAccountId}:alarm:{name}",
                Description = description,
                MetricName = metricName,
                Namespace = metricNamespace,
                Dimensions = [.. (dimensions ?? new Dictionary<string, string>()).OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => (d.Key, d.Value))],
                Threshold = threshold,
                ComparisonOperator = comparisonOperator,
                Statistic = statistic,
                Period = periodSeconds,
                EvaluationPeriods = evaluationPeriods,
                ConfigurationUpdatedAt = now,
                State = state,
                StateReason = "Unchecked: Initial alarm creation",
                StateUpdatedAt = now,
            };
            _alarms[name] = alarm;
            return alarm.Arn;
        }
    }

    /// <summary>Moves an alarm to a state, as CloudWatch's <c>SetAlarmState</c> does: the reason and the time of the change are reported.</summary>
    /// <param name="name">The alarm name.</param>
    /// <param name="state"><c>OK</c>, <c>ALARM</c> or <c>INSUFFICIENT_DATA</c>.</param>
    /// <param name="reason">Why, in words (<c>StateReason</c>).</param>
    /// <exception cref="ArgumentException">There is no such alarm, or the state is not one of these.</exception>
    public void SetAlarm(string name, string state, string reason)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(reason);
        CheckAlarmState(state, nameof(state));
        lock (Gate)
        {
            var alarm = FindAlarm(name) ?? throw new ArgumentException($"No alarm named '{name}'.", nameof(name));
            alarm.State = state;
            alarm.StateReason = reason;
            alarm.StateReasonData = null;
            alarm.StateUpdatedAt = Now;
        }
    }

    /// <summary>Every alarm, by name (CloudWatch lists them so).</summary>
    internal IReadOnlyCollection<CloudWatchAlarm> Alarms => _alarms.Values;

    internal CloudWatchAlarm? FindAlarm(string name) => _alarms.GetValueOrDefault(name);

    internal static bool IsAlarmState(string? state) => state is not null && AlarmStates.Contains(state, StringComparer.Ordinal);

    private static void CheckAlarmState(string state, string parameterName)
    {
        if (!IsAlarmState(state))
        {
            throw new ArgumentException($"'{state}' is not an alarm state: OK, ALARM or INSUFFICIENT_DATA.", parameterName);
        }
    }

    private static void CheckAlarmName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Length > 255)
        {
            throw new ArgumentException("An alarm name has at most 255 characters.", nameof(name));
        }
    }
}

/// <summary>One metric alarm.</summary>
internal sealed class CloudWatchAlarm
{
    public required string Name { get; init; }

    public required string Arn { get; init; }

    public string? Description { get; init; }

    public required string MetricName { get; init; }

    public required string Namespace { get; init; }

    public required IReadOnlyList<(string Name, string Value)> Dimensions { get; init; }

    public required double Threshold { get; init; }

    public required string ComparisonOperator { get; init; }

    public required string Statistic { get; init; }

    public required int Period { get; init; }

    public required int EvaluationPeriods { get; init; }

    public required DateTimeOffset ConfigurationUpdatedAt { get; init; }

    public required string State { get; set; }

    public required string StateReason { get; set; }

    public string? StateReasonData { get; set; }

    public required DateTimeOffset StateUpdatedAt { get; set; }
}
