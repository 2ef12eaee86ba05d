using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Tests.Deployments;

public sealed class SpotRollDeploymentTests : StrategyTestBase
{
    [Fact]
    public async Task Run_GroupNamedAfterTheApp_EveryLiveInstanceOnTheNewImage()
    {
        var id = SeedGroup("web", Cap(2, 4, 6));
        var other = SeedGroup("web__1", Cap(1, 1, 1));
        var progress = new Recorder();

        var result = await new SpotRollDeployment(Services, RollRequest(batch: 25)).RunAsync(progress);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        result.GroupId.Should().Be(id);
        result.GroupName.Should().Be("web");
        GroupState().Should().Equal($"web 2/4/6 {NewImage} live=4", $"web__1 1/1/1 {OldImage} live=1");
        LiveImages(id).Should().Equal(NewImage, NewImage, NewImage, NewImage);
        LiveImages(other).Should().Equal(OldImage);
        ((string?)State.GetGroup(id)!["compute"]!["launchSpecification"]!["imageId"]).Should().Be(NewImage);
        var rolls = progress.Of<RollProgressEvent>().ToList();
        rolls.Should().NotBeEmpty();
        rolls.Select(r => r.RollId).Distinct().Should().ContainSingle();
        rolls[^1].Status.Should().Be("finished");
        rolls[^1].Percent.Should().Be(100);
        Emulator.Calls.Mutating.Select(c => $"{c.Method} {c.Path}").Should().Equal(
            $"PUT /aws/ec2/group/{id}",
            $"PUT /aws/ec2/group/{id}/roll");
        var record = await RecordAsync(result.DeploymentId);
        record.Status.Should().Be(DeploymentStatus.Succeeded);
        IntentsThenSucceeded(record).Should().Equal("s1", "s2");
        record.Entries.Should().Contain(e => e.Kind == JournalEntryKind.Note && e.Operation == "rollStarted" && (string?)e.Data!["rollId"] == rolls[0].RollId);
    }

    [Fact]
    public async Task Run_RollStartAnswers500_ChecksTheRollsAndStartsOnce()
    {
        var id = SeedGroup("web", Cap(1, 2, 3));
        var fault = Emulator.Faults.Add(new global::Spot.Deploy.Emulator.FaultRule { Service = "spot", Method = "PUT", PathContains = "/roll", Kind = global::Spot.Deploy.Emulator.FaultKind.HttpError, Status = 500, Times = 1 });

        var result = await new SpotRollDeployment(Services, RollRequest(batch: 50)).RunAsync();

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        fault.HitCount.Should().Be(1);
        LiveImages(id).Should().Equal(NewImage, NewImage);
        Emulator.Calls.All.Where(c => c.Method == "PUT" && c.Path.EndsWith("/roll", StringComparison.Ordinal)).Select(c => c.Status)
            .Should().Equal([500, 200], "no roll had started, so the start was sent again, once");
    }

    [Fact]
    public async Task Run_ByGroupId_RollsThatGroupWhateverItsName()
    {
        var named = SeedGroup("web", Cap(1, 1, 1));
        var target = SeedGroup("web-blue", Cap(2, 2, 2));

        var result = await new SpotRollDeployment(Services, RollRequest(groupId: target)).RunAsync();

        result.GroupId.Should().Be(target);
        result.GroupName.Should().Be("web-blue");
        GroupState().Should().Equal($"web 1/1/1 {OldImage} live=1", $"web-blue 2/2/2 {NewImage} live=2");
        LiveImages(target).Should().OnlyContain(image => image == NewImage);
        LiveImages(named).Should().Equal(OldImage);
    }

    [Fact]
    public async Task Run_NewImageNeverHealthy_FailsWithTheRollsFailureAndRollsBackTheImageAndInstances()
    {
        var id = SeedGroup("web", Cap(1, 2, 3));
        State.MarkImageNeverHealthy(NewImage);
        var progress = new Recorder();

        var run = () => new SpotRollDeployment(Services, RollRequest()).RunAsync(progress);

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack);
        failure.InnerException.Should().BeOfType<SpotRollFailedException>().Which.Message.Should().Contain("failed");
        failure.FailedStep.Should().Be($"roll web ({id}): 2 instance(s) in batches of 50 %, grace period 300 s, wait until finished");
        GroupState().Should().Equal($"web 1/2/3 {OldImage} live=2");
        ((string?)State.GetGroup(id)!["compute"]!["launchSpecification"]!["imageId"]).Should().Be(OldImage);
        State.GetInstances(id).Where(i => i.State != "terminated").Should().OnlyContain(i => i.ImageId == OldImage && i.Health == "HEALTHY");
        progress.Of<RollbackStartedEvent>().Should().ContainSingle();
        (await RecordAsync(failure.DeploymentId!)).Status.Should().Be(DeploymentStatus.RolledBack);
    }

    [Fact]
    public async Task Run_GroupUsingImages_ReplacesImagesAndRollsOntoIt()
    {
        var id = SeedGroupWithImages("web", Cap(1, 2, 2));

        await new SpotRollDeployment(Services, RollRequest()).RunAsync();

        var launchSpecification = State.GetGroup(id)!["compute"]!["launchSpecification"]!.AsObject();
        launchSpecification.ContainsKey("imageId").Should().BeFalse("a group that names its AMI in images keeps doing so");
        launchSpecification["images"]!.ToJsonString().Should().Be($$"""[{"id":"{{NewImage}}"}]""");
        LiveImages(id).Should().Equal(NewImage, NewImage);
        Emulator.Calls.Mutating.Select(c => $"{c.Method} {c.Path}").Should().Equal($"PUT /aws/ec2/group/{id}", $"PUT /aws/ec2/group/{id}/roll");
    }

    [Fact]
    public async Task Run_GroupUsingImages_NeverHealthy_RestoresImages()
    {
        var id = SeedGroupWithImages("web", Cap(1, 2, 2));
        State.MarkImageNeverHealthy(NewImage);

        var run = () => new SpotRollDeployment(Services, RollRequest()).RunAsync();

        (await run.Should().ThrowAsync<DeploymentFailedException>()).Which.Status.Should().Be(DeploymentStatus.RolledBack);
        var launchSpecification = State.GetGroup(id)!["compute"]!["launchSpecification"]!.AsObject();
        launchSpecification.ContainsKey("imageId").Should().BeFalse();
        launchSpecification["images"]!.ToJsonString().Should().Be($$"""[{"id":"{{OldImage}}"}]""");
        LiveImages(id).Should().Equal(OldImage, OldImage);
    }

    [Fact]
    public async Task Run_TargetZero_OnlyUpdatesTheImage()
    {
        var id = SeedGroup("web", Cap(0, 0, 2));
        var deployment = new SpotRollDeployment(Services, RollRequest());

        var preview = await deployment.StartAsync();
        var result = await deployment.CompleteAsync();

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        preview.Steps.Select(s => s.Description).Should().Equal($"set the image of web ({id}) from {OldImage} to {NewImage}");
        GroupState().Should().Equal($"web 0/0/2 {NewImage} live=0");
        Emulator.Calls.All.Should().NotContain(c => c.Path.Contains("/roll", StringComparison.Ordinal));
        Emulator.Calls.Mutating.Select(c => $"{c.Method} {c.Path}").Should().Equal($"PUT /aws/ec2/group/{id}");
    }
}
