using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Spot.Deploy.Cli;
using Spot.Deploy.Cli.Tests;

namespace Spot.Deploy.Runners.Tests;

/// <summary>How big a fleet run is, and its seed.</summary>
internal sealed class FleetSettings
{
    public int Runners { get; init; } = 4;

    public int DeploymentsPerRunner { get; init; } = 50;

    public int Apps { get; init; } = 20;

    public int Seed { get; init; }

    /// <summary>The share of deployments of the never-healthy image: they fail and are rolled back (exit 1).</summary>
    public double BrokenShare { get; init; } = 0.1;

    /// <summary>Seconds a group may take to become healthy: what a broken image costs.</summary>
    public int SteadyStateTimeoutSeconds { get; init; } = 6;

    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The app names: <c>svc-01</c>, <c>svc-02</c> …</summary>
    public IReadOnlyList<string> AppNames => [.. Enumerable.Range(1, Apps).Select(i => "svc-" + i.ToString("00", CultureInfo.InvariantCulture))];
}

/// <summary>One deployment a runner was given: which app, how, to which image.</summary>
internal sealed record PlannedDeployment(int Runner, int Number, string App, string Strategy, string Image)
{
    public bool IsBroken => Image == Sandbox.BrokenImage;

    public override string ToString() => $"runner {Runner} #{Number}: {Strategy} {App} -> {Image}";
}

/// <summary>What a runner's <c>spot-deploy deploy</c> ended with (after any "locked" refusals, tried again later).</summary>
internal sealed record DeploymentOutcome(PlannedDeployment Planned, int ExitCode, int LockedRefusals, TimeSpan Duration, string Error);

/// <summary>The figures of a fleet run.</summary>
internal sealed record FleetResult(IReadOnlyList<DeploymentOutcome> Outcomes, TimeSpan Elapsed, int RateLimited, int MutatingCalls)
{
    public int Succeeded => Outcomes.Count(o => o.ExitCode == ExitCodes.Success);

    public int RolledBack => Outcomes.Count(o => o.ExitCode == ExitCodes.RolledBack);

    /// <summary>Outcomes other than the expected one: success for a good image, rolled back for the broken one.</summary>
    public IReadOnlyList<DeploymentOutcome> Failed => [.. Outcomes.Where(o => o.ExitCode != (o.Planned.IsBroken ? ExitCodes.RolledBack : ExitCodes.Success))];

    public int LockedRefusals => Outcomes.Sum(o => o.LockedRefusals);

    public double PerMinute => Outcomes.Count / Elapsed.TotalMinutes;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Outcomes.Count} deployments in {Elapsed.TotalSeconds:F1} s = {PerMinute:F1}/min: {Succeeded} succeeded, {RolledBack} rolled back (broken image), {Failed.Count} failed; {LockedRefusals} 'locked' refusals tried again later; {RateLimited} Spot 429s; {MutatingCalls} mutating calls");
}

/// <summary>
/// Runners as a CI fleet runs them: each runner is a loop that starts one <c>spot-deploy deploy … --state postgres</c>
/// process after another, all against one emulator process and one database. The deployments are drawn from a seed:
/// app, strategy (basic, or a canary 50/100) and image (web-1.0, web-2.0, or now and then web-3.0, which never becomes
/// healthy and is rolled back). A runner whose deployment is refused because another runner holds the app's lease
/// (exit 4, "locked") tries it again later, after its other deployments — the documented way to share apps between
/// runners; the CLI never waits for a lease.
/// </summary>
internal sealed class RunnerFleet(EmulatorProcess emulator, RunnerDatabase database, string workDirectory, FleetSettings settings)
{
    /// <summary>Each runner's deployments, in the order it starts them.</summary>
    public static IReadOnlyList<IReadOnlyList<PlannedDeployment>> Plan(FleetSettings settings)
    {
        var random = new Random(settings.Seed);
        var apps = settings.AppNames;
        return [.. Enumerable.Range(1, settings.Runners).Select(runner => (IReadOnlyList<PlannedDeployment>)[.. Enumerable.Range(1, settings.DeploymentsPerRunner).Select(number =>
            new PlannedDeployment(
                runner,
                number,
                apps[random.Next(apps.Count)],
                random.Next(2) == 0 ? "basic" : "canary",
                random.NextDouble() < settings.BrokenShare ? Sandbox.BrokenImage : random.Next(2) == 0 ? Sandbox.ImageV1 : Sandbox.ImageV2))])];
    }

