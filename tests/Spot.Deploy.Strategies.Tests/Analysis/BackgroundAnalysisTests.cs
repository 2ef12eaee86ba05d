using Spot.Deploy.Planning;
using Spot.Deploy.Strategies.Tests.Deployments;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Strategies.Tests.Analysis;

/// <summary>
/// The background analysis end to end on the emulator's virtual clock: it measures beside the steps and bakes from the
/// end of the stage that brings the new version up until the last step before the clean-up; a metric that goes bad
/// mid-deployment stops the deployment where it is and rolls it back (Canary, Blue/Green), naming the check and its
/// values; no data stops it for a person; cancelling the deployment stops the analysis too.
/// </summary>
public sealed class BackgroundAnalysisTests : ControlFlowTestBase
{
    internal const string Where = "background analysis";

    internal static DeploymentOptions Watching(AnalysisCheck check, TimeSpan? interval = null) => new()
    {
        BackgroundAnalysis = new Strategies.Analysis { Checks = [check], Interval = interval ?? TimeSpan.FromSeconds(20) },
    };

    /// <summary>Progress that makes the check go bad at the virtual time the named stage starts.</summary>
    internal static Recorder BreachAt(string stage, ScriptedMetricCheck check) => new()
    {
        OnEvent = e =>
        {
            if (e is StageStartedEvent started && started.Name == stage)
            {
                check.BadFrom = started.Time;
            }
        },
    };

    [Fact]
    public async Task Canary_MetricGoesBadInPhaseTwo_TheDeploymentStopsThereAndIsRolledBack_NamingTheBackgroundCheck()
    {
        SeedRunningRevision();
        var check = new ScriptedMetricCheck();
        var progress = BreachAt("phase 2 of 3 (50 %)", check);
        var options = Watching(check);
        options.Bake = TimeSpan.FromMinutes(1);

        var run = () => new CanaryDeployment(Services, CanaryRequest(25, 50, 100), options).RunAsync(progress);

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack, failure.Message);
        failure.Message.Should().Contain("failed at background analysis: check 'errors' failed with 0.01 (threshold < 0.05); 0.01 (threshold < 0.05); 0.01 (threshold < 0.05); 0.3 (threshold < 0.05).");
        failure.InnerException.Should().BeOfType<AnalysisFailedException>().Which.Check.Should().Be("errors");
        GroupState().Should().Equal(Started, "the rollback put everything back");
        progress.Of<StageStartedEvent>().Select(s => s.Name).Should().Equal("setup", "phase 1 of 3 (25 %)", "phase 2 of 3 (50 %)");
        progress.Of<RollbackStartedEvent>().Should().ContainSingle().Which.Reason.Should().StartWith("background analysis: check 'errors' failed with ").And.EndWith("0.3 (threshold < 0.05).");
        var measured = progress.Of<MeasurementEvent>().ToList();
        measured.Should().OnlyContain(m => m.Where == Where).And.HaveCountGreaterThan(1);
        measured.Select(m => m.Round).Should().Equal(Enumerable.Range(1, measured.Count));
        measured[^1].Verdict.Should().Be(MeasurementVerdict.Fail);
        measured.SkipLast(1).Should().OnlyContain(m => m.Verdict == MeasurementVerdict.Pass);
        check.Reads[0].Phase.Should().Be("phase 1 of 3 (25 %)", "it starts once the first phase brought the new version up");
        progress.Of<AnalysisCompletedEvent>().Should().ContainSingle().Which.Should().Match<AnalysisCompletedEvent>(a => a.Where == Where && a.Verdict == AnalysisVerdict.Failed);

