using System.Globalization;
using System.Text.Json.Nodes;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>
/// The bake before a gated stage: the new version is watched for <see cref="DeploymentOptions.Bake"/> while the
/// <see cref="DeploymentOptions.BakeAnalysis"/> is measured every interval. Every measurement is journaled (a
/// <c>measurement</c> note), logged and reported; a failed analysis throws <see cref="AnalysisFailedException"/> (the
/// run's failure policy follows), an inconclusive one <see cref="AnalysisInconclusiveException"/> (a stop for a person).
/// </summary>
internal static class Bakes
{
    public const string MeasurementNote = "measurement";
    public const string AnalysisNote = "analysis";

    public static async Task RunAsync(DeploymentRun run, int stage, string? newGroupId, CancellationToken cancellationToken)
    {
        var options = run.Options;
        var analysis = options.BakeAnalysis;
        if (options.Bake is null && analysis is null)
        {
            return;
        }

        var time = run.Services.TimeProvider;
        var context = AnalysisContexts.Of(run, stage, newGroupId);
        var where = "bake after " + context.Phase;
        var stepId = "bake-" + stage.ToString(CultureInfo.InvariantCulture);
        var duration = options.Bake ?? analysis!.Interval * (analysis.Count ?? 1);
        run.AtGate = where;
        if (analysis is null)
        {
            await run.NoteAsync(stepId, "bakeStarted", new JsonObject { ["duration"] = duration.ToString("c", CultureInfo.InvariantCulture) }, cancellationToken).ConfigureAwait(false);
            await Task.Delay(duration, time, cancellationToken).ConfigureAwait(false);
            run.AtGate = null;
            return;
        }

        var limits = analysis.LimitsFor(duration);
        await run.NoteAsync(stepId, "bakeStarted", new JsonObject
        {
            ["duration"] = duration.ToString("c", CultureInfo.InvariantCulture),
            ["interval"] = analysis.Interval.ToString("c", CultureInfo.InvariantCulture),
            ["count"] = limits.Count,
        }, cancellationToken).ConfigureAwait(false);
        await new AnalysisRun(run, analysis, limits, () => context, where, stepId).RunAsync(cancellationToken).ConfigureAwait(false);
        run.AtGate = null;
    }
}