    /// <summary>The environment of a runner's CLI processes: the emulator's credentials and the database.</summary>
    public static Dictionary<string, string?> Environment(EmulatorProcess emulator, RunnerDatabase database, TimeSpan? leaseTime = null)
    {
        var environment = new Dictionary<string, string?>(emulator.Environment)
        {
            ["SPOT_DEPLOY_POSTGRES"] = database.ConnectionString,
            [StateStores.LeaseTimeVariable] = leaseTime is { } lease ? lease.TotalSeconds.ToString(CultureInfo.InvariantCulture) : null,
        };
        return environment;
    }

    /// <summary>The document of each app (as the sandbox seeds it), written once into the work folder.</summary>
    public static async Task<string> DocumentAsync(EmulatorProcess emulator, string workDirectory, string app)
    {
        var path = Path.Combine(workDirectory, app + ".json");
        if (!File.Exists(path))
        {
            await File.WriteAllTextAsync(path, Sandbox.Document(app, emulator.BlueTargetGroup).ToJsonString());
        }

        return path;
    }

    /// <summary>The arguments of one <c>deploy</c>: fast health polls, a short steady-state timeout, the lease in PostgreSQL.</summary>
    public static string[] DeployArguments(EmulatorProcess emulator, PlannedDeployment planned, string document, int steadyStateTimeoutSeconds) =>
    [
        "deploy", planned.Strategy, "--app", planned.App, "--adopt", "--image", planned.Image, "--document", document,
        .. planned.Strategy == "canary" ? new[] { "--phase", "50", "--phase", "100" } : [],
        "--state", "postgres", "--poll-interval", "0.25", "--steady-state-timeout", steadyStateTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
        .. emulator.EndpointFlags,
    ];

    public async Task<FleetResult> RunAsync(Action<string> log)
    {
        var plan = Plan(settings);
        foreach (var app in settings.AppNames)
        {
            await DocumentAsync(emulator, workDirectory, app);
        }

        var before = await emulator.CallsAsync() is { Count: > 0 } earlier ? earlier[^1].Sequence : 0;
        var outcomes = new ConcurrentBag<DeploymentOutcome>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(plan.Select(deployments => Task.Run(() => RunRunnerAsync(deployments, outcomes, log))));
        clock.Stop();
        var calls = await emulator.CallsAsync(before);
        return new FleetResult([.. outcomes.OrderBy(o => o.Planned.Runner).ThenBy(o => o.Planned.Number)], clock.Elapsed,
            calls.Count(c => c.Status == 429), calls.Count(c => c.IsMutating));
    }

    /// <summary>
    /// Everything the runs must have left, as a list of problems (empty when all is well): every journal finished and
    /// whole (sequences 1…n, every intent answered by a result, one fencing token per deployment); the deployments of an
    /// app one at a time (each starts after the previous one finished, with a larger token); and each app with exactly
    /// one live group, running the image of its last successful deployment (web-1.0, as seeded, when none succeeded).
    /// </summary>
    public static async Task<List<string>> VerifyAsync(EmulatorProcess emulator, RunnerDatabase database, IEnumerable<string> apps)
    {
        var problems = new List<string>();
        var deployments = await database.DeploymentsAsync();
        var tokens = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var deployment in deployments)
        {
            if (deployment.Status is not ("succeeded" or "rolledBack"))
            {
                problems.Add($"{deployment.Id} ended {deployment.Status}");
            }

            var entries = await database.EntriesAsync(deployment.Id);
            if (!entries.Select(e => e.Sequence).SequenceEqual(Enumerable.Range(1, entries.Count).Select(i => (long)i)))
            {
                problems.Add($"{deployment.Id}: entry sequences are not 1..{entries.Count}: {string.Join(",", entries.Select(e => e.Sequence))}");
            }

            foreach (var intent in entries.Where(e => e.Kind == "intent"))
            {
                if (!entries.Any(e => e.Kind == "result" && e.StepId == intent.StepId && e.Sequence > intent.Sequence))
                {
                    problems.Add($"{deployment.Id}: intent #{intent.Sequence} ({intent.StepId}) has no result");
                }
            }

            var written = entries.Select(e => e.Token).Distinct().ToList();
            if (written.Count != 1 || written[0] is null)
            {
                problems.Add($"{deployment.Id}: written under fencing tokens [{string.Join(",", written)}], not under one lease");
            }
            else
            {
                tokens[deployment.Id] = written[0]!.Value;
            }
        }

