using System.Globalization;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies;

/// <summary>
/// Kayenta's question in its simplest honest form: the same query read for the new group and for the old one (the
/// query's <c>{newGroupName}</c>/<c>{newGroupId}</c> name the group read), failing when the new one is worse by more than
/// <see cref="Margin"/> (relative: 0.2 = 20 % worse). No statistical test: one reading each per measurement, so repeat
/// measurements (count, failure limit) are what smooths noise — stated, not hidden.
/// </summary>
public sealed class NewVersusOldCheck : AnalysisCheck
{
    /// <summary>The query, read twice (its own threshold is not used).</summary>
    public MetricCheck? Query { get; init; }

    /// <summary>How much worse the new group may be, relative to the old one (≥ 0; 0.2 = 20 %).</summary>
    public double Margin { get; init; } = 0.1;

    /// <summary>True (default) when a higher value is worse (errors, latency); false when lower is worse (success rate).</summary>
    public bool HigherIsWorse { get; init; } = true;

    /// <summary>When the old value is 0 and higher is worse: the most the new value may be (default 0: any value above fails).</summary>
    public double AbsoluteTolerance { get; init; }

    internal override bool NeedsDeploymentCloudWatch => Query?.NeedsDeploymentCloudWatch ?? false;

    /// <inheritdoc />
    public override async Task<Measurement> MeasureAsync(AnalysisContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var query = Query ?? throw new InvalidOperationException($"Check '{Name}' has no query.");
        if (context.OldGroupName is null && context.OldGroupId is null)
        {
            return Measurement.Inconclusive("there is no old group to compare with");
        }

        var fresh = await query.ReadAsync(context.For("new", context.NewGroupName, context.NewGroupId), cancellationToken).ConfigureAwait(false);
        var old = await query.ReadAsync(context.For("old", context.OldGroupName, context.OldGroupId), cancellationToken).ConfigureAwait(false);
        if (fresh.Value is not { } n || old.Value is not { } o)
        {
            return Measurement.Inconclusive(fresh.Value is null ? "new group: " + fresh.Detail : "old group: " + old.Detail);
        }

        var limit = HigherIsWorse
            ? (o == 0 ? AbsoluteTolerance : o * (1 + Margin))
            : o * (1 - Margin);
        var pass = HigherIsWorse ? n <= limit : n >= limit;
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"new {n:G6} vs old {o:G6} ({(HigherIsWorse ? "at most" : "at least")} {limit:G6} allowed, margin {Margin:P0})");
        return new Measurement(pass ? MeasurementVerdict.Pass : MeasurementVerdict.Fail, n, detail);
    }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (Query is null)
        {
            throw new DeploymentValidationException($"check '{Name}'.query", "is required: the metric read for both groups.");
        }

        Query.ValidateQuery();
        if (!(Margin >= 0) || double.IsInfinity(Margin) || !(AbsoluteTolerance >= 0))
        {
            throw new DeploymentValidationException($"check '{Name}'.margin", "must be a finite number of 0 or more (0.2 = 20 % worse).");
        }
    }
}
