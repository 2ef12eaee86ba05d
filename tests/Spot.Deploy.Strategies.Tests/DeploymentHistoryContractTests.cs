using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Strategies.Tests;

/// <summary>The history every journal gives (<see cref="IDeploymentHistory"/>), and who started each deployment; run once per implementation.</summary>
public abstract class DeploymentHistoryContractTests
{
    /// <summary>The runner every implementation under test is configured with.</summary>
    protected const string TestRunner = "runner-1@test";

    protected FakeTimeProvider Time { get; } = new(VirtualClock.Start);

    protected abstract IDeploymentJournal Journal { get; }

    private IDeploymentHistory History => Journal.Should().BeAssignableTo<IDeploymentHistory>().Subject;

    [ContractFact]
    public async Task GetHistoryAsync_NewestFirst_WithStrategyImageStatusRunnerTimesAndOutcome()
    {
        await CreateAsync("d-1", "shop", "ami-1", "canary");
        Time.Advance(TimeSpan.FromMinutes(5));
        await Journal.SetStatusAsync("d-1", DeploymentStatus.Succeeded);
        await CreateAsync("d-2", "shop", "ami-2", "blueGreen");
        await Journal.AppendAsync("d-2", JournalEntry.Intent("scale", "scaleGroup"));
        await Journal.AppendAsync("d-2", JournalEntry.Result("scale", "scaleGroup", JournalOutcome.Failed, error: "group sig-9 is gone"));
        Time.Advance(TimeSpan.FromMinutes(1));
        await Journal.SetStatusAsync("d-2", DeploymentStatus.RolledBack);
        await CreateAsync("d-3", "api", "ami-3", "basic");

        var shop = await History.GetHistoryAsync("shop");

        shop.Select(s => (s.Id, s.Strategy, s.ImageId, s.Status, s.LastError, s.EntryCount, s.IsUnfinished)).Should().Equal(
            ("d-2", "blueGreen", "ami-2", DeploymentStatus.RolledBack, "group sig-9 is gone", 2L, false),
            ("d-1", "canary", "ami-1", DeploymentStatus.Succeeded, null, 0L, false));
        shop.Should().OnlyContain(s => s.Runner == TestRunner && s.AppName == "shop");
        shop[1].StartedAt.Should().Be(VirtualClock.Start);
        shop[1].FinishedAt.Should().Be(VirtualClock.Start.AddMinutes(5));
        shop[0].StartedAt.Should().Be(VirtualClock.Start.AddMinutes(5));
        shop[0].FinishedAt.Should().Be(VirtualClock.Start.AddMinutes(6));
    }

    [ContractFact]
    public async Task GetHistoryAsync_Limit_TakesTheNewest_AndBreaksTiesByIdDescending()
    {
        await CreateAsync("d-a", "shop", "ami-1");
        Time.Advance(TimeSpan.FromSeconds(1));
        await CreateAsync("d-c", "shop", "ami-2");
        await CreateAsync("d-b", "shop", "ami-3");

        (await History.GetHistoryAsync("shop", limit: 2)).Select(s => s.Id).Should().Equal("d-c", "d-b");
        (await History.GetHistoryAsync("shop", limit: 1)).Select(s => s.Id).Should().Equal("d-c");
        (await History.GetHistoryAsync("shop", limit: DeploymentSummary.MaxHistoryLimit)).Select(s => s.Id).Should().Equal("d-c", "d-b", "d-a");
    }

    [ContractFact]
    public async Task GetHistoryAsync_AppWithoutDeployments_IsEmpty_AndAppsAreCaseSensitive()
    {
        (await History.GetHistoryAsync("shop")).Should().BeEmpty();

        await CreateAsync("d-1", "shop", "ami-1");

        (await History.GetHistoryAsync("Shop")).Should().BeEmpty();
        (await History.GetHistoryAsync("shop")).Should().ContainSingle();
    }

    [ContractTheory]
    [InlineData("shop", 0)]
    [InlineData("shop", -1)]
    [InlineData("shop", DeploymentSummary.MaxHistoryLimit + 1)]
    [InlineData(" ", 50)]
    [InlineData("", 50)]
    public async Task GetHistoryAsync_InvalidArguments_ThrowArgumentException(string app, int limit)
    {
        var act = () => History.GetHistoryAsync(app, limit);

        await act.Should().ThrowAsync<ArgumentException>();
    }

