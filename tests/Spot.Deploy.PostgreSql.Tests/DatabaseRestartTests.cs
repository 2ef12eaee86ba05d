using System.Text.Json.Nodes;
using Spot.Deploy.Testing;

namespace Spot.Deploy.PostgreSql.Tests;

/// <summary>
/// A real server stopped (<c>pg_ctl stop -m fast</c>: connections are cut with 57P01, then refused) and started again
/// under a runner's feet, on a cluster of its own. The store runs on the system clock here: its back-off waits for a real
/// process, as the bound (<see cref="PostgreSqlStoreOptions.TransientRetryTime"/>) says.
/// </summary>
public sealed class DatabaseRestartTests : IAsyncLifetime
{
    private PostgreSqlServer? _server;

    private PostgreSqlServer Server => _server!;

    public async Task InitializeAsync()
    {
        if (Prerequisites.SkipReason(Prerequisite.PostgreSql) is null)
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

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task AppendAsync_WhileTheServerRestarts_WaitsAndWritesOnce()
    {
        await using var store = Store(TimeSpan.FromSeconds(60));
        await using var held = await store.AcquireAsync("shop", "runner-1");
        await store.CreateAsync(Record("d-1"));
        await store.AppendAsync("d-1", JournalEntry.Intent("scale-1", "scaleGroup"));

        await Server.StopServerAsync();
        var append = store.AppendAsync("d-1", JournalEntry.Result("scale-1", "scaleGroup", JournalOutcome.Succeeded));
        await Server.StartServerAsync();
        var appended = await append;

        appended.Sequence.Should().Be(2);
        var record = await store.LoadAsync("d-1");
        record!.Entries.Select(e => (e.Sequence, e.StepId, e.Kind)).Should().Equal((1L, "scale-1", JournalEntryKind.Intent), (2L, "scale-1", JournalEntryKind.Result));
        await store.SetStatusAsync("d-1", DeploymentStatus.Succeeded);
        (await store.LoadAsync("d-1"))!.Status.Should().Be(DeploymentStatus.Succeeded);
    }

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task AppendAsync_ServerDownPastTheBound_FailsAndWritesNothing()
    {
        await using var store = Store(TimeSpan.FromSeconds(1));
        await using var held = await store.AcquireAsync("shop", "runner-1");
        await store.CreateAsync(Record("d-1"));
        await Server.StopServerAsync();

        var append = () => store.AppendAsync("d-1", JournalEntry.Intent("scale-1", "scaleGroup"));

        var failure = (await append.Should().ThrowAsync<DeploymentJournalException>()).Which;
        failure.Message.Should().NotContain(Server.Password);
        await Server.StartServerAsync();
        var record = await store.LoadAsync("d-1");
        record!.Entries.Should().BeEmpty("nothing is half-written");
        record.Status.Should().Be(DeploymentStatus.Running);
    }

    private PostgreSqlDeploymentStore Store(TimeSpan retryTime) => new(new PostgreSqlStoreOptions
    {
        ConnectionString = Server.ConnectionString,
        Schema = PostgreSqlFixture.NewSchema(),
        TransientRetryTime = retryTime,
        Runner = "runner-1@test",
    }, TimeProvider.System, null);

    private static DeploymentRecord Record(string id) => new()
    {
        Id = id,
        AppName = "shop",
        Strategy = "canary",
        Request = new JsonObject { ["imageId"] = "ami-1" },
    };
}
