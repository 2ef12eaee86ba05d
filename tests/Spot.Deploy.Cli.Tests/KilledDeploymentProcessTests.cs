using System.Text.Json.Nodes;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli.Tests;

/// <summary>
/// Issue #13, item 2, as processes: <c>spot-deploy emulator</c> runs on its own, a <c>deploy canary</c> process is killed
/// with SIGKILL mid-phase (its new group is scaling up beside the old one), and then deploy, resume, rollback and abandon
/// are tried, each as its own process, in several orders. Whatever the order, the app ends with exactly one live
/// revision (docs/semantics.md: a group of the app with target &gt; 0) and no group that no journal knows.
/// </summary>
public sealed class KilledDeploymentProcessTests : IDisposable
{
    private const string App = "web";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), "spot-deploy-kill9-" + Guid.NewGuid().ToString("N"));

    public KilledDeploymentProcessTests() => Directory.CreateDirectory(_stateDir);

    public void Dispose() => Directory.Delete(_stateDir, recursive: true);

    /// <summary>
    /// Each step is <c>command=exit code</c>, run against the killed deployment (deploy: a new canary of the app). The
    /// codes are docs/cli.md's: a deploy over an unfinished deployment is refused (3); resume finishes it (0); rollback
    /// restores (0); abandon (0) then lets a new deploy run (0); a finished deployment is reported (0) or refused (3:
    /// rollback of a succeeded or abandoned one, abandon of a finished one); once a newer deployment of the app exists,
    /// the killed one is neither resumed nor rolled back, whatever its status (3).
    /// </summary>
    [Theory]
    [InlineData("deploy=3 resume=0 rollback=3 resume=0", Sandbox.ImageV2)]
    [InlineData("rollback=0 rollback=0 resume=0", Sandbox.ImageV1)]
    [InlineData("abandon=0 resume=0 rollback=3 deploy=0 resume=3 abandon=3", Sandbox.ImageV2)]
    [InlineData("deploy=3 rollback=0 deploy=0 resume=3 rollback=3", Sandbox.ImageV2)]
    public async Task KilledMidPhase_ThenAnyOrderOfDeployResumeRollbackAbandon_LeavesExactlyOneLiveRevision(string steps, string liveImage)
    {
        using var emulator = await EmulatorProcess.StartAsync(App);
        var document = Path.Combine(_stateDir, "web.json");
        await File.WriteAllTextAsync(document, Sandbox.Document(App, emulator.BlueTargetGroup).ToJsonString());
        string[] deploy = [.. "deploy canary --app web --adopt --phase 100 --image".Split(' '), Sandbox.ImageV2, "--document", document, .. Common(emulator)];

        var killed = await KillMidPhaseAsync(emulator, deploy);

        foreach (var step in steps.Split(' '))
        {
            var (command, expected) = (step.Split('=')[0], int.Parse(step.Split('=')[1], System.Globalization.CultureInfo.InvariantCulture));
            string[] arguments = command switch
            {
                "deploy" => deploy,
                "resume" => ["resume", killed, .. Common(emulator)],
                "rollback" => ["rollback", killed, .. Common(emulator)],
                "abandon" => ["abandon", killed, "--reason", "kill -9 test: groups checked", "--state-dir", _stateDir],
                _ => throw new ArgumentException("Unknown command " + command, nameof(steps)),
            };

            var (code, output, error) = await CliProcess.RunAsync(arguments, emulator.Environment, CommandTimeout);

            code.Should().Be(expected, $"{command} after [{steps}] ({string.Join(" | ", await GroupsAsync(emulator))}):\n{output}\n{error}");
        }

        var groups = await GroupsAsync(emulator);
        var journals = await new FileDeploymentJournal(Path.Combine(_stateDir, "journal")).ListByAppAsync(App);
        var known = journals.SelectMany(r => Strings(r.Plan).Concat(r.Entries.SelectMany(e => Strings(e.Data)))).ToHashSet(StringComparer.Ordinal);
        var summary = string.Join(" | ", groups);
        groups.Where(g => g.Capacity?.Target > 0).Should().ContainSingle($"exactly one revision is live after [{steps}]: {summary}")
            .Which.Compute!.LaunchSpecification!.ImageId.Should().Be(liveImage, summary);
        // By id, or by a planned revision name (a create whose result the journal may lack); "web" is no evidence, it is the app.
        groups.Should().OnlyContain(g => known.Contains(g.Id!) || (g.Name != App && known.Contains(g.Name!)), $"every group of the app is in a journal: {summary}");
        journals.Should().OnlyContain(r => !r.IsUnfinished, "every story is finished");
    }

    /// <summary>Starts the deployment, waits until its new group is scaling up beside the old one, and kills it.</summary>
    private async Task<string> KillMidPhaseAsync(EmulatorProcess emulator, string[] deploy)
    {
        using var process = CliProcess.Start(deploy, emulator.Environment);
        await process.WaitUntilAsync(
            async () => (await GroupsAsync(emulator)).Count(g => g.Capacity?.Target > 0) == 2,
            TimeSpan.FromSeconds(60),
            "the new group to be scaled up beside the old one");
        process.Kill();

        var groups = await GroupsAsync(emulator);
        groups.Where(g => g.Capacity?.Target > 0).Should().HaveCount(2, "the kill came mid-phase: {0}", string.Join(" | ", groups));
        var unfinished = await new FileDeploymentJournal(Path.Combine(_stateDir, "journal")).ListByAppAsync(App);
        var record = unfinished.Should().ContainSingle().Subject;
        record.Status.Should().Be(DeploymentStatus.Running, "a killed process journals nothing more");
        return record.Id;
    }

    private string[] Common(EmulatorProcess emulator) => [.. emulator.EndpointFlags, "--state-dir", _stateDir];

    /// <summary>The app's groups (named <c>web</c> or <c>web__N</c>) as the emulator's Spot API returns them.</summary>
    private static async Task<IReadOnlyList<ElastigroupGroup>> GroupsAsync(EmulatorProcess emulator) =>
        [.. (await emulator.Spot.ListGroupsAsync(App))
            .Where(g => g.Name == App || g.Name!.StartsWith(App + "__", StringComparison.Ordinal))
            .OrderBy(g => g.Name, StringComparer.Ordinal)];

    /// <summary>Every string value in the JSON: the group ids and names a journal holds.</summary>
    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => Strings(p.Value)),
        JsonArray array => array.SelectMany(Strings),
        JsonValue value when value.TryGetValue<string>(out var text) => [text],
        _ => [],
    };
}
