using BenchmarkDotNet.Running;
using Spot.Deploy.Benchmarks.Canary;
using Spot.Deploy.Benchmarks.Journal;
using Spot.Deploy.Benchmarks.RateLimit;

if (args.Length > 0 && args[0] == CanaryReport.Command)
{
    return await CanaryReport.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == JournalLatencyReport.Command)
{
    return await JournalLatencyReport.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == RunnersReport.Command)
{
    return await RunnersReport.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
