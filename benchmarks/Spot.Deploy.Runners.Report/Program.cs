using System.Globalization;
using Spot.Deploy.Cli.Tests;
using Spot.Deploy.PostgreSql.Tests;
using Spot.Deploy.Runners.Tests;

// dotnet run -c Release --project benchmarks/Spot.Deploy.Runners.Report -- [runners] [deployments per runner] [apps] [seed]
// Defaults: 4 50 20, a drawn seed (printed). Starts a throwaway PostgreSQL, one emulator process (instances boot in 0.3 s,
// healthy 0.3 s later) and the runners (each a loop of spot-deploy processes), then prints the figures and checks what
// the runs left (RunnerFleet.VerifyAsync). Exit 0 when nothing failed and every check holds.
var numbers = args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray();
var settings = new FleetSettings
{
    Runners = numbers.ElementAtOrDefault(0) is > 0 and var r ? r : 4,
    DeploymentsPerRunner = numbers.ElementAtOrDefault(1) is > 0 and var d ? d : 50,
    Apps = numbers.ElementAtOrDefault(2) is > 0 and var a ? a : 20,
    Seed = numbers.ElementAtOrDefault(3) is > 0 and var s ? s : Random.Shared.Next(1, 1_000_000),
    CommandTimeout = TimeSpan.FromMinutes(5),
};
Console.WriteLine($"{settings.Runners} runners x {settings.DeploymentsPerRunner} deployments over {settings.Apps} apps, seed {settings.Seed}; {Environment.ProcessorCount} cores");

await using var server = await PostgreSqlServer.StartAsync();
var database = await RunnerDatabase.CreateAsync(server);
using var emulator = await EmulatorProcess.StartAsync(settings.AppNames, ["--boot-time", "0.3", "--health-delay", "0.3"]);
var work = Directory.CreateTempSubdirectory("spot-deploy-runners-report-").FullName;
try
{
    var result = await new RunnerFleet(emulator, database, work, settings).RunAsync(Console.WriteLine);
    var problems = await RunnerFleet.VerifyAsync(emulator, database, settings.AppNames);
    var durations = result.Outcomes.Select(o => o.Duration.TotalSeconds).Order().ToList();
    Console.WriteLine();
    Console.WriteLine("RESULT " + result);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"per deployment (incl. 'locked' retries): median {durations[durations.Count / 2]:F1} s, p90 {durations[(int)(durations.Count * 0.9)]:F1} s, max {durations[^1]:F1} s"));
    Console.WriteLine(problems.Count == 0 ? "checks: every journal whole, one deployment at a time per app, every app as its last success left it" : "CHECKS FAILED:\n  " + string.Join("\n  ", problems));
    return problems.Count == 0 && result.Failed.Count == 0 ? 0 : 1;
}
finally
{
    Directory.Delete(work, recursive: true);
}
