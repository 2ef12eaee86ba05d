using System.Text.Json.Nodes;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli.Tests;

/// <summary>
/// The drift report as a user reads it: a deployment stopped, then someone changed the app in Spot (through the API, as the
/// console does) before the resume or rollback. The command must change nothing, exit 2, and say on one line per
/// difference what differs, what the journal expected, what it found and what to do.
/// </summary>
public sealed partial class RecoveryCommandTests
{
    private const string DriftHeader = "NEEDS ATTENTION (the app is not as the journal left it; nothing was changed):";

    /// <summary>The app's groups as "name min/target/max image" (no live count: instances keep booting in real time).</summary>
    private IReadOnlyList<string> Capacities() =>
        [.. _sandbox.Groups("web").Select(g => g[..g.LastIndexOf(" live=", StringComparison.Ordinal)])];

    /// <summary>Stops a deployment (web__2 created, web__1 not yet downsized), then resizes web__1 and deletes web__2 outside it.</summary>
    private async Task<(string Id, string Previous, string Created)> DriftedDeploymentAsync()
    {
        var id = await StoppedDeploymentAsync();
        var groups = await _sandbox.Spot.ListGroupsAsync();
        var previous = groups.Single(g => g.Name == "web__1").Id!;
        var created = groups.Single(g => g.Name == "web__2").Id!;
        await _sandbox.Spot.UpdateCapacityAsync(previous, 2, 2, 3);
        await _sandbox.Spot.DeleteGroupAsync(created);
        return (id, previous, created);
    }

    [Theory]
    [InlineData("rollback")]
    [InlineData("resume")]
    public async Task ResumeOrRollback_AfterTheAppChangedOutside_PrintsOneLinePerDifference_ExitTwo_AndChangesNothing(string command)
    {
        var (id, previous, created) = await DriftedDeploymentAsync();
        var groups = Capacities();
        var mutating = _sandbox.Emulator.Calls.Mutating.Count;

        var (code, output, error) = await RunAsync([command, id, "--steady-state-timeout", "1", .. Endpoints()]);

        code.Should().Be(ExitCodes.NeedsAttention, output + error);
        var lines = output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        var header = Array.IndexOf(lines, DriftHeader);
        header.Should().BeGreaterThanOrEqualTo(0, output);
        lines[header + 1].Should().StartWith($"The {command} of deployment {id} of app 'web' changed nothing").And.Contain("(2 differences)");
        var differences = lines.Skip(header + 2).TakeWhile(l => l.StartsWith("  - ", StringComparison.Ordinal)).ToList();
        differences.Should().HaveCount(2, output);
        differences.Should().ContainSingle(l => l.StartsWith($"  - group web__1 ({previous}) capacity: expected ", StringComparison.Ordinal))
            .Which.Should().Contain(", found min 2, target 2, max 3. Set its capacity back to ").And.Contain(" and run again");
        differences.Should().ContainSingle(l => l.StartsWith($"  - group web__2 ({created}): expected to exist, found no such group (deleted). ", StringComparison.Ordinal))
            .Which.Should().Contain("cannot bring it back").And.Contain("abandon");
        lines[header + 2 + differences.Count].Should().Contain($"abandon {id}");
        _sandbox.Emulator.Calls.Mutating.Should().HaveCount(mutating, "a drift report changes nothing in Spot or AWS");
        Capacities().Should().Equal(groups);
        var journal = await JournalOf(id);
        journal.Status.Should().Be(DeploymentStatus.NeedsAttention);
        journal.Entries[^1].Operation.Should().Be("drift", "the finding is journaled");
    }

    [Fact]
    public async Task Rollback_AfterTheAppChangedOutside_JsonResultCarriesTheReport_ExitTwo()
    {
        var (id, _, created) = await DriftedDeploymentAsync();
        var mutating = _sandbox.Emulator.Calls.Mutating.Count;

        var (code, output, error) = await RunAsync(["rollback", id, "--output", "json", .. Endpoints()]);

        code.Should().Be(ExitCodes.NeedsAttention, output + error);
        var result = JsonNode.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1])!;
        ((string?)result["event"]).Should().Be("Result");
        ((string?)result["status"]).Should().Be("NeedsAttention");
        ((int?)result["exitCode"]).Should().Be(ExitCodes.NeedsAttention);
        ((string?)result["error"]).Should().Contain($"  - group web__2 ({created}): expected to exist, found no such group (deleted).")
            .And.Contain("  - group web__1 (");
        _sandbox.Emulator.Calls.Mutating.Should().HaveCount(mutating);
    }
}
