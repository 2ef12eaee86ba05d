using System.Globalization;
using Spot.Deploy.Testing;
using Xunit.Abstractions;

namespace Spot.Deploy.Runners.Tests;

/// <summary>
/// Issue #16, item 1: four runner processes share apps through the PostgreSQL lease. The size is a parameter:
/// <c>SPOT_DEPLOY_RUNNERS=RxDxA</c> (runners × deployments each × apps; default 4x5x4, which keeps the class well under two
/// minutes on two cores); the full 4x50x20 runs from <c>benchmarks/Spot.Deploy.Runners.Report</c>. The seed is
/// <c>SPOT_DEPLOY_RUNNERS_SEED</c>, or drawn and printed.
/// </summary>
[Collection(UsesRunners.Name)]
public sealed class ManyRunnersTests(RunnersFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("spot-deploy-runners-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task Runners_DeployingSharedAppsInRandomOrder_OneAtATimePerApp_EveryJournalWhole_EveryAppAsItsLastSuccessLeftIt()
    {
        var settings = Settings();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"seed {settings.Seed} (SPOT_DEPLOY_RUNNERS_SEED={settings.Seed} repeats it): {settings.Runners} runners x {settings.DeploymentsPerRunner} deployments over {settings.Apps} apps"));
        var database = await fixture.NewDatabaseAsync();
        using var emulator = await RunnersFixture.StartEmulatorAsync(settings.AppNames);

        var result = await new RunnerFleet(emulator, database, _work, settings).RunAsync(line => output.WriteLine(line));

        output.WriteLine(result.ToString());
        result.Outcomes.Should().HaveCount(settings.Runners * settings.DeploymentsPerRunner);
        result.Failed.Should().BeEmpty("every deployment ends as its image says (seed {0}): {1}", settings.Seed,
            string.Join("\n", result.Failed.Select(f => $"{f.Planned}: exit {f.ExitCode}: {f.Error}")));
        (await database.DeploymentsAsync()).Should().HaveCount(result.Outcomes.Count, "a refused ('locked') attempt journals nothing");
        var problems = await RunnerFleet.VerifyAsync(emulator, database, settings.AppNames);
        problems.Should().BeEmpty("seed {0}", settings.Seed);
    }

    private static FleetSettings Settings()
    {
        var size = (Environment.GetEnvironmentVariable("SPOT_DEPLOY_RUNNERS") is { Length: > 0 } text ? text : "4x5x4")
            .Split('x').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray();
        var seed = Environment.GetEnvironmentVariable("SPOT_DEPLOY_RUNNERS_SEED") is { Length: > 0 } s
            ? int.Parse(s, CultureInfo.InvariantCulture)
            : Random.Shared.Next(1, 1_000_000);
        return new FleetSettings { Runners = size[0], DeploymentsPerRunner = size[1], Apps = size[2], Seed = seed };
    }
}
