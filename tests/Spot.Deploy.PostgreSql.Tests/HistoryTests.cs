using System.Text.Json.Nodes;
using Spot.Deploy.Testing;

namespace Spot.Deploy.PostgreSql.Tests;

/// <summary>What was deployed to an app, when, by whom, how it ended; and what is unfinished across apps.</summary>
[Collection(UsesPostgreSql.Name)]
public sealed class HistoryTests(PostgreSqlFixture database) : IAsyncLifetime
{
    private readonly VirtualClock _time = new();
    private PostgreSqlDeploymentStore _store = null!;

    public Task InitializeAsync()
    {
        _store = database.Store(_time, runner: "alice@ci-7");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task GetHistoryAsync_NewestFirst_WithStrategyImageStatusRunnerTimesAndOutcome()
    {
        await CreateAsync("d-1", "shop", "ami-1", "canary");
        _time.Advance(TimeSpan.FromMinutes(5));
        await _store.SetStatusAsync("d-1", DeploymentStatus.Succeeded);
        await CreateAsync("d-2", "shop", "ami-2", "blueGreen");
        await _store.AppendAsync("d-2", JournalEntry.Intent("scale", "scaleGroup"));
        await _store.AppendAsync("d-2", JournalEntry.Result("scale", "scaleGroup", JournalOutcome.Failed, error: "group sig-9 is gone"));
        _time.Advance(TimeSpan.FromMinutes(1));
        await _store.SetStatusAsync("d-2", DeploymentStatus.RolledBack);
        await CreateAsync("d-3", "api", "ami-3", "basic");

        var shop = await _store.GetHistoryAsync("shop");

        shop.Select(s => (s.Id, s.Strategy, s.ImageId, s.Status, s.LastError, s.EntryCount)).Should().Equal(
            ("d-2", "blueGreen", "ami-2", DeploymentStatus.RolledBack, "group sig-9 is gone", 2L),
            ("d-1", "canary", "ami-1", DeploymentStatus.Succeeded, null, 0L));
        shop.Should().OnlyContain(s => s.Runner == "alice@ci-7" && s.AppName == "shop");
        shop[1].StartedAt.Should().Be(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));
        shop[1].FinishedAt.Should().Be(shop[1].StartedAt.AddMinutes(5));
        shop[0].FinishedAt.Should().Be(shop[0].StartedAt.AddMinutes(1));
        (await _store.GetHistoryAsync("shop", limit: 1)).Select(s => s.Id).Should().Equal("d-2");
    }

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task GetUnfinishedAsync_EveryApp_OldestFirst()
    {
        await CreateAsync("d-1", "shop", "ami-1");
        _time.Advance(TimeSpan.FromMinutes(1));
        await CreateAsync("d-2", "api", "ami-2");
        await CreateAsync("d-3", "web", "ami-3");
        await _store.SetStatusAsync("d-2", DeploymentStatus.NeedsAttention);
        await _store.SetStatusAsync("d-3", DeploymentStatus.Abandoned);

        var unfinished = await _store.GetUnfinishedAsync();

        unfinished.Select(s => (s.Id, s.AppName, s.Status)).Should().Equal(("d-1", "shop", DeploymentStatus.Running), ("d-2", "api", DeploymentStatus.NeedsAttention));
    }

    private Task<DeploymentRecord> CreateAsync(string id, string app, string image, string strategy = "canary") =>
        _store.CreateAsync(new DeploymentRecord { Id = id, AppName = app, Strategy = strategy, Request = new JsonObject { ["imageId"] = image } });
}
