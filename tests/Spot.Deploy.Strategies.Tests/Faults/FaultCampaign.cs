using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Spot.Deploy.Emulator;

namespace Spot.Deploy.Strategies.Tests.Faults;

/// <summary>The faults of the campaign.</summary>
public enum CampaignFault
{
    /// <summary>HTTP 500 on the n-th mutating call (once).</summary>
    Http500,

    /// <summary>HTTP 503 on the n-th mutating call (once).</summary>
    Http503,

    /// <summary>429 (Spot) / Throttling (ELBv2) on the n-th mutating call and the 5 mutating calls after it (its retries): 6 in a row, one more than the clients retry.</summary>
    RateLimitStorm,

    /// <summary>The n-th mutating call is applied and never answered; the clock then moves 1 h so the client's attempt times out.</summary>
    TimeoutAfterApplying,

    /// <summary>The process dies at a journal write; a new process resumes the deployment from the journal.</summary>
    CrashThenResume,

    /// <summary>The process dies at a journal write; a new process rolls the deployment back from the journal.</summary>
    CrashThenRollback,

    /// <summary>The new image never becomes healthy, so the deployment rolls back; the process dies at a journal write of that rollback and a new process resumes (finishes the rollback).</summary>
    CrashInRollbackThenResume,

    /// <summary>As <see cref="CrashInRollbackThenResume"/>, but the new process runs the rollback again.</summary>
    CrashInRollbackThenRollback,

    /// <summary>A power loss: a journal write that announces a call is lost, the call goes out, the process dies; a new process resumes.</summary>
    PowerLossThenResume,

    /// <summary>As <see cref="PowerLossThenResume"/>; the new process rolls back.</summary>
    PowerLossThenRollback,

    /// <summary>A power loss inside the rollback of a deployment whose new image never becomes healthy; the new process rolls back again.</summary>
    PowerLossInRollbackThenRollback,
}

/// <summary>How one run ended.</summary>
internal enum RunOutcome
{
    Deployed,
    RolledBack,
    Violation,
}

/// <summary>One run of the campaign and its verdict.</summary>
internal sealed record CampaignRun(string Label, RunOutcome Outcome, string? Problem);

/// <summary>What the fault-free run of a scenario showed: the states to end in, the mutating calls, the journal writes.</summary>
internal sealed record CampaignBaseline(
    IReadOnlyList<string> Start,
    IReadOnlyList<string> Deployed,
    IReadOnlyList<string> MutatingCalls,
    IReadOnlyList<string> JournalWrites,
    IReadOnlyList<string> FailedRunWrites);

/// <summary>
/// Runs a scenario once per fault point on a fresh emulator each time and judges how it ended: a deployment
/// that returned must leave the fully-deployed state (journal Succeeded); one that failed must say RolledBack
/// and leave the exact starting state (journal RolledBack). Anything else is a violation.
/// </summary>
internal static class FaultCampaign
{
    private const int StormLength = 6;
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(60);
    private static readonly ConcurrentDictionary<string, Lazy<Task<CampaignBaseline>>> Baselines = new(StringComparer.Ordinal);

    public static DeploymentOptions Options() => new()
    {
        OnFailure = FailurePolicy.RollBack,
        SteadyState = { Timeout = TimeSpan.FromMinutes(5) },
    };

    /// <summary>The fault-free run of a scenario (recorded once per test run).</summary>
    public static Task<CampaignBaseline> BaselineAsync(CampaignScenario scenario) =>
        Baselines.GetOrAdd(scenario.Name, _ => new Lazy<Task<CampaignBaseline>>(() => RecordAsync(scenario))).Value;

