using System.Globalization;
using System.Text.Json.Nodes;
using Spot.Deploy.Planning;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli;

/// <summary>
/// <c>spot-deploy demo</c>: an embedded emulator seeded with two apps; a Canary (25/50/100) of "api", a Blue/Green of "web"
/// with a gradual traffic shift, then a Canary of "api" to an image that never becomes healthy, which is rolled back;
/// then a summary. With <c>--scenario analysis</c> (or <c>all</c>), a Canary of "shop" to a bad build that passes its
/// health checks but fails its CloudWatch analysis at the first phase and is rolled back (<see cref="DemoAnalysis"/>).
/// Exit 0 when each deployment ended as expected.
/// </summary>
internal static class Demo
{
    private sealed record Outcome(string Label, DeploymentStrategy Strategy, string App, string Image, DeploymentStatus Expected, DeploymentStatus Actual,
        TimeSpan Duration, IReadOnlyList<string> Before, IReadOnlyList<string> After, string? DeploymentId, string? Error)
    {
        /// <summary>The analysis that decided, when one did: the check, its values and the verdict.</summary>
        public AnalysisFailedException? Analysis { get; init; }
    }

    /// <summary>The scenarios: the three deployments, the analysis one, or all four.</summary>
    public static readonly string[] Scenarios = ["deployments", "analysis", "all"];

    public static async Task<int> RunAsync(EventWriter writer, bool realTime, string scenario, CancellationToken cancellationToken)
    {
        await using var sandbox = await Sandbox.StartAsync(realTime, cancellationToken: cancellationToken);
        sandbox.SeedApp("api", new Capacity(2, 4, 4), targetGroupArn: null, revision: true);
        sandbox.SeedApp("web", new Capacity(2, 2, 4), targetGroupArn: sandbox.BlueTargetGroup, revision: false);
        writer.Message(sandbox.IsVirtual
            ? "spot-deploy demo: embedded emulator on a virtual clock (instances boot in 30 s and are healthy 30 s later, virtual time)"
            : "spot-deploy demo: embedded emulator in real time (instances boot in 3 s and are healthy 2 s later)");
        writer.Message("seeded: api__1 2/4/4 (a Canary revision) and web 2/2/4 (Blue/Green production) on web-1.0 (" + Sandbox.ImageV1 + "); web-3.0 (" + Sandbox.BrokenImage + ") never becomes healthy");

        var outcomes = new List<Outcome>();
        if (scenario != "analysis")
        {
            await RunDeploymentsAsync(writer, sandbox, realTime, outcomes, cancellationToken);
        }

        if (scenario != "deployments")
        {
            var (request, options) = DemoAnalysis.Prepare(sandbox, realTime);
            writer.Message(string.Empty);
            writer.Message(DemoAnalysis.Introduction(sandbox));
            outcomes.Add(await RunOneAsync(writer, sandbox, "4 canary (bad build, analysis)", DeploymentStrategy.Canary, request.AppName, Sandbox.BadBuildImage, DeploymentStatus.RolledBack,
                () => new CanaryDeployment(sandbox.Services, request, options), cancellationToken));
        }

        return Summarize(writer, sandbox, outcomes);
    }

    private static async Task RunDeploymentsAsync(EventWriter writer, Sandbox sandbox, bool realTime, List<Outcome> outcomes, CancellationToken cancellationToken)
    {
        var canary = new CanaryDeploymentRequest { AppName = "api", Document = Sandbox.Document("api", null) }
            .AddPercentPhase(25).AddPercentPhase(50).AddPercentPhase(100);
        canary.UseImage(Sandbox.ImageV2);
        outcomes.Add(await RunOneAsync(writer, sandbox, "1 canary", DeploymentStrategy.Canary, canary.AppName, Sandbox.ImageV2, DeploymentStatus.Succeeded,
            () => new CanaryDeployment(sandbox.Services, canary, Options(realTime, failing: false)), cancellationToken));

        var blueGreen = new BlueGreenDeploymentRequest { AppName = "web", Document = Sandbox.Document("web", sandbox.BlueTargetGroup), TrafficShiftPercents = [10, 50, 100] };
        blueGreen.LoadBalancers.Add(sandbox.Routes);
        blueGreen.UseImage(Sandbox.ImageV2);
        outcomes.Add(await RunOneAsync(writer, sandbox, "2 blue/green", DeploymentStrategy.BlueGreen, blueGreen.AppName, Sandbox.ImageV2, DeploymentStatus.Succeeded,
            () => new BlueGreenDeployment(sandbox.Services, blueGreen, Options(realTime, failing: false)), cancellationToken));

        var broken = new CanaryDeploymentRequest { AppName = "api", Document = Sandbox.Document("api", null) }
            .AddPercentPhase(25).AddPercentPhase(100);
        broken.UseImage(Sandbox.BrokenImage);
        outcomes.Add(await RunOneAsync(writer, sandbox, "3 canary (broken image)", DeploymentStrategy.Canary, broken.AppName, Sandbox.BrokenImage, DeploymentStatus.RolledBack,
            () => new CanaryDeployment(sandbox.Services, broken, Options(realTime, failing: true)), cancellationToken));
    }

