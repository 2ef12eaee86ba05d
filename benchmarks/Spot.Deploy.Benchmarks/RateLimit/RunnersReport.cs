using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Emulator;
using Spot.Deploy.Planning;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Benchmarks.RateLimit;

/// <summary>
/// Issue #16's measurement, on the wall clock: R runners, each with its own <see cref="ElastigroupClient"/> and so its own
/// <see cref="SpotRateLimiter"/> (as separate processes have), run N Basic deployments each of their own app, all at once,
/// against one emulator enforcing one account-wide limit. Printed as Markdown: deployments per minute, 429s answered,
/// failures — with the client's back-off, and without it (limiter off: a 429 is only retried after its reset).
/// <c>dotnet run -c Release --project benchmarks/Spot.Deploy.Benchmarks -- rate-limit-report [runners] [deployments] [limit] [window-seconds]</c>.
/// </summary>
public static class RunnersReport
{
    public const string Command = "rate-limit-report";

    private const string OldImage = "ami-0000000000000aaa1";
    private const string NewImage = "ami-0000000000000bbb2";

    public static async Task<int> RunAsync(string[] args)
    {
        var runners = Argument(args, 0, 4);
        var deployments = Argument(args, 1, 5);
        var limit = Argument(args, 2, 60);
        var window = TimeSpan.FromSeconds(Argument(args, 3, 60));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{runners} runners × {deployments} Basic deployments (capacity 1/1/1, boot 1 s + health 1 s), account-wide limit {limit} Spot calls per {window.TotalSeconds:0} s, wall clock."));
        Console.WriteLine();
        Console.WriteLine("| client | deployments | succeeded | failed | wall time (s) | deployments/min | Spot calls | 429s answered | calls/min accepted |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        var failures = 0;
        foreach (var backOff in new[] { true, false })
        {
            var m = await MeasureAsync(runners, deployments, limit, window, backOff).ConfigureAwait(false);
            failures += backOff ? m.Failed : 0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {(backOff ? "back-off (default)" : "limiter off")} | {m.Deployments} | {m.Succeeded} | {m.Failed} | {m.Elapsed.TotalSeconds:0.0} | {m.Succeeded / m.Elapsed.TotalMinutes:0.0} | {m.SpotCalls} | {m.RateLimited} | {(m.SpotCalls - m.RateLimited) / m.Elapsed.TotalMinutes:0.0} |"));
            foreach (var error in m.Errors.Distinct().Take(5))
            {
                Console.WriteLine("  failure: " + error);
            }
        }

        return failures == 0 ? 0 : 1;
    }

    private sealed record Measurement(int Deployments, int Succeeded, int Failed, TimeSpan Elapsed, int SpotCalls, int RateLimited, IReadOnlyList<string> Errors);

    private static async Task<Measurement> MeasureAsync(int runners, int deployments, int limit, TimeSpan window, bool backOff)
    {
        await using var emulator = await SpotDeployEmulator.StartAsync(new EmulatorOptions
        {
            BootTime = TimeSpan.FromSeconds(1),
            HealthCheckDelay = TimeSpan.FromSeconds(1),
            SpotRequestsPerMinute = limit,
            SpotRateLimitScope = SpotRateLimitScope.Account,
            SpotRateLimitWindow = window,
        }).ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        emulator.State.SeedImage(OldImage, "web-1.0", now.AddDays(-10));
        emulator.State.SeedImage(NewImage, "web-2.0", now.AddDays(-1));
        var errors = new List<string>();
        var succeeded = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(1, runners).Select(async runner =>
        {
            using var spot = new ElastigroupClient(new ElastigroupClientOptions
            {
                BaseAddress = emulator.SpotBaseAddress,
                Token = emulator.Options.SpotToken,
                AccountId = emulator.Options.AccountId,
                RandomSeed = runner,
                RequestsPerMinutePerRoute = backOff ? SpotRateLimiter.DefaultRequestsPerMinute : 0,
            });
            using var aws = new AwsConnection(new AwsConnectionOptions
            {
                Region = emulator.Options.Region,
                AccessKeyId = "AKIDTEST",
                SecretAccessKey = "secret",
                Ec2Endpoint = emulator.Ec2Endpoint,
                ElasticLoadBalancingEndpoint = emulator.ElasticLoadBalancingEndpoint,
            });
            var services = new DeploymentServices(spot, aws, new InMemoryDeploymentJournal(), new InProcessAppLock());
            var app = string.Create(CultureInfo.InvariantCulture, $"runner{runner}");
            for (var i = 0; i < deployments; i++)
            {
                var request = new BasicDeploymentRequest { AppName = app, Document = Document(app), Capacity = CapacityRequest.Fixed(1, 1, 1) };
                request.UseImage(i % 2 == 0 ? NewImage : OldImage);
                try
                {
                    await using var deployment = new BasicDeployment(services, request);
                    var result = await deployment.RunAsync().ConfigureAwait(false);
                    if (result.Status == DeploymentStatus.Succeeded)
                    {
                        Interlocked.Increment(ref succeeded);
                    }
                    else
                    {
                        lock (errors)
                        {
                            errors.Add($"{app}: {result}");
                        }
                    }
                }
                catch (Exception e) when (e is SpotApiException or InvalidOperationException or DeploymentFailedException)
                {
                    lock (errors)
                    {
                        errors.Add($"{app}: {e.GetType().Name}: {e.Message}");
                    }
                }
            }
        })).ConfigureAwait(false);
        var elapsed = clock.Elapsed;
        var spotCalls = emulator.Calls.All.Where(c => c.Service == "spot").ToList();
        return new Measurement(runners * deployments, succeeded, runners * deployments - succeeded, elapsed, spotCalls.Count, spotCalls.Count(c => c.Status == 429), errors);
    }

    private static ElastigroupDocument Document(string app) => ElastigroupDocument.FromGroup(new JsonObject
    {
        ["name"] = app,
        ["region"] = "us-east-1",
        ["capacity"] = new JsonObject { ["minimum"] = 1, ["target"] = 1, ["maximum"] = 1, ["unit"] = "instance" },
        ["strategy"] = new JsonObject { ["risk"] = 100, ["fallbackToOd"] = true },
        ["compute"] = new JsonObject
        {
            ["product"] = "Linux/UNIX",
            ["availabilityZones"] = new JsonArray(new JsonObject { ["name"] = "us-east-1a", ["subnetIds"] = new JsonArray("subnet-1") }),
            ["instanceTypes"] = new JsonObject { ["ondemand"] = "t3.micro", ["spot"] = new JsonArray("t3.micro") },
            ["launchSpecification"] = new JsonObject { ["imageId"] = OldImage, ["healthCheckType"] = "NONE", ["securityGroupIds"] = new JsonArray("sg-1") },
        },
    });

    private static int Argument(string[] args, int index, int fallback) =>
        args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
}
