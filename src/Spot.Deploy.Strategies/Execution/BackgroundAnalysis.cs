using System.Globalization;
using System.Text.Json.Nodes;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>
/// The <see cref="DeploymentOptions.BackgroundAnalysis"/> of one call that runs a deployment's stages: it starts before
/// the first gated stage that runs once the new group exists (where the first bake starts: the new version is up),
/// measures beside the steps and bakes every interval, and ends once the deployment's last step before the clean-up is
/// done. When it fails or is inconclusive it keeps the verdict (<see cref="Decision"/>) and cancels <see cref="Token"/>,
/// the token the deployment's steps run with: the wait or call in flight stops the way a cancellation stops it (its
/// result is journaled as unknown and re-checked first by the rollback or a resume), and the run's guard then treats
/// the verdict as the failure (<see cref="RunFailures"/>). A resume starts it afresh: measurements of an earlier process
/// are in the journal, not counted again.
/// </summary>
internal sealed class BackgroundAnalysis : IAsyncDisposable
{
    public const string StepId = "background";
    public const string Where = "background analysis";

    private const int Running = 0;
    private const int Decided = 1;
    private const int Ended = 2;

    private readonly DeploymentRun _run;
    private readonly CancellationTokenSource _stop;
    private readonly CancellationTokenSource _loop;
    private readonly object _gate = new();
    private AnalysisRun? _measured;
    private ITimer? _timer;
    private Task _round = Task.CompletedTask;
    private bool _measuring;
    private int _rounds;
    private int _state;
    private int _stage;
    private Exception? _decision;

    public BackgroundAnalysis(DeploymentRun run, CancellationToken cancellationToken)
    {
        _run = run;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _loop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    /// <summary>The token the deployment's steps run with: cancelled by the caller's token, or when the analysis decides.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>The failure the analysis decided (<see cref="AnalysisFailedException"/>, <see cref="AnalysisInconclusiveException"/>), or null.</summary>
    public Exception? Decision => Volatile.Read(ref _state) == Decided ? _decision : null;

    /// <summary>The limits of a background analysis: its count, or unbounded (it then ends with the deployment).</summary>
    public static AnalysisLimits LimitsOf(Analysis analysis) => new()
    {
        Count = analysis.Count ?? int.MaxValue,
        FailureLimit = analysis.FailureLimit,
        InconclusiveLimit = analysis.InconclusiveLimit,
        ConsecutiveSuccessLimit = analysis.Count is null ? 0 : analysis.ConsecutiveSuccessLimit,
    };

    /// <summary>Before a stage runs: keeps the context current and starts the analysis once the new group exists.</summary>
    public async Task BeforeStageAsync(int stage, string? newGroupId, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _stage, stage);
        var analysis = _run.Options.BackgroundAnalysis;

        // It starts where the first bake would: before the first gated stage once the new group exists, i.e. once the
        // stage that brings the new version up is done (a canary's first phase; a Blue/Green's setup, which scales the
        // stage group up). A canary's setup creates the group at zero: there is nothing to measure yet.
        if (analysis is null || _measured is not null || newGroupId is null || !_run.Compiled.Stages[stage].GateBefore || _run.IsRollingBack
            || _run.IsPastPointOfNoReturn || Volatile.Read(ref _state) != Running)
        {
            return;
        }

        await _run.NoteAsync(StepId, "backgroundStarted", new JsonObject
        {
            ["interval"] = analysis.Interval.ToString("c", CultureInfo.InvariantCulture),
            ["count"] = analysis.Count,
            ["stage"] = _run.Compiled.Stages[stage].Name,
        }, cancellationToken).ConfigureAwait(false);
        _measured = new AnalysisRun(_run, analysis, LimitsOf(analysis), () => AnalysisContexts.Of(_run, Volatile.Read(ref _stage), newGroupId), Where, StepId);

        // A periodic timer: a watcher beside the deployment (on a virtual clock it never moves time by itself, it fires as
        // the deployment's own waits move it).
        _timer = _run.Services.TimeProvider.CreateTimer(_ => Tick(), null, analysis.Interval, analysis.Interval);
    }

    /// <summary>Once the deployment's last step before the clean-up is done: the analysis ends, nothing more is measured.</summary>
    public async Task EndAsync()
    {
        if (_measured is null || Interlocked.CompareExchange(ref _state, Ended, Running) != Running)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        await _run.NoteAsync(StepId, "backgroundEnded", new JsonObject { ["reason"] = "the deployment's last step before the clean-up is done" }, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Stops measuring (the deployment failed, was cancelled or finished) and waits for a round in progress to end.</summary>
    public async Task StopAsync()
    {
        await _loop.CancelAsync().ConfigureAwait(false);
        Task round;
        lock (_gate)
        {
            _timer?.Dispose();
            round = _round;
        }

        await round.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
        _loop.Dispose();
    }

    /// <summary>
    /// One tick: measures a round and waits for it, so that a virtual clock does not move on while it measures (what it
    /// decides, it decides at the tick's time). A tick while the last round still runs (a slow check on a real clock) is skipped.
    /// </summary>
    private void Tick()
    {
        Task round;
        lock (_gate)
        {
            if (_measuring || _loop.IsCancellationRequested || Volatile.Read(ref _state) != Running)
            {
                return;
            }

            _measuring = true;
            round = _round = RoundAsync(++_rounds);
        }

        round.GetAwaiter().GetResult();
        lock (_gate)
        {
            _measuring = false;
        }
    }

    private async Task RoundAsync(int round)
    {
        try
        {
            if (await _measured!.RoundAsync(round, _loop.Token).ConfigureAwait(false) is not null)
            {
                // Successful once its count was reached: nothing more to measure; the deployment goes on.
                await _loop.CancelAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_loop.IsCancellationRequested)
        {
            // Stopped: the deployment ended, failed or was cancelled.
        }
        catch (Exception e)
        {
            // Failed, inconclusive, or it could not journal a measurement: the deployment must not go on unwatched.
            _decision = e;
            if (Interlocked.CompareExchange(ref _state, Decided, Running) == Running)
            {
                DeploymentLog.Warning(_run.Logger, _run.Id, "the background analysis stops the deployment: " + e.Message);
                await _loop.CancelAsync().ConfigureAwait(false);
                await _stop.CancelAsync().ConfigureAwait(false);
            }
        }
    }
}
