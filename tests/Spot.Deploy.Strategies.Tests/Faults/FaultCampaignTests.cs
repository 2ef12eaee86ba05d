using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace Spot.Deploy.Strategies.Tests.Faults;

/// <summary>
/// The deployment fault campaign (docs/reliability.md): for every scenario and every mutating step, a fault;
/// every run on a fresh emulator must end fully deployed or exactly where it started. One class per fault kind
/// so the kinds run in parallel; each theory case loops over every fault point of its scenario.
/// </summary>
public abstract class FaultCampaignTestBase(ITestOutputHelper output)
{
    public static TheoryData<string> Scenarios()
    {
        var data = new TheoryData<string>();
        foreach (var scenario in CampaignScenario.All)
        {
            data.Add(scenario.Name);
        }

        return data;
    }

    protected async Task RunCampaignAsync(string scenarioName, CampaignFault fault)
    {
        var scenario = CampaignScenario.Named(scenarioName);
        var baseline = await FaultCampaign.BaselineAsync(scenario);
        CheckBaseline(scenario, baseline);

        var watch = Stopwatch.StartNew();
        var points = FaultCampaign.Points(baseline, fault);
        var runs = new List<CampaignRun>(points.Count);
        foreach (var (index, mode) in points)
        {
            runs.Add(await FaultCampaign.RunAsync(scenario, baseline, fault, index, mode));
        }

        var deployed = runs.Count(r => r.Outcome == RunOutcome.Deployed);
        var rolledBack = runs.Count(r => r.Outcome == RunOutcome.RolledBack);
        var violations = runs.Where(r => r.Outcome == RunOutcome.Violation).ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CAMPAIGN {scenario.Strategy} {scenario.Name} {fault}: scenarios={runs.Count} deployed={deployed} rolledBack={rolledBack} violations={violations.Count} " +
            $"(mutating calls {baseline.MutatingCalls.Count}, journal writes {baseline.JournalWrites.Count}, of the never-healthy run {baseline.FailedRunWrites.Count}, {watch.Elapsed.TotalSeconds:0.0} s)"));
        foreach (var run in runs)
        {
            output.WriteLine($"  {run.Outcome}: {run.Label}{(run.Problem is null ? string.Empty : " -- " + run.Problem)}");
        }

        runs.Should().HaveCount(points.Count).And.NotBeEmpty();
        violations.Should().BeEmpty("every run must end fully deployed or exactly where it started:\n" +
            string.Join("\n", violations.Select(v => $"{v.Label} -- {v.Problem}")));
    }

    private static void CheckBaseline(CampaignScenario scenario, CampaignBaseline baseline)
    {
        baseline.MutatingCalls.Should().NotBeEmpty();
        baseline.Deployed.Should().NotEqual(baseline.Start);
        baseline.Deployed.Where(IsGroupLine).Should().Equal(scenario.ExpectedGroups, $"the fault-free {scenario} deployment ends so");
        baseline.JournalWrites.Should().Contain(w => w.StartsWith("Intent ", StringComparison.Ordinal)).And.EndWith("Status Succeeded");
        if (scenario.Strategy == DeploymentStrategy.BlueGreen)
        {
            baseline.Deployed.Where(l => !IsGroupLine(l)).Should().NotEqual(baseline.Start.Where(l => !IsGroupLine(l)), "Blue/Green moves production traffic");
        }
    }

    private static bool IsGroupLine(string line) => !line.StartsWith("listener ", StringComparison.Ordinal) && !line.StartsWith("rule ", StringComparison.Ordinal);
}

public sealed class FaultCampaignHttp500Tests(ITestOutputHelper output) : FaultCampaignTestBase(output)
{
    [Theory]
    [MemberData(nameof(Scenarios))]
    public Task Http500_OnEveryMutatingCall(string scenario) => RunCampaignAsync(scenario, CampaignFault.Http500);
}

public sealed class FaultCampaignHttp503Tests(ITestOutputHelper output) : FaultCampaignTestBase(output)
{
    [Theory]
    [MemberData(nameof(Scenarios))]
    public Task Http503_OnEveryMutatingCall(string scenario) => RunCampaignAsync(scenario, CampaignFault.Http503);
}

