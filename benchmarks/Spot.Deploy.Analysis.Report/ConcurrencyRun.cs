using System.Text.Json.Nodes;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Emulator;
using Spot.Deploy.Planning;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.ReactionReport;

/// <summary>What <see cref="ConcurrencyRun"/> saw.</summary>
internal sealed record ConcurrencyResult(
    int Deployments,
    int Succeeded,
    int Measurements,
    int InconclusiveFromCloudWatch,
    int CloudWatchCalls,
    int Throttled,
    int DescribeAlarms,
    int GetMetricData,
    TimeSpan Elapsed,
    IReadOnlyList<string> SurfacedDetails);

/// <summary>
/// Many canaries at once, each of its own app behind its own target group, on one emulator whose CloudWatch enforces a
/// request limit per second (on the wall clock: concurrency is real here, so a virtual clock that jumps with every wait
/// would make any rate meaningless). Each deployment bakes after its first phase with two checks: its CloudWatch alarm
/// (<c>DescribeAlarms</c>) and its target group's 5xx ratio (<c>GetMetricData</c>). All share one AWS connection, as a
/// service embedding the library does. The deployments start together, so their measurements fall in the same seconds:
/// the worst case for the limit.
/// </summary>
internal static class ConcurrencyRun
{
    private const string OldImage = "ami-0000000000000aaa1";
    private const string NewImage = "ami-0000000000000bbb2";

    public static async Task<ConcurrencyResult> MeasureAsync(int deployments, int cloudWatchPerSecond, double pace, TimeSpan interval, int measurements)
    {
        await using var emulator = await SpotDeployEmulator.StartAsync(new EmulatorOptions
        {
            BootTime = TimeSpan.FromSeconds(3),
            HealthCheckDelay = TimeSpan.FromSeconds(2),
            CloudWatchRequestsPerSecond = cloudWatchPerSecond,
        });
        using var spot = new ElastigroupClient(new ElastigroupClientOptions
        {
            BaseAddress = emulator.SpotBaseAddress,
            Token = emulator.Options.SpotToken,
            AccountId = emulator.Options.AccountId,
        });
        using var aws = new AwsConnection(new AwsConnectionOptions
        {
            Region = emulator.Options.Region,
            AccessKeyId = "AKIDREPORT",
            SecretAccessKey = "not-a-secret",
            Ec2Endpoint = emulator.Ec2Endpoint,
            ElasticLoadBalancingEndpoint = emulator.ElasticLoadBalancingEndpoint,
            CloudWatchEndpoint = emulator.CloudWatchEndpoint,
            CloudWatchRequestsPerSecond = pace,
        });
        var services = new DeploymentServices(spot, aws, new InMemoryDeploymentJournal(), new InProcessAppLock());
        var state = emulator.State;
        state.SeedImage(OldImage, "web-1.0", DateTimeOffset.UtcNow.AddDays(-10));
        state.SeedImage(NewImage, "web-2.0", DateTimeOffset.UtcNow.AddDays(-1));
        state.SetImageErrorRate(NewImage, 0.001);

        var runs = new List<Task<(bool Succeeded, List<MeasurementEvent> Measured)>>();
        var started = DateTimeOffset.UtcNow;
        var requests = Enumerable.Range(1, deployments).Select(i => Seed(state, $"app{i:000}")).ToList();
        foreach (var (request, targetGroup, loadBalancer) in requests)
        {
            runs.Add(RunOneAsync(services, request, targetGroup, loadBalancer, interval, measurements));
        }

        var results = await Task.WhenAll(runs);
        var elapsed = DateTimeOffset.UtcNow - started;
        var cloudWatch = emulator.Calls.All.Where(c => c.Service == "monitoring").ToList();
        var measured = results.SelectMany(r => r.Measured).ToList();
        var surfaced = measured.Where(m => m.Verdict == MeasurementVerdict.Inconclusive && m.Detail.Contains("CloudWatch", StringComparison.Ordinal)).ToList();
        return new ConcurrencyResult(
            deployments,
            results.Count(r => r.Succeeded),
            measured.Count,
            surfaced.Count,
            cloudWatch.Count,
            cloudWatch.Count(c => c.Status == 400),
            cloudWatch.Count(c => c.Action == "DescribeAlarms" && c.Status == 200),
            cloudWatch.Count(c => c.Action == "GetMetricData" && c.Status == 200),
            elapsed,
            surfaced.Select(m => m.Detail).Distinct(StringComparer.Ordinal).Take(3).ToList());
    }

