namespace Spot.Deploy.Cli.Tests;

/// <summary><c>--image-parameter</c>: the AMI id read from an SSM parameter of the embedded emulator.</summary>
public sealed class ImageParameterTests
{
    private static Task<CliRun> RunAsync(params string[] args) => CliRun.RunAsync(args);

    [Theory]
    [InlineData(Sandbox.ImageParameter, Sandbox.ImageV2)]
    [InlineData(Sandbox.ImageParameter + ":1", Sandbox.ImageV1)]
    [InlineData(Sandbox.ImageParameter + ":prod", Sandbox.ImageV2)]
    public async Task Plan_ImageParameter_DeploysTheImageTheParameterHolds(string parameter, string expected)
    {
        var run = await RunAsync("plan", "canary", "--app", "web", "--emulator", "--phase", "100", "--image-parameter", parameter);

        run.ExitCode.Should().Be(ExitCodes.Success, run.Output + run.Error);
        run.Output.Should().Contain("Canary deployment of web, image " + expected);
        run.Sandboxes.Single().Emulator.Calls.All.Should().Contain(c => c.Service == "ssm" && c.Action == "GetParameter");
    }

    [Theory]
    [InlineData("plan", "canary", "--app", "web", "--emulator", "--phase", "100", "--image-parameter", "not a name")]
    [InlineData("plan", "canary", "--app", "web", "--emulator", "--phase", "100", "--image-parameter", "/images/web:0")]
    [InlineData("plan", "canary", "--app", "web", "--emulator", "--phase", "100", "--image-parameter", "/images/web", "--image", Sandbox.ImageV1)]
    [InlineData("deploy", "canary", "--app", "web", "--emulator", "--phase", "100", "--image-parameter", "/images/none")]
    [InlineData("deploy", "canary", "--app", "web", "--emulator", "--phase", "100", "--image-parameter", Sandbox.ImageParameter + ":9")]
    public async Task BadImageParameter_ExitsThree_BeforeAnyChange(params string[] args)
    {
        var run = await RunAsync(args);

        run.ExitCode.Should().Be(ExitCodes.InvalidInput, run.Output + run.Error);
        run.Error.Should().Contain("parameter");
        run.Sandboxes.SelectMany(s => s.Emulator.Calls.Mutating).Should().BeEmpty();
    }
}