    [ContractFact]
    public async Task GetHistoryAsync_LastError_IsTheLatestFailedOrUnknownResultWithAnError()
    {
        await CreateAsync("d-1", "shop", "ami-1");
        await Journal.AppendAsync("d-1", JournalEntry.Result("s-1", "createGroup", JournalOutcome.Failed, error: "first"));
        await Journal.AppendAsync("d-1", JournalEntry.Result("s-2", "scaleGroup", JournalOutcome.Unknown, error: "timed out"));
        await Journal.AppendAsync("d-1", JournalEntry.Result("s-3", "scaleGroup", JournalOutcome.Unknown));
        await Journal.AppendAsync("d-1", JournalEntry.Result("s-4", "deleteGroup", JournalOutcome.Succeeded));
        await Journal.AppendAsync("d-1", JournalEntry.Note("s-5", "gate"));

        var summary = (await History.GetHistoryAsync("shop")).Single();

        summary.LastError.Should().Be("timed out");
        summary.EntryCount.Should().Be(5);
    }

    [ContractFact]
    public async Task GetHistoryAsync_RequestWithoutImageId_HasNoImage()
    {
        await Journal.CreateAsync(new DeploymentRecord { Id = "d-1", AppName = "shop", Strategy = "spotRoll", Request = new JsonObject { ["image"] = "ami-1" } });

        (await History.GetHistoryAsync("shop")).Single().ImageId.Should().BeNull();
    }

    [ContractFact]
    public async Task GetUnfinishedAsync_EveryApp_OldestFirst_RunningAndNeedsAttentionOnly()
    {
        (await History.GetUnfinishedAsync()).Should().BeEmpty();
        await CreateAsync("d-1", "shop", "ami-1");
        Time.Advance(TimeSpan.FromMinutes(1));
        await CreateAsync("d-2", "api", "ami-2");
        await CreateAsync("d-3", "web", "ami-3");
        await CreateAsync("d-4", "cart", "ami-4");
        await Journal.SetStatusAsync("d-2", DeploymentStatus.NeedsAttention);
        await Journal.SetStatusAsync("d-3", DeploymentStatus.Abandoned);
        await Journal.SetStatusAsync("d-4", DeploymentStatus.Failed);

        var unfinished = await History.GetUnfinishedAsync();

        unfinished.Select(s => (s.Id, s.AppName, s.Status, s.IsUnfinished, s.FinishedAt)).Should().Equal(
            ("d-1", "shop", DeploymentStatus.Running, true, (DateTimeOffset?)null),
            ("d-2", "api", DeploymentStatus.NeedsAttention, true, null));
        unfinished.Should().OnlyContain(s => s.Runner == TestRunner);
    }

    [ContractFact]
    public async Task CreateAsync_StampsTheJournalsRunner_UnlessTheRecordNamesOne()
    {
        var stamped = await CreateAsync("d-1", "shop", "ami-1");
        var named = await Journal.CreateAsync(new DeploymentRecord { Id = "d-2", AppName = "shop", Strategy = "canary", Runner = "bob@laptop", Request = [] });

        stamped.Runner.Should().Be(TestRunner);
        named.Runner.Should().Be("bob@laptop");
        (await Journal.LoadAsync("d-1"))!.Runner.Should().Be(TestRunner);
        (await Journal.LoadAsync("d-2"))!.Runner.Should().Be("bob@laptop");
        (await Journal.ListByAppAsync("shop")).Select(r => r.Runner).Should().Equal(TestRunner, "bob@laptop");
    }

    [ContractTheory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("alice\n@ci")]
    public async Task CreateAsync_RecordWithAnUnshowableRunner_ThrowsArgumentException_AndStoresNothing(string runner)
    {
        var act = () => Journal.CreateAsync(new DeploymentRecord { Id = "d-1", AppName = "shop", Strategy = "canary", Runner = runner, Request = [] });

        await act.Should().ThrowAsync<ArgumentException>();
        (await Journal.LoadAsync("d-1")).Should().BeNull();
    }

    private Task<DeploymentRecord> CreateAsync(string id, string app, string image, string strategy = "canary") =>
        Journal.CreateAsync(new DeploymentRecord { Id = id, AppName = app, Strategy = strategy, Request = new JsonObject { ["imageId"] = image } });
}
