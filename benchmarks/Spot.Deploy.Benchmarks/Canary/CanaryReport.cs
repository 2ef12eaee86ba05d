using System.Globalization;
using System.Text;

namespace Spot.Deploy.Benchmarks.Canary;

/// <summary>
/// The deterministic figures of the canary simulation (virtual time and API calls), printed as Markdown:
/// <c>dotnet run -c Release --project benchmarks/Spot.Deploy.Benchmarks -- canary-report [B…]</c>.
/// </summary>
public static class CanaryReport
{
    public const string Command = "canary-report";

    /// <summary>The health-check delay H of every run.</summary>
    public static readonly TimeSpan HealthCheckDelay = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(string[] args)
    {
        var boots = args.Length > 0
            ? args.Select(a => double.Parse(a, CultureInfo.InvariantCulture)).ToArray()
            : [.. Enumerable.Range(90, 20).Select(b => (double)b)];
        var output = new StringBuilder();
        output.AppendLine(CultureInfo.InvariantCulture, $"H = {HealthCheckDelay.TotalSeconds} s, previous group at 4, canary 25/50/100 % (new group 1, 2, 4).");
        output.AppendLine();
        output.AppendLine("| B (s) | policy | completion (s) | lower bound 3(B+H) (s) | observed bound (s) | overhead | polls | calls (all) | Spot calls | poll calls | detection lag per growth wait (s) |");
        output.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        var details = new StringBuilder();
        var all = new List<CanaryMeasurement>();
        foreach (var boot in boots)
        {
            foreach (var policy in Enum.GetValues<PollingPolicy>())
            {
                var m = await MeasureAsync(policy, TimeSpan.FromSeconds(boot)).ConfigureAwait(false);
                all.Add(m);
                var growth = m.Waits.Where(w => w.Unavoidable > 0).Select(w => CanarySimulation.Format(w.Lag));
                output.AppendLine(CultureInfo.InvariantCulture, $"| {CanarySimulation.Format(boot)} | {policy} | {CanarySimulation.Format(m.Completion.TotalSeconds)} | {CanarySimulation.Format(m.ModelLowerBound.TotalSeconds)} | {CanarySimulation.Format(m.ObservedLowerBound.TotalSeconds)} | {m.OverheadPercent.ToString("0.00", CultureInfo.InvariantCulture)} % | {m.Polls} | {m.Calls} | {m.SpotCalls} | {m.PollCalls} | {string.Join(" / ", growth)} |");
                details.AppendLine(CultureInfo.InvariantCulture, $"B = {CanarySimulation.Format(boot)} s, {policy}: {string.Join(", ", m.CallsByRoute.Select(c => $"{c.Key} ×{c.Value}"))}");
                foreach (var w in m.Waits)
                {
                    details.AppendLine(CultureInfo.InvariantCulture, $"  {w.Group} → {w.Target}: changed at {CanarySimulation.Format(w.Start)} s, steady at {CanarySimulation.Format(w.Ready)} s, detected at {CanarySimulation.Format(w.Detected)} s after {w.Polls} poll(s)");
                }
            }
        }

        output.AppendLine();
        output.AppendLine("| policy | runs | mean completion (s) | mean lower bound (s) | mean overhead | max overhead | runs within 5 % | mean polls | mean calls (all) | mean Spot calls |");
        output.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var group in all.GroupBy(m => m.Policy))
        {
            output.AppendLine(CultureInfo.InvariantCulture, $"| {group.Key} | {group.Count()} | {group.Average(m => m.Completion.TotalSeconds):0.##} | {group.Average(m => m.ModelLowerBound.TotalSeconds):0.##} | {group.Average(m => m.OverheadPercent):0.00} % | {group.Max(m => m.OverheadPercent):0.00} % | {group.Count(m => m.OverheadPercent <= 5)} | {group.Average(m => m.Polls):0.#} | {group.Average(m => m.Calls):0.#} | {group.Average(m => m.SpotCalls):0.#} |");
        }

        Console.WriteLine(output);
        Console.WriteLine(details);
        return 0;
    }

    /// <summary>One simulated deployment on a fresh emulator.</summary>
    public static async Task<CanaryMeasurement> MeasureAsync(PollingPolicy policy, TimeSpan boot)
    {
        await using var simulation = await CanarySimulation.StartAsync(boot, HealthCheckDelay).ConfigureAwait(false);
        return await simulation.RunAsync(policy).ConfigureAwait(false);
    }
}
