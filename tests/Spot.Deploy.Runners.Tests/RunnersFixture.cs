using Spot.Deploy.Cli.Tests;
using Spot.Deploy.PostgreSql.Tests;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Runners.Tests;

/// <summary>
/// One throwaway PostgreSQL cluster for the runner tests; each test gets a database of its own and starts its own
/// emulator process. The tests of the collection run one after another: they restart the cluster, and they share two cores.
/// </summary>
public sealed class RunnersFixture : IAsyncLifetime
{
    private PostgreSqlServer? _server;
    private string? _missing;

    internal PostgreSqlServer Server => _server ?? throw new PrerequisiteMissingException(_missing ?? "The PostgreSQL server did not start.");

    public async Task InitializeAsync()
    {
        _missing = Prerequisites.SkipReason(Prerequisite.PostgreSql);
        if (_missing is null)
        {
            _server = await PostgreSqlServer.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    internal Task<RunnerDatabase> NewDatabaseAsync() => RunnerDatabase.CreateAsync(Server);

    /// <summary>An emulator process with the apps seeded (2/2/4 on web-1.0), whose instances boot and turn healthy quickly.</summary>
    internal static Task<EmulatorProcess> StartEmulatorAsync(IEnumerable<string> apps, double bootSeconds = 0.3, double healthSeconds = 0.3) =>
        EmulatorProcess.StartAsync(apps, ["--boot-time", bootSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--health-delay", healthSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
}

[CollectionDefinition(Name)]
public sealed class UsesRunners : ICollectionFixture<RunnersFixture>
{
    public const string Name = "Runners";
}
