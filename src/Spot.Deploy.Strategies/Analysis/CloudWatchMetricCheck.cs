using System.Globalization;
using System.Text.RegularExpressions;
using Spot.Deploy.Aws;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies;

/// <summary>
/// A CloudWatch metric compared with a threshold: one <see cref="Metric"/> (namespace, name, dimensions, statistic,
/// period), or a metric-math <see cref="Expression"/> over <see cref="Metrics"/> — e.g. a target group's 5xx ratio
/// <c>FILL(m5xx, 0) / requests</c>. GetMetricData reads the <see cref="Window"/> ending now on the deployment's clock; the
/// value is the newest datapoint of the one series returned. No datapoint in the window is inconclusive ("no data"), as
/// is an error answer. Reads through the deployment's AWS connection unless given its own <see cref="CloudWatch"/>; can
/// be the query of a <see cref="NewVersusOldCheck"/>.
/// </summary>
public sealed partial class CloudWatchMetricCheck : MetricCheck
{
    /// <summary>The id of the expression's query (so no metric may be called this).</summary>
    public const string ExpressionId = "value";

    /// <summary>The metric read, when the check reads one metric (not with <see cref="Expression"/>).</summary>
    public CloudWatchMetric? Metric { get; init; }

    /// <summary>A metric-math expression over the ids of <see cref="Metrics"/> (placeholders allowed), such as <c>FILL(m5xx, 0) / requests</c>.</summary>
    public string? Expression { get; init; }

    /// <summary>The metrics the expression uses (not returned themselves).</summary>
    public IReadOnlyList<CloudWatchMetric> Metrics { get; init; } = [];

    /// <summary>How far back from now the datapoints are read (default 5 minutes; at least the longest period).</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The client to read with; null reads through the deployment's AWS connection.</summary>
    public CloudWatchClient? CloudWatch { get; init; }

    internal override bool NeedsDeploymentCloudWatch => CloudWatch is null;

    /// <inheritdoc />
    public override async Task<MetricReading> ReadAsync(AnalysisContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var client = CloudWatchChecks.ClientFor(Name, CloudWatch, context);
        List<MetricDataQuery> queries = Expression is null
            ? [Metric!.ToQuery(context, returnData: true)]
            : [.. Metrics.Select(m => m.ToQuery(context, returnData: false)), new MetricDataQuery(ExpressionId, null, context.Fill(Expression))];
        var returned = queries.Single(q => q.ReturnData).Id;
        var end = context.TimeProvider.GetUtcNow();
        IReadOnlyList<MetricDataResult> results;
        try
        {
            results = await client.GetMetricDataAsync(queries, end - Window, end, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsApiException e)
        {
            return MetricReading.None("CloudWatch: " + e.Message);
        }

        var series = results.FirstOrDefault(r => r.Id == returned);
        if (series is null)
        {
            return MetricReading.None("CloudWatch returned no series");
        }

        if (series.StatusCode is not ("Complete" or "PartialData"))
        {
            return MetricReading.None($"CloudWatch answered {series.StatusCode}");
        }

        if (series.Timestamps.Count == 0)
        {
            return MetricReading.None(string.Create(CultureInfo.InvariantCulture, $"no data (no datapoint in the last {Durations.Format(Window)})"));
        }

        var newest = series.Timestamps.Select((t, i) => (Time: t, Value: series.Values[i])).MaxBy(p => p.Time);

        return double.IsFinite(newest.Value)
            ? MetricReading.Of(newest.Value)
            : MetricReading.None(string.Create(CultureInfo.InvariantCulture, $"the newest datapoint is {newest.Value}"));
    }

    /// <inheritdoc />
    public override void ValidateQuery()
    {
        base.ValidateQuery();
        var metrics = Metrics ?? throw new DeploymentValidationException($"check '{Name}'.metrics", "must not be null.");
        if ((Metric is null) == (Expression is null))
        {
            throw new DeploymentValidationException($"check '{Name}'.expression",
                "give either one metric (namespace, metricName, dimensions, stat, period) or an expression with its metrics, not both and not neither.");
        }

        if (Metric is not null)
        {
            if (metrics.Count > 0)
            {
                throw new DeploymentValidationException($"check '{Name}'.metrics", "are the inputs of an expression; a check of one metric has none.");
            }

            Metric.Validate(Name, string.Empty, ValidateTemplate);
        }
        else
        {
            ValidateExpression(metrics);
        }

        var longest = (Metric is null ? metrics : [Metric]).Select(m => m.Period).DefaultIfEmpty(TimeSpan.FromMinutes(1)).Max();
        if (Window < longest || Window > TimeSpan.FromDays(15))
        {
            throw new DeploymentValidationException($"check '{Name}'.window",
                $"must be at least the longest period ({Durations.Format(longest)}) and at most 15 days, was {Durations.Format(Window)}.");
        }
    }

    private void ValidateExpression(IReadOnlyList<CloudWatchMetric> metrics)
    {
        if (string.IsNullOrWhiteSpace(Expression))
        {
            throw new DeploymentValidationException($"check '{Name}'.expression", "must not be empty.");
        }

        ValidateTemplate("expression", Expression);
        for (var i = 0; i < metrics.Count; i++)
        {
            var metric = metrics[i] ?? throw new DeploymentValidationException(string.Create(CultureInfo.InvariantCulture, $"check '{Name}'.metrics[{i}]"), "is missing (null).");
            metric.Validate(Name, string.Create(CultureInfo.InvariantCulture, $"metrics[{i}]."), ValidateTemplate);
            if (metric.Id == ExpressionId || metrics.Take(i).Any(m => m.Id == metric.Id))
            {
                throw new DeploymentValidationException(string.Create(CultureInfo.InvariantCulture, $"check '{Name}'.metrics[{i}].id"),
                    $"'{metric.Id}' is {(metric.Id == ExpressionId ? "the expression's own id" : "used twice")}; ids must be unique.");
            }
        }

        // Ids are lowercase-first words not followed by '(' (functions are upper case); quoted text and placeholders are skipped.
        var text = Quoted().Replace(Expression, " ");
        var unknown = Identifier().Matches(text).Select(m => m.Value).FirstOrDefault(id => !metrics.Any(m => m.Id == id));
        if (unknown is not null)
        {
            throw new DeploymentValidationException($"check '{Name}'.expression",
                $"uses '{unknown}', which is not the id of one of its metrics ({string.Join(", ", metrics.Select(m => m.Id))}).");
        }
    }

    [GeneratedRegex("""'[^']*'|"[^"]*"|\{[A-Za-z]+\}""", RegexOptions.CultureInvariant)]
    private static partial Regex Quoted();

    [GeneratedRegex(@"(?<![A-Za-z0-9_.])[a-z][a-zA-Z0-9_]*\b(?!\s*\()", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}
