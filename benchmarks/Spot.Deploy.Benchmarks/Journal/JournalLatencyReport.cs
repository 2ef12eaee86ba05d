using System.Diagnostics;
using System.Globalization;
using Spot.Deploy.PostgreSql;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Benchmarks.Journal;

/// <summary>
/// <c>journal-latency</c>: the latency of each journal write a deployment makes (create, then one append per intent and
/// per result), on the file journal and on PostgreSQL, as percentiles — a deployment waits for every write before its
/// next cloud call, so the tail matters more than the mean (docs/performance.md#journal-latency). Every PostgreSQL
/// append is a transaction that also checks the app's lease (the fence); every file append is an fsync.
/// </summary>
/// <remarks>
/// PostgreSQL is the database in <c>SPOT_DEPLOY_POSTGRES</c> (a local cluster for the documented figures); without it
/// only the file journal is measured, and the report says so. Files go to <c>SPOT_DEPLOY_BENCH_DIR</c> or the temporary
/// directory.
/// </remarks>
internal static class JournalLatencyReport
{
    public const string Command = "journal-latency";

    public static async Task<int> RunAsync(string[] args)
    {
        var deployments = Option(args, "--deployments", 20);
        var appends = Option(args, "--appends", 50);
        Console.WriteLine($"journal-latency: {deployments} deployments × (1 create + {appends} appends) per store, one writer");

        var root = JournalBenchmarkData.Root("spot-deploy-journal-latency-");
        try
        {
            var files = new FileDeploymentJournal(Path.Combine(root, "journal"));
            var locks = new FileAppLock(Path.Combine(root, "locks"));
            Print("files", await MeasureAsync(files, locks, deployments, appends));
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }

        PostgreSqlStoreOptions options;
        try
        {
            options = PostgreSqlStoreOptions.FromEnvironment();
        }
        catch (InvalidOperationException)
        {
            Console.WriteLine($"postgres: not measured ({PostgreSqlStoreOptions.EnvironmentVariable} names no database).");
            return 0;
        }

        options.Schema = "spot_deploy_bench_" + Guid.NewGuid().ToString("N")[..8];
        await using var store = new PostgreSqlDeploymentStore(options);
        Console.WriteLine($"postgres: {store} (a schema created for this run)");
        Print("postgres", await MeasureAsync(store, store, deployments, appends));
        return 0;
    }

    private static async Task<Samples> MeasureAsync(IDeploymentJournal journal, IAppLock locks, int deployments, int appends)
    {
        var samples = new Samples();
        await WriteOneAsync(journal, locks, "warm-up", appends, new Samples()); // connections, schema, JIT: not a deployment's cost
        for (var d = 0; d < deployments; d++)
        {
            await WriteOneAsync(journal, locks, d.ToString("D4", CultureInfo.InvariantCulture), appends, samples);
        }

        return samples;
    }

    private static async Task WriteOneAsync(IDeploymentJournal journal, IAppLock locks, string label, int appends, Samples samples)
    {
        var id = "d-latency-" + label + "-" + Guid.NewGuid().ToString("N")[..8];
        var record = JournalBenchmarkData.Record(id);
        await using var lease = await locks.AcquireAsync(record.AppName, id);
        var watch = Stopwatch.StartNew();
        await journal.CreateAsync(record);
        samples.Create.Add(watch.Elapsed);
        for (var i = 0; i < appends; i++)
        {
            watch.Restart();
            await journal.AppendAsync(id, JournalBenchmarkData.Intent(i));
            samples.Append.Add(watch.Elapsed);
        }

        await journal.SetStatusAsync(id, DeploymentStatus.Succeeded);
    }

    private static void Print(string store, Samples samples)
    {
        Console.WriteLine($"{store,-9} create: {Percentiles(samples.Create)}");
        Console.WriteLine($"{store,-9} append: {Percentiles(samples.Append)}");
    }

    private static string Percentiles(List<TimeSpan> values)
    {
        var sorted = values.Order().ToArray();
        string At(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)].TotalMilliseconds.ToString("F2", CultureInfo.InvariantCulture);
        return $"n={sorted.Length} p50={At(0.50)} ms p90={At(0.90)} ms p99={At(0.99)} ms max={sorted[^1].TotalMilliseconds.ToString("F2", CultureInfo.InvariantCulture)} ms";
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
    }

    private sealed class Samples
    {
        public List<TimeSpan> Create { get; } = [];

        public List<TimeSpan> Append { get; } = [];
    }
}
