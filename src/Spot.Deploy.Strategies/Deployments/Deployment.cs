using System.Globalization;
using System.Text;
using Spot.Deploy.Strategies.Execution;

namespace Spot.Deploy.Strategies;

/// <summary>
/// A deployment of one app. Use it end to end (<see cref="RunAsync"/>) or stage by stage: <see cref="StartAsync"/>
/// runs the setup, <see cref="RunNextStageAsync"/> each phase or traffic step when the caller decides, and
/// <see cref="RollbackAsync"/> undoes everything. A dry run (<see cref="PlanAsync"/>) changes nothing.
/// </summary>
/// <remarks>
/// Before the first change every input is checked and every read is made; a bad input is a
/// <see cref="Planning.DeploymentValidationException"/> naming the field. While it runs, the app is locked
/// (<see cref="AppLockedException"/> for a second deployment) and every change is journaled before it is made; an app
/// has one deployment story at a time, so a deployment is refused (<see cref="UnfinishedDeploymentException"/>) while the
/// journal holds an unfinished one of the same app.
/// A failure rolls back (or stops, per <see cref="DeploymentOptions.OnFailure"/>) and surfaces as a
/// <see cref="DeploymentFailedException"/>; a cancellation stops between calls and surfaces as a
/// <see cref="DeploymentCanceledException"/>. An instance runs once; dispose it to release the lock of a
/// stage-by-stage deployment left unfinished (it stays resumable through <see cref="DeploymentRecovery"/>).
/// </remarks>
public abstract class Deployment : IAsyncDisposable, IDisposable
{
    private DeploymentRun? _run;
    private AppLockHandle? _lock;
    private DeploymentResult? _result;
    private bool _started;

    private protected Deployment(DeploymentServices services, DeploymentOptions? options)
    {
        ArgumentNullException.ThrowIfNull(services);
        Services = services;
        Options = options ?? new DeploymentOptions();
    }

    /// <summary>The services the deployment runs with.</summary>
    public DeploymentServices Services { get; }

    /// <summary>The options.</summary>
    public DeploymentOptions Options { get; }

    /// <summary>The strategy.</summary>
    public abstract DeploymentStrategy Strategy { get; }

    /// <summary>The deployment id (journal) once started; null before.</summary>
    public string? DeploymentId => _run?.Id;

    /// <summary>The stages once started (setup, phases, traffic steps, swap, roll); empty before.</summary>
    public IReadOnlyList<string> Stages => _run is null ? [] : [.. _run.Compiled.Stages.Select(s => s.Name)];

    /// <summary>The index of the next stage to run; <see cref="Stages"/>.Count when all ran.</summary>
    public int NextStage => _run?.NextStage ?? 0;

    /// <summary>True once every stage ran and the deployment succeeded.</summary>
    public bool IsComplete => _result is { Status: DeploymentStatus.Succeeded };

    /// <summary>The outcome once finished (succeeded or rolled back explicitly); null before.</summary>
    public DeploymentResult? Result => _result;

    /// <summary>
    /// Dry run: reads the account (groups, AMI, routes), plans, and returns every step and API call with all
    /// numbers, without changing anything and without locking the app.
    /// </summary>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The preview.</returns>
    /// <exception cref="Planning.DeploymentValidationException">An input is invalid (the field is named).</exception>
    public async Task<DeploymentPreview> PlanAsync(CancellationToken cancellationToken = default)
    {
        Options.Validate();
        var compiled = await CompileAsync(cancellationToken).ConfigureAwait(false);
        StagePointRules.Require(Options, Services, compiled);
        return Preview(compiled, Options.SteadyState.RequireTargetGroupHealth && Services.Aws is not null);
    }

