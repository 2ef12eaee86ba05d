namespace Spot.Deploy.Aws;

/// <summary>A CloudWatch alarm as DescribeAlarms reports it: its name, kind, state and why it is in that state.</summary>
/// <param name="Name">The alarm's name.</param>
/// <param name="IsComposite">True for a composite alarm (a rule over other alarms), false for a metric alarm.</param>
/// <param name="State"><c>OK</c>, <c>ALARM</c> or <c>INSUFFICIENT_DATA</c>.</param>
/// <param name="StateReason">CloudWatch's explanation of the state, such as <c>Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0).</c></param>
/// <param name="StateUpdated">When the state last changed, when reported.</param>
/// <param name="MetricName">The metric a metric alarm watches (null for a composite alarm).</param>
/// <param name="Namespace">Its namespace, such as <c>AWS/ApplicationELB</c>.</param>
public sealed record CloudWatchAlarmState(string Name, bool IsComposite, string State, string StateReason, DateTimeOffset? StateUpdated, string? MetricName, string? Namespace)
{
    /// <summary>The state of an alarm that fires.</summary>
    public const string Alarm = "ALARM";

    /// <summary>The state of an alarm whose metric is within its threshold.</summary>
    public const string Ok = "OK";

    /// <summary>The state of an alarm without enough data to decide.</summary>
    public const string InsufficientData = "INSUFFICIENT_DATA";
}
