using System.Globalization;
using Spot.Deploy.Aws;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies;

/// <summary>
/// CloudWatch alarms, by <see cref="AlarmNames"/> or by <see cref="AlarmNamePrefix"/> (placeholders allowed): any alarm in
/// <c>ALARM</c> fails, naming the alarms and CloudWatch's reasons; otherwise any in <c>INSUFFICIENT_DATA</c>, a named
/// alarm that does not exist, or no alarm at all matching is inconclusive; all <c>OK</c> passes. The value measured is the
/// number of alarms in <c>ALARM</c>. Reads through the deployment's AWS connection unless given its own <see cref="CloudWatch"/>.
/// </summary>
public sealed class CloudWatchAlarmCheck : AnalysisCheck
{
    /// <summary>The alarms' exact names (placeholders allowed); or use <see cref="AlarmNamePrefix"/>.</summary>
    public IReadOnlyList<string> AlarmNames { get; init; } = [];

    /// <summary>Every alarm whose name starts with this (placeholders allowed); or use <see cref="AlarmNames"/>.</summary>
    public string? AlarmNamePrefix { get; init; }

    /// <summary>The client to read with; null reads through the deployment's AWS connection.</summary>
    public CloudWatchClient? CloudWatch { get; init; }

    internal override bool NeedsDeploymentCloudWatch => CloudWatch is null;

    /// <inheritdoc />
    public override async Task<Measurement> MeasureAsync(AnalysisContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var client = CloudWatchChecks.ClientFor(Name, CloudWatch, context);
        var names = AlarmNames.Select(n => context.Fill(n)).Distinct(StringComparer.Ordinal).ToArray();
        var prefix = AlarmNamePrefix is null ? null : context.Fill(AlarmNamePrefix);
        IReadOnlyList<CloudWatchAlarmState> alarms;
        try
        {
            alarms = await client.DescribeAlarmsAsync(names.Length == 0 ? null : names, prefix, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsApiException e)
        {
            return Measurement.Inconclusive("CloudWatch: " + e.Message);
        }

        return Judge(alarms, names, prefix);
    }

    /// <summary>The verdict of the alarms found for <paramref name="names"/> or <paramref name="prefix"/>.</summary>
    internal static Measurement Judge(IReadOnlyList<CloudWatchAlarmState> alarms, IReadOnlyList<string> names, string? prefix)
    {
        var firing = alarms.Where(a => a.State == CloudWatchAlarmState.Alarm).ToList();
        if (firing.Count > 0)
        {
            return new Measurement(MeasurementVerdict.Fail, firing.Count, string.Join("; ", firing.Select(Describe)));
        }

        var missing = names.Where(n => !alarms.Any(a => a.Name == n)).ToList();
        if (alarms.Count == 0 || missing.Count > 0)
        {
            return Measurement.Inconclusive(prefix is not null
                ? $"no alarm named {prefix}*"
                : "no alarm named " + string.Join(", ", missing.Select(n => "'" + n + "'")));
        }

        var unsure = alarms.Where(a => a.State != CloudWatchAlarmState.Ok).ToList();
        if (unsure.Count > 0)
        {
            return Measurement.Inconclusive(string.Join("; ", unsure.Select(Describe)));
        }

        var shown = alarms.Count <= 5 ? string.Join(", ", alarms.Select(a => a.Name)) : string.Join(", ", alarms.Take(5).Select(a => a.Name)) + ", …";
        return new Measurement(MeasurementVerdict.Pass, 0, string.Create(CultureInfo.InvariantCulture, $"{alarms.Count} alarm(s) OK: {shown}"));
    }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        var names = AlarmNames ?? throw new DeploymentValidationException($"check '{Name}'.alarmNames", "must not be null.");
        if ((names.Count > 0) == (AlarmNamePrefix is not null))
        {
            throw new DeploymentValidationException($"check '{Name}'.alarmNames",
                "give either alarmNames (a list of names) or alarmNamePrefix, not both and not neither — CloudWatch takes one or the other.");
        }

        for (var i = 0; i < names.Count; i++)
        {
            var field = string.Create(CultureInfo.InvariantCulture, $"alarmNames[{i}]");
            if (string.IsNullOrWhiteSpace(names[i]) || names[i].Length > 255)
            {
                throw new DeploymentValidationException($"check '{Name}'.{field}", "an alarm name is 1 to 255 characters.");
            }

            ValidateTemplate(field, names[i]);
        }

        if (AlarmNamePrefix is not null && (string.IsNullOrWhiteSpace(AlarmNamePrefix) || AlarmNamePrefix.Length > 255))
        {
            throw new DeploymentValidationException($"check '{Name}'.alarmNamePrefix", "is 1 to 255 characters (an empty prefix would match every alarm of the account).");
        }

        ValidateTemplate("alarmNamePrefix", AlarmNamePrefix);
    }

    private static string Describe(CloudWatchAlarmState alarm) =>
        $"alarm '{alarm.Name}' is {alarm.State}" + (string.IsNullOrWhiteSpace(alarm.StateReason) ? string.Empty : ": " + alarm.StateReason);
}
