using System.Globalization;
using System.Text;
using Spot.Deploy.Emulator;

namespace Spot.Deploy.Strategies.Tests.Faults;

/// <summary>How one storm run ended, with what the storm did.</summary>
internal sealed record StormRun(CampaignRun Run, int Bursts, int Refusals, bool Beaten);

/// <summary>
/// Transient faults inside a rollback (docs/reliability.md): a deployment is rolled back — by itself, its new image never
/// healthy, or by a new process after a crash at a random journal write — while the emulator answers the rollback's calls,
/// reads and writes alike, with bursts of 500, 503 and 429 (Spot) / throttling (AWS). A burst is 1 to 3 refusals in a row,
/// which the clients' 5 retries ride out, or 6, which beats them so the call fails. A rollback the storm stopped must not
/// claim to have finished and must leave no group the journal does not know; once the storm is over, a rollback (or a
/// resume) by a new process must finish the story. Every run ends judged as the other campaigns are: fully deployed or
/// exactly the starting state. One seed per run drives everything and is printed with it: base
/// <see cref="CrashChains.BaseSeed"/> (<c>SPOT_DEPLOY_SEED</c>) + 1000 × scenario index + 500 + run index.
/// </summary>
internal static class RollbackStorms
{
    /// <summary>Runs per scenario: 7 scenarios × 12 = 84 runs, a few seconds in all.</summary>
    public const int RunsPerScenario = 12;

    /// <summary>The chance that a call of the rollback, when no burst is raging, starts one.</summary>
    private const double BurstChance = 0.3;

    /// <summary>One more refusal than the clients retry: the call fails.</summary>
    private const int BeatingBurst = 6;

    public static int SeedOf(CampaignScenario scenario, int index) =>
        unchecked(CrashChains.BaseSeed + (CampaignScenario.All.ToList().IndexOf(scenario) * 1000) + 500 + index);

    public static async Task<StormRun> RunAsync(CampaignScenario scenario, CampaignBaseline baseline, int seed)
    {
        var random = new Random(seed);
        var inProcess = random.Next(2) == 0;
        var neverHealthy = inProcess || random.Next(3) == 0;
        var label = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{scenario} seed={seed}{(neverHealthy ? " never-healthy" : string.Empty)}:"));
        await using var world = await CampaignWorld.StartAsync();
        var create = scenario.Seed(world);
        if (neverHealthy)
        {
            world.State.MarkImageNeverHealthy(CampaignWorld.NewImage);
        }

        var storm = new Storm(world, random);
        try
        {
            string id;
            var powerLoss = false;
            CampaignProcess stormyProcess;
            (DeploymentResult? Result, Exception? Error) stormy;
            if (inProcess)
            {
                // The deployment's own rollback: the storm starts with the rollback plan's journal write.
                label.Append(" deploy, its own rollback in a storm");
                var journal = new CrashingJournal(world.Journal);
                var process = world.StartProcess(_ => journal);
                stormyProcess = process;
                storm.Attach(process, () => journal.Writes.Any(w => w.StartsWith("Note rollback rollbackPlan", StringComparison.Ordinal)));
                stormy = await FaultCampaign.CaptureAsync(create(process.Services, FaultCampaign.Options()).RunAsync());
                id = journal.DeploymentId!;
            }
            else
            {
                var writes = neverHealthy ? baseline.FailedRunWrites : baseline.JournalWrites;
                var at = random.Next(1, writes.Count + 1);
                var mode = (CrashMode)random.Next(3);
                powerLoss = mode == CrashMode.PowerLoss;
                label.Append(CultureInfo.InvariantCulture, $" deploy ({FaultCampaign.Describe(mode)} write {at}), rollback in a storm");
                var (first, journal) = FaultCampaign.StartCrashing(world, at, mode);
                _ = await FaultCampaign.CaptureAsync(create(first.Services, FaultCampaign.Options()).RunAsync());
                if (journal.PowerLost)
                {
                    journal.Die();
                }

                if (!journal.Crashed || journal.DeploymentId is null)
                {
                    return new(new CampaignRun(label.ToString(), RunOutcome.Violation, "the first process did not die at its crash point"), 0, 0, false);
                }

                id = journal.DeploymentId;
                var second = world.StartProcess();
                stormyProcess = second;
                storm.Attach(second, () => true);
                stormy = await RecoverAsync(second, id, rollback: true);
                if (await RefusedPastTheFinalStageAsync(world, id, stormy.Error))
                {
                    label.Append(" [rollback refused past the final stage; resumed in the storm]");
                    stormy = await RecoverAsync(second, id, rollback: false);
                }
            }

            storm.End();
            label.Append(CultureInfo.InvariantCulture, $" [{storm.Bursts} burst(s), {storm.Refusals} refusal(s)]");
            var record = (await world.Journal.LoadAsync(id))!;
            if (stormy.Result is null && stormy.Error is not DeploymentFailedException { Status: DeploymentStatus.RolledBack }
                && record.Status is DeploymentStatus.Succeeded or DeploymentStatus.RolledBack)
            {
                return new(new CampaignRun(label.ToString(), RunOutcome.Violation,
                    $"the call failed ({stormy.Error?.GetType().Name}: {stormy.Error?.Message}) but the journal says {record.Status}"), storm.Bursts, storm.Refusals, false);
            }

            // A read of the world check may fail with the API's own exception (nothing changed yet, the journal as it was);
            // once a rollback or resume has changed something, a failure must come as DeploymentFailedException.
            if (stormy.Error is { } escaped and not DeploymentFailedException && (inProcess || stormyProcess.Watch.MutatingSent > 0))
            {
                return new(new CampaignRun(label.ToString(), RunOutcome.Violation,
                    $"{escaped.GetType().Name} escaped after {stormyProcess.Watch.MutatingSent} change(s): {escaped.Message}"), storm.Bursts, storm.Refusals, false);
            }

            // A power loss may have lost the write that named a group; the world check takes it back by name (or the next
            // rollback does, if the storm stopped this one before it could): that case is judged at the end only.
            if (!powerLoss && UnknownGroups(world, baseline, record) is { Count: > 0 } unknown)
            {
                return new(new CampaignRun(label.ToString(), RunOutcome.Violation,
                    $"after the stormy {(inProcess ? "deployment" : "rollback")}, groups the journal does not know: {string.Join(", ", unknown)}"), storm.Bursts, storm.Refusals, false);
            }

            var beaten = !Finished(stormy);
            var final = stormy;
            if (beaten)
            {
                // The storm beat the retries; it is over now. A person runs the rollback (or the resume) again.
                var rollback = random.Next(2) == 0;
                label.Append(CultureInfo.InvariantCulture, $" [the storm stopped it: {Describe(stormy)}, journal {record.Status}, {stormyProcess.Watch.MutatingSent} change(s) sent by that process; then {(rollback ? "rollback" : "resume")}]");
                var last = world.StartProcess();
                final = await RecoverAsync(last, id, rollback);
                if (rollback && await RefusedPastTheFinalStageAsync(world, id, final.Error))
                {
                    label.Append(" [rollback refused past the final stage; resumed]");
                    final = await RecoverAsync(last, id, rollback: false);
                }
            }

            return new(await FaultCampaign.JudgeAsync(world, baseline, label.ToString(), id, final.Result, final.Error), storm.Bursts, storm.Refusals, beaten);
        }
        catch (Exception e)
        {
            return new(new CampaignRun(label.ToString(), RunOutcome.Violation, "the run itself broke: " + e), storm.Bursts, storm.Refusals, false);
        }
    }

