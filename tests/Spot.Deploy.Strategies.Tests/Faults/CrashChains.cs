using System.Globalization;
using System.Text;

namespace Spot.Deploy.Strategies.Tests.Faults;

/// <summary>
/// Crashes in a row (docs/reliability.md): a deployment dies at a random journal write, then each new process — a resume or
/// a rollback, picked at random — dies again at a random write of its own, two or three times, before a last process
/// finishes without a crash. Each death is a crash before a write, after it, or a power loss (the write is lost, its call
/// goes out). Everything random comes from one seed, printed with every run, so any run can be repeated:
/// <c>SPOT_DEPLOY_SEED=&lt;seed&gt;</c> sets the base seed (default <see cref="DefaultSeed"/>).
/// </summary>
internal static class CrashChains
{
    public const int DefaultSeed = 20261213;

    /// <summary>Chains per scenario and crash count (2 and 3): 7 scenarios × 2 × 30 = 420 chains.</summary>
    public const int ChainsPerCount = 30;

    public static int BaseSeed =>
        int.TryParse(Environment.GetEnvironmentVariable("SPOT_DEPLOY_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : DefaultSeed;

    /// <summary>The seed of chain <paramref name="index"/> of a scenario: the base seed, the scenario's place, the index.</summary>
    public static int SeedOf(CampaignScenario scenario, int crashes, int index) =>
        unchecked(BaseSeed + (CampaignScenario.All.ToList().IndexOf(scenario) * 1000) + (crashes * 100) + index);

    public static async Task<(CampaignRun Run, int Crashes)> RunAsync(CampaignScenario scenario, CampaignBaseline baseline, int seed, int crashes)
    {
        var random = new Random(seed);
        var neverHealthy = random.Next(3) == 0;
        var writes = neverHealthy ? baseline.FailedRunWrites : baseline.JournalWrites;
        var label = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{scenario} seed={seed} crashes={crashes}{(neverHealthy ? " never-healthy" : string.Empty)}:"));
        await using var world = await CampaignWorld.StartAsync();
        var create = scenario.Seed(world);
        if (neverHealthy)
        {
            world.State.MarkImageNeverHealthy(CampaignWorld.NewImage);
        }

        try
        {
            var (at, mode) = Pick(random, writes.Count);
            label.Append(CultureInfo.InvariantCulture, $" deploy ({FaultCampaign.Describe(mode)} write {at})");
            var (first, journal) = FaultCampaign.StartCrashing(world, at, mode);
            var (result, error) = await FaultCampaign.CaptureAsync(create(first.Services, FaultCampaign.Options()).RunAsync());
            if (journal.PowerLost && !journal.Crashed)
            {
                // The power went with the last write, after the process had nothing more to send: that write is lost all the same.
                journal.Die();
                const string Lost = "The process lost power after its last write (which was lost).";
                error = error is null ? new CrashException(Lost) : new CrashException(Lost, error);
                result = null;
            }

            if (!journal.Crashed || journal.DeploymentId is null || !FaultCampaign.Chain(error ?? new InvalidOperationException()).Any(e => e is CrashException))
            {
                return (new CampaignRun(label.ToString(), RunOutcome.Violation,
                    $"the first process did not die at its crash point ({result?.Status.ToString() ?? error?.ToString()})"), 0);
            }

            var id = journal.DeploymentId;
            var died = 1;
            (DeploymentResult? Result, Exception? Error)? recovery = null;
            for (var n = 1; n < crashes; n++)
            {
                var rollback = random.Next(2) == 0;
                (at, mode) = Pick(random, Math.Max(3, writes.Count / 2));
                label.Append(CultureInfo.InvariantCulture, $", {(rollback ? "rollback" : "resume")} ({FaultCampaign.Describe(mode)} write {at})");
                var (process, crashing) = FaultCampaign.StartCrashing(world, at, mode);
                var recovered = await RecoverAsync(process, id, rollback);
                if (crashing.PowerLost)
                {
                    crashing.Die();
                }

                if (!crashing.Crashed)
                {
                    // This process finished before its crash point: the chain ends with it, if it ended the story.
                    label.Append(" [finished first]");
                    // It ended the story unless it was a refused rollback (past the final stage, or of a succeeded deployment).
                    recovery = recovered;
                    if (recovered.Error is not InvalidOperationException && await IsFinishedAsync(world, id))
                    {
                        break;
                    }

                    recovery = null;
                    continue;
                }

                died++;
            }

            if (recovery is null)
            {
                var rollback = random.Next(2) == 0;
                label.Append(rollback ? ", rollback" : ", resume");
                var (last, _) = FaultCampaign.StartCrashing(world, null, CrashMode.BeforeWrite);
                recovery = await RecoverAsync(last, id, rollback);
                var record = (await world.Journal.LoadAsync(id))!;
                if (rollback && recovery.Value.Error is InvalidOperationException && (FaultCampaign.PastFinalStage(record) || record.Status == DeploymentStatus.Succeeded))
                {
                    label.Append(" [rollback refused past the final stage; resumed]");
                    recovery = await RecoverAsync(last, id, rollback: false);
                }
            }

            label.Append(CultureInfo.InvariantCulture, $" [{died} crash(es)]");
            return (await FaultCampaign.JudgeAsync(world, baseline, label.ToString(), id, recovery.Value.Result, recovery.Value.Error), died);
        }
        catch (Exception e)
        {
            return (new CampaignRun(label.ToString(), RunOutcome.Violation, "the run itself broke: " + e), 0);
        }
    }

    private static (int Write, CrashMode Mode) Pick(Random random, int writes) =>
        (random.Next(1, writes + 1), (CrashMode)random.Next(3));

    private static async Task<(DeploymentResult? Result, Exception? Error)> RecoverAsync(CampaignProcess process, string id, bool rollback)
    {
        var recovery = new DeploymentRecovery(process.Services, FaultCampaign.Options());
        return await FaultCampaign.CaptureAsync(rollback ? recovery.RollbackAsync(id) : recovery.ResumeAsync(id));
    }

    private static async Task<bool> IsFinishedAsync(CampaignWorld world, string id) =>
        (await world.Journal.LoadAsync(id))!.Status is DeploymentStatus.Succeeded or DeploymentStatus.RolledBack or DeploymentStatus.NeedsAttention;
}