    private static async Task<CampaignBaseline> RecordAsync(CampaignScenario scenario)
    {
        await using var world = await CampaignWorld.StartAsync();
        var create = scenario.Seed(world);
        var start = world.Observe();
        var journal = new CrashingJournal(world.Journal);
        var process = world.StartProcess(_ => journal);
        var result = await create(process.Services, Options()).RunAsync();
        if (result.Status != DeploymentStatus.Succeeded)
        {
            throw new InvalidOperationException($"The fault-free run of {scenario} ended {result.Status}.");
        }

        var mutating = world.Emulator.Calls.Mutating
            .Select(c => $"{c.Service} {c.Method} {c.Path}{(c.Action is null ? string.Empty : " " + c.Action)}")
            .ToList();
        if (mutating.Count != process.Watch.MutatingSent)
        {
            throw new InvalidOperationException($"The emulator saw {mutating.Count} mutating calls, the process sent {process.Watch.MutatingSent}: the counts must agree.");
        }

        return new CampaignBaseline(start, world.Observe(), mutating, journal.Writes, await RecordFailedRunAsync(scenario, start));
    }

    /// <summary>The same deployment with an image that never becomes healthy: it must roll back to the starting state; its journal writes are the crash points of the rollback.</summary>
    private static async Task<IReadOnlyList<string>> RecordFailedRunAsync(CampaignScenario scenario, IReadOnlyList<string> start)
    {
        await using var world = await CampaignWorld.StartAsync();
        var create = scenario.Seed(world);
        world.State.MarkImageNeverHealthy(CampaignWorld.NewImage);
        var journal = new CrashingJournal(world.Journal);
        var process = world.StartProcess(_ => journal);
        var (_, error) = await CaptureAsync(create(process.Services, Options()).RunAsync());
        if (error is not DeploymentFailedException { Status: DeploymentStatus.RolledBack } || !world.Observe().SequenceEqual(start, StringComparer.Ordinal))
        {
            throw new InvalidOperationException($"The never-healthy run of {scenario} must roll back to the starting state; it ended {error?.ToString() ?? "without an error"}.");
        }

        return journal.Writes;
    }

    /// <summary>Every fault point of a kind: the mutating call index, or the journal write and crash mode.</summary>
    public static IReadOnlyList<(int Index, CrashMode Mode)> Points(CampaignBaseline baseline, CampaignFault fault)
    {
        if (IsCrash(fault))
        {
            // Dying before each write covers "the call was made, its result is lost" (results) and "nothing of the
            // step happened" (intents, notes, the final status); dying after each intent is written covers "the
            // step is announced, its call never made". In a rollback: every write from the rollback plan on.
            var writes = Writes(baseline, fault);
            var first = IsCrashInRollback(fault) ? FirstRollbackWrite(writes) : 1;
            var points = new List<(int, CrashMode)>();
            if (IsPowerLoss(fault))
            {
                // Only a write that announces a call differs from dying before it: its call still goes out.
                return [.. Enumerable.Range(first, writes.Count - first + 1).Where(m => AnnouncesCall(writes[m - 1])).Select(m => (m, CrashMode.PowerLoss))];
            }

            for (var m = first; m <= writes.Count; m++)
            {
                points.Add((m, CrashMode.BeforeWrite));
                if (writes[m - 1].StartsWith("Intent ", StringComparison.Ordinal))
                {
                    points.Add((m, CrashMode.AfterWrite));
                }
            }

            return points;
        }

        return [.. Enumerable.Range(1, baseline.MutatingCalls.Count).Select(n => (n, CrashMode.BeforeWrite))];
    }

    public static bool IsCrash(CampaignFault fault) => fault >= CampaignFault.CrashThenResume;

    private static bool IsCrashInRollback(CampaignFault fault) =>
        fault is CampaignFault.CrashInRollbackThenResume or CampaignFault.CrashInRollbackThenRollback or CampaignFault.PowerLossInRollbackThenRollback;

    private static bool IsPowerLoss(CampaignFault fault) => fault >= CampaignFault.PowerLossThenResume;

    /// <summary>A journal write right before a mutating call: an intent, or the note a roll start or stop journals first.</summary>
    public static bool AnnouncesCall(string write) =>
        write.StartsWith("Intent ", StringComparison.Ordinal) || write.Contains(" rollsBefore", StringComparison.Ordinal) || write.Contains(" rollStopped", StringComparison.Ordinal);