    private static async Task<(bool, List<MeasurementEvent>)> RunOneAsync(
        DeploymentServices services, CanaryDeploymentRequest request, string targetGroup, string loadBalancer, TimeSpan interval, int measurements)
    {
        var measured = new List<MeasurementEvent>();
        var progress = new SyncProgress(e =>
        {
            if (e is MeasurementEvent m)
            {
                lock (measured)
                {
                    measured.Add(m);
                }
            }
        });
        var options = new DeploymentOptions
        {
            SteadyState = new SteadyStateOptions { InitialPollInterval = TimeSpan.FromSeconds(1), MaxPollInterval = TimeSpan.FromSeconds(2) },
            Bake = interval * measurements,
            BakeAnalysis = new Strategies.Analysis
            {
                Interval = interval,
                Checks =
                [
                    new CloudWatchAlarmCheck { Name = "alarm", AlarmNames = ["{app}-5xx"] },
                    new CloudWatchMetricCheck
                    {
                        Name = "5xx-ratio",
                        Expression = "FILL(m5xx, 0) / requests",
                        Metrics = [Alb("m5xx", "HTTPCode_Target_5XX_Count", loadBalancer, targetGroup), Alb("requests", "RequestCount", loadBalancer, targetGroup)],
                        Threshold = Threshold.Parse("< 0.05"),
                    },
                ],
            },
        };
        try
        {
            await new CanaryDeployment(services, request, options).RunAsync(progress);
            return (true, measured);
        }
        catch (DeploymentFailedException e)
        {
            Console.Error.WriteLine($"  {request.AppName}: {e.Status}: {e.Message}");
            return (false, measured);
        }
    }

    /// <summary>The app's running revision <c>app__1</c> (2 instances) behind its own target group and ALB, and its alarm (OK).</summary>
    private static (CanaryDeploymentRequest Request, string TargetGroup, string LoadBalancer) Seed(EmulatorState state, string app)
    {
        var loadBalancerArn = state.SeedLoadBalancer(app + "-alb");
        var targetGroupArn = state.SeedTargetGroup(app + "-tg");
        state.SeedListener(loadBalancerArn, 443, targetGroupArn);
        state.SeedAlarm(app + "-5xx", state: "OK");
        var running = Group(app, targetGroupArn, 2);
        running["name"] = app + "__1";
        state.SeedGroup(running);
        var request = new CanaryDeploymentRequest { AppName = app, Document = ElastigroupDocument.FromGroup(Group(app, targetGroupArn, 1)) };
        request.UseImage(NewImage);
        request.AddPercentPhase(50);
        request.AddPercentPhase(100);
        var targetGroup = targetGroupArn[(targetGroupArn.IndexOf(":targetgroup/", StringComparison.Ordinal) + 1)..];
        var loadBalancer = loadBalancerArn[(loadBalancerArn.IndexOf(":loadbalancer/", StringComparison.Ordinal) + ":loadbalancer/".Length)..];
        return (request, targetGroup, loadBalancer);
    }

    private static CloudWatchMetric Alb(string id, string metricName, string loadBalancer, string targetGroup) => new()
    {
        Id = id,
        Namespace = "AWS/ApplicationELB",
        MetricName = metricName,
        Dimensions = new Dictionary<string, string> { ["LoadBalancer"] = loadBalancer, ["TargetGroup"] = targetGroup },
    };

    private static JsonObject Group(string app, string targetGroupArn, int target) => new()
    {
        ["name"] = app,
        ["description"] = app + " app",
        ["region"] = "us-east-1",
        ["capacity"] = new JsonObject { ["minimum"] = target, ["target"] = target, ["maximum"] = target * 2, ["unit"] = "instance" },
        ["strategy"] = new JsonObject { ["risk"] = 100, ["fallbackToOd"] = true, ["availabilityVsCost"] = "balanced" },
        ["compute"] = new JsonObject
        {
            ["product"] = "Linux/UNIX",
            ["availabilityZones"] = new JsonArray(new JsonObject { ["name"] = "us-east-1a", ["subnetIds"] = new JsonArray("subnet-1") }),
            ["instanceTypes"] = new JsonObject { ["ondemand"] = "t3.micro", ["spot"] = new JsonArray("t3.micro", "t3.small") },
            ["launchSpecification"] = new JsonObject
            {
                ["imageId"] = OldImage,
                ["healthCheckType"] = "TARGET_GROUP",
                ["healthCheckGracePeriod"] = 300,
                ["securityGroupIds"] = new JsonArray("sg-123"),
                ["loadBalancersConfig"] = new JsonObject
                {
                    ["loadBalancers"] = new JsonArray(new JsonObject { ["type"] = "TARGET_GROUP", ["arn"] = targetGroupArn, ["name"] = app + "-tg" }),
                },
            },
        },
    };

    private sealed class SyncProgress(Action<DeploymentEvent> report) : IProgress<DeploymentEvent>
    {
        public void Report(DeploymentEvent value) => report(value);
    }
}
