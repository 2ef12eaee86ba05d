using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>
/// Executes a compiled deployment against the journal: every operation's intent is written before the call
/// and its result after; an operation with an intent but no result (a crash, a timeout) is re-run after
/// checking the actual state. The same engine runs forward, resumes and rolls back.
/// </summary>
internal sealed class DeploymentRun
{
    private const string RollbackPlanNote = "rollbackPlan";
    private const string RollStartedNote = "rollStarted";
    private const int CleanupAttempts = 6;
    private static readonly TimeSpan RollClockSkew = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan CleanupRetryBase = TimeSpan.FromSeconds(30);

    private readonly DeploymentServices _services;
    private readonly DeploymentOptions _options;
    private readonly ILogger _logger;
    private readonly SteadyStateWaiter _waiter;
    private readonly HashSet<string> _done = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _attempted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _rollIds = new(StringComparer.Ordinal);
    private JsonArray? _rollbackPlan;
    private string? _newGroupId;
    private string? _inFlight;
    private string? _atGate;
    private int _completedSteps;

    private DeploymentRun(DeploymentServices services, DeploymentOptions options, CompiledDeployment compiled, string id, DateTimeOffset startedAt)
    {
        _services = services;
        _options = options;
        Compiled = compiled;
        Id = id;
        StartedAt = startedAt;
        _logger = services.LoggerFactory.CreateLogger("Spot.Deploy.Strategies.Deployment");
        _waiter = new SteadyStateWaiter(services.Spot, services.Aws?.Traffic, services.TimeProvider);
    }

    public string Id { get; }

    public CompiledDeployment Compiled { get; }

    public DateTimeOffset StartedAt { get; }

    public IProgress<DeploymentEvent>? Progress { get; set; }

    /// <summary>The first stage with an operation not done yet; <see cref="CompiledDeployment.Stages"/>.Count when all are.</summary>
    public int NextStage
    {
        get
        {
            var next = Compiled.Stages.Count;
            foreach (var op in Compiled.Ops)
            {
                if (!_done.Contains(op.Id))
                {
                    next = Math.Min(next, op.Stage);
                }
            }

            return next;
        }
    }

    public bool IsComplete => NextStage >= Compiled.Stages.Count;

    /// <summary>
    /// True once every step but the clean-up succeeded: the new version runs and clean-up may have deleted
    /// groups, so the deployment can only be finished (resumed), not rolled back.
    /// </summary>
    public bool IsPastPointOfNoReturn => Compiled.Ops.Where(o => !o.Cleanup).All(o => _done.Contains(o.Id)) && _rollbackPlan is null;

    private TimeProvider Time => _services.TimeProvider;

    public static async Task<DeploymentRun> StartAsync(DeploymentServices services, DeploymentOptions options, CompiledDeployment compiled, string id, CancellationToken cancellationToken)
    {
        var record = await services.Journal.CreateAsync(new DeploymentRecord
        {
            Id = id,
            AppName = compiled.AppName,
            Strategy = compiled.Strategy.ToString(),
            StartedAt = services.TimeProvider.GetUtcNow(),
            Request = compiled.Request,
            Plan = compiled.ToPlanJson(),
        }, cancellationToken).ConfigureAwait(false);
        var run = new DeploymentRun(services, options, compiled, id, record.StartedAt);
        DeploymentLog.Started(run._logger, id, compiled.Strategy, compiled.AppName, compiled.ImageId, compiled.Ops.Count, compiled.Stages.Count);
        return run;
    }

    public static DeploymentRun FromRecord(DeploymentServices services, DeploymentOptions options, DeploymentRecord record)
    {
        if (record.Plan is null)
        {
            throw new DeploymentJournalException($"The journal of deployment {record.Id} holds no plan; nothing was changed by it.", record.Id, null);
        }

        var run = new DeploymentRun(services, options, CompiledDeployment.FromPlanJson(record.Plan), record.Id, record.StartedAt);
        var create = run.Compiled.Ops.FirstOrDefault(o => o.Kind == OpKind.Create)?.Id;
        foreach (var entry in record.Entries)
        {
            switch (entry.Kind)
            {
                case JournalEntryKind.Intent:
                    run._attempted.TryAdd(entry.StepId, entry.Time);
                    break;
                case JournalEntryKind.Result when entry.Outcome == JournalOutcome.Succeeded:
                    run._done.Add(entry.StepId);
                    run._completedSteps++;
                    if (entry.StepId == create && entry.Data?["groupId"]?.GetValue<string>() is { } groupId)
                    {
                        run._newGroupId = groupId;
                    }

                    break;
                case JournalEntryKind.Note when entry.Operation == RollStartedNote && (entry.Data?["rollId"]?.GetValue<string>()) is { } rollId:
                    run._rollIds[entry.StepId] = rollId;
                    break;
                case JournalEntryKind.Note when entry.Operation == RollbackPlanNote && (entry.Data?["ops"]) is JsonArray ops:
                    run._rollbackPlan = (JsonArray)ops.DeepClone();
                    break;
            }
        }

        return run;
    }

    public int UnresolvedCount => _attempted.Keys.Count(k => !_done.Contains(k));

    public int CompletedSteps => _completedSteps;

