using System.Globalization;
using Spot.Deploy.ReactionReport;

// dotnet run -c Release --project benchmarks/Spot.Deploy.Analysis.Report -- [runs per kind] [seed]
// dotnet run -c Release --project benchmarks/Spot.Deploy.Analysis.Report -- concurrency [deployments] [CloudWatch calls per second] [pace]
//   Defaults 100, 9 (CloudWatch's DescribeAlarms quota; the emulator applies it to every action) and 9 (the connection's
//   CloudWatchRequestsPerSecond; 0: no pacing). See ConcurrencyRun.
//   Exit 0 when every deployment succeeded and no measurement was inconclusive because CloudWatch refused it.
// Defaults: 8 runs, seed 14. For a bake and for a background analysis, measured every minute, a canary's new build goes
// bad (the emulator answers all its requests with 5xx from then on) at a virtual time drawn within a measurement
// interval; the report measures, on the virtual clock, from that moment to the first mutating call of the rollback in the
// emulator's call log, and compares the spread with the interval. Exit 0 when every run rolled back within one interval.
if (args.FirstOrDefault() == "concurrency")
{
    return await ConcurrencyReport.RunAsync(args.Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray());
}

var numbers = args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray();
var runs = numbers.ElementAtOrDefault(0) is > 0 and var n ? n : 8;
var seed = numbers.ElementAtOrDefault(1) is > 0 and var s ? s : 14;
var interval = TimeSpan.FromMinutes(1);
var random = new Random(seed);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{runs} runs per kind, seed {seed}, interval {interval.TotalSeconds:F0} s; error ratio check (new group's 5xx / requests since its last reading) < 0.01"));

var ok = true;
foreach (var background in new[] { false, true })
{
    var reactions = new List<double>();
    for (var i = 0; i < runs; i++)
    {
        // One breach per run, spread over the interval: run i within [i/runs, (i+1)/runs) of it, drawn.
        var offset = TimeSpan.FromTicks((long)(interval.Ticks * (i + random.NextDouble()) / runs));
        var reaction = await ReactionRun.MeasureAsync(background, interval, offset);
        reactions.Add(reaction.TotalSeconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {(background ? "background" : "bake"),-10} breach {offset.TotalSeconds,5:F1} s into an interval -> first rollback call after {reaction.TotalSeconds,5:F1} s"));
    }

    reactions.Sort();
    var within = reactions[^1] <= interval.TotalSeconds;
    ok &= within;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"RESULT {(background ? "background analysis" : "bake"),-19} min {reactions[0]:F1} s, median {reactions[reactions.Count / 2]:F1} s, max {reactions[^1]:F1} s (virtual); interval {interval.TotalSeconds:F0} s: {(within ? "within one interval" : "OVER one interval")}"));
}

return ok ? 0 : 1;