public sealed class FaultCampaignRateLimitTests(ITestOutputHelper output) : FaultCampaignTestBase(output)
{
    [Theory]
    [MemberData(nameof(Scenarios))]
    public Task RateLimitStorm_FromEveryMutatingCall(string scenario) => RunCampaignAsync(scenario, CampaignFault.RateLimitStorm);
}

public sealed class FaultCampaignTimeoutTests(ITestOutputHelper output) : FaultCampaignTestBase(output)
{
    [Theory]
    [MemberData(nameof(Scenarios))]
    public Task TimeoutAfterApplying_OnEveryMutatingCall(string scenario) => RunCampaignAsync(scenario, CampaignFault.TimeoutAfterApplying);
}

public sealed class FaultCampaignCrashResumeTests(ITestOutputHelper output) : FaultCampaignTestBase(output)
{
    [Theory]
    [MemberData(nameof(Scenarios))]
    public Task Crash_AtEveryJournalWrite_ThenResume(string scenario) => RunCampaignAsync(scenario, CampaignFault.CrashThenResume);
}

public sealed class FaultCampaignCrashRollbackTests(ITestOutputHelper output) : FaultCampaignTestBase(output)
{
    [Theory]
    [MemberData(nameof(Scenarios))]
    public Task Crash_AtEveryJournalWrite_ThenRollBack(string scenario) => RunCampaignAsync(scenario, CampaignFault.CrashThenRollback);
}

public sealed class FaultCampaignCrashInRollbackResumeTests(ITestOutputHelper output) : FaultCampaignTestBase(output)
{
    [Theory]
    [MemberData(nameof(Scenarios))]
    public Task CrashInRollback_AtEveryJournalWrite_ThenResume(string scenario) => RunCampaignAsync(scenario, CampaignFault.CrashInRollbackThenResume);
}

public sealed class FaultCampaignCrashInRollbackRollbackTests(ITestOutputHelper output) : FaultCampaignTestBase(output)
{
    [Theory]
    [MemberData(nameof(Scenarios))]
    public Task CrashInRollback_AtEveryJournalWrite_ThenRollBackAgain(string scenario) => RunCampaignAsync(scenario, CampaignFault.CrashInRollbackThenRollback);
}

public sealed class FaultCampaignPowerLossResumeTests(ITestOutputHelper output) : FaultCampaignTestBase(output)
{
    [Theory]
    [MemberData(nameof(Scenarios))]
    public Task PowerLoss_AtEveryWriteBeforeACall_ThenResume(string scenario) => RunCampaignAsync(scenario, CampaignFault.PowerLossThenResume);
}

public sealed class FaultCampaignPowerLossRollbackTests(ITestOutputHelper output) : FaultCampaignTestBase(output)
{
    [Theory]
    [MemberData(nameof(Scenarios))]
    public Task PowerLoss_AtEveryWriteBeforeACall_ThenRollBack(string scenario) => RunCampaignAsync(scenario, CampaignFault.PowerLossThenRollback);
}

public sealed class FaultCampaignPowerLossInRollbackTests(ITestOutputHelper output) : FaultCampaignTestBase(output)
{
    [Theory]
    [MemberData(nameof(Scenarios))]
    public Task PowerLossInRollback_AtEveryWriteBeforeACall_ThenRollBackAgain(string scenario) => RunCampaignAsync(scenario, CampaignFault.PowerLossInRollbackThenRollback);
}

