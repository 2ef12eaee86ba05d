using System.Text.RegularExpressions;
using Spot.Deploy.Aws;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies;

/// <summary>
/// One CloudWatch metric read by a <see cref="CloudWatchMetricCheck"/>: namespace, name, dimensions (values may use
/// placeholders, e.g. <c>TargetGroup</c> = <c>{targetGroup}</c>), the statistic and its period.
/// </summary>
public sealed partial class CloudWatchMetric
{
    /// <summary>Its id in a metric-math expression (<c>^[a-z][a-zA-Z0-9_]*$</c>, such as <c>m5xx</c>); default <c>m1</c>.</summary>
    public string Id { get; init; } = "m1";

    /// <summary>The namespace, such as <c>AWS/ApplicationELB</c>.</summary>
    public string Namespace { get; init; } = string.Empty;

    /// <summary>The metric, such as <c>HTTPCode_Target_5XX_Count</c>.</summary>
    public string MetricName { get; init; } = string.Empty;

    /// <summary>The dimensions — all of them, as CloudWatch matches the exact set; values may use placeholders.</summary>
    public IReadOnlyDictionary<string, string> Dimensions { get; init; } = new Dictionary<string, string>();

    /// <summary>The statistic: <c>Sum</c> (default), <c>Average</c>, <c>SampleCount</c>, <c>Minimum</c>, <c>Maximum</c> or a percentile such as <c>p99</c>.</summary>
    public string Stat { get; init; } = "Sum";

    /// <summary>The period each datapoint aggregates: a whole number of minutes (default 1 minute).</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The query CloudWatch is sent, with the placeholders of <paramref name="context"/> filled.</summary>
    internal MetricDataQuery ToQuery(AnalysisContext context, bool returnData) => new(
        Id,
        new MetricStat(Namespace, MetricName, [.. Dimensions.Select(d => new MetricDimension(d.Key, context.Fill(d.Value)))], (int)Period.TotalSeconds, Stat),
        null,
        returnData);

    /// <summary>Checks the metric; <paramref name="field"/> prefixes the names of its fields in messages.</summary>
    internal void Validate(string check, string field, Action<string, string?> validateTemplate)
    {
        if (!IdPattern().IsMatch(Id ?? string.Empty))
        {
            throw new DeploymentValidationException($"check '{check}'.{field}id", $"'{Id}' is not a metric id: a lowercase letter, then letters, digits or _ (such as m5xx).");
        }

        if (string.IsNullOrWhiteSpace(Namespace))
        {
            throw new DeploymentValidationException($"check '{check}'.{field}namespace", "is required, such as AWS/ApplicationELB.");
        }

        if (string.IsNullOrWhiteSpace(MetricName))
        {
            throw new DeploymentValidationException($"check '{check}'.{field}metricName", "is required, such as HTTPCode_Target_5XX_Count.");
        }

        foreach (var (name, value) in Dimensions ?? throw new DeploymentValidationException($"check '{check}'.{field}dimensions", "must not be null."))
        {
            if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(value))
            {
                throw new DeploymentValidationException($"check '{check}'.{field}dimensions.{name}", "a dimension needs a name and a value.");
            }

            validateTemplate($"{field}dimensions.{name}", value);
        }

        if (!StatPattern().IsMatch(Stat ?? string.Empty))
        {
            throw new DeploymentValidationException($"check '{check}'.{field}stat", $"'{Stat}' is not a statistic; use Sum, Average, SampleCount, Minimum, Maximum or a percentile such as p99.");
        }

        if (Period <= TimeSpan.Zero || Period.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            throw new DeploymentValidationException($"check '{check}'.{field}period", $"must be a whole number of minutes (60 s, 300 s …), was {Period.TotalSeconds:0.###} s.");
        }
    }

    [GeneratedRegex("^[a-z][a-zA-Z0-9_]*$", RegexOptions.CultureInvariant)]
    internal static partial Regex IdPattern();

    [GeneratedRegex(@"^(Sum|Average|SampleCount|Minimum|Maximum|p(\d{1,2}(\.\d{1,3})?|100))$", RegexOptions.CultureInvariant)]
    private static partial Regex StatPattern();
}