        foreach (var app in apps)
        {
            var ofApp = deployments.Where(d => d.App == app).ToList();
            for (var i = 1; i < ofApp.Count; i++)
            {
                var (previous, next) = (ofApp[i - 1], ofApp[i]);
                if (previous.FinishedAt is not { } finished || finished > next.StartedAt)
                {
                    problems.Add($"{app}: {next.Id} started at {next.StartedAt:O} before {previous.Id} finished ({previous.FinishedAt:O})");
                }

                if (tokens.TryGetValue(previous.Id, out var a) && tokens.TryGetValue(next.Id, out var b) && b <= a)
                {
                    problems.Add($"{app}: {next.Id} has fencing token {b}, not above {previous.Id}'s {a}");
                }
            }

            var expected = ofApp.LastOrDefault(d => d.Status == "succeeded")?.Image ?? Sandbox.ImageV1;
            var groups = (await emulator.Spot.ListGroupsAsync(app))
                .Where(g => g.Name == app || g.Name!.StartsWith(app + "__", StringComparison.Ordinal)).ToList();
            var live = groups.Where(g => g.Capacity?.Target > 0).ToList();
            var summary = string.Join(" | ", groups.Select(g => $"{g.Name} {g.Capacity?.Target} {g.Compute?.LaunchSpecification?.ImageId}"));
            if (live.Count != 1 || live[0].Compute?.LaunchSpecification?.ImageId != expected)
            {
                problems.Add($"{app}: expected one live group on {expected} (its last successful deployment), found: {summary}");
            }
        }

        return problems;
    }

    private async Task RunRunnerAsync(IReadOnlyList<PlannedDeployment> deployments, ConcurrentBag<DeploymentOutcome> outcomes, Action<string> log)
    {
        var environment = Environment(emulator, database);
        var queue = new Queue<(PlannedDeployment Planned, int Locked, TimeSpan Spent)>(deployments.Select(d => (d, 0, TimeSpan.Zero)));
        while (queue.TryDequeue(out var next))
        {
            var document = await DocumentAsync(emulator, workDirectory, next.Planned.App);
            var clock = Stopwatch.StartNew();
            var (code, _, error) = await CliProcess.RunAsync(DeployArguments(emulator, next.Planned, document, settings.SteadyStateTimeoutSeconds), environment, settings.CommandTimeout);
            var spent = next.Spent + clock.Elapsed;
            if (code == ExitCodes.Locked && next.Locked < 500)
            {
                // Another runner deploys the app: go on with the others and try this one again later.
                queue.Enqueue((next.Planned, next.Locked + 1, spent));
                if (queue.Peek().Planned.App == next.Planned.App)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100));
                }

                continue;
            }

            var outcome = new DeploymentOutcome(next.Planned, code, next.Locked, spent, error.Trim());
            outcomes.Add(outcome);
            log(string.Create(CultureInfo.InvariantCulture, $"{next.Planned}: exit {code} after {spent.TotalSeconds:F1} s{(next.Locked > 0 ? $" ({next.Locked}x locked)" : string.Empty)}{(code is 0 or 1 ? string.Empty : ": " + error.Trim())}"));
        }
    }
}