/// <summary>Two and three crashes in a row at seeded random points, for every scenario (<see cref="CrashChains"/>).</summary>
public sealed class FaultCampaignCrashChainTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(FaultCampaignTestBase.Scenarios), MemberType = typeof(FaultCampaignTestBase))]
    public async Task TwoAndThreeCrashesInARow_AtSeededRandomPoints(string scenarioName)
    {
        var scenario = CampaignScenario.Named(scenarioName);
        var baseline = await FaultCampaign.BaselineAsync(scenario);
        var watch = Stopwatch.StartNew();
        var runs = new List<(CampaignRun Run, int Crashes)>();
        foreach (var crashes in new[] { 2, 3 })
        {
            for (var i = 0; i < CrashChains.ChainsPerCount; i++)
            {
                runs.Add(await CrashChains.RunAsync(scenario, baseline, CrashChains.SeedOf(scenario, crashes, i), crashes));
            }
        }

        var violations = runs.Where(r => r.Run.Outcome == RunOutcome.Violation).Select(r => r.Run).ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CAMPAIGN {scenario.Strategy} {scenario.Name} CrashChains (base seed {CrashChains.BaseSeed}; rerun with SPOT_DEPLOY_SEED): scenarios={runs.Count} " +
            $"deployed={runs.Count(r => r.Run.Outcome == RunOutcome.Deployed)} rolledBack={runs.Count(r => r.Run.Outcome == RunOutcome.RolledBack)} violations={violations.Count} " +
            $"(died twice {runs.Count(r => r.Crashes == 2)}, three times {runs.Count(r => r.Crashes == 3)}, {watch.Elapsed.TotalSeconds:0.0} s)"));
        foreach (var (run, _) in runs)
        {
            output.WriteLine($"  {run.Outcome}: {run.Label}{(run.Problem is null ? string.Empty : " -- " + run.Problem)}");
        }

        runs.Count(r => r.Crashes >= 2).Should().BeGreaterThan(runs.Count / 2, "most chains must really die more than once");
        violations.Should().BeEmpty($"every chain (base seed {CrashChains.BaseSeed}) must end fully deployed or exactly where it started:\n" +
            string.Join("\n", violations.Select(v => $"{v.Label} -- {v.Problem}")));
    }
}

/// <summary>Bursts of 5xx and 429 on a rollback's calls, seeded, for every scenario (<see cref="RollbackStorms"/>).</summary>
public sealed class FaultCampaignRollbackStormTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(FaultCampaignTestBase.Scenarios), MemberType = typeof(FaultCampaignTestBase))]
    public async Task TransientFaultStorms_InsideARollback_AtSeededRandomCalls(string scenarioName)
    {
        var scenario = CampaignScenario.Named(scenarioName);
        var baseline = await FaultCampaign.BaselineAsync(scenario);
        var watch = Stopwatch.StartNew();
        var runs = new List<StormRun>();
        for (var i = 0; i < RollbackStorms.RunsPerScenario; i++)
        {
            runs.Add(await RollbackStorms.RunAsync(scenario, baseline, RollbackStorms.SeedOf(scenario, i)));
        }

        var violations = runs.Where(r => r.Run.Outcome == RunOutcome.Violation).Select(r => r.Run).ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CAMPAIGN {scenario.Strategy} {scenario.Name} RollbackStorms (base seed {CrashChains.BaseSeed}; rerun with SPOT_DEPLOY_SEED): scenarios={runs.Count} " +
            $"deployed={runs.Count(r => r.Run.Outcome == RunOutcome.Deployed)} rolledBack={runs.Count(r => r.Run.Outcome == RunOutcome.RolledBack)} violations={violations.Count} " +
            $"(bursts {runs.Sum(r => r.Bursts)}, refusals {runs.Sum(r => r.Refusals)}, rollbacks the storm stopped {runs.Count(r => r.Beaten)}, {watch.Elapsed.TotalSeconds:0.0} s)"));
        foreach (var run in runs)
        {
            output.WriteLine($"  {run.Run.Outcome}: {run.Run.Label}{(run.Run.Problem is null ? string.Empty : " -- " + run.Run.Problem)}");
        }

        runs.Count(r => r.Refusals > 0 && !r.Beaten).Should().BeGreaterThan(0, "some storms must be ridden out by the retries");
        runs.Count(r => r.Beaten).Should().BeGreaterThan(0, "some storms must beat the retries and stop a rollback");
        violations.Should().BeEmpty($"every stormy rollback (base seed {CrashChains.BaseSeed}) must end fully deployed or exactly where it started:\n" +
            string.Join("\n", violations.Select(v => $"{v.Label} -- {v.Problem}")));
    }
}
