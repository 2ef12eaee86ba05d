using System.Globalization;
using System.Text.Json.Nodes;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>
/// One analysis of a run: every interval each check is measured (an exception is an inconclusive measurement), journaled,
/// logged and reported, then the checks' verdicts are combined by <see cref="AnalysisRules"/>. Dry-run checks are recorded
/// but never decide. Ends Successful, or throws <see cref="AnalysisFailedException"/> / <see cref="AnalysisInconclusiveException"/>.
/// A bake waits an interval per round (<see cref="RunAsync"/>); a background analysis measures a round on each tick of its
/// own timer (<see cref="RoundAsync"/>). The context is asked for each round, so a background analysis sees where the
/// deployment is.
/// </summary>
internal sealed class AnalysisRun(DeploymentRun run, Analysis analysis, AnalysisLimits limits, Func<AnalysisContext> context, string where, string stepId)
{
    /// <summary>The most values a failure's message names per check (the latest): a background analysis may measure for hours.</summary>
    internal const int ValuesKept = 10;

    private readonly Dictionary<string, List<MeasurementVerdict>> _verdicts = analysis.Checks.ToDictionary(c => c.Name, _ => new List<MeasurementVerdict>(), StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _seen = analysis.Checks.ToDictionary(c => c.Name, _ => new List<string>(), StringComparer.Ordinal);

    public async Task<AnalysisVerdict> RunAsync(CancellationToken cancellationToken)
    {
        for (var round = 1; ; round++)
        {
            await Task.Delay(analysis.Interval, run.Services.TimeProvider, cancellationToken).ConfigureAwait(false);
            if (await RoundAsync(round, cancellationToken).ConfigureAwait(false) is { } verdict)
            {
                return verdict;
            }
        }
    }

    /// <summary>Measures every check once; the verdict once the analysis ended (after journaling it), or null while it runs.</summary>
    /// <exception cref="AnalysisFailedException">It failed.</exception>
    /// <exception cref="AnalysisInconclusiveException">It was inconclusive.</exception>
    public async Task<AnalysisVerdict?> RoundAsync(int round, CancellationToken cancellationToken)
    {
        foreach (var check in analysis.Checks)
        {
            await MeasureAsync(check, round, cancellationToken).ConfigureAwait(false);
        }

        var verdict = Verdict(out var decidedBy);
        if (round < limits.Count && (verdict == AnalysisVerdict.Running || !analysis.Checks.Any(c => !c.DryRun)))
        {
            // Dry-run checks alone decide nothing, but are measured for the whole analysis. (Once the count is reached
            // OfCheck never answers Running.)
            return null;
        }

        await EndAsync(verdict, decidedBy, cancellationToken).ConfigureAwait(false);
        return verdict;
    }

    private async Task MeasureAsync(AnalysisCheck check, int round, CancellationToken cancellationToken)
    {
        Measurement measurement;
        try
        {
            measurement = await check.MeasureAsync(context(), cancellationToken).ConfigureAwait(false)
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
        var seen = _seen[check.Name];
        seen.Add(measurement.Detail);
        if (seen.Count > ValuesKept)
        {
            seen.RemoveAt(0);
        }

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