    private static int Summarize(EventWriter writer, Sandbox sandbox, List<Outcome> outcomes)
    {
        var ok = outcomes.All(o => o.Actual == o.Expected);
        var text = new System.Text.StringBuilder();
        text.AppendLine();
        text.AppendLine("SUMMARY");
        foreach (var o in outcomes)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"  {o.Label}: {o.Strategy} of {o.App} to {o.Image}: {o.Actual} (expected {o.Expected}) in {EventWriter.Clock(o.Duration)}{(sandbox.IsVirtual ? " virtual" : string.Empty)}"));
            text.AppendLine("    before: " + string.Join(", ", o.Before));
            text.AppendLine("    after:  " + string.Join(", ", o.After));
            if (o.Analysis is { } analysis)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    analysis: check '{analysis.Check}' saw {string.Join("; ", analysis.Values)}: Failed, rolled back");
            }
        }

        text.Append(ok ? "demo OK: every deployment ended as expected" : "demo FAILED: a deployment did not end as expected");
        var result = new JsonObject
        {
            ["command"] = "demo",
            ["ok"] = ok,
            ["exitCode"] = ok ? ExitCodes.Success : ExitCodes.NeedsAttention,
            ["virtualTime"] = sandbox.IsVirtual,
            ["deployments"] = new JsonArray([.. outcomes.Select(o => (JsonNode)new JsonObject
            {
                ["label"] = o.Label,
                ["strategy"] = o.Strategy.ToString(),
                ["app"] = o.App,
                ["image"] = o.Image,
                ["deploymentId"] = o.DeploymentId,
                ["status"] = o.Actual.ToString(),
                ["expected"] = o.Expected.ToString(),
                ["durationSeconds"] = o.Duration.TotalSeconds,
                ["before"] = new JsonArray([.. o.Before.Select(b => (JsonNode)b)]),
                ["after"] = new JsonArray([.. o.After.Select(a => (JsonNode)a)]),
                ["error"] = o.Error,
                ["analysis"] = o.Analysis is { } a
                    ? new JsonObject { ["check"] = a.Check, ["values"] = new JsonArray([.. a.Values.Select(v => (JsonNode)v)]), ["verdict"] = "Failed" }
                    : null,
            })]),
        };
        writer.Result(result, text.ToString());
        return ok ? ExitCodes.Success : ExitCodes.NeedsAttention;
    }

    internal static DeploymentOptions Options(bool realTime, bool failing)
    {
        var options = new DeploymentOptions { Owner = "spot-deploy demo" };
        if (realTime)
        {
            options.SteadyState = new SteadyStateOptions
            {
                Timeout = failing ? TimeSpan.FromSeconds(8) : TimeSpan.FromSeconds(60),
                InitialPollInterval = TimeSpan.FromMilliseconds(500),
                MaxPollInterval = TimeSpan.FromSeconds(1),
            };
        }
        else if (failing)
        {
            // Within the virtual clock's auto-advance limit: the wait gives up as soon as it starts (5 virtual minutes).
            options.SteadyState = new SteadyStateOptions { Timeout = TimeSpan.FromMinutes(5) };
        }

        return options;
    }

    private static async Task<Outcome> RunOneAsync(EventWriter writer, Sandbox sandbox, string label, DeploymentStrategy strategy, string app, string image, DeploymentStatus expected,
        Func<Deployment> create, CancellationToken cancellationToken)
    {
        writer.Message(string.Empty);
        writer.Message($"=== deployment {label} ===");
        var before = sandbox.Groups(app);
        var start = sandbox.Clock.GetUtcNow();
        DeploymentStatus actual;
        string? id = null;
        string? error = null;
        AnalysisFailedException? analysis = null;
        await using (var deployment = create())
        {
            try
            {
                var result = await deployment.RunAsync(writer, cancellationToken);
                actual = result.Status;
                id = result.DeploymentId;
            }
            catch (DeploymentFailedException e)
            {
                actual = e.Status;
                id = e.DeploymentId;
                error = e.Message;
                analysis = e.InnerException as AnalysisFailedException;
                if (expected == DeploymentStatus.RolledBack && e.Status == DeploymentStatus.RolledBack)
                {
                    writer.Message("  (expected) " + e.Message);
                }
                else
                {
                    writer.Message("  FAILED: " + e.Message);
                }
            }
        }

        return new Outcome(label, strategy, app, image, expected, actual,
            sandbox.Clock.GetUtcNow() - start, before, sandbox.Groups(app), id, error) { Analysis = analysis };
    }
}
