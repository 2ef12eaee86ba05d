using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>
/// Executes a compiled deployment against the journal: journal the intent, perform, journal the result. An operation
/// with an intent but no result (a crash, a timeout) is performed again in its checking form (it finds out what already
/// happened first). The same loop runs forward, resumes and rolls back; gates, failures and clean-up retries are
/// separate types (<see cref="Gates"/>, <see cref="RunFailures"/>, <see cref="CleanupRetry"/>).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "_background is owned and disposed by GuardAsync; the field only lets stages reach it.")]
internal sealed class DeploymentRun
{
    private readonly ILogger _logger;
    private readonly OperationContext _context;
    private readonly RunState _state;
    private BackgroundAnalysis? _background;

    private DeploymentRun(DeploymentServices services, DeploymentOptions options, CompiledDeployment compiled, string id, DateTimeOffset startedAt, RunState state)
    {
        Services = services;
        Options = options;
        Compiled = compiled;
        Id = id;
        StartedAt = startedAt;
        _state = state;
        _logger = services.LoggerFactory.CreateLogger("Spot.Deploy.Strategies.Deployment");
        _context = new OperationContext(services, options, compiled, id, state, _logger);
    }

    public string Id { get; }

    public CompiledDeployment Compiled { get; }

    public DeploymentServices Services { get; }

    public DeploymentOptions Options { get; }

    public DateTimeOffset StartedAt { get; }

    public ILogger Logger => _logger;

    public IProgress<DeploymentEvent>? Progress
    {
        get => _context.Progress;
        set => _context.Progress = value;
    }

    /// <summary>The description of the operation in flight, or null.</summary>
    public string? InFlight { get; set; }

    /// <summary>The gate the run waits at, or null.</summary>
    public string? AtGate { get; set; }

    /// <summary>The stage the run is paused before right now (<see cref="Pauses"/>), or null.</summary>
    public int? PausedStage { get; set; }

    /// <summary>For a resumed deployment: the pause its journal shows open (it pauses there again unless promoted), or null.</summary>
    public DeploymentPause? OpenPause { get; private init; }

    public int CompletedSteps => _state.CompletedSteps;

    public int UnresolvedCount => _state.UnresolvedCount;

    /// <summary>True when a rollback plan was journaled: the deployment is being rolled back.</summary>
    public bool IsRollingBack => _state.RollbackPlan is not null;

    /// <summary>The first stage with an operation not done yet; <see cref="CompiledDeployment.Stages"/>.Count when all are.</summary>
    public int NextStage =>
        Compiled.Operations.Where(o => !_state.Done.Contains(o.Id)).Select(o => o.Stage).DefaultIfEmpty(Compiled.Stages.Count).Min();

    public bool IsComplete => NextStage >= Compiled.Stages.Count;

    /// <summary>
    /// True once every step but the clean-up succeeded: the new version runs and clean-up may have deleted groups, so the
    /// deployment can only be finished (resumed), not rolled back.
    /// </summary>
    public bool IsPastPointOfNoReturn => Compiled.Operations.Where(o => !o.Cleanup).All(o => _state.Done.Contains(o.Id)) && !IsRollingBack;

    private TimeProvider Time => Services.TimeProvider;

    /// <summary>Journals a new deployment. <c>after</c>: the start of the app's latest deployment, or null; this one starts strictly after it (one tick later if the clock has not moved).</summary>
    public static async Task<DeploymentRun> StartAsync(DeploymentServices services, DeploymentOptions options, CompiledDeployment compiled, string id, DateTimeOffset? after, CancellationToken cancellationToken)
    {
        var now = services.TimeProvider.GetUtcNow();
        var record = await services.Journal.CreateAsync(new DeploymentRecord
        {
            Id = id,
            AppName = compiled.AppName,
            Strategy = compiled.Strategy.ToString(),
            StartedAt = after is { } latest && now <= latest ? latest.AddTicks(1) : now,
            Request = compiled.Request,
            Plan = PlanJson.Write(compiled),
        }, cancellationToken).ConfigureAwait(false);
        var run = new DeploymentRun(services, options, compiled, id, record.StartedAt, new RunState());
        DeploymentLog.Started(run._logger, id, compiled.Strategy, compiled.AppName, compiled.ImageId, compiled.Operations.Count, compiled.Stages.Count);
        return run;
    }