    private static bool Finished((DeploymentResult? Result, Exception? Error) outcome) =>
        outcome.Result is { Status: DeploymentStatus.Succeeded or DeploymentStatus.RolledBack }
        || outcome.Error is DeploymentFailedException { Status: DeploymentStatus.RolledBack };

    private static string Describe((DeploymentResult? Result, Exception? Error) outcome) =>
        outcome.Error is DeploymentFailedException failed ? $"{failed.GetType().Name} ({failed.Status})"
        : outcome.Error is { } error ? error.GetType().Name
        : outcome.Result!.Status.ToString();

    private static async Task<bool> RefusedPastTheFinalStageAsync(CampaignWorld world, string id, Exception? error)
    {
        var record = (await world.Journal.LoadAsync(id))!;
        return error is InvalidOperationException && (FaultCampaign.PastFinalStage(record) || record.Status == DeploymentStatus.Succeeded);
    }

    /// <summary>Groups that were not there at the start and whose id the deployment's journal never wrote down.</summary>
    private static List<string> UnknownGroups(CampaignWorld world, CampaignBaseline baseline, DeploymentRecord record)
    {
        var start = baseline.Start.Select(l => l.Split(' ')[0]).ToHashSet(StringComparer.Ordinal);
        var journaled = (record.Plan?.ToJsonString() ?? string.Empty) + string.Concat(record.Entries.Select(e => e.Data?.ToJsonString()));
        return [.. world.State.Groups
            .Where(g => !start.Contains(g.Name ?? string.Empty) && !journaled.Contains($"\"{g.Id}\"", StringComparison.Ordinal))
            .Select(g => $"{g.Name} ({g.Id})")];
    }

    private static async Task<(DeploymentResult? Result, Exception? Error)> RecoverAsync(CampaignProcess process, string id, bool rollback)
    {
        var recovery = new DeploymentRecovery(process.Services, FaultCampaign.Options());
        return await FaultCampaign.CaptureAsync(rollback ? recovery.RollbackAsync(id) : recovery.ResumeAsync(id));
    }

    /// <summary>
    /// The storm: before each call of an attached process while it rages, unless a burst is still under way, a seeded draw
    /// may start a burst — an emulator fault rule that refuses the next 1–3 (or 6) calls, whatever they are.
    /// </summary>
    private sealed class Storm(CampaignWorld world, Random random)
    {
        private readonly object _gate = new();
        private readonly List<FaultRule> _bursts = [];
        private bool _over;

        public int Bursts
        {
            get
            {
                lock (_gate)
                {
                    return _bursts.Count;
                }
            }
        }

        public int Refusals
        {
            get
            {
                lock (_gate)
                {
                    return _bursts.Sum(b => b.HitCount);
                }
            }
        }

        public void Attach(CampaignProcess process, Func<bool> raging) => process.Watch.BeforeEach = () =>
        {
            if (raging())
            {
                NextCall();
            }
        };

        public void End()
        {
            lock (_gate)
            {
                _over = true;
                world.Emulator.Faults.Clear();
            }
        }

        private void NextCall()
        {
            lock (_gate)
            {
                if (_over || (_bursts.Count > 0 && _bursts[^1].HitCount < _bursts[^1].Times) || random.NextDouble() >= BurstChance)
                {
                    return;
                }

                var length = random.Next(4) == 0 ? BeatingBurst : random.Next(1, 4);
                var rule = random.Next(3) switch
                {
                    0 => new FaultRule { Kind = FaultKind.HttpError, Status = 500 },
                    1 => new FaultRule { Kind = FaultKind.HttpError, Status = 503 },
                    _ => new FaultRule { Kind = FaultKind.RateLimited, Delay = TimeSpan.FromSeconds(2) },
                };
                rule.Times = length;
                _bursts.Add(world.Emulator.Faults.Add(rule));
            }
        }
    }
}