    private static bool ResumesAfterCrash(CampaignFault fault) => fault is CampaignFault.CrashThenResume or CampaignFault.CrashInRollbackThenResume or CampaignFault.PowerLossThenResume;

    private static IReadOnlyList<string> Writes(CampaignBaseline baseline, CampaignFault fault) =>
        IsCrashInRollback(fault) ? baseline.FailedRunWrites : baseline.JournalWrites;

    private static int FirstRollbackWrite(IReadOnlyList<string> writes)
    {
        for (var i = 0; i < writes.Count; i++)
        {
            if (writes[i].StartsWith("Note rollback rollbackPlan", StringComparison.Ordinal))
            {
                return i + 1;
            }
        }

        throw new InvalidOperationException("The failed run journaled no rollback plan.");
    }

    public static async Task<CampaignRun> RunAsync(CampaignScenario scenario, CampaignBaseline baseline, CampaignFault fault, int index, CrashMode mode)
    {
        await using var world = await CampaignWorld.StartAsync();
        var create = scenario.Seed(world);
        var label = IsCrash(fault)
            ? string.Create(CultureInfo.InvariantCulture, $"{scenario} {fault}: {Describe(mode)} journal write {index} ({Writes(baseline, fault)[index - 1]})")
            : string.Create(CultureInfo.InvariantCulture, $"{scenario} {fault}: mutating call {index} ({baseline.MutatingCalls[index - 1]})");
        try
        {
            if (IsCrashInRollback(fault))
            {
                world.State.MarkImageNeverHealthy(CampaignWorld.NewImage);
            }

            return IsCrash(fault)
                ? await CrashAsync(world, create, baseline, label, index, mode, ResumesAfterCrash(fault))
                : await ForwardAsync(world, create, baseline, label, fault, index);
        }
        catch (Exception e)
        {
            return new CampaignRun(label, RunOutcome.Violation, "the run itself broke: " + e);
        }
    }

    private static async Task<CampaignRun> ForwardAsync(
        CampaignWorld world, Func<DeploymentServices, DeploymentOptions, Deployment> create, CampaignBaseline baseline, string label, CampaignFault fault, int n)
    {
        var process = world.StartProcess();
        FaultRule? timeout = null;
        string? beforeTimeout = null;
        switch (fault)
        {
            case CampaignFault.Http500 or CampaignFault.Http503:
                world.Emulator.Faults.Add(new FaultRule { MutatingOnly = true, NthCall = n, Times = 1, Kind = FaultKind.HttpError, Status = fault == CampaignFault.Http500 ? 500 : 503 });
                break;
            case CampaignFault.RateLimitStorm:
                // The storm starts at the n-th mutating call: the rule is added just before that call is sent.
                process.Watch.BeforeMutating = i =>
                {
                    if (i == n)
                    {
                        world.Emulator.Faults.Add(new FaultRule { MutatingOnly = true, Times = StormLength, Kind = FaultKind.RateLimited, Delay = TimeSpan.FromSeconds(5) });
                    }
                };
                break;
            case CampaignFault.TimeoutAfterApplying:
                timeout = world.Emulator.Faults.Add(new FaultRule { MutatingOnly = true, NthCall = n, Times = 1, Kind = FaultKind.TimeoutAfterApplying });
                process.Watch.BeforeMutating = i =>
                {
                    if (i == n)
                    {
                        beforeTimeout = world.State.Snapshot().ToJsonString();
                    }
                };
                break;
        }

        var deployment = create(process.Services, Options());
        var run = deployment.RunAsync();
        string? note = null;
        if (timeout is not null)
        {
            // The emulator completes this once the timed-out call has been applied (not merely matched); the real-time
            // limit only guards against a hung run.
            var applied = timeout.WaitUntilAppliedAsync();
            try
            {
                await Task.WhenAny(applied, run).WaitAsync(RunLimit);
            }
            catch (TimeoutException)
            {
                return new CampaignRun(label, RunOutcome.Violation, "the timeout fault was never reached and the deployment did not end");
            }

            if (applied.IsCompletedSuccessfully)
            {
                if (world.State.Snapshot().ToJsonString() == beforeTimeout)
                {
                    note = "(the timed-out call changed nothing visible in the emulator's snapshot)";
                }

                // Let the client's 1 h attempt timeout fire.
                world.Clock.Advance(TimeSpan.FromHours(1));
            }
        }

        var (result, error) = await CaptureAsync(run);
        if (fault != CampaignFault.TimeoutAfterApplying && world.Emulator.Faults.Rules.Sum(r => r.HitCount) == 0)
        {
            return new CampaignRun(label, RunOutcome.Violation, "the fault was never injected");
        }

        var verdict = await JudgeAsync(world, baseline, label, deployment.DeploymentId, result, error);
        return note is null || verdict.Outcome != RunOutcome.Violation ? verdict : verdict with { Problem = verdict.Problem + " " + note };
    }

