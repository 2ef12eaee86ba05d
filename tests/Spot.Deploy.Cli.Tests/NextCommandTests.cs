namespace Spot.Deploy.Cli.Tests;

/// <summary>An --emulator run keeps its journal in memory: its endings say so instead of suggesting resume or rollback.</summary>
public sealed class NextCommandTests
{
    [Fact]
    public async Task EmulatorRun_StoppedForAPerson_SaysTheJournalEndedWithTheProcess()
    {
        var run = await CliRun.RunAsync("deploy", "canary", "--app", "web", "--emulator", "--image", Sandbox.BrokenImage, "--phase", "50", "--phase", "100", "--on-failure", "stop");

        run.ExitCode.Should().Be(ExitCodes.NeedsAttention, run.Output + run.Error);
        run.Output.Should().Contain("FAILED, needs attention: ")
            .And.Contain("The journal of an --emulator run was in memory and ended with this process: there is nothing left to resume or roll back")
            .And.NotContain("spot-deploy resume");
    }

    [Fact]
    public void Commands_CarryTheStateAndEndpointOptions_Quoted()
    {
        var lines = NextCommands.For("web-1", NextCommands.StateFlags("/tmp/my state", postgres: false),
            NextCommands.EndpointFlags(new Endpoints(new Uri("http://127.0.0.1:5000/"), null, null, new Uri("http://127.0.0.1:5000/ssm/"))), emulator: false);

        lines.Should().Equal(
            "Look at the app (spot-deploy status), then go on with one of:",
            "  spot-deploy resume web-1 --state-dir \"/tmp/my state\" --spot-url http://127.0.0.1:5000/ --ssm-endpoint http://127.0.0.1:5000/ssm/",
            "  spot-deploy rollback web-1 --state-dir \"/tmp/my state\" --spot-url http://127.0.0.1:5000/ --ssm-endpoint http://127.0.0.1:5000/ssm/");
        NextCommands.For("web-1", NextCommands.StateFlags(null, postgres: true), string.Empty, emulator: false)[1].Should().Be("  spot-deploy resume web-1 --state postgres");
    }
}
