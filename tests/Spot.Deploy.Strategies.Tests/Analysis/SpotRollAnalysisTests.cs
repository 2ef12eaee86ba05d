using Spot.Deploy.Planning;
using Spot.Deploy.Strategies.Tests.Deployments;

namespace Spot.Deploy.Strategies.Tests.Analysis;

/// <summary>
/// A background analysis watches a Spot roll from its start: the roll becomes a gated stage after <c>set image</c>, the
/// checks are measured while Spot replaces the instances batch by batch, and a failure stops the roll and rolls the group
/// back (image and instances). A bake or a pause has no point between Spot's batches: refused before anything changes.
/// </summary>
public sealed class SpotRollAnalysisTests : StrategyTestBase
{
    private static DeploymentOptions Watching(AnalysisCheck check) => BackgroundAnalysisTests.Watching(check);

    [Fact]
    public async Task MetricGoesBadDuringTheRoll_TheRollIsStopped_AndTheGroupRolledBackToItsImage()
    {
        var id = SeedGroup("web", Cap(2, 4, 6));
        var check = new ScriptedMetricCheck();
        var progress = BackgroundAnalysisTests.BreachAt("roll", check);

        var run = () => new SpotRollDeployment(Services, RollRequest(batch: 25), Watching(check)).RunAsync(progress);

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack, failure.Message);
        failure.Message.Should().Contain("failed at background analysis: check 'errors' failed with 0.3 (threshold < 0.05).");
        progress.Of<StageStartedEvent>().Select(s => s.Name).Should().Equal("set image", "roll");
        check.Reads.Should().NotBeEmpty().And.OnlyContain(r => r.NewGroupName == "web" && r.Phase == "set image");
        ((string?)State.GetGroup(id)!["compute"]!["launchSpecification"]!["imageId"]).Should().Be(OldImage);
        LiveImages(id).Should().OnlyContain(image => image == OldImage, "the rollback rolled the group again onto its image");
        // The roll is stopped; it had replaced no instance yet, so it is not rolled again.
        RollCalls().Should().HaveCount(2).And.SatisfyRespectively(
            start => start.Should().Be($"PUT /aws/ec2/group/{id}/roll"),
            stop => stop.Should().StartWith($"PUT /aws/ec2/group/{id}/roll/"));
        progress.Of<RollbackStartedEvent>().Should().ContainSingle().Which.Reason.Should().StartWith("background analysis: check 'errors'");
    }

    [Fact]
    public async Task MetricGoesBadAfterTheFirstBatch_TheRollIsStopped_AndTheGroupRolledAgainOntoItsImage()
    {
        var id = SeedGroup("web", Cap(2, 4, 6));
        var check = new ScriptedMetricCheck();
        var progress = new Recorder
        {
            OnEvent = e =>
            {
                if (e is RollProgressEvent { Percent: > 0 } rolled && check.BadFrom is null)
                {
                    check.BadFrom = rolled.Time;
                }
            },
        };

        var run = () => new SpotRollDeployment(Services, RollRequest(batch: 25), Watching(check)).RunAsync(progress);

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack, failure.Message);
        ((string?)State.GetGroup(id)!["compute"]!["launchSpecification"]!["imageId"]).Should().Be(OldImage);
        LiveImages(id).Should().HaveCount(4).And.OnlyContain(image => image == OldImage, "the rollback rolled the group again onto its image");
        RollCalls().Should().HaveCount(3).And.SatisfyRespectively(
            start => start.Should().Be($"PUT /aws/ec2/group/{id}/roll"),
            stop => stop.Should().StartWith($"PUT /aws/ec2/group/{id}/roll/"),
            again => again.Should().Be($"PUT /aws/ec2/group/{id}/roll"));
    }

    private IReadOnlyList<string> RollCalls() =>
        [.. Emulator.Calls.Mutating.Where(c => c.Path.EndsWith("/roll", StringComparison.Ordinal) || c.Path.Contains("/roll/", StringComparison.Ordinal)).Select(c => $"{c.Method} {c.Path}")];

    [Fact]
    public async Task GoodBuild_MeasuredThroughTheRoll_Succeeds()
    {
        var id = SeedGroup("web", Cap(2, 4, 6));
        var check = new ScriptedMetricCheck();
        var progress = new Recorder();

        var result = await new SpotRollDeployment(Services, RollRequest(batch: 25), Watching(check)).RunAsync(progress);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        LiveImages(id).Should().OnlyContain(image => image == NewImage);
        progress.Of<StageStartedEvent>().Select(s => s.Name).Should().Equal("set image", "roll");
        progress.Of<MeasurementEvent>().Should().NotBeEmpty().And.OnlyContain(m => m.Verdict == MeasurementVerdict.Pass && m.Where == BackgroundAnalysisTests.Where);
    }

    [Fact]
    public async Task WithoutAnAnalysis_TheRollKeepsItsOneStage()
    {
        SeedGroup("web", Cap(1, 2, 3));
        var progress = new Recorder();

        await new SpotRollDeployment(Services, RollRequest()).RunAsync(progress);

        progress.Of<StageStartedEvent>().Select(s => s.Name).Should().Equal("roll");
    }

    [Theory]
    [InlineData("bake", "Bake")]
    [InlineData("pause", "Pause")]
    public async Task ABakeOrAPause_IsRefusedBeforeAnythingChanges(string what, string field)
    {
        var id = SeedGroup("web", Cap(1, 2, 3));
        var options = what == "bake" ? new DeploymentOptions { Bake = TimeSpan.FromMinutes(5) } : new DeploymentOptions { Pause = new PauseOptions() };

        var run = () => new SpotRollDeployment(Services, RollRequest(), options).RunAsync();

        var refusal = (await run.Should().ThrowAsync<DeploymentValidationException>()).Which;
        refusal.Field.Should().Be(field);
        refusal.Message.Should().Contain("watch the roll with a background analysis instead");
        Emulator.Calls.Mutating.Should().BeEmpty();
        LiveImages(id).Should().OnlyContain(image => image == OldImage);
    }
}