    public static DeploymentRun FromRecord(DeploymentServices services, DeploymentOptions options, DeploymentRecord record)
    {
        if (record.Plan is null)
        {
            throw new DeploymentJournalException($"The journal of deployment {record.Id} holds no plan; nothing was changed by it.", record.Id, null);
        }

        var compiled = PlanJson.Read(record.Plan, record.Id);
        return new DeploymentRun(services, options, compiled, record.Id, record.StartedAt, RunState.FromRecord(record, compiled))
        {
            OpenPause = DeploymentPause.Of(record),
        };
    }

    /// <summary>
    /// Before a resume changes anything: gives the create, when it still has to run, its exact body (see
    /// <see cref="CreateBody.SupplyAsync"/>); throws <see cref="DeploymentDocumentException"/> when the document is needed.
    /// </summary>
    public Task SupplyCreateBodyAsync(ElastigroupDocument? document, string? userData, CancellationToken cancellationToken) =>
        CreateBody.SupplyAsync(_context, Compiled, _state, document, userData, cancellationToken);

    /// <summary>
    /// Before the first change of a resume or rollback (<paramref name="operation"/>): compares the live state with what the
    /// journal says this deployment last set (<see cref="WorldCheck"/>). On a difference nothing is changed: the finding is
    /// journaled, the status becomes NeedsAttention, and a <see cref="DeploymentDriftException"/> carries the report.
    /// </summary>
    public async Task CheckWorldAsync(string operation, CancellationToken cancellationToken)
    {
        var differences = await WorldCheck.CheckAsync(_context, StartedAt, cancellationToken).ConfigureAwait(false);
        if (differences.Count == 0)
        {
            return;
        }

        await NoteAsync("world", WorldCheck.DriftNote, WorldCheck.Note(operation, differences), cancellationToken).ConfigureAwait(false);
        var drift = new DeploymentDriftException(Id, Compiled.AppName, operation, differences);
        DeploymentLog.Warning(_logger, Id, drift.Message);
        await NeedsAttentionAsync("drift").ConfigureAwait(false);
        throw drift;
    }

    /// <summary>Logs and reports (<see cref="DeploymentResumedEvent"/>) a resume going forward from the journal.</summary>
    public void LogResumed()
    {
        DeploymentLog.Resumed(_logger, Id, _state.Done.Count, UnresolvedCount, Compiled.Operations.Count(o => !_state.Done.Contains(o.Id)));
        var next = NextStage;
        Report(new DeploymentResumedEvent(Time.GetUtcNow(), Id, Compiled.AppName, Compiled.Strategy, next, Compiled.Stages.Count,
            next < Compiled.Stages.Count ? Compiled.Stages[next].Name : null, CompletedSteps));
    }

    public void Report(DeploymentEvent e) => _context.Report(e);

    public async Task RunStageAsync(int stage, bool askGate, CancellationToken cancellationToken)
    {
        var info = Compiled.Stages[stage];
        if (_background is { } background)
        {
            // The created group, or for a Spot roll (no new group) the rolled one.
            await background.BeforeStageAsync(stage, Compiled.ResultGroupId(_state), cancellationToken).ConfigureAwait(false);
        }

        if (askGate && info.GateBefore)
        {
            await Bakes.RunAsync(this, stage, _state.NewGroupId, cancellationToken).ConfigureAwait(false);
            await Gates.PassAsync(this, stage, cancellationToken).ConfigureAwait(false);
            await Pauses.PassAsync(this, stage, cancellationToken).ConfigureAwait(false);
        }

        var started = Time.GetTimestamp();
        DeploymentLog.StageStarted(_logger, Id, stage + 1, Compiled.Stages.Count, info.Name);
        Report(new StageStartedEvent(Time.GetUtcNow(), stage, Compiled.Stages.Count, info.Name));
        await NoteAsync("stage-" + stage.ToString(CultureInfo.InvariantCulture), "stageStarted", new JsonObject { ["name"] = info.Name }, cancellationToken).ConfigureAwait(false);
        foreach (var operation in Compiled.Operations.Where(o => o.Stage == stage))
        {
            await ExecuteAsync(operation, cancellationToken).ConfigureAwait(false);
        }

        Report(new StageCompletedEvent(Time.GetUtcNow(), stage, Compiled.Stages.Count, info.Name, Time.GetElapsedTime(started)));
    }

