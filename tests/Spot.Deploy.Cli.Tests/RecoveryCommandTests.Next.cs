using System.Text.Json.Nodes;

namespace Spot.Deploy.Cli.Tests;

/// <summary>A deployment stopped for a person ends with the exact commands that go on from it, and they work as printed.</summary>
public sealed partial class RecoveryCommandTests
{
    [Fact]
    public async Task StoppedDeployment_NamesTheExactNextCommands_AndThePrintedRollbackWorks()
    {
        var before = _sandbox.Groups("web");
        var (code, output, error) = await RunAsync([.. "deploy canary --app web --phase 100 --on-failure stop --steady-state-timeout 1 --output json".Split(' '),
            "--image", Sandbox.BrokenImage, "--document", _document, .. Endpoints()]);
        code.Should().Be(ExitCodes.NeedsAttention, output + error);
        var result = JsonNode.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1])!;
        var id = (string)result["deploymentId"]!;
        var flags = $"--state-dir {_stateDir} --spot-url {_sandbox.Emulator.SpotBaseAddress} --ec2-endpoint {_sandbox.Emulator.Ec2Endpoint} --elb-endpoint {_sandbox.Emulator.ElasticLoadBalancingEndpoint}";
        var next = result["nextCommands"]!.AsArray().Select(c => (string)c!).ToList();

        next.Should().Equal($"spot-deploy resume {id} {flags}", $"spot-deploy rollback {id} {flags}");
        var (rolledBack, rollbackOutput, rollbackError) = await RunAsync(next[1].Split(' ')[1..]);
        rolledBack.Should().Be(ExitCodes.Success, rollbackOutput + rollbackError);
        _sandbox.Groups("web").Should().Equal(before);
    }
}
