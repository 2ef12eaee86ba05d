using Spot.Deploy.Strategies.Tests.Deployments;
using Spot.Deploy.Strategies.Tests.Faults;

namespace Spot.Deploy.Strategies.Tests.Analysis;

/// <summary>
/// A process that dies while its background analysis measures leaves a resumable deployment; the resume starts the
/// background analysis afresh (round 1, a new <c>backgroundStarted</c> note; the dead process's measurements stay in the
/// journal but are not counted again), and it still stops and rolls back a build that goes bad after the resume.
/// </summary>
public sealed class BackgroundAnalysisRecoveryTests : ControlFlowTestBase
{
    [Fact]
    public async Task CrashWhileMeasuring_ResumeStartsItAfresh_AndItStillRollsBackABadBuild()
    {
        SeedRunningRevision();
        var measurementNotes = 0;
        var crashing = new CrashingJournal(Journal, crashOn: write => write == "Note background measurement" && Interlocked.Increment(ref measurementNotes) == 2);
        var check = new ScriptedMetricCheck();
        var options = BackgroundAnalysisTests.Watching(check);
        options.Bake = TimeSpan.FromMinutes(1);

        var run = () => new CanaryDeployment(new DeploymentServices(Spot, Aws, crashing, Lock, Clock), CanaryRequest(25, 50, 100), options).RunAsync();

        await run.Should().ThrowAsync<CrashException>();
        var id = crashing.DeploymentId!;
        (await RecordAsync(id)).Status.Should().Be(DeploymentStatus.Running, "the process died: nobody set a final status");
        check.Reads.Should().HaveCount(2);

        var resumed = new Recorder();
        check.BadFrom = Clock.GetUtcNow() + TimeSpan.FromSeconds(30);
        var resume = () => new DeploymentRecovery(Services, options).ResumeAsync(id, resumed);

        var failure = (await resume.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack, failure.Message);
        failure.Message.Should().Contain("failed at background analysis: check 'errors' failed with 0.01 (threshold < 0.05); 0.3 (threshold < 0.05).",
            "only the resumed analysis's values count");
        GroupState().Should().Equal(Started);
        resumed.Of<MeasurementEvent>().Select(m => m.Round).Should().Equal(1, 2);
        var record = await RecordAsync(id);
        record.Status.Should().Be(DeploymentStatus.RolledBack);
        var background = record.Entries.Where(e => e.StepId == "background").Select(e => e.Operation).ToList();
        background.Should().Equal("backgroundStarted", "measurement", "backgroundStarted", "measurement", "measurement", "analysis", "backgroundStopped");
        var restarted = record.Entries.Where(e => e.StepId == "background" && e.Operation == "backgroundStarted").ToList()[1];
        record.Entries.Where(e => e.Operation == "measurement" && e.Sequence > restarted.Sequence).Select(e => e.Data!["round"]!.GetValue<int>()).Should().Equal(1, 2);
        restarted.Data!["stage"]!.GetValue<string>().Should().Be("phase 2 of 3 (50 %)", "the resume goes on with the bake before phase 2, where the process died");
    }
}
