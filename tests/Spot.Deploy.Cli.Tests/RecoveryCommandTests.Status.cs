using System.Text.Json.Nodes;

namespace Spot.Deploy.Cli.Tests;

/// <content><c>status</c> names the app's unfinished deployment from the journal of <c>--state-dir</c>, with the commands that go on from it.</content>
public sealed partial class RecoveryCommandTests
{
    [Fact]
    public async Task Status_AppWithAnUnfinishedDeployment_NamesIt_UntilItIsFinished()
    {
        var id = await StoppedDeploymentAsync();

        var (code, output, error) = await RunAsync(["status", "web", .. Endpoints()]);
        var (jsonCode, json, _) = await RunAsync(["status", "web", "--output", "json", .. Endpoints()]);

        code.Should().Be(ExitCodes.Success, error);
        output.Should().Contain($"  unfinished deployment {id} (Canary to {Sandbox.BrokenImage}, started ")
            .And.Contain($"spot-deploy resume {id} --state-dir {_stateDir} or spot-deploy rollback {id} --state-dir {_stateDir}");
        jsonCode.Should().Be(ExitCodes.Success);
        var unfinished = JsonNode.Parse(json.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1])!["unfinished"]!;
        ((string?)unfinished["id"]).Should().Be(id);
        ((string?)unfinished["status"]).Should().Be("NeedsAttention");
        ((string?)unfinished["next"]![0]).Should().Be($"spot-deploy resume {id} --state-dir {_stateDir}");

        (await RunAsync("abandon", id, "--reason", "checked by hand", "--state-dir", _stateDir)).Code.Should().Be(ExitCodes.Success);
        var (afterCode, after, _) = await RunAsync(["status", "web", "--output", "json", .. Endpoints()]);

        afterCode.Should().Be(ExitCodes.Success);
        JsonNode.Parse(after.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1])!.AsObject().Should().ContainKey("unfinished")
            .WhoseValue.Should().BeNull();
    }

    [Fact]
    public async Task Status_EmulatorWithStateDir_IsInvalidInput()
    {
        var (code, _, error) = await RunAsync("status", "web", "--emulator", "--state-dir", _stateDir);

        code.Should().Be(ExitCodes.InvalidInput);
        error.Should().Contain("not used with --emulator");
    }
}
