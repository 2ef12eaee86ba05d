using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Strategies.Tests;

/// <summary>Behaviour every journal must share; run once per implementation.</summary>
public abstract class DeploymentJournalContractTests
{
    protected FakeTimeProvider Time { get; } = new(VirtualClock.Start);

    protected abstract IDeploymentJournal Journal { get; }

    protected static DeploymentRecord NewRecord(string id = "d-1", string app = "shop") => new()
    {
        Id = id,
        AppName = app,
        Strategy = "canary",
        Request = new JsonObject { ["image"] = "ami-123", ["phases"] = new JsonArray(10, 50, 100) },
    };

    [ContractFact]
    public async Task CreateAsync_ThenLoad_RoundTripsEveryField()
    {
        await Journal.CreateAsync(NewRecord());
        Time.Advance(TimeSpan.FromSeconds(5));
        await Journal.AppendAsync("d-1", JournalEntry.Intent("scale-1", "scaleGroup", new JsonObject { ["groupId"] = "sig-1", ["target"] = 4 }));
        Time.Advance(TimeSpan.FromSeconds(5));
        await Journal.AppendAsync("d-1", JournalEntry.Result("scale-1", "scaleGroup", JournalOutcome.Failed, error: "boom"));
        await Journal.AppendAsync("d-1", JournalEntry.Note("phase-1", "phaseStarted"));

        var loaded = await Journal.LoadAsync("d-1");

        loaded.Should().NotBeNull();
        loaded!.AppName.Should().Be("shop");
        loaded.Strategy.Should().Be("canary");
        loaded.StartedAt.Should().Be(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));
        loaded.Request["phases"]!.AsArray().Select(n => n!.GetValue<int>()).Should().Equal(10, 50, 100);
        loaded.Status.Should().Be(DeploymentStatus.Running);
        loaded.FinishedAt.Should().BeNull();
        loaded.Entries.Select(e => e.Sequence).Should().Equal(1, 2, 3);
        loaded.Entries.Select(e => e.Kind).Should().Equal(JournalEntryKind.Intent, JournalEntryKind.Result, JournalEntryKind.Note);
        loaded.Entries[0].Time.Should().Be(loaded.StartedAt.AddSeconds(5));
        loaded.Entries[0].Data!["target"]!.GetValue<int>().Should().Be(4);
        loaded.Entries[1].Outcome.Should().Be(JournalOutcome.Failed);
        loaded.Entries[1].Error.Should().Be("boom");
        loaded.Entries[1].Time.Should().Be(loaded.StartedAt.AddSeconds(10));
    }

    [ContractFact]
    public async Task CreateAsync_ExistingId_Throws()
    {
        await Journal.CreateAsync(NewRecord());

        var act = () => Journal.CreateAsync(NewRecord());

        (await act.Should().ThrowAsync<DeploymentJournalException>()).Which.DeploymentId.Should().Be("d-1");
    }

    [ContractTheory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData(".hidden")]
    [InlineData("con:1")]
    public async Task CreateAsync_UnsafeId_ThrowsArgumentException(string id)
    {
        var act = () => Journal.CreateAsync(NewRecord(id));

        await act.Should().ThrowAsync<ArgumentException>();
    }

    [ContractFact]
    public async Task AppendAsync_UnknownDeployment_Throws()
    {
        var act = () => Journal.AppendAsync("nope", JournalEntry.Note("s", "n"));

        await act.Should().ThrowAsync<DeploymentJournalException>().WithMessage("*nope*");
    }

    [ContractFact]
    public async Task AppendAsync_CallerMutatesDataAfterwards_StoredEntryUnchanged()
    {
        await Journal.CreateAsync(NewRecord());
        var data = new JsonObject { ["target"] = 1 };
        await Journal.AppendAsync("d-1", JournalEntry.Intent("s", "scaleGroup", data));

        data["target"] = 99;

        (await Journal.LoadAsync("d-1"))!.Entries[0].Data!["target"]!.GetValue<int>().Should().Be(1);
    }

    [ContractFact]
    public async Task AppendAsync_TwentyConcurrentWriters_KeepsEveryEntryWithUniqueIncreasingSequences()
    {
        await Journal.CreateAsync(NewRecord());

        var stored = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => Journal.AppendAsync("d-1", JournalEntry.Note("step-" + i, "note")))));

        var loaded = await Journal.LoadAsync("d-1");
        loaded!.Entries.Select(e => e.Sequence).Should().Equal(Enumerable.Range(1, 20).Select(i => (long)i));
        loaded.Entries.Select(e => e.StepId).Should().BeEquivalentTo(Enumerable.Range(0, 20).Select(i => "step-" + i));
        stored.Select(e => e.Sequence).Should().OnlyHaveUniqueItems();
    }

    [ContractFact]
    public async Task AppendAsync_DataThatCannotBeSerialized_ThrowsAndKeepsPreviousEntries()
    {
        await Journal.CreateAsync(NewRecord());
        await Journal.AppendAsync("d-1", JournalEntry.Note("s-1", "ok"));

        // NaN is not valid JSON: the serializer fails while writing, after the earlier entries.
        var act = () => Journal.AppendAsync("d-1", JournalEntry.Intent("s-2", "scaleGroup", new JsonObject { ["weight"] = double.NaN }));

        await act.Should().ThrowAsync<DeploymentJournalException>();
        (await Journal.LoadAsync("d-1"))!.Entries.Select(e => e.StepId).Should().Equal("s-1");
    }

    [ContractTheory]
    [InlineData("spotToken")]
    [InlineData("AWS_SECRET_ACCESS_KEY")]
    [InlineData("password")]
    [InlineData("Authorization")]
    [InlineData("accessKeyId")]
    [InlineData("x-auth-token")]
    public async Task AppendAsync_DataWithSecretLikePropertyDeepInside_IsRefusedWithoutTheValue(string name)
    {
        await Journal.CreateAsync(NewRecord());
        var data = new JsonObject { ["groups"] = new JsonArray(new JsonObject { ["aws"] = new JsonObject { [name] = "hunter2" } }) };

        var act = () => Journal.AppendAsync("d-1", JournalEntry.Intent("s", "createGroup", data));

        var thrown = await act.Should().ThrowAsync<DeploymentJournalException>();
        thrown.Which.Message.Should().Contain(name).And.NotContain("hunter2");
        (await Journal.LoadAsync("d-1"))!.Entries.Should().BeEmpty();
    }

    [ContractFact]
    public async Task CreateAsync_RequestWithSecret_IsRefused()
    {
        var record = NewRecord();
        record.Request["spot"] = new JsonObject { ["token"] = "t" };

        var act = () => Journal.CreateAsync(record);

        await act.Should().ThrowAsync<DeploymentJournalException>().WithMessage("*$.spot.token*");
        (await Journal.LoadAsync("d-1")).Should().BeNull();
    }

    [ContractFact]
    public async Task ListUnfinishedAsync_MixedStatuses_ReturnsRunningAndNeedsAttentionOldestFirst()
    {
        await Journal.CreateAsync(NewRecord("d-1"));
        Time.Advance(TimeSpan.FromMinutes(1));
        await Journal.CreateAsync(NewRecord("d-2"));
        Time.Advance(TimeSpan.FromMinutes(1));
        await Journal.CreateAsync(NewRecord("d-3"));
        await Journal.CreateAsync(NewRecord("d-4"));
        await Journal.SetStatusAsync("d-2", DeploymentStatus.Succeeded);
        await Journal.SetStatusAsync("d-3", DeploymentStatus.NeedsAttention);
        await Journal.SetStatusAsync("d-4", DeploymentStatus.RolledBack);

        var unfinished = await Journal.ListUnfinishedAsync();

        unfinished.Select(r => r.Id).Should().Equal("d-1", "d-3");
    }

    [ContractFact]
    public async Task ListByAppAsync_EveryStatusOfThatAppOnly_OldestFirst_CaseSensitive()
    {
        await Journal.CreateAsync(NewRecord("d-3", "shop"));
        Time.Advance(TimeSpan.FromMinutes(1));
        await Journal.CreateAsync(NewRecord("d-1", "shop"));
        await Journal.CreateAsync(NewRecord("d-0", "shop"));
        await Journal.CreateAsync(NewRecord("d-2", "api"));
        await Journal.CreateAsync(NewRecord("d-4", "Shop"));
        Time.Advance(TimeSpan.FromMinutes(1));
        await Journal.CreateAsync(NewRecord("d-5", "shop"));
        await Journal.SetStatusAsync("d-1", DeploymentStatus.Succeeded);
        await Journal.SetStatusAsync("d-0", DeploymentStatus.RolledBack);
        await Journal.SetStatusAsync("d-5", DeploymentStatus.Abandoned);

        var shop = await Journal.ListByAppAsync("shop");

        shop.Select(r => r.Id).Should().Equal("d-3", "d-0", "d-1", "d-5");
        shop.Select(r => r.Status).Should().Equal(DeploymentStatus.Running, DeploymentStatus.RolledBack, DeploymentStatus.Succeeded, DeploymentStatus.Abandoned);
        (await Journal.ListByAppAsync("api")).Select(r => r.Id).Should().Equal("d-2");
        (await Journal.ListByAppAsync("Shop")).Select(r => r.Id).Should().Equal("d-4");
        (await Journal.ListByAppAsync("shop2")).Should().BeEmpty();
    }

    [ContractTheory]
    [InlineData("")]
    [InlineData(" ")]
    public async Task ListByAppAsync_NoAppName_ThrowsArgumentException(string appName)
    {
        var act = () => Journal.ListByAppAsync(appName);

        await act.Should().ThrowAsync<ArgumentException>();
    }

    [ContractFact]
    public async Task ListByAppAsync_EmptyJournal_ReturnsEmpty()
    {
        (await Journal.ListByAppAsync("shop")).Should().BeEmpty();
    }

    [ContractFact]
    public async Task SetStatusAsync_Abandoned_IsFinal_AndNoLongerUnfinished()
    {
        await Journal.CreateAsync(NewRecord());
        await Journal.SetStatusAsync("d-1", DeploymentStatus.NeedsAttention);
        Time.Advance(TimeSpan.FromMinutes(7));

        await Journal.SetStatusAsync("d-1", DeploymentStatus.Abandoned);

        var abandoned = await Journal.LoadAsync("d-1");
        abandoned!.Status.Should().Be(DeploymentStatus.Abandoned);
        abandoned.IsUnfinished.Should().BeFalse();
        abandoned.FinishedAt.Should().Be(abandoned.StartedAt.AddMinutes(7));
        (await Journal.ListUnfinishedAsync()).Should().BeEmpty();
    }

    [ContractFact]
    public async Task SetStatusAsync_FinalThenReopened_SetsAndClearsFinishedAt()
    {
        await Journal.CreateAsync(NewRecord());
        Time.Advance(TimeSpan.FromMinutes(3));

        await Journal.SetStatusAsync("d-1", DeploymentStatus.Failed);
        var failed = await Journal.LoadAsync("d-1");
        await Journal.SetStatusAsync("d-1", DeploymentStatus.NeedsAttention);
        var reopened = await Journal.LoadAsync("d-1");

        failed!.FinishedAt.Should().Be(failed.StartedAt.AddMinutes(3));
        reopened!.FinishedAt.Should().BeNull();
        reopened.Status.Should().Be(DeploymentStatus.NeedsAttention);
    }

    [ContractFact]
    public async Task LoadAsync_Unknown_ReturnsNull()
    {
        (await Journal.LoadAsync("missing")).Should().BeNull();
    }

    [ContractFact]
    public async Task UnresolvedIntents_AfterCrashBetweenIntentAndResult_ReturnsStepsToRecheck()
    {
        await Journal.CreateAsync(NewRecord());
        await Journal.AppendAsync("d-1", JournalEntry.Intent("create", "createGroup"));
        await Journal.AppendAsync("d-1", JournalEntry.Result("create", "createGroup", JournalOutcome.Succeeded));
        await Journal.AppendAsync("d-1", JournalEntry.Intent("scale-old", "scaleGroup"));
        await Journal.AppendAsync("d-1", JournalEntry.Intent("scale-new", "scaleGroup"));
        await Journal.AppendAsync("d-1", JournalEntry.Result("scale-new", "scaleGroup", JournalOutcome.Unknown, error: "timeout"));
        await Journal.AppendAsync("d-1", JournalEntry.Intent("delete", "deleteGroup"));
        await Journal.AppendAsync("d-1", JournalEntry.Result("delete", "deleteGroup", JournalOutcome.Failed));

        var unresolved = (await Journal.LoadAsync("d-1"))!.UnresolvedIntents();

        unresolved.Select(e => e.StepId).Should().Equal("scale-old", "scale-new");
        unresolved.Should().OnlyContain(e => e.Kind == JournalEntryKind.Intent);
    }

    [ContractFact]
    public async Task AppendAsync_ResultWithoutOutcome_ThrowsArgumentException()
    {
        await Journal.CreateAsync(NewRecord());

        var act = () => Journal.AppendAsync("d-1", new JournalEntry { Kind = JournalEntryKind.Result, StepId = "s", Operation = "o" });

        await act.Should().ThrowAsync<ArgumentException>();
    }
}
