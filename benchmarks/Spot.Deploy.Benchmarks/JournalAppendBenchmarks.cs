using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Benchmarks;

/// <summary>
/// The file journal (format 2) as a long deployment uses it: a record with a realistic plan, then N intents appended one
/// by one, each on the disk (fsync) before it returns; and reading the whole journal back, as a resume does. The cost
/// per entry must not grow with N (docs/performance.md#journal).
/// </summary>
/// <remarks>
/// Every append is a real fsync, so the figures are the disk's: one invocation per iteration, a few iterations. The
/// journals go to the temporary directory, or to <c>SPOT_DEPLOY_BENCH_DIR</c> when set (e.g. <c>/dev/shm</c>, where a
/// flush costs nothing and what remains is the journal's own work).
/// </remarks>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10, invocationCount: 1)]
[MemoryDiagnoser]
public class JournalAppendBenchmarks
{
    private const string Id = "d-bench";
    private string _root = string.Empty;
    private FileDeploymentJournal _journal = null!;

    /// <summary>Entries appended per invocation.</summary>
    [Params(100, 1_000, 10_000)]
    public int EntryCount { get; set; }

    [GlobalSetup]
    public void GlobalSetup() => _root = JournalBenchmarkData.Root("spot-deploy-journal-bench-");

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [IterationSetup(Target = nameof(AppendEntries))]
    public void NewJournal()
    {
        var directory = Path.Combine(_root, Guid.NewGuid().ToString("N"));
        _journal = new FileDeploymentJournal(directory);
        _journal.CreateAsync(JournalBenchmarkData.Record(Id)).GetAwaiter().GetResult();
    }

    [IterationSetup(Target = nameof(LoadJournal))]
    public void FullJournal()
    {
        NewJournal();
        AppendEntries().GetAwaiter().GetResult();
    }

    /// <summary>N appends, each flushed to the disk: what a deployment of N/2 steps writes (an intent and a result each).</summary>
    [Benchmark]
    public async Task AppendEntries()
    {
        for (var i = 0; i < EntryCount; i++)
        {
            await _journal.AppendAsync(Id, JournalBenchmarkData.Intent(i));
        }
    }

    /// <summary>Reading a journal of N entries back from a new instance, as a resume in another process does.</summary>
    [Benchmark]
    public async Task<int> LoadJournal() =>
        (await new FileDeploymentJournal(_journal.Directory).LoadAsync(Id))!.Entries.Count;
}

/// <summary>
/// For comparison only, the algorithm of journal format 1, which every earlier version used: each append serializes the
/// whole record, writes it to a temporary file, flushes it and renames it over the journal. Its cost per append grows
/// with the entries before it (quadratic in total), so it is measured up to 1,000 entries only.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10, invocationCount: 1)]
[MemoryDiagnoser]
public class JournalRewriteBaselineBenchmarks
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };
    private string _root = string.Empty;
    private string _path = string.Empty;

    /// <summary>Entries appended per invocation.</summary>
    [Params(100, 1_000)]
    public int EntryCount { get; set; }

    [GlobalSetup]
    public void GlobalSetup() => _root = JournalBenchmarkData.Root("spot-deploy-journal-baseline-");

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [IterationSetup]
    public void NewJournal()
    {
        var directory = Path.Combine(_root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, "d-bench.json");
    }

    [Benchmark(Baseline = true)]
    public void RewriteWholeFilePerAppend()
    {
        var record = JournalBenchmarkData.Record("d-bench");
        var entries = new List<JournalEntry>();
        for (var i = 0; i < EntryCount; i++)
        {
            entries.Add(JournalBenchmarkData.Intent(i));
            var document = new { formatVersion = 1, deployment = new { record.Id, record.AppName, record.Strategy, record.StartedAt, record.Request, record.Plan, record.Status, Entries = entries } };
            var temp = _path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 16 * 1024))
            {
                JsonSerializer.Serialize(stream, document, Options);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, _path, overwrite: true);
        }
    }
}

/// <summary>What the journal benchmarks write: a record with a plan of a 10-phase canary and intents like the engine's.</summary>
internal static class JournalBenchmarkData
{
    /// <summary>A new directory under <c>SPOT_DEPLOY_BENCH_DIR</c>, or under the temporary directory.</summary>
    public static string Root(string prefix) =>
        Path.Combine(Environment.GetEnvironmentVariable("SPOT_DEPLOY_BENCH_DIR") is { Length: > 0 } root ? root : Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));

    public static DeploymentRecord Record(string id)
    {
        var operations = new JsonArray();
        for (var i = 0; i < 20; i++)
        {
            operations.Add(new JsonObject
            {
                ["type"] = "scaleGroup",
                ["stepId"] = "s" + i,
                ["group"] = new JsonObject { ["name"] = "web__8", ["role"] = "New" },
                ["to"] = new JsonObject { ["minimum"] = i, ["target"] = i, ["maximum"] = i, ["unit"] = "instance" },
                ["wait"] = true,
            });
        }

        return new DeploymentRecord
        {
            Id = id,
            AppName = "web",
            Strategy = "Canary",
            Request = new JsonObject { ["image"] = "ami-0123456789abcdef0", ["phases"] = new JsonArray(10, 20, 30, 40, 50, 60, 70, 80, 90, 100) },
            Plan = new JsonObject { ["format"] = 2, ["operations"] = operations },
        };
    }

    public static JournalEntry Intent(int i) =>
        JournalEntry.Intent("s" + i, "scaleGroup", new JsonObject
        {
            ["groupId"] = "sig-0123abcd",
            ["groupName"] = "web__8",
            ["minimum"] = i % 100,
            ["target"] = i % 100,
            ["maximum"] = i % 100,
            ["retry"] = false,
        });
}
