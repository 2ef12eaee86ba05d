using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Tests.Deployments;

/// <summary>A running group named exactly like the app: refused before any change, or adopted as the previous revision.</summary>
public sealed class UnversionedGroupTests : StrategyTestBase
{
    [Fact]
    public async Task Canary_RunningGroupNamedLikeTheApp_IsRefusedBeforeAnyChange()
    {
        SeedGroup("web", Cap(2, 2, 4));

        var run = () => new CanaryDeployment(Services, CanaryRequest(50, 100)).RunAsync();

        var refused = (await run.Should().ThrowAsync<DeploymentValidationException>()).Which;
        refused.Field.Should().Be("AdoptUnversionedGroup");
        refused.Message.Should().Contain("--adopt").And.Contain("web__0");
        NoMutatingCall();
        (await Journal.ListUnfinishedAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Canary_Adopted_DownsizesItAndKeepsIt_ThenTheNextDeploymentNeedsNoAdoption()
    {
        var web = SeedGroup("web", Cap(2, 2, 4));
        var request = CanaryRequest(50, 100);
        request.AdoptUnversionedGroup = true;

        var result = await new CanaryDeployment(Services, request).RunAsync();

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        GroupState().Should().Equal($"web 0/0/0 {OldImage} live=0", $"web__1 2/2/4 {NewImage} live=2");
        IdOf("web").Should().Be(web, "an adopted group is kept as history, never deleted");

        var next = await new CanaryDeployment(Services, CanaryRequest(100)).RunAsync();

        next.Status.Should().Be(DeploymentStatus.Succeeded);
        GroupNames().Should().Equal("web", "web__1", "web__2");
    }

    [Fact]
    public async Task Basic_Adopted_NewImageNeverHealthy_RollbackRestoresTheAdoptedGroup()
    {
        SeedGroup("web", Cap(2, 2, 4));
        var before = GroupState();
        State.MarkImageNeverHealthy(NewImage);
        var request = BasicRequest();
        request.AdoptUnversionedGroup = true;

        var run = () => new BasicDeployment(Services, request, ShortTimeouts()).RunAsync();

        (await run.Should().ThrowAsync<DeploymentFailedException>()).Which.Status.Should().Be(DeploymentStatus.RolledBack);
        GroupState().Should().Equal(before);
    }
}