    private static async Task<CampaignRun> CrashAsync(
        CampaignWorld world, Func<DeploymentServices, DeploymentOptions, Deployment> create, CampaignBaseline baseline, string label, int write, CrashMode mode, bool resume)
    {
        var (first, journal) = StartCrashing(world, write, mode);
        var (firstResult, firstError) = await CaptureAsync(create(first.Services, Options()).RunAsync());
        if (!journal.Crashed || journal.DeploymentId is null)
        {
            return new CampaignRun(label, RunOutcome.Violation, $"the crash point was not reached (the first process ended {firstResult?.Status.ToString() ?? firstError?.GetType().Name})");
        }

        if (firstResult is not null || !Chain(firstError!).Any(e => e is CrashException))
        {
            return new CampaignRun(label, RunOutcome.Violation, $"the crashed process did not die of the crash: {firstResult?.Status.ToString() ?? firstError!.ToString()}");
        }

        // A new process: new connections, a new app lock, the same durable journal.
        var second = world.StartProcess();
        var recovery = new DeploymentRecovery(second.Services, Options());
        var pastFinalStage = PastFinalStage((await world.Journal.LoadAsync(journal.DeploymentId))!);
        var (result, error) = await CaptureAsync(resume ? recovery.ResumeAsync(journal.DeploymentId) : recovery.RollbackAsync(journal.DeploymentId));
        if (!resume && pastFinalStage && error is InvalidOperationException)
        {
            // Once every step but the clean-up succeeded, refusing the rollback is a correct answer; then the
            // deployment must be finished forward.
            (result, error) = await CaptureAsync(recovery.ResumeAsync(journal.DeploymentId));
            label += " [rollback refused past the final stage; resumed]";
        }

        return await JudgeAsync(world, baseline, label, journal.DeploymentId, result, error);
    }

    /// <summary>A process whose journal kills it at write <paramref name="write"/> (null: never) in <paramref name="mode"/>; a power loss kills it after its next mutating call.</summary>
    public static (CampaignProcess Process, CrashingJournal Journal) StartCrashing(CampaignWorld world, int? write, CrashMode mode)
    {
        CampaignProcess? process = null;
        var journal = new CrashingJournal(world.Journal, write, mode, () => process!.Kill());
        process = world.StartProcess(_ => journal);
        process.Watch.DiesAfterMutating = () =>
        {
            if (!journal.PowerLost)
            {
                return false;
            }

            journal.Die();
            return true;
        };
        return (process, journal);
    }

    public static string Describe(CrashMode mode) => mode switch
    {
        CrashMode.BeforeWrite => "crash before",
        CrashMode.AfterWrite => "crash after",
        _ => "power loss at",
    };

