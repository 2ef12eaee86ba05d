namespace Spot.Deploy.Strategies.Tests.Deployments;

public sealed class BlueGreenSmokeTests : DeploymentTestBase
{
    [Fact]
    public async Task HardSwap_DefaultRule()
    {
        var lb = State.SeedLoadBalancer("web-alb");
        var blue = State.SeedTargetGroup("web-blue");
        var green = State.SeedTargetGroup("web-green");
        var prod = State.SeedListener(lb, 443, blue);
        var stage = State.SeedListener(lb, 8443, green);
        SeedGroup("web", Cap(1, 2, 3), targetGroupArn: blue);
        var request = new BlueGreenDeploymentRequest { AppName = App, Document = Document(blue) };
        request.UseImage(NewImage);
        request.LoadBalancers.Add(new Planning.BlueGreenLoadBalancer(new Planning.ListenerRoute(prod), new Planning.ListenerRoute(stage)));

        var result = await new BlueGreenDeployment(Services, request).RunAsync();

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        GroupState().Should().Equal($"web 1/2/3 {NewImage} live=2", $"web__STAGE 1/2/3 {OldImage} live=2");
        State.GetListenerActions(prod).ToJsonString().Should().Contain(green);
        State.GetListenerActions(stage).ToJsonString().Should().Contain(blue);
    }

    [Fact]
    public async Task Roll_Succeeds()
    {
        var id = SeedGroup("web", Cap(1, 2, 3));
        var request = new SpotRollDeploymentRequest { AppName = App, BatchSizePercentage = 50, GracePeriodSeconds = 300 };
        request.UseImage(NewImage);

        var result = await new SpotRollDeployment(Services, request).RunAsync();

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        result.GroupId.Should().Be(id);
        GroupState().Should().Equal($"web 1/2/3 {NewImage} live=2");
        State.GetInstances(id).Where(i => i.State != "terminated").Should().OnlyContain(i => i.ImageId == NewImage);
    }

    [Fact]
    public async Task Roll_NeverHealthy_RollsBack()
    {
        var id = SeedGroup("web", Cap(1, 2, 3));
        State.MarkImageNeverHealthy(NewImage);
        var request = new SpotRollDeploymentRequest { AppName = App, BatchSizePercentage = 50, GracePeriodSeconds = 300 };
        request.UseImage(NewImage);

        var run = () => new SpotRollDeployment(Services, request).RunAsync();

        (await run.Should().ThrowAsync<DeploymentFailedException>()).Which.Status.Should().Be(DeploymentStatus.RolledBack);
        GroupState().Should().Equal($"web 1/2/3 {OldImage} live=2");
        State.GetInstances(id).Where(i => i.State != "terminated").Should().OnlyContain(i => i.ImageId == OldImage);
    }

    [Fact]
    public async Task Canary_NeverHealthy_RollsBack()
    {
        SeedGroup("web__1", Cap(1, 2, 3));
        State.MarkImageNeverHealthy(NewImage);
        var options = new DeploymentOptions { SteadyState = { Timeout = TimeSpan.FromMinutes(5) } };

        var run = () => new CanaryDeployment(Services, CanaryRequest(50, 100), options).RunAsync();

        (await run.Should().ThrowAsync<DeploymentFailedException>()).Which.Status.Should().Be(DeploymentStatus.RolledBack);
        GroupState().Should().Equal($"web__1 1/2/3 {OldImage} live=2");
    }
}
