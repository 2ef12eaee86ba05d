using Spot.Deploy.Cli;
using Spot.Deploy.Cli.Tests;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Runners.Tests;

/// <summary>
/// Issue #16, item 4: the database is stopped (<c>pg_ctl stop -m fast</c>: the runner's connections are cut) in the
/// middle of a runner's canary and started again a few seconds later. The runner's journal writes wait and retry
/// (bounded: <c>TransientRetryTime</c>, 30 s) and the deployment finishes: nothing lost, nothing written twice.
/// </summary>
[Collection(UsesRunners.Name)]
public sealed class DatabaseRestartProcessTests(RunnersFixture fixture) : IDisposable
{
    private const string App = "web";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);
    private readonly string _work = Directory.CreateTempSubdirectory("spot-deploy-restart-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task DatabaseRestartedMidDeployment_RunnerWaitsRetriesAndFinishes_JournalWholeAndNothingDoubled()
    {
        var database = await fixture.NewDatabaseAsync();
        using var emulator = await RunnersFixture.StartEmulatorAsync([App], bootSeconds: 1.5, healthSeconds: 1);
        var document = await RunnerFleet.DocumentAsync(emulator, _work, App);
        var deploy = RunnerFleet.DeployArguments(emulator, new PlannedDeployment(1, 1, App, "canary", Sandbox.ImageV2), document, steadyStateTimeoutSeconds: 60);
        using var runner = CliProcess.Start(deploy, RunnerFleet.Environment(emulator, database));
        await runner.WaitUntilAsync(async () => (await database.DeploymentsSoFarAsync()).Count == 1 && (await emulator.Spot.ListGroupsAsync(App)).Count(g => g.Capacity?.Target > 0) == 2,
            Timeout, "the canary's new group to scale up beside the old one");

        runner.Output.Should().NotContain(": 1/1 healthy", "the database goes down while the runner still waits for health");
        await fixture.Server.StopServerAsync();
        await runner.WaitUntilAsync(() => Task.FromResult(runner.Output.Contains(": 1/1 healthy", StringComparison.Ordinal)), Timeout,
            "the runner to see the new group healthy while the database is down: its next step must be journaled first");
        await fixture.Server.StartServerAsync();
        await runner.WaitForExitAsync(Timeout);

        runner.ExitCode.Should().Be(ExitCodes.Success, "{0}\n{1}", runner.Output, runner.Error);
        var deployment = (await database.DeploymentsAsync()).Should().ContainSingle().Subject;
        deployment.Status.Should().Be("succeeded");
        var entries = await database.EntriesAsync(deployment.Id);
        entries.GroupBy(e => (e.Kind, e.StepId, e.Operation)).Where(g => g.Count() > 1 && g.Key.Kind != "note")
            .Should().BeEmpty("no intent or result is written twice: {0}", string.Join(", ", entries.Select(e => $"{e.Sequence} {e.Kind} {e.StepId}")));
        (await RunnerFleet.VerifyAsync(emulator, database, [App])).Should().BeEmpty();
    }
}
