using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Tests.Deployments;

public sealed class CanaryDeploymentTests : DeploymentTestBase
{
    [Fact]
    public async Task ThreePhases_OverARunningGroup_EndsWithTheNewRevisionAtThePlannedCapacity()
    {
        var previous = SeedGroup("web__3", Cap(2, 4, 6));
        var progress = new Recorder();

        var result = await new CanaryDeployment(Services, CanaryRequest(25, 50, 100)).RunAsync(progress);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        result.GroupName.Should().Be("web__4");
        GroupState().Should().Equal(
            $"web__3 0/0/0 {OldImage} live=0",
            $"web__4 2/4/6 {NewImage} live=4");
        progress.Of<StageStartedEvent>().Select(s => s.Name).Should().Equal("setup", "phase 1 of 3 (25 %)", "phase 2 of 3 (50 %)", "phase 3 of 3 (100 %)");
        progress.Of<CapacityChangedEvent>().Select(c => $"{c.Name} {c.Capacity.Minimum}/{c.Capacity.Target}/{c.Capacity.Maximum}").Should().Equal(
            "web__4 1/1/1", "web__3 3/3/3",
            "web__4 2/2/2", "web__3 2/2/2",
            "web__4 2/4/6", "web__3 0/0/0");
        progress.Of<InstancesProgressEvent>().Should().NotBeEmpty();
        (await Journal.LoadAsync(result.DeploymentId))!.Status.Should().Be(DeploymentStatus.Succeeded);
        _ = previous;
    }
}
