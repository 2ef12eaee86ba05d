namespace Spot.Deploy.Strategies.Tests.Faults;

/// <summary>One test per violation the power-loss and crash-chain campaigns found (docs/reliability.md), each on its own.</summary>
public sealed class CampaignRegressionTests
{
    private static async Task<(CampaignWorld World, CampaignBaseline Baseline, Func<DeploymentServices, DeploymentOptions, Deployment> Create)> WorldAsync(string scenarioName)
    {
        var scenario = CampaignScenario.Named(scenarioName);
        var baseline = await FaultCampaign.BaselineAsync(scenario);
        var world = await CampaignWorld.StartAsync();
        return (world, baseline, scenario.Seed(world));
    }

    private static async Task<string> DieAsync(CampaignWorld world, Func<DeploymentServices, Task<DeploymentResult>> work, string write, CrashMode mode)
    {
        var (process, journal) = FaultCampaign.StartCrashing(world, null, mode);
        var crashing = new CrashingJournal(world.Journal, mode: mode, onCrash: process.Kill, crashOn: w => w.StartsWith(write, StringComparison.Ordinal));
        var dying = new DeploymentServices(process.Services.Spot, process.Services.Aws, crashing, new InProcessAppLock(), world.Clock);
        process.Watch.DiesAfterMutating = () =>
        {
            if (!crashing.PowerLost)
            {
                return false;
            }

            crashing.Die();
            return true;
        };
        _ = journal;
        var (_, error) = await FaultCampaign.CaptureAsync(work(dying));
        crashing.Crashed.Should().BeTrue($"the process must die at '{write}' ({error})");
        return crashing.DeploymentId ?? (await world.Journal.ListUnfinishedAsync()).Single().Id;
    }

    [Fact]
    public async Task Rollback_AfterARollbackThatDied_AcceptsTheForwardStepWhoseIntentAPowerLossDropped()
    {
        // Found by the chain with seed 20264414: the stage group's scale went out with its intent lost; a rollback planned
        // and died; the next rollback no longer counted the lost step as possibly done and reported its capacity as drift.
        var (world, baseline, create) = await WorldAsync("bluegreen-shift");
        await using var _ = world;
        var id = await DieAsync(world, s => create(s, FaultCampaign.Options()).RunAsync(), "Intent s2 Scale", CrashMode.PowerLoss);
        await DieAsync(world, s => new DeploymentRecovery(s, FaultCampaign.Options()).RollbackAsync(id), "Intent r1 ", CrashMode.AfterWrite);

        var last = world.StartProcess();
        var result = await new DeploymentRecovery(last.Services, FaultCampaign.Options()).RollbackAsync(id);

        result.Status.Should().Be(DeploymentStatus.RolledBack);
        world.Observe().Should().Equal(baseline.Start);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Recovery_FindsTheRollWhoseStartNoteAPowerLossDropped(bool rollback)
    {
        // Found by the power-loss campaign: the note of the group's rolls written just before the roll start was lost and the
        // start went out; the roll was not this deployment's by any evidence, so resume and rollback reported it as drift.
        var (world, baseline, create) = await WorldAsync("roll");
        await using var _ = world;
        var id = await DieAsync(world, s => create(s, FaultCampaign.Options()).RunAsync(), "Note s2 rollsBefore", CrashMode.PowerLoss);

        var last = world.StartProcess();
        var recovery = new DeploymentRecovery(last.Services, FaultCampaign.Options());
        var result = rollback ? await recovery.RollbackAsync(id) : await recovery.ResumeAsync(id);

        result.Status.Should().Be(rollback ? DeploymentStatus.RolledBack : DeploymentStatus.Succeeded);
        world.Observe().Should().Equal(rollback ? baseline.Start : baseline.Deployed);
        world.Emulator.Calls.Mutating.Count(c => c.Path.EndsWith("/roll", StringComparison.Ordinal)).Should().Be(1,
            "the lost roll is followed (resume) or stopped before it replaced anything (rollback); no roll is started twice");
    }
}