    /// <summary>True when a rollback plan was journaled: the deployment is being rolled back.</summary>
    public bool IsRollingBack => _rollbackPlan is not null;

    public void LogResumed() =>
        DeploymentLog.Resumed(_logger, Id, _done.Count, UnresolvedCount, Compiled.Ops.Count(o => !_done.Contains(o.Id)));

    public void Report(DeploymentEvent e) => Progress?.Report(e);

    public async Task RunStageAsync(int stage, bool askGate, CancellationToken cancellationToken)
    {
        var info = Compiled.Stages[stage];
        if (askGate && info.GateBefore)
        {
            await PassGateAsync(stage, cancellationToken).ConfigureAwait(false);
        }

        var started = Time.GetTimestamp();
        DeploymentLog.StageStarted(_logger, Id, stage + 1, Compiled.Stages.Count, info.Name);
        Report(new StageStartedEvent(Time.GetUtcNow(), stage, Compiled.Stages.Count, info.Name));
        await _services.Journal.AppendAsync(Id, JournalEntry.Note("stage-" + stage.ToString(CultureInfo.InvariantCulture), "stageStarted", new JsonObject { ["name"] = info.Name }), cancellationToken).ConfigureAwait(false);
        foreach (var op in Compiled.Ops.Where(o => o.Stage == stage))
        {
            await ExecuteAsync(op, cancellationToken).ConfigureAwait(false);
        }

        Report(new StageCompletedEvent(Time.GetUtcNow(), stage, Compiled.Stages.Count, info.Name, Time.GetElapsedTime(started)));
    }

    public async Task<DeploymentResult> SucceedAsync()
    {
        await _services.Journal.SetStatusAsync(Id, DeploymentStatus.Succeeded, CancellationToken.None).ConfigureAwait(false);
        return Finish(DeploymentStatus.Succeeded, "succeeded");
    }

    /// <summary>Marks the deployment as waiting for a person and reports it.</summary>
    public async Task NeedsAttentionAsync(string outcome)
    {
        await _services.Journal.SetStatusAsync(Id, DeploymentStatus.NeedsAttention, CancellationToken.None).ConfigureAwait(false);
        Finish(DeploymentStatus.NeedsAttention, outcome);
    }

    public DeploymentResult Finish(DeploymentStatus status, string outcome)
    {
        var elapsed = Time.GetUtcNow() - StartedAt;
        DeploymentLog.Finished(_logger, Id, status, elapsed.TotalSeconds);
        StrategiesDiagnostics.RecordDeployment(Compiled.Strategy, outcome, elapsed);
        Report(new DeploymentFinishedEvent(Time.GetUtcNow(), Id, status, elapsed));
        var succeeded = status == DeploymentStatus.Succeeded;
        return new DeploymentResult(Id, Compiled.AppName, Compiled.Strategy, status,
            succeeded ? (Compiled.Strategy == DeploymentStrategy.SpotRoll ? Compiled.RollGroupId : _newGroupId) : null,
            succeeded ? Compiled.FinalGroupName : null,
            elapsed);
    }

