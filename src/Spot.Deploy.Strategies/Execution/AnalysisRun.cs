using System.Globalization;
using System.Text.Json.Nodes;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>
/// One analysis of a run: every interval each check is measured (an exception is an inconclusive measurement), journaled,
/// logged and reported, then the checks' verdicts are combined by <see cref="AnalysisRules"/>. Dry-run checks are recorded
/// but never decide. Ends Successful, or throws <see cref="AnalysisFailedException"/> / <see cref="AnalysisInconclusiveException"/>.
/// </summary>
internal sealed class AnalysisRun(DeploymentRun run, Analysis analysis, AnalysisLimits limits, AnalysisContext context, string where, string stepId)
{
    private readonly Dictionary<string, List<MeasurementVerdict>> _verdicts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _seen = new(StringComparer.Ordinal);

    public async Task<AnalysisVerdict> RunAsync(CancellationToken cancellationToken)
    {
        var time = run.Services.TimeProvider;
        foreach (var check in analysis.Checks)
        {
            _verdicts[check.Name] = [];
            _seen[check.Name] = [];
        }

        for (var round = 1; round <= limits.Count; round++)
        {
            await Task.Delay(analysis.Interval, time, cancellationToken).ConfigureAwait(false);
            foreach (var check in analysis.Checks)
            {
                await MeasureAsync(check, round, cancellationToken).ConfigureAwait(false);
            }

            var verdict = Verdict(out var decidedBy);
            if (verdict == AnalysisVerdict.Running || (round < limits.Count && !analysis.Checks.Any(c => !c.DryRun)))
            {
                // Dry-run checks alone decide nothing, but are measured for the whole bake.
                continue;
            }

            await EndAsync(verdict, decidedBy, cancellationToken).ConfigureAwait(false);
            return verdict;
        }

        // Every check ended by the count (OfCheck never answers Running once the count is reached).
        var last = Verdict(out var by);
        await EndAsync(last, by, cancellationToken).ConfigureAwait(false);
        return last;
    }

    private async Task MeasureAsync(AnalysisCheck check, int round, CancellationToken cancellationToken)
    {
        Measurement measurement;
        try
        {
            measurement = await check.MeasureAsync(context, cancellationToken).ConfigureAwait(false)
                ?? Measurement.Inconclusive("the check returned no measurement");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // A measurement that errors never passes. The message is the check's own (no secret of ours is in it).
            measurement = Measurement.Inconclusive("the measurement failed: " + e.Message);
        }

        var now = run.Services.TimeProvider.GetUtcNow();
        _seen[check.Name].Add(measurement.Detail);
        if (!check.DryRun)
        {
            _verdicts[check.Name].Add(measurement.Verdict);
        }

        await run.NoteAsync(stepId, Bakes.MeasurementNote, new JsonObject
        {
            ["check"] = check.Name,
            ["round"] = round,
            ["verdict"] = measurement.Verdict.ToString(),
            ["value"] = measurement.Value,
            ["detail"] = measurement.Detail,
            ["dryRun"] = check.DryRun,
        }, cancellationToken).ConfigureAwait(false);
        DeploymentLog.Measured(run.Logger, run.Id, where, check.Name, round, measurement.Verdict, measurement.Detail, check.DryRun);
        run.Report(new MeasurementEvent(now, where, check.Name, round, measurement.Verdict, measurement.Value, measurement.Detail, check.DryRun));
    }

    private AnalysisVerdict Verdict(out string? decidedBy)
    {
        decidedBy = null;
        var verdicts = new List<AnalysisVerdict>();
        foreach (var check in analysis.Checks.Where(c => !c.DryRun))
        {
            var verdict = AnalysisRules.OfCheck(limits, _verdicts[check.Name]);
            verdicts.Add(verdict);
        }

        var combined = AnalysisRules.Combine(verdicts);
        if (combined is AnalysisVerdict.Failed or AnalysisVerdict.Inconclusive)
        {
            decidedBy = analysis.Checks.Where(c => !c.DryRun).First(c => AnalysisRules.OfCheck(limits, _verdicts[c.Name]) == combined).Name;
        }

        return combined;
    }

    private async Task EndAsync(AnalysisVerdict verdict, string? decidedBy, CancellationToken cancellationToken)
    {
        var reason = decidedBy is null ? null : $"check '{decidedBy}' saw {string.Join("; ", _seen[decidedBy])}";
        await run.NoteAsync(stepId, Bakes.AnalysisNote, new JsonObject { ["verdict"] = verdict.ToString(), ["reason"] = reason }, cancellationToken).ConfigureAwait(false);
        DeploymentLog.AnalysisEnded(run.Logger, run.Id, where, verdict, reason);
        run.Report(new AnalysisCompletedEvent(run.Services.TimeProvider.GetUtcNow(), where, verdict, reason));
        switch (verdict)
        {
            case AnalysisVerdict.Failed:
                throw new AnalysisFailedException(where, decidedBy!, _seen[decidedBy!]);
            case AnalysisVerdict.Inconclusive:
                throw new AnalysisInconclusiveException(where, decidedBy!, _seen[decidedBy!]);
        }
    }
}