    public Task NoteAsync(string stepId, string operation, JsonObject data, CancellationToken cancellationToken) =>
        Services.Journal.AppendAsync(Id, JournalEntry.Note(stepId, operation, data), cancellationToken);

    public async Task<DeploymentResult> SucceedAsync()
    {
        await Services.Journal.SetStatusAsync(Id, DeploymentStatus.Succeeded, CancellationToken.None).ConfigureAwait(false);
        return Finish(DeploymentStatus.Succeeded, "succeeded");
    }

    /// <summary>Marks the deployment as waiting for a person and reports it.</summary>
    public async Task NeedsAttentionAsync(string outcome)
    {
        await Services.Journal.SetStatusAsync(Id, DeploymentStatus.NeedsAttention, CancellationToken.None).ConfigureAwait(false);
        Finish(DeploymentStatus.NeedsAttention, outcome);
    }

    public DeploymentResult Finish(DeploymentStatus status, string outcome)
    {
        // Never negative: a deployment may start a tick after the clock's now (see StartAsync).
        var elapsed = TimeSpan.FromTicks(Math.Max(0, (Time.GetUtcNow() - StartedAt).Ticks));
        DeploymentLog.Finished(_logger, Id, status, elapsed.TotalSeconds);
        StrategiesDiagnostics.RecordDeployment(Compiled.Strategy, outcome, elapsed);
        Report(new DeploymentFinishedEvent(Time.GetUtcNow(), Id, status, elapsed));
        var succeeded = status == DeploymentStatus.Succeeded;
        return new DeploymentResult(Id, Compiled.AppName, Compiled.Strategy, status,
            succeeded ? Compiled.ResultGroupId(_state) : null,
            succeeded ? Compiled.FinalGroupName : null,
            elapsed);
    }

