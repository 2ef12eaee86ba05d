using System.Text.Json.Nodes;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Emulator;
using Spot.Deploy.Strategies;
using Spot.Deploy.Testing;

namespace Spot.Deploy.ReactionReport;

/// <summary>
/// One canary (25, 50, 100 %) on an in-process emulator and a virtual clock: after phase 1 a bake of three intervals
/// starts (with the analysis, or beside it the background analysis); the new image goes bad at a given offset into the
/// second interval; the result is the virtual time from the breach to the rollback's first mutating call.
/// </summary>
internal static class ReactionRun
{
    private const string OldImage = "ami-0000000000000aaa1";
    private const string NewImage = "ami-0000000000000bbb2";

    public static async Task<TimeSpan> MeasureAsync(bool background, TimeSpan interval, TimeSpan offset)
    {
        var clock = new VirtualClock { AutoAdvanceLimit = TimeSpan.FromMinutes(10) };
        await using var emulator = await SpotDeployEmulator.StartAsync(new EmulatorOptions { TimeProvider = clock, BootTime = TimeSpan.FromSeconds(30), HealthCheckDelay = TimeSpan.FromSeconds(30) });
        using var spot = new ElastigroupClient(new ElastigroupClientOptions
        {
            BaseAddress = emulator.SpotBaseAddress,
            Token = emulator.Options.SpotToken,
            AccountId = emulator.Options.AccountId,
            TimeProvider = clock,
            AttemptTimeout = TimeSpan.FromHours(1),
            RandomSeed = 7,
        });
        var services = new DeploymentServices(spot, null, new InMemoryDeploymentJournal(clock), new InProcessAppLock(), clock);
        emulator.State.SeedImage(OldImage, "web-1.0", clock.GetUtcNow().AddDays(-10));
        emulator.State.SeedImage(NewImage, "web-2.0", clock.GetUtcNow().AddDays(-1));
        emulator.State.SeedGroup(Group("web__3", OldImage, 2, 4, 6));

        var analysis = new Strategies.Analysis
        {
            Interval = interval,
            Checks = [new EmulatorErrorRatioCheck(emulator.State) { Name = "error-ratio", Threshold = Threshold.Parse("< 0.01") }],
        };
        var options = new DeploymentOptions { Bake = interval * 3 };
        if (background)
        {
            options.BackgroundAnalysis = analysis;
        }
        else
        {
            options.BakeAnalysis = analysis;
        }

        var gate = new object();
        DateTimeOffset? breach = null;
        var callsAtRollback = -1;
        ITimer? breachTimer = null;
        var progress = new SyncProgress(e =>
        {
            if (e is StageCompletedEvent { Name: "phase 1 of 3 (25 %)" })
            {
                // The bake and the background analysis start now. A periodic timer (a watcher: it never moves the
                // virtual clock itself) fires as the deployment's own waits pass the breach time.
                breachTimer = clock.CreateTimer(_ =>
                {
                    lock (gate)
                    {
                        if (breach is null)
                        {
                            breach = clock.GetUtcNow();
                            emulator.State.SetImageErrorRate(NewImage, 1.0);
                        }
                    }
                }, null, interval + offset, TimeSpan.FromDays(1));
            }
            else if (e is RollbackStartedEvent)
            {
                callsAtRollback = emulator.Calls.All.Count;
            }
        });

        var request = new CanaryDeploymentRequest { AppName = "web", Document = ElastigroupDocument.FromGroup(Group("web", OldImage, 1, 1, 1)) };
        request.UseImage(NewImage);
        request.AddPercentPhase(25);
        request.AddPercentPhase(50);
        request.AddPercentPhase(100);
        try
        {
            await new CanaryDeployment(services, request, options).RunAsync(progress);
            throw new InvalidOperationException("The deployment succeeded: the breach was not noticed.");
        }
        catch (DeploymentFailedException e) when (e.Status == DeploymentStatus.RolledBack)
        {
            // Expected: the analysis failed and the deployment was rolled back.
        }
        finally
        {
            breachTimer?.Dispose();
        }

        var firstRollbackCall = emulator.Calls.All.Skip(callsAtRollback).First(c => c.IsMutating);
        lock (gate)
        {
            return firstRollbackCall.Time - (breach ?? throw new InvalidOperationException("The breach never happened."));
        }
    }

    private static JsonObject Group(string name, string image, int minimum, int target, int maximum) => new()
    {
        ["name"] = name,
        ["description"] = "web app",
        ["region"] = "us-east-1",
        ["capacity"] = new JsonObject { ["minimum"] = minimum, ["target"] = target, ["maximum"] = maximum, ["unit"] = "instance" },
        ["strategy"] = new JsonObject { ["risk"] = 100, ["fallbackToOd"] = true, ["availabilityVsCost"] = "balanced" },
        ["compute"] = new JsonObject
        {
            ["product"] = "Linux/UNIX",
            ["availabilityZones"] = new JsonArray(new JsonObject { ["name"] = "us-east-1a", ["subnetIds"] = new JsonArray("subnet-1") }),
            ["instanceTypes"] = new JsonObject { ["ondemand"] = "t3.micro", ["spot"] = new JsonArray("t3.micro", "t3.small") },
            ["launchSpecification"] = new JsonObject { ["imageId"] = image, ["securityGroupIds"] = new JsonArray("sg-123") },
        },
    };

    private sealed class SyncProgress(Action<DeploymentEvent> report) : IProgress<DeploymentEvent>
    {
        public void Report(DeploymentEvent value) => report(value);
    }
}

/// <summary>The new group's 5xx ratio since the check's last reading, from the emulator's traffic model.</summary>
internal sealed class EmulatorErrorRatioCheck(EmulatorState state) : MetricCheck
{
    private TrafficCount _last = new(0, 0);

    public override Task<MetricReading> ReadAsync(AnalysisContext context, CancellationToken cancellationToken = default)
    {
        var now = state.GetGroupTraffic(context.NewGroupId ?? throw new InvalidOperationException("No new group yet."));
        var (requests, errors) = (now.Requests - _last.Requests, now.Errors - _last.Errors);
        _last = now;
        return Task.FromResult(requests == 0 ? MetricReading.None("no requests since the last reading") : MetricReading.Of((double)errors / requests));
    }
}
