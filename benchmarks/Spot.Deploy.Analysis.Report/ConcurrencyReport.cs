using System.Globalization;

namespace Spot.Deploy.ReactionReport;

/// <summary>Prints what <see cref="ConcurrencyRun"/> measured: calls per measurement, refusals, and whether any surfaced.</summary>
internal static class ConcurrencyReport
{
    public static async Task<int> RunAsync(int[] numbers)
    {
        var deployments = numbers.ElementAtOrDefault(0) is > 0 and var d ? d : 100;
        var perSecond = numbers.ElementAtOrDefault(1) is > 0 and var p ? p : 9;
        var pace = numbers.Length > 2 ? numbers[2] : 9; // the connection's CloudWatchRequestsPerSecond (0: no pacing)
        var interval = TimeSpan.FromSeconds(15);
        const int measurements = 3;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{deployments} canaries at once (wall clock), one AWS connection, CloudWatch limited to {perSecond} calls/s, the connection pacing to {pace}/s; bake {measurements} x {interval.TotalSeconds:F0} s with an alarm check and a 5xx-ratio metric check"));
        var r = await ConcurrencyRun.MeasureAsync(deployments, perSecond, pace, interval, measurements);
        var answered = r.DescribeAlarms + r.GetMetricData;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"deployments succeeded     {r.Succeeded}/{r.Deployments} in {r.Elapsed.TotalSeconds:F0} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"measurements              {r.Measurements} ({r.Measurements / (double)Math.Max(1, r.Deployments):F1} per deployment)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CloudWatch calls answered {answered}: DescribeAlarms {r.DescribeAlarms}, GetMetricData {r.GetMetricData} = {answered / (double)Math.Max(1, r.Measurements):F2} per measurement (one per check)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CloudWatch refusals       {r.Throttled} Throttling answers of {r.CloudWatchCalls} calls (each retried, paced)"));
        var surfaced = r.InconclusiveFromCloudWatch;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT surfaced to a deployment: {surfaced} measurement(s) inconclusive because of CloudWatch; {r.Deployments - r.Succeeded} deployment(s) not succeeded"));
        foreach (var detail in r.SurfacedDetails)
        {
            Console.WriteLine("  e.g. " + detail);
        }

        return surfaced == 0 && r.Succeeded == r.Deployments ? 0 : 1;
    }
}