    /// <summary>
    /// Runs <paramref name="work"/>; a failure follows the policy (roll back, or stop for a person) and a cancellation
    /// stops and says where things are. Either way the exception thrown says the final status.
    /// </summary>
    /// <remarks>
    /// The <see cref="DeploymentOptions.BackgroundAnalysis"/> runs beside <paramref name="work"/> (see
    /// <see cref="BackgroundAnalysis"/>), which is given the token it cancels when it decides; its verdict is then the
    /// failure. Whatever happens, the analysis has stopped before the failure is handled and before this returns.
    /// </remarks>
    public async Task<T> GuardAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var background = _background = new BackgroundAnalysis(this, cancellationToken);
        try
        {
            return await work(background.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested && e is not DeploymentCanceledException)
        {
            await background.StopAsync().ConfigureAwait(false);
            throw await RunFailures.CanceledAsync(this, e, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not DeploymentFailedException and not DeploymentCanceledException)
        {
            await background.StopAsync().ConfigureAwait(false);
            throw await RunFailures.FailedAsync(this, await StoppedByAsync(background, e).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _background = null;
        }
    }

    /// <summary>The failure to handle: the background analysis's verdict when it stopped the work, else the work's own.</summary>
    private async Task<Exception> StoppedByAsync(BackgroundAnalysis background, Exception failure)
    {
        if (background.Decision is not { } decision || !background.Token.IsCancellationRequested)
        {
            return failure;
        }

        // The step or wait it interrupted is journaled (an unknown result, re-checked first); the failure is the analysis's.
        await NoteAsync(BackgroundAnalysis.StepId, "backgroundStopped", new JsonObject { ["inFlight"] = InFlight, ["atGate"] = AtGate, ["reason"] = decision.Message }, CancellationToken.None).ConfigureAwait(false);
        InFlight = null;
        AtGate = null;
        return decision;
    }

    /// <summary>Rolls back whatever the deployment changed; idempotent, resumable from the journal.</summary>
    public async Task RollbackAsync(string reason, CancellationToken cancellationToken)
    {
        if (_state.RollbackPlan is null)
        {
            // The next step's intent may have been lost with the last journal write while its call went out (a power loss):
            // what it may have changed is undone too (undoing what did not happen changes nothing).
            var facts = RollbackFacts.Of(Compiled.Operations, _state);
            ExpectedWorld.Frontier(Compiled, _state)?.RecordAttempt(facts);
            if (_state.NewGroupId is null && facts.NewGroupMayExist && Compiled.NewGroupName is { } newName)
            {
                _state.NewGroupId = await _context.FindGroupByNameAsync(newName, cancellationToken).ConfigureAwait(false);
            }

            var plan = Compiled.Rollback.Plan(facts, _state.NewGroupId);
            await NoteAsync("rollback", RunState.RollbackPlanNote, new JsonObject
            {
                ["reason"] = reason,
                ["newGroupId"] = _state.NewGroupId,
                ["ops"] = PlanJson.WriteOperations(plan.Operations),
                ["alreadyAsItShouldBe"] = new JsonArray([.. plan.AlreadyAsItShouldBe.Select(s => (JsonNode)s)]),
            }, cancellationToken).ConfigureAwait(false);
            _state.RollbackPlan = plan.Operations;
            _state.RollbackAlreadyRight = plan.AlreadyAsItShouldBe;
        }

        var rollback = _state.RollbackPlan;
        DeploymentLog.RollingBack(_logger, Id, rollback.Count, reason);
        Report(new RollbackStartedEvent(Time.GetUtcNow(), Id, reason, rollback.Count) { AlreadyAsItShouldBe = _state.RollbackAlreadyRight });
        try
        {
            foreach (var operation in rollback)
            {
                await ExecuteAsync(operation, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            StrategiesDiagnostics.RecordRollback(Compiled.Strategy, succeeded: false);
            throw;
        }

        await Services.Journal.SetStatusAsync(Id, DeploymentStatus.RolledBack, CancellationToken.None).ConfigureAwait(false);
        StrategiesDiagnostics.RecordRollback(Compiled.Strategy, succeeded: true);
    }

    private async Task ExecuteAsync(Operation operation, CancellationToken cancellationToken)
    {
        if (_state.Done.Contains(operation.Id))
        {
            return;
        }

        var retry = _state.Attempted.ContainsKey(operation.Id);
        InFlight = operation.Description;
        using var activity = StrategiesDiagnostics.ActivitySource.StartActivity("spot-deploy " + operation.Kind);
        activity?.SetTag("spot_deploy.deployment_id", Id);
        activity?.SetTag("spot_deploy.step", operation.Id);
        await Services.Journal.AppendAsync(Id, JournalEntry.Intent(operation.Id, operation.Kind, new JsonObject
        {
            ["description"] = operation.Description,
            ["groupId"] = operation.IntentGroupId(_state),
            ["retry"] = retry,
        }), cancellationToken).ConfigureAwait(false);
        _state.Attempted.TryAdd(operation.Id, Time.GetUtcNow());
        DeploymentLog.Step(_logger, Id, operation.Id, operation.Description);
        Report(new StepStartedEvent(Time.GetUtcNow(), operation.Id, operation.Description));
        JsonObject? data;
        try
        {
            data = operation.Cleanup
                ? await CleanupRetry.PerformAsync(_context, operation, retry, cancellationToken).ConfigureAwait(false)
                : await operation.PerformAsync(_context, retry, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            var outcome = e is SpotApiException { IsTransient: false, IsTimeout: false } or DeploymentValidationException or TrafficRouterConflictException
                ? JournalOutcome.Failed
                : JournalOutcome.Unknown;
            await Services.Journal.AppendAsync(Id, JournalEntry.Result(operation.Id, operation.Kind, outcome, null, e is OperationCanceledException ? "cancelled" : e.Message), CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        await Services.Journal.AppendAsync(Id, JournalEntry.Result(operation.Id, operation.Kind, JournalOutcome.Succeeded, data), CancellationToken.None).ConfigureAwait(false);
        _state.Done.Add(operation.Id);
        _state.CompletedSteps++;
        InFlight = null;
        Report(new StepCompletedEvent(Time.GetUtcNow(), operation.Id, operation.Description));
        if (_background is { } background && !operation.Cleanup && IsPastPointOfNoReturn)
        {
            await background.EndAsync().ConfigureAwait(false);
        }
    }
}
