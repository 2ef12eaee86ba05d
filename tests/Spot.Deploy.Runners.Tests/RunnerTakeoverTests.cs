using System.Diagnostics;
using System.Globalization;
using Spot.Deploy.Cli;
using Spot.Deploy.Cli.Tests;
using Spot.Deploy.Testing;
using Xunit.Abstractions;

namespace Spot.Deploy.Runners.Tests;

/// <summary>
/// Issue #16, items 2 and 3: a runner process that dies (SIGKILL) or freezes (SIGSTOP) in the middle of a canary, and
/// another runner process that takes the deployment over through the PostgreSQL lease. The lease is short here
/// (<c>SPOT_DEPLOY_LEASE_TIME</c> = 8 s: longer than a CLI process takes to start on a busy machine, so the early
/// resume is sure to find it unexpired) and instances are slow enough (1.5 s + 1 s) for a phase to be caught mid-way.
/// </summary>
[Collection(UsesRunners.Name)]
public sealed class RunnerTakeoverTests(RunnersFixture fixture, ITestOutputHelper output) : IDisposable
{
    private const string App = "web";
    private static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);
    private readonly string _work = Directory.CreateTempSubdirectory("spot-deploy-takeover-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task KilledRunner_ResumeRefusedNamingTheHolderUntilTheLeaseExpires_ThenAnotherRunnerFinishesIt()
    {
        var (database, emulator, environment) = await StartAsync();
        using var _ = emulator;
        using var runner = CliProcess.Start(await DeployAsync(emulator), environment);
        var id = await MidPhaseAsync(runner, database, emulator);

        runner.Kill();
        var killed = Stopwatch.StartNew();
        var early = await CliProcess.RunAsync(["resume", id, "--state", "postgres", "--poll-interval", "0.25", .. emulator.EndpointFlags], environment, Timeout);
        var refusedAt = killed.Elapsed;

        early.Code.Should().Be(ExitCodes.Locked, "the killed runner's lease runs for {0} after its last renewal:\n{1}\n{2}", LeaseTime, early.Output, early.Error);
        early.Error.Should().Contain("locked").And.Contain("deployment " + id, "the refusal names the holder: the killed runner's deployment");

        await WaitForAsync(() => database.LeaseFreeAsync(App), "the killed runner's lease to expire");
        var expiredAt = killed.Elapsed;
        var resume = await CliProcess.RunAsync(["resume", id, "--state", "postgres", "--poll-interval", "0.25", .. emulator.EndpointFlags], environment, Timeout);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"lease {LeaseTime.TotalSeconds} s: resume refused {refusedAt.TotalSeconds:F1} s after kill -9; lease free after {expiredAt.TotalSeconds:F1} s; taken over and finished {killed.Elapsed.TotalSeconds:F1} s after the kill"));

        resume.Code.Should().Be(ExitCodes.Success, "{0}\n{1}", resume.Output, resume.Error);
        await AssertOneLiveGroupAsync(emulator, Sandbox.ImageV2);
        var deployment = (await database.DeploymentsAsync()).Should().ContainSingle().Subject;
        deployment.Status.Should().Be("succeeded");
        var tokens = (await database.EntriesAsync(id)).Select(e => e.Token).Distinct().ToList();
        tokens.Should().HaveCount(2, "the killed runner wrote under its lease, the resuming one under a newer one").And.BeInAscendingOrder();
    }

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task FrozenRunner_PastItsLease_AnotherRollsItBack_TheWokenRunnerSendsNoChangeAndStopsWithLeaseLost()
    {
        var (database, emulator, environment) = await StartAsync();
        using var _ = emulator;
        using var runner = CliProcess.Start(await DeployAsync(emulator), environment);
        var id = await MidPhaseAsync(runner, database, emulator);
        await FreezeBetweenCallsAsync(runner, database, emulator, id);

        await WaitForAsync(() => database.LeaseFreeAsync(App), "the frozen runner's lease to expire");
        var rollback = await CliProcess.RunAsync(["rollback", id, "--state", "postgres", "--poll-interval", "0.25", .. emulator.EndpointFlags], environment, Timeout);
        rollback.Code.Should().Be(ExitCodes.Success, "{0}\n{1}", rollback.Output, rollback.Error);
        await AssertOneLiveGroupAsync(emulator, Sandbox.ImageV1);
        var calls = await emulator.CallsAsync();
        var afterRollback = calls[^1].Sequence;

        await runner.ContinueAsync();
        await runner.WaitForExitAsync(Timeout);

        runner.ExitCode.Should().Be(ExitCodes.LeaseLost, "{0}\n{1}", runner.Output, runner.Error);
        runner.Error.Should().Contain("lease lost:").And.Contain("sent no further change");
        var late = await emulator.CallsAsync(afterRollback);
        late.Where(c => c.IsMutating).Should().BeEmpty("the woken runner changes nothing: {0}", string.Join(", ", late));
        await AssertOneLiveGroupAsync(emulator, Sandbox.ImageV1);
        (await database.DeploymentsAsync()).Should().ContainSingle().Which.Status.Should().Be("rolledBack");
    }

    private async Task<(RunnerDatabase Database, EmulatorProcess Emulator, Dictionary<string, string?> Environment)> StartAsync()
    {
        var database = await fixture.NewDatabaseAsync();
        var emulator = await RunnersFixture.StartEmulatorAsync([App], bootSeconds: 1.5, healthSeconds: 1);
        return (database, emulator, RunnerFleet.Environment(emulator, database, LeaseTime));
    }

    private async Task<string[]> DeployAsync(EmulatorProcess emulator)
    {
        var document = await RunnerFleet.DocumentAsync(emulator, _work, App);
        return RunnerFleet.DeployArguments(emulator, new PlannedDeployment(1, 1, App, "canary", Sandbox.ImageV2), document, steadyStateTimeoutSeconds: 60);
    }

    /// <summary>Waits until the new group is scaling up beside the old one, and returns the deployment's id.</summary>
    private static async Task<string> MidPhaseAsync(CliProcess runner, RunnerDatabase database, EmulatorProcess emulator)
    {
        await runner.WaitUntilAsync(async () => (await GroupsAsync(emulator)).Count(g => g.Capacity?.Target > 0) == 2, Timeout, "the new group to scale up beside the old one");
        return (await database.DeploymentsAsync()).Single().Id;
    }

    /// <summary>
    /// SIGSTOP while the runner waits for health, never between an intent and its call (a call already announced may
    /// still go out after a takeover: the documented limit of fencing). The runner is past its last intent's call when the
    /// emulator has answered at least one mutating call per intent in the journal (a scale step's result is written only
    /// after its wait for health, so "the last entry is a result" alone is rare). Tried again a little later otherwise.
    /// </summary>
    private static async Task FreezeBetweenCallsAsync(CliProcess runner, RunnerDatabase database, EmulatorProcess emulator, string id)
    {
        var seen = new List<string>();
        for (var attempt = 0; attempt < 50; attempt++)
        {
            await runner.FreezeAsync();
            var entries = await database.EntriesAsync(id);
            var intents = entries.Count(e => e.Kind == "intent");
            var changes = (await emulator.CallsAsync()).Count(c => c.IsMutating);
            if (entries.Count > 0 && (entries[^1].Kind != "intent" || changes >= intents))
            {
                return;
            }

            seen.Add(string.Join(",", entries.Select(e => e.Kind)));
            await runner.ContinueAsync();
            await Task.Delay(TimeSpan.FromMilliseconds(20 + (10 * attempt)));
        }

        throw new InvalidOperationException("Could not freeze the runner between two calls; its journal was: " + string.Join(" | ", seen));
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Timeout)
            {
                throw new TimeoutException("Waited too long for " + what);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    private static async Task AssertOneLiveGroupAsync(EmulatorProcess emulator, string image)
    {
        var groups = await GroupsAsync(emulator);
        var summary = string.Join(" | ", groups.Select(g => $"{g.Name} {g.Capacity?.Target} {g.Compute?.LaunchSpecification?.ImageId}"));
        groups.Where(g => g.Capacity?.Target > 0).Should().ContainSingle(summary)
            .Which.Compute!.LaunchSpecification!.ImageId.Should().Be(image, summary);
    }

    private static async Task<IReadOnlyList<Spot.Deploy.Elastigroup.ElastigroupGroup>> GroupsAsync(EmulatorProcess emulator) =>
        [.. (await emulator.Spot.ListGroupsAsync(App)).Where(g => g.Name == App || g.Name!.StartsWith(App + "__", StringComparison.Ordinal))];
}