    /// <summary>True when the journal shows every step except the clean-up succeeded: deleted leftovers cannot come back.</summary>
    public static bool PastFinalStage(DeploymentRecord record)
    {
        var ops = record.Plan?["operations"]?.AsArray() ?? new System.Text.Json.Nodes.JsonArray();
        var required = ops.Where(o => o?["cleanup"]?.GetValue<bool>() != true).Select(o => o!["id"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var succeeded = record.Entries.Where(e => e.Kind == JournalEntryKind.Result && e.Outcome == JournalOutcome.Succeeded).Select(e => e.StepId);
        return required.Count > 0 && required.IsSubsetOf(succeeded);
    }

    public static async Task<CampaignRun> JudgeAsync(CampaignWorld world, CampaignBaseline baseline, string label, string? deploymentId, DeploymentResult? result, Exception? error)
    {
        var state = world.Observe();
        var record = deploymentId is null ? null : await world.Journal.LoadAsync(deploymentId);
        RunOutcome expected;
        string said;
        if (result is { Status: DeploymentStatus.Succeeded })
        {
            expected = RunOutcome.Deployed;
            said = "returned Succeeded";
        }
        else if (result is { Status: DeploymentStatus.RolledBack } || error is DeploymentFailedException { Status: DeploymentStatus.RolledBack })
        {
            expected = RunOutcome.RolledBack;
            said = result is null ? "threw DeploymentFailedException (RolledBack)" : "returned RolledBack";
        }
        else
        {
            return new CampaignRun(label, RunOutcome.Violation,
                $"ended {(result is null ? Describe(error!) : "with status " + result.Status)}; journal status {record?.Status.ToString() ?? "(none)"}; {Diff(state, baseline)}");
        }

        var problems = new List<string>();
        var target = expected == RunOutcome.Deployed ? baseline.Deployed : baseline.Start;
        if (!state.SequenceEqual(target, StringComparer.Ordinal))
        {
            problems.Add($"the state is not the {(expected == RunOutcome.Deployed ? "fully-deployed" : "starting")} state: {Diff(state, baseline)}");
        }

        var status = expected == RunOutcome.Deployed ? DeploymentStatus.Succeeded : DeploymentStatus.RolledBack;
        if (record?.Status != status)
        {
            problems.Add($"the journal says {record?.Status.ToString() ?? "(no record)"}, not {status}");
        }


        return problems.Count == 0
            ? new CampaignRun(label, expected, null)
            : new CampaignRun(label, RunOutcome.Violation, said + ", but " + string.Join("; ", problems) + (error is null ? string.Empty : $" (error: {error.Message})"));
    }

    private static string Diff(IReadOnlyList<string> state, CampaignBaseline baseline)
    {
        static string Against(IReadOnlyList<string> state, IReadOnlyList<string> target) =>
            $"missing [{string.Join(" | ", target.Except(state, StringComparer.Ordinal))}], extra [{string.Join(" | ", state.Except(target, StringComparer.Ordinal))}]";
        return $"against the starting state: {Against(state, baseline.Start)}; against the fully-deployed state: {Against(state, baseline.Deployed)}";
    }

    private static string Describe(Exception e) => e switch
    {
        DeploymentFailedException failed => $"DeploymentFailedException ({failed.Status}): {failed.Message}",
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    public static IEnumerable<Exception> Chain(Exception e)
    {
        var pending = new Stack<Exception>([e]);
        while (pending.Count > 0)
        {
            var next = pending.Pop();
            yield return next;
            if (next is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (next.InnerException is { } inner)
            {
                pending.Push(inner);
            }

            if (next is DeploymentFailedException { RollbackException: { } rollback })
            {
                pending.Push(rollback);
            }
        }
    }

    public static async Task<(DeploymentResult? Result, Exception? Error)> CaptureAsync(Task<DeploymentResult> task)
    {
        try
        {
            return (await task.WaitAsync(RunLimit), null);
        }
        catch (TimeoutException e) when (!task.IsCompleted)
        {
            return (null, new TimeoutException($"The deployment did not end within {RunLimit.TotalSeconds} s of real time (hung).", e));
        }
        catch (Exception e)
        {
            return (null, e);
        }
    }
}
