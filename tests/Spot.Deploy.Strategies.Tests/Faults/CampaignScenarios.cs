using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Tests.Faults;

/// <summary>
/// A deployment of the campaign: what the account holds before (seeded into a fresh emulator), the deployment
/// itself, and the groups it must end with when it succeeds (a check of the fault-free run).
/// </summary>
/// <param name="Name">The scenario's name in test names and the report.</param>
/// <param name="Strategy">Its strategy.</param>
/// <param name="Seed">Seeds the world and returns how to create the deployment on a process's services.</param>
/// <param name="ExpectedGroups">The group lines (see <see cref="CampaignWorld.Observe"/>) the fault-free run must end with.</param>
internal sealed record CampaignScenario(
    string Name,
    DeploymentStrategy Strategy,
    Func<CampaignWorld, Func<DeploymentServices, DeploymentOptions, Deployment>> Seed,
    IReadOnlyList<string> ExpectedGroups)
{
    private const string Old = CampaignWorld.OldImage;
    private const string New = CampaignWorld.NewImage;

    public override string ToString() => Name;

    public static readonly IReadOnlyList<CampaignScenario> All =
    [
        // Basic over history, K = 1: web__0 runs (older: scaled to 0 in setup), web__1 and web__2 are empty,
        // web__3 runs (the previous group), web__4 is an empty leftover of an aborted run (deleted).
        // Creates web__5; after the phase web__3 is at 0; clean-up deletes the leftover web__4 and web__1, the
        // empty revision beyond the newest K = 1 (web__0, emptied by this deployment, is kept at 0).
        new("basic", DeploymentStrategy.Basic,
            world =>
            {
                world.SeedGroup("web__0", new Capacity(1, 1, 1));
                world.SeedGroup("web__1", Capacity.Zero);
                world.SeedGroup("web__2", Capacity.Zero);
                world.SeedGroup("web__3", new Capacity(1, 2, 3));
                world.SeedGroup("web__4", Capacity.Zero);
                return (services, options) =>
                {
                    var request = new BasicDeploymentRequest { AppName = CampaignWorld.App, Document = CampaignWorld.Document(), RetainedEmptyRevisions = 1 };
                    request.UseImage(New);
                    return new BasicDeployment(services, request, options);
                };
            },
            [$"web__0 0/0/0 {Old} live=0 []", $"web__2 0/0/0 {Old} live=0 []", $"web__3 0/0/0 {Old} live=0 []", $"web__5 1/2/3 {New} live=2 [{New}x2]"]),

        // Canary 25 / 50 / 100 % over a running previous group.
        new("canary", DeploymentStrategy.Canary,
            world =>
            {
                world.SeedGroup("web__3", new Capacity(2, 4, 6));
                return (services, options) =>
                {
                    var request = new CanaryDeploymentRequest { AppName = CampaignWorld.App, Document = CampaignWorld.Document() };
                    request.UseImage(New);
                    request.AddPercentPhase(25).AddPercentPhase(50).AddPercentPhase(100);
                    return new CanaryDeployment(services, request, options);
                };
            },
            [$"web__3 0/0/0 {Old} live=0 []", $"web__4 2/4/6 {New} live=4 [{New}x4]"]),

        // Blue/Green hard swap on default rules; an old stage group runs (set aside, then deleted); the old
        // production group is downsized to 0 after the swap.
        new("bluegreen-swap", DeploymentStrategy.BlueGreen,
            world =>
            {
                var lb = world.State.SeedLoadBalancer("web-alb");
                var blue = world.State.SeedTargetGroup("web-blue");
                var green = world.State.SeedTargetGroup("web-green");
                var prod = world.State.SeedListener(lb, 443, blue);
                var stage = world.State.SeedListener(lb, 8443, green);
                world.ObservedListeners.AddRange([prod, stage]);
                world.SeedGroup("web", new Capacity(1, 2, 3), targetGroupArn: blue);
                world.SeedGroup("web__STAGE", new Capacity(1, 1, 1), targetGroupArn: green);
                return (services, options) =>
                {
                    var request = new BlueGreenDeploymentRequest { AppName = CampaignWorld.App, Document = CampaignWorld.Document(blue), DownsizeOldGroup = true };
                    request.UseImage(New);
                    request.LoadBalancers.Add(new BlueGreenLoadBalancer(new ListenerRoute(prod), new ListenerRoute(stage)));
                    return new BlueGreenDeployment(services, request, options);
                };
            },
            [$"web 1/2/3 {New} live=2 [{New}x2]", $"web__STAGE 0/0/0 {Old} live=0 []"]),

        // Blue/Green on conditional rules (path /app/*), traffic shifted 25 / 50 / 100 %.
        new("bluegreen-shift", DeploymentStrategy.BlueGreen,
            world =>
            {
                var lb = world.State.SeedLoadBalancer("web-alb");
                var fallback = world.State.SeedTargetGroup("web-fallback");
                var blue = world.State.SeedTargetGroup("web-blue");
                var green = world.State.SeedTargetGroup("web-green");
                var prodListener = world.State.SeedListener(lb, 443, fallback);
                var stageListener = world.State.SeedListener(lb, 8443, fallback);
                var prodRule = world.State.SeedRule(prodListener, 10, "/app/*", blue);
                var stageRule = world.State.SeedRule(stageListener, 10, "/app/*", green);
                world.ObservedListeners.AddRange([prodListener, stageListener]);
                world.ObservedRules.AddRange([prodRule, stageRule]);
                world.SeedGroup("web", new Capacity(1, 2, 3), targetGroupArn: blue);
                return (services, options) =>
                {
                    var request = new BlueGreenDeploymentRequest
                    {
                        AppName = CampaignWorld.App,
                        Document = CampaignWorld.Document(blue),
                        TrafficShiftPercents = [25, 50, 100],
                    };
                    request.UseImage(New);
                    request.LoadBalancers.Add(new BlueGreenLoadBalancer(new ListenerRoute(prodListener, prodRule), new ListenerRoute(stageListener, stageRule)));
                    return new BlueGreenDeployment(services, request, options);
                };
            },
            [$"web 1/2/3 {New} live=2 [{New}x2]", $"web__STAGE 1/2/3 {Old} live=2 [{Old}x2]"]),

        // Spot's own roll of the group "web", 50 % per batch.
        new("roll", DeploymentStrategy.SpotRoll,
            world =>
            {
                world.SeedGroup("web", new Capacity(1, 2, 3));
                return (services, options) =>
                {
                    var request = new SpotRollDeploymentRequest { AppName = CampaignWorld.App, BatchSizePercentage = 50, GracePeriodSeconds = 300 };
                    request.UseImage(New);
                    return new SpotRollDeployment(services, request, options);
                };
            },
            [$"web 1/2/3 {New} live=2 [{New}x2]"]),

        // Basic with a bake: the previous group's downsize is a gated stage of its own, after two minutes of baking
        // with both groups at full size (a crash in the bake or between the stages must leave one fleet in the end).
        new("basic-baked", DeploymentStrategy.Basic,
            world =>
            {
                world.SeedGroup("web__3", new Capacity(1, 2, 3));
                return (services, options) =>
                {
                    var request = new BasicDeploymentRequest { AppName = CampaignWorld.App, Document = CampaignWorld.Document() };
                    request.UseImage(New);
                    options.Bake = TimeSpan.FromMinutes(2);
                    return new BasicDeployment(services, request, options);
                };
            },
            [$"web__3 0/0/0 {Old} live=0 []", $"web__4 1/2/3 {New} live=2 [{New}x2]"]),

        // Spot's roll watched by a background analysis (a check that passes): 'set image', then a gated 'roll'.
        new("roll-watched", DeploymentStrategy.SpotRoll,
            world =>
            {
                world.SeedGroup("web", new Capacity(1, 2, 3));
                return (services, options) =>
                {
                    var request = new SpotRollDeploymentRequest { AppName = CampaignWorld.App, BatchSizePercentage = 50, GracePeriodSeconds = 300 };
                    request.UseImage(New);
                    options.BackgroundAnalysis = new Strategies.Analysis { Checks = [new Analysis.ScriptedMetricCheck()], Interval = TimeSpan.FromSeconds(20) };
                    return new SpotRollDeployment(services, request, options);
                };
            },
            [$"web 1/2/3 {New} live=2 [{New}x2]"]),
    ];

    public static CampaignScenario Named(string name) => All.Single(s => s.Name == name);
}