    /// <summary>Runs the whole deployment: setup, every stage (asking <see cref="DeploymentOptions.Gate"/> where gated), clean-up.</summary>
    /// <param name="progress">Receives events (stages, steps, capacities, n/m healthy, gates, traffic, rollback), or null.</param>
    /// <param name="cancellationToken">Stops the deployment between calls; nothing is rolled back (see <see cref="DeploymentCanceledException"/>).</param>
    /// <returns>The result (status <see cref="DeploymentStatus.Succeeded"/>).</returns>
    /// <exception cref="Planning.DeploymentValidationException">An input is invalid; nothing was changed.</exception>
    /// <exception cref="AppLockedException">Another deployment of the app runs; nothing was changed.</exception>
    /// <exception cref="UnfinishedDeploymentException">The journal holds an unfinished deployment of the app (interrupted, or needing attention): resume, roll back or abandon it first; nothing was changed.</exception>
    /// <exception cref="DeploymentFailedException">A step failed; <see cref="DeploymentFailedException.Status"/> says whether it was rolled back.</exception>
    /// <exception cref="DeploymentCanceledException">The deployment was cancelled; the message says where things are.</exception>
    public async Task<DeploymentResult> RunAsync(IProgress<DeploymentEvent>? progress = null, CancellationToken cancellationToken = default)
    {
        await StartAsync(progress, cancellationToken).ConfigureAwait(false);
        return await CompleteCoreAsync(checkWorld: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks everything, locks the app, journals the plan and runs the first stage (the setup). Then call
    /// <see cref="RunNextStageAsync"/> for each stage, or <see cref="CompleteAsync"/>, or <see cref="RollbackAsync"/>.
    /// </summary>
    /// <param name="progress">Receives events for this and every later call, or null.</param>
    /// <param name="cancellationToken">Stops the setup between calls.</param>
    /// <returns>The plan being executed (as a dry run would show it).</returns>
    /// <exception cref="Planning.DeploymentValidationException">An input is invalid; nothing was changed.</exception>
    /// <exception cref="AppLockedException">Another deployment of the app runs; nothing was changed.</exception>
    /// <exception cref="UnfinishedDeploymentException">The journal holds an unfinished deployment of the app (interrupted, or needing attention): resume, roll back or abandon it first; nothing was changed.</exception>
    /// <exception cref="DeploymentFailedException">The setup failed (see its status).</exception>
    /// <exception cref="InvalidOperationException">The deployment was started already.</exception>
    public async Task<DeploymentPreview> StartAsync(IProgress<DeploymentEvent>? progress = null, CancellationToken cancellationToken = default)
    {
        if (_started)
        {
            throw new InvalidOperationException("This deployment was started already; create a new instance for another deployment.");
        }

        _started = true;
        Options.Validate();
        var appName = AppNameForLock;
        Planning.AppName.Validate(appName);
        var id = NewDeploymentId(appName);
        var owner = Options.Owner ?? string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}/pid {Environment.ProcessId}/deployment {id}");
        _lock = await Services.AppLock.AcquireAsync(appName, owner, cancellationToken).ConfigureAwait(false);
        CompiledDeployment compiled;
        try
        {
            // One story per app: with the lock held, an unfinished deployment in the journal is one whose process is gone.
            var latest = await AppStory.EnsureNoneUnfinishedAsync(Services, appName, cancellationToken).ConfigureAwait(false);
            compiled = await CompileAsync(cancellationToken).ConfigureAwait(false);
            StagePointRules.Require(Options, Services, compiled);
            _run = await DeploymentRun.StartAsync(Services, Options, compiled, id, latest, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ReleaseAsync().ConfigureAwait(false);
            throw;
        }

        _run.Progress = progress;
        _run.Report(new DeploymentStartedEvent(Services.TimeProvider.GetUtcNow(), id, compiled.AppName, Strategy, compiled.Stages.Count, compiled.ImageId));
        foreach (var warning in compiled.Warnings)
        {
            DeploymentLog.Warning(_run.Logger, id, warning);
            _run.Report(new DeploymentWarningEvent(Services.TimeProvider.GetUtcNow(), warning));
        }

        await RunStagesAsync(0, 1, askGates: false, cancellationToken).ConfigureAwait(false);
        return Preview(compiled, Options.SteadyState.RequireTargetGroupHealth && Services.Aws is not null);
    }

    /// <summary>Runs the next stage (a phase, a traffic step, the swap) without asking the gate: the caller decides when.</summary>
    /// <param name="cancellationToken">Stops the stage between calls.</param>
    /// <returns>True while stages remain; false once the deployment succeeded.</returns>
    /// <exception cref="DeploymentDriftException">The live state differs from what this deployment last set (someone changed it since the last stage); nothing was changed, the status is NeedsAttention.</exception>
    /// <exception cref="DeploymentFailedException">The stage failed (see its status).</exception>
    /// <exception cref="InvalidOperationException">The deployment was not started, or is finished.</exception>
    public async Task<bool> RunNextStageAsync(CancellationToken cancellationToken = default)
    {
        var run = RequireRunning();
        await CheckWorldAsync(run, "resume", cancellationToken).ConfigureAwait(false);
        await RunStagesAsync(run.NextStage, 1, askGates: false, cancellationToken).ConfigureAwait(false);
        return _result is null;
    }

    /// <summary>Runs every remaining stage, asking the gate where gated, and finishes the deployment.</summary>
    /// <param name="cancellationToken">Stops the deployment between calls.</param>
    /// <returns>The result.</returns>
    /// <exception cref="DeploymentFailedException">A stage failed (see its status).</exception>
    /// <exception cref="InvalidOperationException">The deployment was not started.</exception>
    public Task<DeploymentResult> CompleteAsync(CancellationToken cancellationToken = default) => CompleteCoreAsync(checkWorld: true, cancellationToken);

    private async Task<DeploymentResult> CompleteCoreAsync(bool checkWorld, CancellationToken cancellationToken)
    {
        if (_result is not null)
        {
            return _result;
        }

        var run = RequireRunning();
        if (checkWorld)
        {
            await CheckWorldAsync(run, "resume", cancellationToken).ConfigureAwait(false);
        }

        await RunStagesAsync(run.NextStage, int.MaxValue, askGates: true, cancellationToken).ConfigureAwait(false);
        return _result!;
    }

    /// <summary>Rolls the deployment back: every group and route back where it started; the new group deleted.</summary>
    /// <param name="cancellationToken">Stops the rollback between calls (it can be finished by <see cref="DeploymentRecovery"/>).</param>
    /// <returns>The result (status <see cref="DeploymentStatus.RolledBack"/>).</returns>
    /// <exception cref="DeploymentFailedException">The rollback failed; the deployment needs attention.</exception>
    /// <exception cref="DeploymentFinishedException">The deployment succeeded: deploy the previous image to go back (<see cref="DeploymentFinishedException.PreviousImageId"/>).</exception>
    /// <exception cref="InvalidOperationException">The deployment was not started.</exception>
    public async Task<DeploymentResult> RollbackAsync(CancellationToken cancellationToken = default)
    {
        var run = _run ?? throw new InvalidOperationException("The deployment was not started; there is nothing to roll back.");
        if (_result is { Status: DeploymentStatus.Succeeded })
        {
            var record = await Services.Journal.LoadAsync(run.Id, cancellationToken).ConfigureAwait(false);
            var previous = record is null ? null : await AppStory.PreviousImageAsync(Services, record, cancellationToken).ConfigureAwait(false);
            throw RecoveryCore.SucceededCannotRollBack(run.Id, run.Compiled.AppName, previous);
        }

        if (_result is { Status: DeploymentStatus.RolledBack })
        {
            return _result;
        }

        RecoveryCore.EnsureRollbackPossible(run);
        if (_lock is not null)
        {
            await CheckWorldAsync(run, "rollback", cancellationToken).ConfigureAwait(false);
        }

        try
        {
            _result = await RecoveryCore.RollbackAsync(run, "rollback requested by the caller", cancellationToken).ConfigureAwait(false);
            return _result;
        }
        finally
        {
            await ReleaseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Promotes this deployment where it is paused (<see cref="DeploymentOptions.Pause"/>): the same as
    /// <c>spot-deploy promote &lt;id&gt;</c> from another process, through <see cref="DeploymentServices.Control"/>.
    /// Call it from another task while <see cref="RunAsync"/> waits, for example on a <see cref="PausedEvent"/>.
    /// </summary>
    /// <param name="reason">Why, or null (journaled; never a secret).</param>
    /// <param name="requestedBy">Who decides (default <c>user@machine</c> of this process).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The decision stored for the stage.</returns>
    /// <exception cref="DeploymentControlException">The deployment is not paused, finished, or another decision came first.</exception>
    /// <exception cref="InvalidOperationException">The deployment was not started, or its journal has no control channel.</exception>
    public Task<ControlRequest> PromoteAsync(string? reason = null, string? requestedBy = null, CancellationToken cancellationToken = default) =>
        DecideAsync(ControlAction.Promote, reason, requestedBy, cancellationToken);

    /// <summary>
    /// Aborts this deployment where it is paused: it fails and follows <see cref="DeploymentOptions.OnFailure"/> (rolled back
    /// by default), with a <see cref="DeploymentAbortedException"/> naming who and why. The same as <c>spot-deploy abort &lt;id&gt;</c>.
    /// </summary>
    /// <param name="reason">Why, or null (journaled and part of the failure message; never a secret).</param>
    /// <param name="requestedBy">Who decides (default <c>user@machine</c> of this process).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The decision stored for the stage.</returns>
    /// <exception cref="DeploymentControlException">The deployment is not paused, finished, or another decision came first.</exception>
    /// <exception cref="InvalidOperationException">The deployment was not started, or its journal has no control channel.</exception>
    public Task<ControlRequest> AbortAsync(string? reason = null, string? requestedBy = null, CancellationToken cancellationToken = default) =>
        DecideAsync(ControlAction.Abort, reason, requestedBy, cancellationToken);

    private Task<ControlRequest> DecideAsync(ControlAction action, string? reason, string? requestedBy, CancellationToken cancellationToken)
    {
        var run = _run ?? throw new InvalidOperationException("The deployment was not started; there is nothing to promote or abort.");
        var control = Services.Control ?? throw new InvalidOperationException($"The journal ({Services.Journal.GetType().Name}) has no control channel.");
        var stage = run.PausedStage
            ?? throw new DeploymentControlException($"Deployment {run.Id} is not paused; there is nothing to {ControlRules.Verb(action)} now.", run.Id, ControlRefusal.NotPaused);
        return control.RequestAsync(run.Id, new ControlRequest(action, stage, requestedBy ?? JournalRules.DefaultRunner(), reason), cancellationToken);
    }

    /// <summary>Releases the app lock of an unfinished stage-by-stage deployment (it stays resumable from the journal).</summary>
    /// <returns>A task that completes when the lock is released.</returns>
    public async ValueTask DisposeAsync()
    {
        await ReleaseAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the app lock (see <see cref="DisposeAsync"/>).</summary>
    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
        GC.SuppressFinalize(this);
    }

    private protected abstract string AppNameForLock { get; }

    private protected abstract Task<CompiledDeployment> CompileAsync(CancellationToken cancellationToken);

    private DeploymentRun RequireRunning()
    {
        var run = _run ?? throw new InvalidOperationException("Call StartAsync first.");
        if (_result is not null)
        {
            throw new InvalidOperationException($"Deployment {run.Id} is finished ({_result.Status}).");
        }

        if (_lock is null)
        {
            throw new InvalidOperationException($"Deployment {run.Id} stopped (failed, cancelled or disposed); resume it with DeploymentRecovery.");
        }

        return run;
    }

    /// <summary>
    /// Between stages time passes at the caller's pace, so before going on the live state is compared with what this
    /// deployment last set; on a difference it stops NeedsAttention (<see cref="DeploymentDriftException"/>) and lets the lock go.
    /// </summary>
    private async Task CheckWorldAsync(DeploymentRun run, string operation, CancellationToken cancellationToken)
    {
        try
        {
            await run.CheckWorldAsync(operation, cancellationToken).ConfigureAwait(false);
        }
        catch (DeploymentDriftException)
        {
            await ReleaseAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task RunStagesAsync(int first, int count, bool askGates, CancellationToken cancellationToken)
    {
        var run = _run!;
        try
        {
            await run.GuardAsync(async token =>
            {
                var stage = first;
                for (var n = 0; n < count && stage < run.Compiled.Stages.Count; n++, stage = run.NextStage)
                {
                    await run.RunStageAsync(stage, askGates, token).ConfigureAwait(false);
                }

                if (run.IsComplete)
                {
                    _result = await run.SucceedAsync().ConfigureAwait(false);
                }

                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ReleaseAsync().ConfigureAwait(false);
            throw;
        }

        if (_result is not null)
        {
            await ReleaseAsync().ConfigureAwait(false);
        }
    }

    private async Task ReleaseAsync()
    {
        if (_lock is { } handle)
        {
            _lock = null;
            await handle.DisposeAsync().ConfigureAwait(false);
        }
    }

    private string NewDeploymentId(string appName)
    {
        var safe = new StringBuilder(appName.Length);
        foreach (var c in appName)
        {
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-');
        }

        if (safe.Length == 0 || !char.IsAsciiLetterOrDigit(safe[0]))
        {
            safe.Insert(0, 'd');
        }

        if (safe.Length > 80)
        {
            safe.Length = 80;
        }

        var now = Services.TimeProvider.GetUtcNow();
        return string.Create(CultureInfo.InvariantCulture, $"{safe}-{now:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid().ToString("N")[..8]}");
    }

    internal static DeploymentPreview Preview(CompiledDeployment compiled, bool checksTargetGroups) =>
        new(compiled.Strategy, compiled.AppName, compiled.ImageId, compiled.NewGroupName, compiled.PlannedCapacity, compiled.CapacitySource,
            [.. compiled.Stages.Select(s => s.Name)],
            [.. compiled.Operations.Select(op => PreviewOf(op, op.ApiCalls(new DryRunContext(compiled.NewGroupName, checksTargetGroups))))],
            compiled.PlanSteps,
            compiled.Operations.OfType<CreateGroupOperation>().FirstOrDefault()?.KeptOut ?? [])
        {
            Warnings = compiled.Warnings,
        };

    /// <summary>A step of a preview: its calls as lines for people and as data for programs.</summary>
    private static PreviewStep PreviewOf(Operation op, IReadOnlyList<ApiCall> calls) =>
        new(op.Id, op.Stage, op.Description, [.. calls.Select(call => call.ToString())], op.Cleanup) { Calls = [.. calls.Select(call => call.ToPreview())] };
}
