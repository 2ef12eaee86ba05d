using System.Management.Automation;
using Spot.Deploy.Packaging.Tests;

namespace Spot.Deploy.PowerShell.Tests;

/// <summary>
/// docs/powershell/canary.ps1, run as docs/powershell/README.md says, in PowerShell 7.6 hosted in this
/// process, loading Spot.Deploy from the folder eng/publish-powershell.sh published, against the emulator the
/// script starts. Real time: the emulator's instances boot and turn healthy in a second or two.
/// </summary>
[Collection(PublishedFolderGroup.Name)]
public sealed class CanaryScriptTests(PublishedFolder published)
{
    private const string OldImage = "ami-0000000000000aaa1";
    private const string NewImage = "ami-0000000000000bbb2";

    /// <summary>Generous: a run takes about ten seconds; this only stops a hung run.</summary>
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    private static string ScriptPath => Path.Combine(DotnetProcess.RepositoryRoot, "docs", "powershell", "canary.ps1");

    [Fact]
    public async Task Canary_PercentsAsAListAtAPrompt_DeploysTheNewImageAndWritesOnlyItsReport()
    {
        using var run = Run(new() { ["Percents"] = new[] { 25, 50, 100 } });

        var failure = await run.RunAsync(RunTimeout);

        failure.Should().BeNull();
        run.Errors.Should().BeEmpty();
        run.Warnings.Should().BeEmpty();
        run.Lines.Should().Equal(
            $"deploying {NewImage} to app web in canary phases of 25, 50, 100 %",
            "result status=Succeeded strategy=Canary group=web__2",
            $"group web__1 0/0/0 {OldImage} live=0",
            $"group web__2 2/2/2 {NewImage} live=2");
    }

    [Fact]
    public async Task Canary_PercentsAsOneCommaString_AsPwshFileBindsThem_RunsEachPhase()
    {
        // `pwsh -File canary.ps1 -Percents 50,100` (the bash invocation) binds the one string "50,100".
        using var run = Run(new() { ["Percents"] = "50,100" });

        var failure = await run.RunAsync(RunTimeout);

        failure.Should().BeNull();
        run.Lines.Should().StartWith($"deploying {NewImage} to app web in canary phases of 50, 100 %")
            .And.Contain("result status=Succeeded strategy=Canary group=web__2");
    }

    [Fact]
    public async Task Canary_NeverHealthyImage_IsRolledBackAndEndsWithTheLibrarysDeploymentFailedException()
    {
        using var run = Run(new() { ["NeverHealthy"] = true, ["SteadyStateTimeout"] = TimeSpan.FromSeconds(3) });

        var failure = await run.RunAsync(RunTimeout);

        // As docs/powershell/README.md says: the library's exception, with its Status and FailedStep, and the cause inside.
        failure.Should().BeAssignableTo<IContainsErrorRecord>();
        var error = ((IContainsErrorRecord)failure!).ErrorRecord;
        var exception = error.Exception;
        exception.GetType().FullName.Should().Be("Spot.Deploy.Strategies.DeploymentFailedException");
        Property(exception, "Status").Should().Be("RolledBack");
        Property(exception, "FailedStep").Should().Contain("web__2").And.Contain("wait for steady state");
        exception.InnerException!.GetType().FullName.Should().Be("Spot.Deploy.Strategies.SteadyStateTimeoutException");
        error.ToString().Should().StartWith("RolledBack: Deployment web-").And.Contain("It was rolled back");

        // Back where it started: the new group deleted, the old one at its capacity.
        run.Lines.Should().Equal(
            $"deploying {NewImage} to app web in canary phases of 50, 100 %",
            $"group web__1 2/2/2 {OldImage} live=2");
    }

    [Fact]
    public async Task Canary_StoppedWhileDeploying_CancelsTheDeploymentAndEnds()
    {
        // A never-healthy image keeps the first phase waiting (for up to a minute), so the stop lands mid-deployment.
        using var run = Run(new() { ["NeverHealthy"] = true });
        var deploying = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        run.LineWritten += line =>
        {
            if (line.StartsWith("deploying", StringComparison.Ordinal))
            {
                deploying.TrySetResult();
            }
        };

        var running = run.RunAsync(RunTimeout);
        await deploying.Task.WaitAsync(RunTimeout);
        await run.StopAsync().WaitAsync(RunTimeout);
        var failure = await running;

        failure.Should().BeOfType<PipelineStoppedException>();
        run.Warnings.Should().HaveCount(2);
        run.Warnings[0].Should().Be("Cancelling the deployment...");
        run.Warnings[1].Should().Contain("cancel");
        run.Lines.Should().NotContain(line => line.StartsWith("result", StringComparison.Ordinal));
    }

    private ScriptRun Run(Dictionary<string, object> parameters)
    {
        parameters["Folder"] = published.Path;
        return new ScriptRun(ScriptPath, parameters);
    }

    private static string? Property(Exception exception, string name) =>
        exception.GetType().GetProperty(name)!.GetValue(exception)?.ToString();
}
