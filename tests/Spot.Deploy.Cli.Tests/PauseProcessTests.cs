using System.Text.RegularExpressions;
using Spot.Deploy.PostgreSql;
using Spot.Deploy.PostgreSql.Tests;
using Spot.Deploy.Strategies;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Cli.Tests;

/// <summary>
/// Issue #14 as processes: a <c>deploy canary --pause</c> (or <c>--approve</c> with redirected input, which pauses) runs
/// against an emulator process and pauses before phase 2; a second process promotes or aborts it by id through the
/// store's control channel; the first then finishes Succeeded (exit 0) or RolledBack (exit 1).
/// </summary>
public sealed partial class PauseProcessTests : IDisposable
{
    internal const string App = "web";
    internal static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), "spot-deploy-pause-" + Guid.NewGuid().ToString("N"));

    public PauseProcessTests() => Directory.CreateDirectory(_stateDir);

    public void Dispose() => Directory.Delete(_stateDir, recursive: true);

    [Theory]
    [InlineData("--pause", "promote", ExitCodes.Success, DeploymentStatus.Succeeded)]
    [InlineData("--approve", "promote", ExitCodes.Success, DeploymentStatus.Succeeded)]
    [InlineData("--pause", "abort", ExitCodes.RolledBack, DeploymentStatus.RolledBack)]
    public async Task PausedDeployment_DecidedByASecondProcess_FinishesAsDecided(string flag, string decision, int expectedCode, DeploymentStatus expectedStatus)
    {
        var (id, code, output) = await RunPausedAsync(_stateDir, flag, decision, ["--state-dir", _stateDir], new Dictionary<string, string?>());

        code.Should().Be(expectedCode, output);
        var record = (await new FileDeploymentJournal(Path.Combine(_stateDir, "journal")).LoadAsync(id))!;
        record.Status.Should().Be(expectedStatus);
        var decided = record.Entries.Single(e => e.Operation == DeploymentPause.DecidedNote);
        decided.Data!["by"]!.GetValue<string>().Should().Be(Terminal2);
        decided.Data!["reason"]!.GetValue<string>().Should().Be("checked by hand");
        if (flag == "--approve")
        {
            output.Should().Contain("--approve: no interactive terminal (input redirected or CI): pausing instead");
        }

        // The deployment is finished: a late decision is refused clearly (exit 3) and nothing is recorded.
        var (late, lateOutput, lateError) = await CliProcess.RunAsync(["promote", id, "--state-dir", _stateDir], new Dictionary<string, string?>(), CommandTimeout);
        late.Should().Be(ExitCodes.InvalidInput, lateOutput);
        lateError.Should().Contain($"deployment {id} of web is finished ({expectedStatus})");
    }

    internal const string Terminal2 = "alice@terminal-2";

    /// <summary>
    /// Starts an emulator process and <c>deploy canary --phase 50 --phase 100 {flag}</c>, waits for its PAUSED line, runs
    /// <c>{decision} &lt;id&gt;</c> as a second process (SPOT_DEPLOY_RUNNER alice@terminal-2), and waits for the first to end.
    /// </summary>
    internal static async Task<(string Id, int Code, string Output)> RunPausedAsync(string workDir, string flag, string decision, string[] store, IReadOnlyDictionary<string, string?> storeEnvironment)
    {
        using var emulator = await EmulatorProcess.StartAsync(App, "--boot-time", "0.2", "--health-delay", "0.2");
        var document = Path.Combine(workDir, "web.json");
        await File.WriteAllTextAsync(document, Sandbox.Document(App, emulator.BlueTargetGroup).ToJsonString());
        var environment = new Dictionary<string, string?>(emulator.Environment);
        foreach (var (name, value) in storeEnvironment)
        {
            environment[name] = value;
        }

        using var deploy = CliProcess.Start(
            ["deploy", "canary", "--app", App, "--adopt", "--phase", "50", "--phase", "100", "--image", Sandbox.ImageV2, "--document", document, "--poll-interval", "0.2", flag, .. emulator.EndpointFlags, .. store],
            environment);
        // The whole PAUSED block: its lines reach the pipe one by one, so waiting only for the first raced the rest.
        await deploy.WaitUntilAsync(
            () => Task.FromResult(deploy.Output.Contains("PAUSED before", StringComparison.Ordinal) && deploy.Output.Contains("spot-deploy abort ", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(90), "the deployment to pause and print its commands");
        var id = PromoteLine().Match(deploy.Output).Groups["id"].Value;
        id.Should().StartWith("web-", deploy.Output);
        deploy.Output.Should().Contain($"spot-deploy abort {id} --reason \"<why>\"{string.Concat(store.Select(s => " " + s))}", "the exact commands, with the state flags, are printed");
        (await emulator.Spot.ListGroupsAsync(App)).Count(g => g.Capacity?.Target > 0).Should().Be(2, "paused after phase 1: old and new run side by side");

        var (listed, list, listError) = await CliProcess.RunAsync(["list", "--unfinished", .. store], storeEnvironment, CommandTimeout);
        listed.Should().Be(ExitCodes.Success, listError);
        list.Should().Contain($"{id} is paused at \"phase 2 of 2 (100 %)\"").And.Contain("waiting for promote/abort");

        var second = new Dictionary<string, string?>(storeEnvironment) { [RunnerNameVariable] = Terminal2 };
        var (code, output, error) = await CliProcess.RunAsync([decision, id, "--reason", "checked by hand", .. store], second, CommandTimeout);
        code.Should().Be(ExitCodes.Success, output + error);
        output.Should().Contain($"recorded: {decision} of deployment {id} (web) before \"phase 2 of 2 (100 %)\" by {Terminal2} - checked by hand");

        await deploy.WaitForExitAsync(CommandTimeout);
        deploy.Output.Should().Contain($"pause before \"phase 2 of 2 (100 %)\" ended after").And.Contain($"{(decision == "promote" ? "Promote" : "Abort")} by {Terminal2} - checked by hand");
        return (id, deploy.ExitCode, deploy.Output + deploy.Error);
    }

    private const string RunnerNameVariable = "SPOT_DEPLOY_RUNNER";

    [GeneratedRegex(@"spot-deploy promote (?<id>\S+)")]
    private static partial Regex PromoteLine();
}

/// <summary>The same two processes with <c>--state postgres</c>: the decision goes through the control_requests table while the paused runner holds the lease.</summary>
[Collection(ProcessEnvironment.Name)]
[Requires(Prerequisite.PostgreSql)]
public sealed class PostgreSqlPauseProcessTests : IAsyncLifetime, IDisposable
{
    private readonly string _workDir = Path.Combine(Path.GetTempPath(), "spot-deploy-pause-pg-" + Guid.NewGuid().ToString("N"));
    private PostgreSqlServer? _server;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_workDir);
        _server = await PostgreSqlServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    [Fact]
    public async Task PausedDeployment_PromotedByASecondProcess_Succeeds()
    {
        var environment = new Dictionary<string, string?> { [PostgreSqlStoreOptions.EnvironmentVariable] = _server!.ConnectionString };

        var (id, code, output) = await PauseProcessTests.RunPausedAsync(_workDir, "--pause", "promote", ["--state", "postgres"], environment);

        code.Should().Be(ExitCodes.Success, output);
        output.Should().NotContain(_server.Password);
        await using var store = new PostgreSqlDeploymentStore(new PostgreSqlStoreOptions { ConnectionString = _server.ConnectionString });
        (await store.LoadAsync(id))!.Status.Should().Be(DeploymentStatus.Succeeded);
        (await store.ReadAsync(id)).Should().ContainSingle().Which.RequestedBy.Should().Be(PauseProcessTests.Terminal2);
    }
}