        var record = await RecordAsync(failure.DeploymentId!);
        record.Status.Should().Be(DeploymentStatus.RolledBack);
        var notes = record.Entries.Where(e => e.StepId == "background").ToList();
        notes.Select(e => e.Operation).Should().Equal(
            ["backgroundStarted", .. Enumerable.Repeat("measurement", measured.Count), "analysis", "backgroundStopped"]);
        notes.Where(e => e.Operation == "measurement").Select(e => (e.Data!["round"]!.GetValue<int>(), e.Data!["check"]!.GetValue<string>()))
            .Should().Equal(Enumerable.Range(1, measured.Count).Select(r => (r, "errors")));
        notes[^2].Data!["verdict"]!.GetValue<string>().Should().Be("Failed");
        notes[^1].Data!["inFlight"]!.GetValue<string>().Should().Contain("web__4", "the wait of phase 2 was in flight when it stopped");
        var interrupted = record.Entries.Last(e => e.Kind == JournalEntryKind.Result && e.Sequence < notes[^1].Sequence);
        interrupted.Outcome.Should().Be(JournalOutcome.Unknown, "the interrupted step is journaled; the rollback re-checked it");
        record.Entries.Should().ContainSingle(e => e.Operation == Strategies.Execution.RunState.RollbackPlanNote)
            .Which.Data!["reason"]!.GetValue<string>().Should().StartWith("background analysis: check 'errors' failed with ");
        record.Entries.Where(e => e.Operation == "measurement").Max(e => e.Sequence).Should().BeLessThan(notes[^1].Sequence, "nothing is measured once it stopped");
    }

    [Fact]
    public async Task BlueGreen_MetricGoesBadDuringTheFirstTrafficStep_RolledBack_TrafficBackOnBlue()
    {
        var bg = SeedBlueGreen(10, 50, 100);
        var check = new ScriptedMetricCheck();
        var progress = BreachAt("traffic 10 %", check);
        var options = Watching(check);
        options.Bake = TimeSpan.FromMinutes(1); // traffic steps take no time by themselves: the bakes are where time passes

        var run = () => new BlueGreenDeployment(Services, bg.Request, options).RunAsync(progress);

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack, failure.Message);
        failure.Message.Should().Contain("failed at background analysis: check 'errors' failed with ").And.Contain("0.3 (threshold < 0.05). It was rolled back");
        progress.Of<StageStartedEvent>().Select(s => s.Name).Should().Equal("stage setup", "traffic 10 %");
        check.Reads[0].Phase.Should().Be("stage setup");
        check.Reads.Select(r => r.NewGroupName).Distinct().Should().ContainSingle().Which.Should().NotBe("web", "it measures the stage group");
        State.GetListenerActions(bg.ProductionListener).ToJsonString().Should().Contain(bg.Blue).And.NotContain(bg.Green);
        GroupState().Should().Equal($"web 1/2/3 {OldImage} live=2");
    }

    [Fact]
    public async Task Canary_HttpCheck_ErrorRateGoesBadInPhaseTwo_RolledBack()
    {
        SeedRunningRevision();
        var errorRate = 0.001;
        await using var metrics = await LoopbackServer.StartAsync(_ => ScriptedResponse.Json(
            $$"""{"errorRate":{{Volatile.Read(ref errorRate).ToString(System.Globalization.CultureInfo.InvariantCulture)}}}"""));
        var check = new HttpCheck
        {
            Name = "error-rate",
            Url = new Uri(metrics.BaseAddress, "/stats").ToString() + "?group={newGroupName}",
            JsonPointer = "/errorRate",
            Threshold = Threshold.Parse("< 0.05"),
        };
        var progress = new Recorder { OnEvent = e => { if (e is StageStartedEvent { Name: "phase 2 of 3 (50 %)" }) { Volatile.Write(ref errorRate, 0.25); } } };

        var run = () => new CanaryDeployment(Services, CanaryRequest(25, 50, 100), Watching(check)).RunAsync(progress);

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack, failure.Message);
        failure.Message.Should().Contain("failed at background analysis: check 'error-rate' failed with 0.25 (threshold < 0.05)");
        GroupState().Should().Equal(Started);
        metrics.Requests.Should().OnlyContain(r => r.Query == "?group=web__4");
    }

    [Fact]
    public async Task NoData_IsInconclusive_StopsForAPerson_NothingRolledBack()
    {
        SeedRunningRevision();
        var check = new ScriptedMetricCheck { BadValue = null };
        var progress = BreachAt("phase 2 of 3 (50 %)", check);

        var run = () => new CanaryDeployment(Services, CanaryRequest(25, 50, 100), Watching(check)).RunAsync(progress);

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.NeedsAttention);
        failure.InnerException.Should().BeOfType<AnalysisInconclusiveException>();
        failure.Message.Should().Contain("stopped for a person: background analysis: check 'errors' was inconclusive with").And.Contain("no data");
        progress.Of<RollbackStartedEvent>().Should().BeEmpty();
        var record = await RecordAsync(failure.DeploymentId!);
        record.Status.Should().Be(DeploymentStatus.NeedsAttention);
        record.Entries.Should().NotContain(e => e.Operation == Strategies.Execution.RunState.RollbackPlanNote);
        State.Groups.Should().Contain(g => g.Name == "web__4", "nothing was rolled back");
    }

    [Fact]
    public async Task GoodBuild_MeasuredBesideTheBakes_UntilTheLastStepBeforeTheCleanup_AndSucceeds()
    {
        SeedRunningRevision();
        var check = new ScriptedMetricCheck();
        var options = Watching(check, TimeSpan.FromSeconds(30));
        options.Bake = TimeSpan.FromMinutes(2);
        options.BakeAnalysis = new Strategies.Analysis { Checks = [new ScriptedMetricCheck("bake-errors")], Interval = TimeSpan.FromMinutes(1) };
        var progress = new Recorder();

        var result = await new CanaryDeployment(Services, CanaryRequest(25, 50, 100), options).RunAsync(progress);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        GroupState().Should().Equal(Deployed);
        var background = progress.Of<MeasurementEvent>().Where(m => m.Where == Where).ToList();
        var baked = progress.Of<MeasurementEvent>().Where(m => m.Where.StartsWith("bake after", StringComparison.Ordinal)).ToList();
        baked.Should().HaveCount(4, "two bakes of two one-minute rounds");
        background.Should().HaveCountGreaterThanOrEqualTo(8, "four minutes of bakes at 30 s, and the phases' waits").And.OnlyContain(m => m.Verdict == MeasurementVerdict.Pass);
        var (firstBaked, lastBaked) = (baked[0].Time, baked[^1].Time);
        background.Should().Contain(m => m.Time > firstBaked && m.Time < lastBaked, "it measures while the bakes do");
        check.Reads.Select(r => r.Percent).Distinct().Should().Equal([25, 50], "its context names the stage last completed, as a bake's does");
        progress.Of<AnalysisCompletedEvent>().Should().NotContain(a => a.Where == Where, "an analysis without a count never completes by itself");

        var record = await RecordAsync(result.DeploymentId);
        var notes = record.Entries.Where(e => e.StepId == "background").ToList();
        notes[0].Operation.Should().Be("backgroundStarted");
        notes[^1].Operation.Should().Be("backgroundEnded");
        notes.Count(e => e.Operation == "measurement").Should().Be(background.Count);
        notes.Where(e => e.Operation == "measurement").Should().OnlyContain(e =>
            e.Data!["verdict"]!.GetValue<string>() == "Pass" && e.Data!["value"]!.GetValue<double>() == 0.01 && !e.Data!["dryRun"]!.GetValue<bool>());
        notes[^1].Sequence.Should().BeGreaterThan(record.Entries.Last(e => e.Kind == JournalEntryKind.Result && e.Operation != "Delete").Sequence, "it ends once the last step before the clean-up is done");
        var ended = notes[^1].Sequence;
        record.Entries.Where(e => e.Operation == "measurement").Should().OnlyContain(e => e.Sequence < ended);
    }

    [Fact]
    public async Task CancellingTheDeployment_StopsTheBackgroundAnalysis_NothingMeasuredAfterwards()
    {
        SeedRunningRevision();
        using var cts = new CancellationTokenSource();
        var check = new ScriptedMetricCheck();
        var progress = new Recorder { OnEvent = e => { if (e is MeasurementEvent { Round: 2 }) { cts.Cancel(); } } };

        var run = () => new CanaryDeployment(Services, CanaryRequest(25, 50, 100), Watching(check)).RunAsync(progress, cts.Token);

        var canceled = (await run.Should().ThrowAsync<DeploymentCanceledException>()).Which;
        var reads = check.Reads.Count;
        reads.Should().Be(2);
        Clock.Advance(TimeSpan.FromMinutes(30));
        check.Reads.Should().HaveCount(reads, "the analysis's timer is gone with the deployment");
        progress.Of<MeasurementEvent>().Should().HaveCount(2);
        var record = await RecordAsync(canceled.DeploymentId!);
        record.Status.Should().Be(DeploymentStatus.NeedsAttention);
        var canceledNote = record.Entries.Single(e => e.Operation == "canceled");
        record.Entries.Where(e => e.Operation == "measurement").Should().OnlyContain(e => e.Sequence < canceledNote.Sequence);
    }

    [Fact]
    public async Task Basic_MetricGoesBadOnceTheNewGroupIsUp_RolledBack_ThePreviousGroupNeverResized()
    {
        var previous = SeedRunningRevision();
        var request = new BasicDeploymentRequest { AppName = App, Document = Document() };
        request.UseImage(NewImage);
        var check = new ScriptedMetricCheck();
        var progress = BreachAt("phase 1 of 1 (100 %)", check);
        var options = Watching(check);
        options.Bake = TimeSpan.FromMinutes(2);

        var run = () => new BasicDeployment(Services, request, options).RunAsync(progress);

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack, failure.Message);
        failure.Message.Should().Contain("failed at background analysis: check 'errors' failed with ").And.Contain("0.3 (threshold < 0.05)");
        GroupState().Should().Equal(Started);
        progress.Of<StageStartedEvent>().Select(s => s.Name).Should().Equal("setup", "phase 1 of 1 (100 %)");
        check.Reads.Should().NotBeEmpty().And.OnlyContain(r => r.Phase == "phase 1 of 1 (100 %)");
        var failedAt = progress.Of<MeasurementEvent>().Last().Time;
        Emulator.Calls.Mutating.Where(c => c.Path.Contains(previous, StringComparison.Ordinal)).Should().OnlyContain(c => c.Time >= failedAt,
            "the previous group ran untouched until the analysis failed");
    }

    [Fact]
    public void ConsecutiveSuccessLimit_WithoutACount_IsRefused()
    {
        var options = new DeploymentOptions
        {
            BackgroundAnalysis = new Strategies.Analysis { Checks = [new ScriptedMetricCheck()], ConsecutiveSuccessLimit = 1 },
        };

        options.Invoking(o => o.Validate()).Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("BackgroundAnalysis.consecutiveSuccessLimit");
    }
}
