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
