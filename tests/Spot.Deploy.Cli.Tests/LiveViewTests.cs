using Microsoft.Extensions.Time.Testing;
using Spot.Deploy.Planning;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli.Tests;

/// <summary>
/// The text output people watch (issue #17): a live clock that ticks, group names instead of ids, waits kept in the
/// scrollback, a clock and a header for resume and rollback, no repeated roll lines, and what a rollback leaves alone.
/// </summary>
public sealed class LiveViewTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static string Plain(StringWriter output) => output.ToString().Replace("\r", "\n", StringComparison.Ordinal);

    [Fact]
    public void Live_TheStatusLineClockTicksEverySecond_WithoutAPoll_AndStopsWhenTheWaitEnds()
    {
        var time = new FakeTimeProvider(T0);
        using var output = new StringWriter();
        using var writer = new EventWriter(output, OutputFormat.Text, time) { Live = true };
        writer.Report(new DeploymentStartedEvent(T0, "d1", "web", DeploymentStrategy.Canary, 3, "ami-1"));
        writer.Report(new StageStartedEvent(T0, 1, 3, "phase 1 of 2 (50 %)"));
        writer.Report(new InstancesProgressEvent(T0.AddSeconds(10), "sig-1", 0, 1, 2, 1) { GroupName = "web__4" });
        var afterPoll = output.ToString().Length;

        for (var second = 0; second < 3; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var ticks = output.ToString()[afterPoll..];
        ticks.Should().Contain("\r[+00:00:11]").And.Contain("\r[+00:00:12]").And.Contain("\r[+00:00:13] phase 1 of 2 (50 %) · web__4 0/2 healthy (1 running, poll 1)");
        ticks.Should().NotContain("\n", "a tick rewrites the status line in place");

        writer.Report(new StepCompletedEvent(T0.AddSeconds(13), "s2", "scale"));
        var ended = output.ToString().Length;
        time.Advance(TimeSpan.FromSeconds(5));

        output.ToString().Length.Should().Be(ended, "the redraw stops once the wait is over");
    }

    [Fact]
    public void Live_DisposingTheWriter_StopsTheTick()
    {
        var time = new FakeTimeProvider(T0);
        using var output = new StringWriter();
        var writer = new EventWriter(output, OutputFormat.Text, time) { Live = true };
        writer.Report(new DeploymentStartedEvent(T0, "d1", "web", DeploymentStrategy.Canary, 3, "ami-1"));
        writer.Report(new InstancesProgressEvent(T0, "sig-1", 0, 1, 2, 1));

        writer.Dispose();
        var disposed = output.ToString().Length;
        time.Advance(TimeSpan.FromSeconds(5));

        output.ToString().Length.Should().Be(disposed);
        Plain(output).Should().Contain("]   sig-1: 0/2 healthy (1 running)", "the wait shown is kept as a line");
    }

    [Fact]
    public void Live_AWaitThatEnds_IsKeptInTheScrollbackAsALine()
    {
        using var output = new StringWriter();
        var writer = new EventWriter(output, OutputFormat.Text) { Live = true };
        writer.Report(new DeploymentStartedEvent(T0, "d1", "web", DeploymentStrategy.Canary, 3, "ami-1"));
        writer.Report(new GroupCreatedEvent(T0, "sig-4", "web__4"));
        writer.Report(new InstancesProgressEvent(T0.AddSeconds(10), "sig-4", 1, 2, 2, 1));
        writer.Report(new InstancesProgressEvent(T0.AddSeconds(20), "sig-4", 2, 2, 2, 2));
        writer.Report(new InstancesProgressEvent(T0.AddSeconds(30), "sig-3", 0, 0, 0, 1) { GroupName = "web__3" });
        writer.Report(new StepCompletedEvent(T0.AddSeconds(30), "s3", "scale"));

        var lines = output.ToString().Split('\n').Select(l => l[(l.LastIndexOf('\r') + 1)..]).ToList();
        lines.Should().Contain("[12:00:20 +00:00:20]   web__4: 2/2 healthy (2 running)", "the confirmation stays when the status line moves on")
            .And.Contain("[12:00:30 +00:00:30]   web__3: 0/0 healthy (0 running)")
            .And.NotContain(l => l.Contains("1/2 healthy", StringComparison.Ordinal), "only the wait's last poll is kept");
    }

    [Fact]
    public void Text_NamesGroupsByName_FromTheEventsThatCarryThem_AndTheIdUntilThen()
    {
        using var output = new StringWriter();
        var writer = new EventWriter(output, OutputFormat.Text);
        writer.Report(new DeploymentStartedEvent(T0, "d1", "web", DeploymentStrategy.BlueGreen, 3, "ami-1"));
        writer.Report(new InstancesProgressEvent(T0, "sig-9", 1, 1, 1, 1));
        writer.Report(new CapacityChangedEvent(T0, "sig-1", "web", new Capacity(1, 2, 3)));
        writer.Report(new InstancesProgressEvent(T0, "sig-1", 2, 2, 2, 1));
        writer.Report(new InstancesProgressEvent(T0, "sig-2", 2, 2, 2, 1) { GroupName = "web__STAGE" });
        writer.Report(new GroupRenamedEvent(T0, "sig-1", "web__STAGE"));
        writer.Report(new GroupRenamedEvent(T0, "sig-2", "web"));
        writer.Report(new GroupRenamedEvent(T0, "sig-3", "web__STAGE__retired-3") { OldName = "web__STAGE" });
        writer.Report(new RollProgressEvent(T0, "sig-2", "sbgi-1", "in_progress", 50));

        var text = output.ToString();
        text.Should().Contain("  sig-9: 1/1 healthy").And.Contain("  web: 2/2 healthy").And.Contain("  web__STAGE: 2/2 healthy")
            .And.Contain("  group web (sig-1) renamed to web__STAGE").And.Contain("  group web__STAGE (sig-2) renamed to web")
            .And.Contain("  group web__STAGE (sig-3) renamed to web__STAGE__retired-3")
            .And.Contain("  roll sbgi-1 of web: in_progress 50 %");
    }

    [Fact]
    public void Text_TheSameRollProgressAgain_IsNotRepeated()
    {
        using var output = new StringWriter();
        var writer = new EventWriter(output, OutputFormat.Text);
        writer.Report(new DeploymentStartedEvent(T0, "d1", "web", DeploymentStrategy.SpotRoll, 1, "ami-1"));
        writer.Report(new RollProgressEvent(T0, "sig-1", "sbgi-1", "in_progress", 50) { GroupName = "web" });
        writer.Report(new RollProgressEvent(T0.AddSeconds(10), "sig-1", "sbgi-1", "in_progress", 50) { GroupName = "web" });
        writer.Report(new RollProgressEvent(T0.AddSeconds(20), "sig-1", "sbgi-1", "in_progress", 75) { GroupName = "web" });
        writer.Report(new RollProgressEvent(T0.AddSeconds(30), "sig-1", "sbgi-1", "finished", 100) { GroupName = "web" });

        output.ToString().Split('\n').Where(l => l.Contains("roll sbgi-1", StringComparison.Ordinal)).Select(l => l[(l.IndexOf(']', StringComparison.Ordinal) + 1)..].Trim())
            .Should().Equal("roll sbgi-1 of web: in_progress 50 %", "roll sbgi-1 of web: in_progress 75 %", "roll sbgi-1 of web: finished 100 %");
    }

    [Fact]
    public void Resume_HeaderSaysWhereItGoesOn_AndTheClockCountsFromTheResume()
    {
        using var output = new StringWriter();
        var writer = new EventWriter(output, OutputFormat.Text);
        var resumed = T0.AddHours(3);

        writer.Report(new DeploymentResumedEvent(resumed, "web-1", "web", DeploymentStrategy.Canary, 2, 4, "phase 2 of 3 (50 %)", 4));
        writer.Report(new StageStartedEvent(resumed.AddSeconds(65), 2, 4, "phase 2 of 3 (50 %)"));

        output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).Should().Equal(
            "[15:00:00 +00:00:00] resuming deployment web-1 at stage 3/4 \"phase 2 of 3 (50 %)\" (4 step(s) done before)",
            "[15:01:05 +00:01:05] stage 3/4 \"phase 2 of 3 (50 %)\" started");
    }

    [Fact]
    public void Rollback_HeaderCountsItsSteps_SaysWhatIsAlreadyRight_AndTheClockCountsFromIt()
    {
        using var output = new StringWriter();
        var writer = new EventWriter(output, OutputFormat.Text);

        writer.Report(new RollbackStartedEvent(T0, "web-1", "rollback requested", 3) { AlreadyAsItShouldBe = ["production name (web)", "routes (as the deployment found them)"] });
        writer.Report(new StepStartedEvent(T0.AddSeconds(42), "r1", "scale group web (sig-1, Production) to (min 1, target 2, max 3), wait for steady state"));

        output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).Should().Equal(
            "[12:00:00 +00:00:00] rolling back deployment web-1: 3 step(s) (rollback requested)",
            "[12:00:00 +00:00:00]   already as it should be: production name (web), routes (as the deployment found them)",
            "[12:00:42 +00:00:42]   scale group web (sig-1, Production) to (min 1, target 2, max 3), wait for steady state");
    }

    [Fact]
    public void Deploy_AnAutomaticRollback_KeepsItsRollbackLine_AndTheDeploymentsClock()
    {
        using var output = new StringWriter();
        var writer = new EventWriter(output, OutputFormat.Text);

        writer.Report(new DeploymentStartedEvent(T0, "web-1", "web", DeploymentStrategy.BlueGreen, 3, "ami-1"));
        writer.Report(new RollbackStartedEvent(T0.AddMinutes(5), "web-1", "never healthy", 3));

        output.ToString().Should().Contain("[12:05:00 +00:05:00] ROLLBACK of web-1 (3 step(s)): never healthy")
            .And.NotContain("already as it should be", "nothing was left alone");
    }
}
