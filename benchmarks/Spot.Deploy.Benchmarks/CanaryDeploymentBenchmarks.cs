using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Spot.Deploy.Benchmarks.Canary;

namespace Spot.Deploy.Benchmarks;

// A whole 3-phase canary (25 / 50 / 100 % over a previous revision at 4 instances) end to end over HTTP
// against the in-process emulator, on a fake clock (see Canary/CanarySimulation.cs). Two kinds of figures:
//  - BenchmarkDotNet's own (Mean, Allocated): the real time and memory the simulated deployment costs this
//    process — our orchestration, both HTTP clients and, because it runs in the same process, the emulator's
//    server side. Each iteration gets a fresh emulator and account ([IterationSetup], not measured).
//  - The custom columns: the virtual completion time, its lower bound 3 × (B + H), the overhead over it,
//    and the API calls. They are deterministic; the columns compute them with one extra simulated run per
//    case in the host process. `dotnet run ... -- canary-report` prints them for more boot times.
[MemoryDiagnoser]
[Config(typeof(CanaryConfig))]
public class CanaryDeploymentBenchmarks
{
    private CanarySimulation _simulation = null!;

    [Params(PollingPolicy.Adaptive, PollingPolicy.Fixed20s)]
    public PollingPolicy Policy { get; set; }

    /// <summary>The emulator's boot time B in seconds (H is 30 s): B + H = 120 s is a multiple of 20 s, 130 s is not.</summary>
    [Params(90, 100)]
    public int BootSeconds { get; set; }

    [IterationSetup]
    public void IterationSetup() =>
        _simulation = CanarySimulation.StartAsync(TimeSpan.FromSeconds(BootSeconds), CanaryReport.HealthCheckDelay).GetAwaiter().GetResult();

    [IterationCleanup]
    public void IterationCleanup() => _simulation.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public Task<CanaryMeasurement> CanaryDeployment() => _simulation.RunAsync(Policy);

    private sealed class CanaryConfig : ManualConfig
    {
        public CanaryConfig()
        {
            // The generated project rebuilds the emulator, the clients and the orchestrators: more than BenchmarkDotNet's
            // default 2 min on a busy 2-core machine.
            WithBuildTimeout(TimeSpan.FromMinutes(15));

            // One deployment per iteration: the emulator's account is seeded for exactly one.
            AddJob(Job.Default.WithInvocationCount(1).WithUnrollFactor(1).WithWarmupCount(3).WithIterationCount(20));
            AddColumn(
                new CanaryColumn("Virtual time", "Virtual completion time of the deployment (fake clock), s", m => CanarySimulation.Format(m.Completion.TotalSeconds)),
                new CanaryColumn("Lower bound", "3 × (B + H): the unavoidable waits for the new group's instances to become HEALTHY, s", m => CanarySimulation.Format(m.ModelLowerBound.TotalSeconds)),
                new CanaryColumn("Overhead", "(virtual time − lower bound) / lower bound", m => m.OverheadPercent.ToString("0.00", CultureInfo.InvariantCulture) + " %"),
                new CanaryColumn("Polls", "Steady-state polls over all waits", m => m.Polls.ToString(CultureInfo.InvariantCulture)),
                new CanaryColumn("API calls", "Every HTTP call the emulator answered (Spot + EC2 + ELBv2)", m => m.Calls.ToString(CultureInfo.InvariantCulture)),
                new CanaryColumn("Spot calls", "The Spot calls among them", m => m.SpotCalls.ToString(CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>A deterministic figure of the simulation, computed once per case in the host process.</summary>
    private sealed class CanaryColumn(string name, string legend, Func<CanaryMeasurement, string> value) : IColumn
    {
        private static readonly ConcurrentDictionary<(PollingPolicy, int), CanaryMeasurement> Measurements = new();

        public string Id => nameof(CanaryColumn) + "." + name;

        public string ColumnName => name;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => false;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => legend;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var policy = (PollingPolicy)benchmarkCase.Parameters[nameof(Policy)]!;
            var boot = (int)benchmarkCase.Parameters[nameof(BootSeconds)]!;
            var measurement = Measurements.GetOrAdd((policy, boot), key => CanaryReport.MeasureAsync(key.Item1, TimeSpan.FromSeconds(key.Item2)).GetAwaiter().GetResult());
            return value(measurement);
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
