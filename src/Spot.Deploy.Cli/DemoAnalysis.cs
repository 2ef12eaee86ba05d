using System.Globalization;
using Spot.Deploy.Planning;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli;

/// <summary>
/// The demo's analysis scenario: "shop" runs behind its own ALB; a Canary to the bad build web-4.0 (healthy, but half its
/// answers 5xx) bakes after each phase with a CloudWatch metric check on the target group's 5xx ratio, read from the
/// emulator's CloudWatch (ALB metrics that follow the emulated traffic). It fails at the first phase and is rolled back.
/// </summary>
internal static class DemoAnalysis
{
    public const string App = "shop";

    private const string Ratio = "FILL(m5xx, 0) / requests";

    private const string Threshold = "< 0.05";

    public static (CanaryDeploymentRequest Request, DeploymentOptions Options) Prepare(Sandbox sandbox, bool realTime)
    {
        var state = sandbox.Emulator.State;
        var loadBalancerArn = state.SeedLoadBalancer("shop-alb");
        var targetGroupArn = state.SeedTargetGroup("shop-tg");
        state.SeedListener(loadBalancerArn, 443, targetGroupArn);
        sandbox.SeedApp(App, new Capacity(2, 4, 4), targetGroupArn, revision: true);
        var request = new CanaryDeploymentRequest { AppName = App, Document = Sandbox.Document(App, targetGroupArn) }.AddPercentPhase(25).AddPercentPhase(100);
        request.UseImage(Sandbox.BadBuildImage);

        var dimensions = new Dictionary<string, string>
        {
            ["LoadBalancer"] = loadBalancerArn[(loadBalancerArn.IndexOf(":loadbalancer/", StringComparison.Ordinal) + ":loadbalancer/".Length)..],
            ["TargetGroup"] = targetGroupArn[(targetGroupArn.IndexOf(":targetgroup/", StringComparison.Ordinal) + 1)..],
        };
        var check = new CloudWatchMetricCheck
        {
            Name = "5xx-ratio",
            Expression = Ratio,
            Metrics =
            [
                new CloudWatchMetric { Id = "m5xx", Namespace = "AWS/ApplicationELB", MetricName = "HTTPCode_Target_5XX_Count", Dimensions = dimensions },
                new CloudWatchMetric { Id = "requests", Namespace = "AWS/ApplicationELB", MetricName = "RequestCount", Dimensions = dimensions },
            ],
            Threshold = Strategies.Threshold.Parse(Threshold),
        };
        var options = Demo.Options(realTime, failing: false);
        options.Bake = realTime ? TimeSpan.FromSeconds(20) : TimeSpan.FromMinutes(5);
        options.BakeAnalysis = new Strategies.Analysis { Interval = realTime ? TimeSpan.FromSeconds(5) : TimeSpan.FromMinutes(1), Checks = [check] };
        return (request, options);
    }

    public static string Introduction(Sandbox sandbox) => string.Create(CultureInfo.InvariantCulture,
        $"a bad build: web-4.0 ({Sandbox.BadBuildImage}) passes its health checks but answers {Sandbox.BadBuildErrorRate:P0} of requests with a 5xx; " +
        $"{App}'s canary bakes after each phase with a CloudWatch metric check on its target group's 5xx ratio ({Ratio} {Threshold}) at {sandbox.Emulator.CloudWatchEndpoint}");
}
