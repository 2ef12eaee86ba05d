using System.Text.Json.Nodes;
using Spot.Deploy.Planning;
using Spot.Deploy.Strategies.Tests.Deployments;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Strategies.Tests.Analysis;

/// <summary>
/// Bakes end to end: a canary or Blue/Green deployment against the emulator, its checks served over real HTTP by a
/// loopback server that plays the app's metrics endpoint. A bad build's error rate fails the first bake and rolls the
/// deployment back; no data stops it for a person; a dry-run check never decides; every measurement is journaled.
/// </summary>
public sealed class BakeTests : ControlFlowTestBase
{
    private LoopbackServer _metrics = null!;

    /// <summary>The error rate the metrics endpoint reports for the new group (the build's quality).</summary>
    private double _newErrorRate;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _metrics = await LoopbackServer.StartAsync(request => request.Path switch
        {
            "/stats" => ScriptedResponse.Json($$"""{"errorRate":{{_newErrorRate.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}"""),
            "/empty" => ScriptedResponse.Json("{}"),
            _ => new ScriptedResponse(404),
        });
    }

    public override async Task DisposeAsync()
    {
        await _metrics.DisposeAsync();
        await base.DisposeAsync();
    }

    private HttpCheck ErrorRate(string path = "/stats", bool dryRun = false, string name = "error-rate") => new()
    {
        Name = name,
        Url = new Uri(_metrics.BaseAddress, path).ToString() + "?group={newGroupName}&at={percent}",
        JsonPointer = "/errorRate",
        Threshold = Threshold.Parse("< 0.05"),
        DryRun = dryRun,
    };

    private static DeploymentOptions Baking(params AnalysisCheck[] checks) => new()
    {
        Bake = TimeSpan.FromMinutes(3),
        BakeAnalysis = new Strategies.Analysis { Checks = checks, Interval = TimeSpan.FromMinutes(1) },
    };

    [Fact]
    public async Task Canary_BadBuild_FailsTheFirstBake_AndIsRolledBack_NamingTheCheckAndTheValues()
    {
        SeedRunningRevision();
        _newErrorRate = 0.2;
        var progress = new Recorder();

        var run = () => new CanaryDeployment(Services, CanaryRequest(25, 50, 100), Baking(ErrorRate())).RunAsync(progress);

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack);
        failure.Message.Should().Contain("bake after phase 1 of 3 (25 %)").And.Contain("failed at bake after phase 1 of 3 (25 %): check 'error-rate' failed with 0.2 (threshold < 0.05)");
        failure.InnerException.Should().BeOfType<AnalysisFailedException>().Which.Values.Should().Equal("0.2 (threshold < 0.05)");
        GroupState().Should().Equal(Started, "the rollback put everything back");
        progress.Of<StageStartedEvent>().Select(s => s.Name).Should().Equal("setup", "phase 1 of 3 (25 %)");
        progress.Of<MeasurementEvent>().Should().ContainSingle().Which.Should().Match<MeasurementEvent>(m =>
            m.Check == "error-rate" && m.Verdict == MeasurementVerdict.Fail && m.Value == 0.2 && m.Round == 1);
        progress.Of<AnalysisCompletedEvent>().Should().ContainSingle().Which.Verdict.Should().Be(AnalysisVerdict.Failed);
        _metrics.Requests.Should().ContainSingle().Which.Query.Should().Be("?group=web__4&at=25", "placeholders name the new group and the phase's share");

        var record = await RecordAsync(failure.DeploymentId!);
        var measured = record.Entries.Where(e => e.Operation == "measurement").Select(e => e.Data!).ToList();
        measured.Should().ContainSingle();
        measured[0]["check"]!.GetValue<string>().Should().Be("error-rate");
        measured[0]["value"]!.GetValue<double>().Should().Be(0.2);
        measured[0]["verdict"]!.GetValue<string>().Should().Be("Fail");
        record.Entries.Should().Contain(e => e.Operation == Strategies.Execution.RunState.RollbackPlanNote && e.Data!["reason"]!.GetValue<string>().Contains("error-rate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Canary_GoodBuild_BakesAfterEveryPhaseButTheLast_MeasuringEveryInterval()
    {
        SeedRunningRevision();
        _newErrorRate = 0.001;
        var progress = new Recorder();
        var before = Clock.Elapsed;

        var result = await new CanaryDeployment(Services, CanaryRequest(25, 50, 100), Baking(ErrorRate())).RunAsync(progress);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        GroupState().Should().Equal(Deployed);
        var measurements = progress.Of<MeasurementEvent>().ToList();
        measurements.Select(m => (m.Where, m.Round)).Should().Equal(
            ("bake after phase 1 of 3 (25 %)", 1), ("bake after phase 1 of 3 (25 %)", 2), ("bake after phase 1 of 3 (25 %)", 3),
            ("bake after phase 2 of 3 (50 %)", 1), ("bake after phase 2 of 3 (50 %)", 2), ("bake after phase 2 of 3 (50 %)", 3));
        measurements.Should().OnlyContain(m => m.Verdict == MeasurementVerdict.Pass);
        progress.Of<AnalysisCompletedEvent>().Select(a => a.Verdict).Should().Equal(AnalysisVerdict.Successful, AnalysisVerdict.Successful);
        (Clock.Elapsed - before).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMinutes(6), "two bakes of three minutes");
        var record = await RecordAsync(result.DeploymentId);
        record.Entries.Count(e => e.Operation == "measurement").Should().Be(6);
        _metrics.Requests.Select(r => r.Query).Should().Equal(Enumerable.Repeat("?group=web__4&at=25", 3).Concat(Enumerable.Repeat("?group=web__4&at=50", 3)));
    }

    [Fact]
    public async Task NoData_IsInconclusive_TheDeploymentStopsForAPerson_NothingRolledBack()
    {
        SeedRunningRevision();
        var run = () => new CanaryDeployment(Services, CanaryRequest(50, 100), Baking(ErrorRate("/empty"))).RunAsync();

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;

        failure.Status.Should().Be(DeploymentStatus.NeedsAttention);
        failure.InnerException.Should().BeOfType<AnalysisInconclusiveException>();
        failure.Message.Should().Contain("stopped for a person").And.Contain("nothing at /errorRate").And.Contain("Resume it to go on");
        GroupState().Should().Equal([$"web__3 2/2/2 {OldImage} live=2", $"web__4 2/2/2 {NewImage} live=2"], "the first phase stands as it was when the bake stopped");
        (await RecordAsync(failure.DeploymentId!)).Status.Should().Be(DeploymentStatus.NeedsAttention);
    }

    [Fact]
    public async Task DryRunCheck_IsRecordedButNeverFailsTheDeployment()
    {
        SeedRunningRevision();
        _newErrorRate = 0.5;
        var progress = new Recorder();

        var result = await new CanaryDeployment(Services, CanaryRequest(50, 100), Baking(ErrorRate(dryRun: true))).RunAsync(progress);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        progress.Of<MeasurementEvent>().Should().HaveCount(3).And.OnlyContain(m => m.DryRun && m.Verdict == MeasurementVerdict.Fail);
        var record = await RecordAsync(result.DeploymentId);
        record.Entries.Where(e => e.Operation == "measurement").Should().OnlyContain(e => e.Data!["dryRun"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AMeasurementThatThrows_IsInconclusive_NeverAPass()
    {
        SeedRunningRevision();
        var run = () => new CanaryDeployment(Services, CanaryRequest(50, 100), Baking(new ThrowingCheck { Name = "broken" })).RunAsync();

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;

        failure.Status.Should().Be(DeploymentStatus.NeedsAttention);
        failure.Message.Should().Contain("the measurement failed: the metrics store is down");
    }

    [Fact]
    public async Task BlueGreen_BadBuild_FailsTheBakeBeforeTheFirstTrafficStep_AndTrafficStaysOnBlue()
    {
        var bg = SeedBlueGreen(10, 100);
        _newErrorRate = 0.3;

        var run = () => new BlueGreenDeployment(Services, bg.Request, Baking(ErrorRate())).RunAsync();

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack, failure.Message);
        failure.Message.Should().Contain("bake after stage setup").And.Contain("0.3 (threshold < 0.05)");
        State.GetListenerActions(bg.ProductionListener).ToJsonString().Should().Contain(bg.Blue).And.NotContain(bg.Green);
        GroupState().Should().Equal($"web 1/2/3 {OldImage} live=2");
    }

    [Fact]
    public async Task Basic_BadBuild_FailsTheBakeAtFullSize_BeforeThePreviousGroupIsTouched_AndIsRolledBack()
    {
        var previous = SeedRunningRevision();
        _newErrorRate = 0.2;
        var progress = new Recorder();
        var request = new BasicDeploymentRequest { AppName = App, Document = Document() };
        request.UseImage(NewImage);

        var run = () => new BasicDeployment(Services, request, Baking(ErrorRate())).RunAsync(progress);

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack, failure.Message);
        failure.Message.Should().Contain("bake after phase 1 of 1 (100 %)").And.Contain("check 'error-rate' failed with 0.2 (threshold < 0.05)");
        GroupState().Should().Equal(Started, "the rollback removed the new group; the previous one never changed");
        progress.Of<StageStartedEvent>().Select(s => s.Name).Should().Equal("setup", "phase 1 of 1 (100 %)");
        _metrics.Requests.Should().ContainSingle().Which.Query.Should().Be("?group=web__4&at=100");
        var failedAt = progress.Of<MeasurementEvent>().Single().Time;
        Emulator.Calls.Mutating.Where(c => c.Path.Contains(previous, StringComparison.Ordinal)).Should().OnlyContain(c => c.Time >= failedAt,
            "the previous group ran untouched until the analysis failed (the rollback then only re-asserts its capacity)");
    }

    [Fact]
    public async Task Basic_GoodBuild_BakesOnceAtFullSize_ThenDownsizesThePreviousGroup()
    {
        SeedRunningRevision();
        _newErrorRate = 0.001;
        var progress = new Recorder();
        var request = new BasicDeploymentRequest { AppName = App, Document = Document() };
        request.UseImage(NewImage);

        var result = await new BasicDeployment(Services, request, Baking(ErrorRate())).RunAsync(progress);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        GroupState().Should().Equal(Deployed);
        progress.Of<StageStartedEvent>().Select(s => s.Name).Should().Equal("setup", "phase 1 of 1 (100 %)", "downsize previous");
        progress.Of<MeasurementEvent>().Select(m => (m.Where, m.Round)).Should().Equal(
            ("bake after phase 1 of 1 (100 %)", 1), ("bake after phase 1 of 1 (100 %)", 2), ("bake after phase 1 of 1 (100 %)", 3));
    }

    [Fact]
    public async Task Basic_WithoutABake_KeepsItsTwoStages()
    {
        SeedRunningRevision();
        var progress = new Recorder();
        var request = new BasicDeploymentRequest { AppName = App, Document = Document() };
        request.UseImage(NewImage);

        await new BasicDeployment(Services, request).RunAsync(progress);

        progress.Of<StageStartedEvent>().Select(s => s.Name).Should().Equal("setup", "phase 1 of 1 (100 %)");
    }

    [Fact]
    public async Task Basic_FirstDeployment_HasNoPreviousGroupToWatchBeside_RefusedBeforeAnythingChanges()
    {
        var request = new BasicDeploymentRequest { AppName = App, Document = Document() };
        request.UseImage(NewImage);

        var run = () => new BasicDeployment(Services, request, Baking(ErrorRate())).RunAsync();

        var refusal = (await run.Should().ThrowAsync<DeploymentValidationException>()).Which;
        refusal.Field.Should().Be("Bake");
        refusal.Message.Should().Contain("no previous group");
        (await Journal.ListByAppAsync(App)).Should().BeEmpty();
        _metrics.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task BakeWithoutAnalysis_OnlyWaits()
    {
        SeedRunningRevision();
        var before = Clock.Elapsed;

        var result = await new CanaryDeployment(Services, CanaryRequest(25, 50, 100), new DeploymentOptions { Bake = TimeSpan.FromMinutes(7) }).RunAsync();

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        (Clock.Elapsed - before).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMinutes(14));
    }

    private sealed class ThrowingCheck : AnalysisCheck
    {
        public override Task<Measurement> MeasureAsync(AnalysisContext context, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("the metrics store is down");
    }
}