    /// <summary>
    /// Runs <paramref name="work"/>; a failure follows the policy (roll back, or stop for a person) and a
    /// cancellation stops and says where things are. Either way the exception thrown says the final status.
    /// </summary>
    public async Task<T> GuardAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested && e is not DeploymentCanceledException)
        {
            throw await CanceledAsync(e, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not DeploymentFailedException and not DeploymentCanceledException)
        {
            throw await FailedAsync(e, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Sentence(string text)
    {
        var trimmed = text.TrimEnd();
        return trimmed.Length == 0 || trimmed[^1] is '.' or '!' or '?' ? trimmed : trimmed + ".";
    }

    private async Task<DeploymentCanceledException> CanceledAsync(OperationCanceledException e, CancellationToken cancellationToken)
    {
        var inFlight = _inFlight;
        DeploymentLog.Canceled(_logger, Id, _completedSteps, inFlight ?? _atGate);
        await _services.Journal.AppendAsync(Id, JournalEntry.Note("deployment", "canceled", new JsonObject { ["inFlight"] = inFlight, ["atGate"] = _atGate }), CancellationToken.None).ConfigureAwait(false);
        await NeedsAttentionAsync("canceled").ConfigureAwait(false);
        var message = string.Create(CultureInfo.InvariantCulture, $"Deployment {Id} ({Compiled.Strategy}) of {Compiled.AppName} was cancelled after {_completedSteps} completed step(s); ")
            + (inFlight is not null ? $"in flight: {inFlight} (its effect is unknown; a resume or rollback checks it). "
                : _atGate is not null ? $"it was waiting at {_atGate}. " : "no step was in flight. ")
            + (IsRollingBack
                ? $"The rollback had started and was interrupted; the status is NeedsAttention. Finish it with DeploymentRecovery (RollbackAsync or ResumeAsync) and id {Id}."
                : $"Nothing was rolled back; the status is NeedsAttention. Resume it or roll it back with DeploymentRecovery and id {Id}.");
        return new DeploymentCanceledException(message, Id, _completedSteps, inFlight, e, cancellationToken);
    }

    private async Task<DeploymentFailedException> FailedAsync(Exception failure, CancellationToken cancellationToken)
    {
        var failedStep = _inFlight;
        _inFlight = null;
        DeploymentLog.StepFailed(_logger, failure, Id, failedStep ?? "(no step)");
        var what = Sentence(failedStep is null ? failure.Message : $"{failedStep}: {failure.Message}");
        if (IsPastPointOfNoReturn)
        {
            await NeedsAttentionAsync("needs_attention").ConfigureAwait(false);
            return new DeploymentFailedException(
                $"Deployment {Id} of {Compiled.AppName} is deployed ({Compiled.FinalGroupName} runs {Compiled.ImageId}), but its clean-up failed at {what} Nothing was rolled back; the status is NeedsAttention. Resume it with DeploymentRecovery and id {Id} to finish the clean-up.",
                Id, DeploymentStatus.NeedsAttention, failedStep, failure, null);
        }

        if (_options.OnFailure == FailurePolicy.Stop)
        {
            await NeedsAttentionAsync("needs_attention").ConfigureAwait(false);
            return new DeploymentFailedException(
                $"Deployment {Id} of {Compiled.AppName} failed at {what} It was stopped as configured (OnFailure = Stop) and left as it is; the status is NeedsAttention. Resume it or roll it back with DeploymentRecovery and id {Id}.",
                Id, DeploymentStatus.NeedsAttention, failedStep, failure, null);
        }

        try
        {
            await RollbackAsync(what, cancellationToken).ConfigureAwait(false);
            Finish(DeploymentStatus.RolledBack, "rolled_back");
            return new DeploymentFailedException(
                $"Deployment {Id} of {Compiled.AppName} failed at {what} It was rolled back: every group and route is back where the deployment started.",
                Id, DeploymentStatus.RolledBack, failedStep, failure, null);
        }
        catch (OperationCanceledException rollbackCanceled) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled while rolling back: stop there and say so; a recovery finishes the journaled rollback.
            throw await CanceledAsync(rollbackCanceled, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception rollbackFailure)
        {
            DeploymentLog.RollbackFailed(_logger, rollbackFailure, Id);
            await NeedsAttentionAsync("needs_attention").ConfigureAwait(false);
            return new DeploymentFailedException(
                $"Deployment {Id} of {Compiled.AppName} failed at {what} The rollback failed too ({_inFlight}: {rollbackFailure.Message}); the status is NeedsAttention. Roll it back again with DeploymentRecovery and id {Id} once the cause is fixed.",
                Id, DeploymentStatus.NeedsAttention, failedStep, failure, rollbackFailure);
        }
    }

    /// <summary>Rolls back whatever the deployment changed; idempotent, resumable from the journal.</summary>
    public async Task RollbackAsync(string reason, CancellationToken cancellationToken)
    {
        if (_rollbackPlan is null)
        {
            var ops = await BuildRollbackAsync(cancellationToken).ConfigureAwait(false);
            _rollbackPlan = new JsonArray([.. ops.Select(o => (JsonNode)o.ToJson())]);
            await _services.Journal.AppendAsync(Id, JournalEntry.Note("rollback", RollbackPlanNote,
                new JsonObject { ["reason"] = reason, ["newGroupId"] = _newGroupId, ["ops"] = _rollbackPlan.DeepClone() }), cancellationToken).ConfigureAwait(false);
        }

        var rollback = _rollbackPlan.Select(o => Op.FromJson((JsonObject)o!)).ToList();
        DeploymentLog.RollingBack(_logger, Id, rollback.Count, reason);
        Report(new RollbackStartedEvent(Time.GetUtcNow(), Id, reason, rollback.Count));
        try
        {
            foreach (var op in rollback)
            {
                await ExecuteAsync(op, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            StrategiesDiagnostics.RecordRollback(Compiled.Strategy, succeeded: false);
            throw;
        }

        await _services.Journal.SetStatusAsync(Id, DeploymentStatus.RolledBack, CancellationToken.None).ConfigureAwait(false);
        StrategiesDiagnostics.RecordRollback(Compiled.Strategy, succeeded: true);
    }

    private async Task<List<Op>> BuildRollbackAsync(CancellationToken cancellationToken)
    {
        var ops = new List<Op>();
        var ids = 0;
        string NextId() => string.Create(CultureInfo.InvariantCulture, $"r{++ids}");
        var create = Compiled.Ops.FirstOrDefault(o => o.Kind == OpKind.Create);
        if (_newGroupId is null && create is not null && _attempted.ContainsKey(create.Id))
        {
            _newGroupId = await FindGroupByNameAsync(create.GroupName!, cancellationToken).ConfigureAwait(false);
        }

        switch (Compiled.Strategy)
        {
            case DeploymentStrategy.Basic or DeploymentStrategy.Canary:
            {
                var plan = RollbackPlanner.Plan(new RollbackRequest(Compiled.NewGroupName!, _newGroupId, Compiled.Previous, Compiled.ScaledDown)
                {
                    RestoreScaledDownGroups = Compiled.RestoreScaledDown,
                });
                ops.AddRange(plan.Steps.Select(step => FromPlanStep(step, NextId())));
                break;
            }

            case DeploymentStrategy.BlueGreen:
            {
                var naming = new BlueGreenNaming(Compiled.ProductionName!, Compiled.StageName!);
                var plan = BlueGreenPlanner.PlanRollback(new BlueGreenRollbackRequest(naming, _newGroupId, Compiled.Production, [.. Compiled.Routes.Select(r => r.LoadBalancer)]));
                ops.AddRange(plan.Steps.Select(step => FromPlanStep(step, NextId())));
                foreach (var retired in Compiled.Retired)
                {
                    var aside = Compiled.Ops.Where(o => o.Kind is OpKind.Rename or OpKind.Scale && o.GroupId == retired.Group.Id && o.Stage == 0);
                    if (!aside.Any(o => _attempted.ContainsKey(o.Id)))
                    {
                        continue;
                    }

                    ops.Add(new Op
                    {
                        Id = NextId(), Kind = OpKind.Rename, GroupId = retired.Group.Id, GroupName = retired.RetiredName, NewName = retired.Group.Name,
                        Description = $"give the old stage group {retired.Group.Id} its name {retired.Group.Name} back",
                    });
                    if (!retired.Group.Capacity.IsZero)
                    {
                        ops.Add(new Op
                        {
                            Id = NextId(), Kind = OpKind.Scale, GroupId = retired.Group.Id, GroupName = retired.Group.Name, To = retired.Group.Capacity, Wait = true,
                            Description = $"scale the old stage group {retired.Group.Name} ({retired.Group.Id}) back to ({retired.Group.Capacity}), wait for steady state",
                        });
                    }
                }

                break;
            }

            case DeploymentStrategy.SpotRoll:
            {
                var update = Compiled.Ops.First(o => o.Kind == OpKind.UpdateImage);
                var roll = Compiled.Ops.FirstOrDefault(o => o.Kind == OpKind.Roll);
                var rolled = roll is not null && _attempted.ContainsKey(roll.Id);
                if (rolled)
                {
                    ops.Add(new Op
                    {
                        Id = NextId(), Kind = OpKind.StopRoll, GroupId = Compiled.RollGroupId, GroupName = Compiled.RollGroupName, NewName = roll!.Id,
                        Description = $"stop the roll of {Compiled.RollGroupName} ({Compiled.RollGroupId}) if it still runs",
                    });
                }

                if (_attempted.ContainsKey(update.Id))
                {
                    ops.Add(update with
                    {
                        Id = NextId(), Stage = 0, ImageId = Compiled.PreviousImageId,
                        Description = $"set the image of {Compiled.RollGroupName} ({Compiled.RollGroupId}) back to {Compiled.PreviousImageId}",
                    });
                }

                if (rolled)
                {
                    // Rolls back only when the forward roll replaced at least one batch (checked when the step runs).
                    ops.Add(roll! with
                    {
                        Id = NextId(), Stage = 0, NewName = roll.Id,
                        Description = $"roll {Compiled.RollGroupName} ({Compiled.RollGroupId}) back to {Compiled.PreviousImageId} if the forward roll replaced any instance",
                    });
                }

                break;
            }
        }

        return ops;
    }

    private Op FromPlanStep(PlanStep step, string id)
    {
        switch (step)
        {
            case ScaleGroupStep scale:
                return new Op
                {
                    Id = id, Kind = OpKind.Scale, GroupId = scale.Group.Id, GroupName = scale.Group.Name, To = scale.To, Wait = scale.WaitForSteadyState,
                    MissingIsDone = scale.Group.Role == GroupRole.New, Description = scale.Describe(),
                };
            case DeleteGroupStep delete:
                return new Op
                {
                    Id = id, Kind = OpKind.Delete, GroupId = delete.Group.Id, GroupName = delete.Group.Name, MissingIsDone = true, Description = delete.Describe(),
                };
            case RenameGroupStep rename:
                return new Op
                {
                    Id = id, Kind = OpKind.Rename, GroupId = rename.Group.Id, GroupName = rename.Group.Name, NewName = rename.NewName, Description = rename.Describe(),
                };
            case RestoreRoutesStep restore:
                return new Op { Id = id, Kind = OpKind.RestoreRoutes, Routes = Compiled.Routes, Description = restore.Describe() };
            default:
                throw new InvalidOperationException($"Unexpected rollback step {step}.");
        }
    }

    private async Task PassGateAsync(int stage, CancellationToken cancellationToken)
    {
        var gate = _options.Gate;
        if (gate is null)
        {
            return;
        }

        var name = Compiled.Stages[stage].Name;
        var started = Time.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            var waited = Time.GetElapsedTime(started);
            _atGate = $"the gate before {name}";
            var decision = await gate.CheckAsync(new GateContext(Id, Compiled.AppName, Compiled.Strategy, stage, name, attempt, waited), cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The gate returned no decision.");
            DeploymentLog.Gate(_logger, Id, name, decision.Verdict, attempt, decision.Reason);
            Report(new GateEvent(Time.GetUtcNow(), name, attempt, decision.Verdict, decision.Reason));
            await _services.Journal.AppendAsync(Id, JournalEntry.Note("stage-" + stage.ToString(CultureInfo.InvariantCulture), "gate",
                new JsonObject { ["verdict"] = decision.Verdict.ToString(), ["reason"] = decision.Reason, ["attempt"] = attempt }), cancellationToken).ConfigureAwait(false);
            switch (decision.Verdict)
            {
                case GateVerdict.Approve:
                    _atGate = null;
                    return;
                case GateVerdict.Abort:
                    throw new DeploymentGateAbortedException(name, decision.Reason);
                default:
                    if (waited + decision.RecheckAfter > _options.GateTimeout)
                    {
                        throw new TimeoutException($"The gate before {name} kept the deployment waiting longer than GateTimeout ({_options.GateTimeout}).");
                    }

                    await Task.Delay(decision.RecheckAfter, Time, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    private async Task ExecuteAsync(Op op, CancellationToken cancellationToken)
    {
        if (_done.Contains(op.Id))
        {
            return;
        }

        var retry = _attempted.ContainsKey(op.Id);
        _inFlight = op.Description;
        using var activity = StrategiesDiagnostics.ActivitySource.StartActivity("spot-deploy " + op.Kind);
        activity?.SetTag("spot_deploy.deployment_id", Id);
        activity?.SetTag("spot_deploy.step", op.Id);
        await _services.Journal.AppendAsync(Id, JournalEntry.Intent(op.Id, op.Kind.ToString(), new JsonObject
        {
            ["description"] = op.Description,
            ["groupId"] = op.NewGroup ? _newGroupId : op.GroupId,
            ["retry"] = retry,
        }), cancellationToken).ConfigureAwait(false);
        _attempted.TryAdd(op.Id, Time.GetUtcNow());
        DeploymentLog.Step(_logger, Id, op.Id, op.Description);
        Report(new StepStartedEvent(Time.GetUtcNow(), op.Id, op.Description));
        JsonObject? data;
        try
        {
            data = op.Cleanup
                ? await CleanUpAsync(op, retry, cancellationToken).ConfigureAwait(false)
                : await PerformAsync(op, retry, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            var outcome = e is SpotApiException { IsTransient: false, IsTimeout: false } or DeploymentValidationException or TrafficRouterConflictException
                ? JournalOutcome.Failed
                : JournalOutcome.Unknown;
            await _services.Journal.AppendAsync(Id, JournalEntry.Result(op.Id, op.Kind.ToString(), outcome, null, e is OperationCanceledException ? "cancelled" : e.Message), CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        await _services.Journal.AppendAsync(Id, JournalEntry.Result(op.Id, op.Kind.ToString(), JournalOutcome.Succeeded, data), CancellationToken.None).ConfigureAwait(false);
        _done.Add(op.Id);
        _completedSteps++;
        _inFlight = null;
        Report(new StepCompletedEvent(Time.GetUtcNow(), op.Id, op.Description));
    }

    /// <summary>
    /// A clean-up step outlasts transient errors (a 429 storm longer than the client's retries, a 5xx spell):
    /// it is tried again after 30 s, 1, 2, 4 and 8 minutes before the failure surfaces.
    /// </summary>
    private async Task<JsonObject?> CleanUpAsync(Op op, bool retry, CancellationToken cancellationToken)
    {
        var pause = CleanupRetryBase;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var data = await PerformAsync(op, retry || attempt > 1, cancellationToken).ConfigureAwait(false);
                if (attempt > 1)
                {
                    var note = string.Create(CultureInfo.InvariantCulture, $"Clean-up step {op.Id} ({op.Description}) succeeded at attempt {attempt}.");
                    DeploymentLog.Warning(_logger, Id, note);
                    Report(new DeploymentWarningEvent(Time.GetUtcNow(), note));
                }

                return data;
            }
            catch (Exception e) when (attempt < CleanupAttempts && IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                DeploymentLog.Warning(_logger, Id, string.Create(CultureInfo.InvariantCulture, $"Clean-up step {op.Id} failed (attempt {attempt}), trying again in {pause.TotalSeconds:0} s: {e.Message}"));
                await Task.Delay(pause, Time, cancellationToken).ConfigureAwait(false);
                pause += pause;
            }
        }
    }

    private static bool IsTransient(Exception e) => e switch
    {
        SpotApiException spot => spot.IsTransient || spot.IsRateLimited || spot.IsTimeout,
        AwsApiException aws => aws.IsTransient || aws.IsThrottling || aws.IsTimeout,
        TimeoutException or HttpRequestException => true,
        _ => false,
    };

    private async Task<JsonObject?> PerformAsync(Op op, bool retry, CancellationToken cancellationToken)
    {
        var spot = _services.Spot;
        switch (op.Kind)
        {
            case OpKind.Create:
            {
                string? id = null;
                if (retry)
                {
                    id = await FindGroupByNameAsync(op.GroupName!, cancellationToken).ConfigureAwait(false);
                }

                if (id is null)
                {
                    if (op.Body is null)
                    {
                        throw new DeploymentJournalException(
                            $"The create body of {op.GroupName} was not journaled because property '{op.BodyOmitted}' looks like a secret, and the group does not exist. Roll this deployment back (nothing of it is lost) and start a new one.",
                            Id, null);
                    }

                    var created = await spot.CreateGroupAsync(ElastigroupDocument.FromGroup((JsonObject)op.Body.DeepClone()), cancellationToken).ConfigureAwait(false);
                    id = created.Id ?? throw new InvalidOperationException($"Spot created {op.GroupName} but returned no id.");
                }

                _newGroupId = id;
                Report(new GroupCreatedEvent(Time.GetUtcNow(), id, op.GroupName!));
                return new JsonObject { ["groupId"] = id };
            }

            case OpKind.Scale:
            {
                var id = await GroupIdAsync(op, cancellationToken).ConfigureAwait(false);
                if (id is null)
                {
                    return new JsonObject { ["missing"] = true };
                }

                var to = op.To!.Value;
                try
                {
                    await spot.UpdateCapacityAsync(id, to.Minimum, to.Target, to.Maximum, cancellationToken).ConfigureAwait(false);
                }
                catch (SpotNotFoundException) when (op.MissingIsDone)
                {
                    return new JsonObject { ["groupId"] = id, ["missing"] = true };
                }

                Report(new CapacityChangedEvent(Time.GetUtcNow(), id, op.GroupName ?? id, to));
                if (op.Wait)
                {
                    var steady = _options.SteadyState;
                    var targetGroups = op.TargetGroupArns;
                    if (steady.RequireTargetGroupHealth && (targetGroups is null || targetGroups.Count == 0 || _services.Aws is null))
                    {
                        steady = steady.WithoutTargetGroupHealth();
                        targetGroups = null;
                    }

                    var result = await _waiter.WaitAsync(id, to.Target, targetGroups, steady, Progress, cancellationToken).ConfigureAwait(false);
                    return new JsonObject { ["groupId"] = id, ["polls"] = result.Polls, ["waitedSeconds"] = result.Elapsed.TotalSeconds };
                }

                return new JsonObject { ["groupId"] = id };
            }

            case OpKind.Delete:
            {
                var id = await GroupIdAsync(op, cancellationToken).ConfigureAwait(false);
                if (id is null)
                {
                    return new JsonObject { ["missing"] = true };
                }

                try
                {
                    await spot.DeleteGroupAsync(id, null, cancellationToken).ConfigureAwait(false);
                }
                catch (SpotNotFoundException)
                {
                    // Deleted already (by the attempt before a crash, or by someone else): the goal is reached.
                    return new JsonObject { ["groupId"] = id, ["missing"] = true };
                }

                Report(new GroupDeletedEvent(Time.GetUtcNow(), id, op.GroupName ?? id));
                return new JsonObject { ["groupId"] = id };
            }

            case OpKind.Rename:
            {
                var id = await GroupIdAsync(op, cancellationToken).ConfigureAwait(false);
                if (id is null)
                {
                    return new JsonObject { ["missing"] = true };
                }

                try
                {
                    await spot.UpdateGroupAsync(id, new JsonObject { ["name"] = op.NewName }, false, cancellationToken).ConfigureAwait(false);
                }
                catch (SpotNotFoundException) when (op.MissingIsDone)
                {
                    return new JsonObject { ["groupId"] = id, ["missing"] = true };
                }

                Report(new GroupRenamedEvent(Time.GetUtcNow(), id, op.NewName!));
                return new JsonObject { ["groupId"] = id };
            }

            case OpKind.ShiftTraffic:
            {
                var traffic = Traffic();
                var weights = op.Weights!;
                var changes = 0;
                foreach (var route in op.Routes!)
                {
                    var made = await traffic.ShiftTrafficAsync(Ref(route.Production), route.ProductionTargetGroupArn, route.StageTargetGroupArn,
                        weights.NewWeight, weights.OldWeight, cancellationToken).ConfigureAwait(false);
                    changes += made.Count;
                }

                Report(new TrafficWeightsEvent(Time.GetUtcNow(), weights.Percent, weights.NewWeight, weights.OldWeight, op.Routes!.Count));
                return new JsonObject { ["changes"] = changes };
            }

            case OpKind.SwapRoutes:
            {
                var traffic = Traffic();
                var changes = 0;
                foreach (var route in op.Routes!)
                {
                    var made = await traffic.SwapAsync(Ref(route.Production), Ref(route.Stage), route.ProductionTargetGroupArn, route.StageTargetGroupArn, cancellationToken).ConfigureAwait(false);
                    changes += made.Count;
                }

                Report(new TrafficWeightsEvent(Time.GetUtcNow(), 100, TrafficWeights.MaxWeight, 0, op.Routes!.Count));
                return new JsonObject { ["changes"] = changes };
            }

            case OpKind.RestoreRoutes:
            {
                var traffic = Traffic();
                var changes = 0;
                foreach (var route in op.Routes!)
                {
                    string[] ours = [route.ProductionTargetGroupArn, route.StageTargetGroupArn];
                    changes += await RestoreRouteAsync(traffic, route.Production, route.ProductionActionsXml, ours, cancellationToken).ConfigureAwait(false);
                    changes += await RestoreRouteAsync(traffic, route.Stage, route.StageActionsXml, ours, cancellationToken).ConfigureAwait(false);
                }

                Report(new TrafficWeightsEvent(Time.GetUtcNow(), 0, 0, TrafficWeights.MaxWeight, op.Routes!.Count));
                return new JsonObject { ["changes"] = changes };
            }

            case OpKind.UpdateImage:
            {
                JsonNode image = op.UsesImages
                    ? new JsonObject { ["images"] = new JsonArray(new JsonObject { ["id"] = op.ImageId }) }
                    : new JsonObject { ["imageId"] = op.ImageId };
                await spot.UpdateGroupAsync(op.GroupId!, new JsonObject { ["compute"] = new JsonObject { ["launchSpecification"] = image } }, false, cancellationToken).ConfigureAwait(false);
                return new JsonObject { ["groupId"] = op.GroupId, ["imageId"] = op.ImageId };
            }

            case OpKind.Roll:
                return await RollAsync(op, retry, cancellationToken).ConfigureAwait(false);

            case OpKind.StopRoll:
            {
                var rollId = await ForwardRollIdAsync(op.NewName!, cancellationToken).ConfigureAwait(false);
                if (rollId is null)
                {
                    return new JsonObject { ["stopped"] = false };
                }

                var roll = await spot.GetRollAsync(op.GroupId!, rollId, cancellationToken).ConfigureAwait(false);
                if (roll.IsFinished || roll.IsFailedOrStopped)
                {
                    return new JsonObject { ["rollId"] = rollId, ["stopped"] = false, ["status"] = roll.Status };
                }

                await spot.StopRollAsync(op.GroupId!, rollId, cancellationToken).ConfigureAwait(false);
                return new JsonObject { ["rollId"] = rollId, ["stopped"] = true };
            }

            default:
                throw new InvalidOperationException($"Unknown operation {op.Kind}.");
        }
    }

    private async Task<JsonObject> RollAsync(Op op, bool retry, CancellationToken cancellationToken)
    {
        var spot = _services.Spot;
        var groupId = op.GroupId!;
        if (op.NewName is { } forwardStep)
        {
            // The reverse roll of a rollback: only needed when the forward roll replaced instances.
            var forwardId = await ForwardRollIdAsync(forwardStep, cancellationToken).ConfigureAwait(false);
            if (forwardId is null)
            {
                return new JsonObject { ["skipped"] = "the forward roll never started" };
            }

            var forward = await spot.GetRollAsync(groupId, forwardId, cancellationToken).ConfigureAwait(false);
            if (!forward.IsFinished && (forward.Progress?.Value ?? 0) <= 0)
            {
                return new JsonObject { ["skipped"] = "the forward roll replaced no instance" };
            }
        }

        string? rollId = null;
        if (retry || _rollIds.ContainsKey(op.Id))
        {
            rollId = _rollIds.GetValueOrDefault(op.Id);
            if (rollId is null)
            {
                var since = _attempted[op.Id];
                var rolls = await spot.ListRollsAsync(groupId, cancellationToken).ConfigureAwait(false);
                rollId = rolls.Where(r => IsRollSince(r, since))
                    .OrderByDescending(r => r.CreatedAt).FirstOrDefault()?.Id;
            }
        }

        if (rollId is null)
        {
            var request = new RollRequest { BatchSizePercentage = op.BatchSizePercentage ?? 20, GracePeriod = op.GracePeriodSeconds ?? 600, HealthCheckType = op.HealthCheckType };
            rollId = await StartRollCheckedAsync(groupId, request, _attempted[op.Id], cancellationToken).ConfigureAwait(false);
            if (rollId is null)
            {
                var rolls = await spot.ListRollsAsync(groupId, cancellationToken).ConfigureAwait(false);
                rollId = rolls.OrderByDescending(r => r.CreatedAt).FirstOrDefault()?.Id
                    ?? throw new SpotRollFailedException($"Spot accepted the roll of {groupId} but lists no roll.");
            }
        }

        _rollIds[op.Id] = rollId;
        await _services.Journal.AppendAsync(Id, JournalEntry.Note(op.Id, RollStartedNote, new JsonObject { ["rollId"] = rollId }), cancellationToken).ConfigureAwait(false);

        var steady = _options.SteadyState;
        var pause = steady.InitialPollInterval;
        var started = Time.GetTimestamp();
        try
        {
            while (true)
            {
                var roll = await spot.GetRollAsync(groupId, rollId, cancellationToken).ConfigureAwait(false);
                var percent = roll.IsFinished ? 100 : roll.Progress?.Value ?? 0;
                Report(new RollProgressEvent(Time.GetUtcNow(), groupId, rollId, roll.Status ?? "unknown", percent));
                if (roll.IsFinished)
                {
                    return new JsonObject { ["rollId"] = rollId, ["status"] = roll.Status };
                }

                if (roll.IsFailedOrStopped)
                {
                    throw new SpotRollFailedException(string.Create(CultureInfo.InvariantCulture,
                        $"The Spot roll {rollId} of {op.GroupName} ({groupId}) ended '{roll.Status}' at {percent:0.#} %."));
                }

                if (Time.GetElapsedTime(started) + pause > _options.RollTimeout)
                {
                    await spot.StopRollAsync(groupId, rollId, CancellationToken.None).ConfigureAwait(false);
                    throw new TimeoutException($"The Spot roll {rollId} of {groupId} did not finish within RollTimeout ({_options.RollTimeout}); it was stopped.");
                }

                await Task.Delay(pause, Time, cancellationToken).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(steady.MaxPollInterval.Ticks, (long)(pause.Ticks * steady.BackoffFactor)));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancellation stops Spot's roll too, so nothing keeps replacing instances behind the caller's back.
            try
            {
                await spot.StopRollAsync(groupId, rollId, CancellationToken.None).ConfigureAwait(false);
            }
            catch (SpotApiException e)
            {
                DeploymentLog.Warning(_logger, Id, $"Stopping roll {rollId} after the cancellation failed: {e.Message}");
            }

            throw;
        }
    }

    /// <summary>
    /// Starts a roll. The client does not repeat a roll start that failed without a clear answer (a 5xx, a
    /// timeout): it may have started one. So the roll list is read first; only when no roll started since the
    /// intent is the start sent again (up to three attempts, a pause between them).
    /// </summary>
    private async Task<string?> StartRollCheckedAsync(string groupId, RollRequest request, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var pause = _options.SteadyState.InitialPollInterval;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var begun = await _services.Spot.StartRollAsync(groupId, request, cancellationToken).ConfigureAwait(false);
                return begun?.Id;
            }
            catch (SpotApiException e) when (attempt < 3 && (e.IsTransient || e.IsTimeout) && !cancellationToken.IsCancellationRequested)
            {
                DeploymentLog.Warning(_logger, Id, $"Starting the roll of {groupId} got no clear answer ({e.Message}); checking whether it started.");
                var rolls = await _services.Spot.ListRollsAsync(groupId, cancellationToken).ConfigureAwait(false);
                var started = rolls.Where(r => IsRollSince(r, since))
                    .OrderByDescending(r => r.CreatedAt).FirstOrDefault()?.Id;
                if (started is not null)
                {
                    return started;
                }

                await Task.Delay(pause, Time, cancellationToken).ConfigureAwait(false);
                pause += pause;
            }
        }
    }

    /// <summary>
    /// A roll this deployment may have started since <paramref name="since"/>: one still running (we hold the app
    /// lock, and Spot runs one roll per group at a time), or one Spot dates at most a minute before (clock skew).
    /// </summary>
    private static bool IsRollSince(RollStatus roll, DateTimeOffset since) =>
        (!roll.IsFinished && !roll.IsFailedOrStopped) || roll.CreatedAt >= since - RollClockSkew;

    private async Task<string?> ForwardRollIdAsync(string forwardStepId, CancellationToken cancellationToken)
    {
        if (_rollIds.TryGetValue(forwardStepId, out var id))
        {
            return id;
        }

        if (!_attempted.TryGetValue(forwardStepId, out var since))
        {
            return null;
        }

        var rolls = await _services.Spot.ListRollsAsync(Compiled.RollGroupId!, cancellationToken).ConfigureAwait(false);
        return rolls.Where(r => IsRollSince(r, since))
            .OrderBy(r => r.CreatedAt).FirstOrDefault()?.Id;
    }

    private static async Task<int> RestoreRouteAsync(TrafficRouter traffic, ListenerRoute route, IReadOnlyList<string> originalXml, string[] ours, CancellationToken cancellationToken)
    {
        var reference = Ref(route);
        var original = originalXml.Select(RuleAction.Parse).ToList();
        var current = await traffic.ResolveForwardAsync(reference, cancellationToken).ConfigureAwait(false);
        if (current.TargetGroups.Any(tg => !ours.Contains(tg.TargetGroupArn, StringComparer.Ordinal)))
        {
            throw new TrafficRouterConflictException(reference,
                $"The {reference} forwards to {string.Join(", ", current.TargetGroups.Select(t => t.TargetGroupArn))}, which this deployment never routed to; someone else changed it, so it is not restored.");
        }

        var operation = route.IsDefaultRule ? "ModifyListener" : "ModifyRule";
        var resource = route.RuleArn ?? route.ListenerArn;
        var made = await traffic.RestoreAsync(new RouteChange(reference, operation, resource, original, current.Actions), cancellationToken).ConfigureAwait(false);
        return made.Count;
    }

    private async Task<string?> GroupIdAsync(Op op, CancellationToken cancellationToken)
    {
        if (!op.NewGroup)
        {
            return op.GroupId;
        }

        if (_newGroupId is null)
        {
            _newGroupId = await FindGroupByNameAsync(Compiled.NewGroupName!, cancellationToken).ConfigureAwait(false);
        }

        return _newGroupId ?? (op.MissingIsDone ? null : throw new InvalidOperationException($"The group {Compiled.NewGroupName} this deployment creates does not exist."));
    }

    private async Task<string?> FindGroupByNameAsync(string name, CancellationToken cancellationToken)
    {
        var groups = await _services.Spot.ListGroupsAsync(name, cancellationToken).ConfigureAwait(false);
        return groups.Where(g => string.Equals(g.Name, name, StringComparison.Ordinal)).OrderBy(g => g.CreatedAt).FirstOrDefault()?.Id;
    }

    private TrafficRouter Traffic() =>
        _services.Aws?.Traffic ?? throw new InvalidOperationException("This step switches ALB routes: the deployment services need an AwsConnection.");

    private static RouteRef Ref(ListenerRoute route) => new(route.ListenerArn, route.RuleArn);
}
