using System.Text.Json.Nodes;
using Npgsql;
using Spot.Deploy.Testing;

namespace Spot.Deploy.PostgreSql.Tests;

/// <summary>
/// A write whose connection breaks after its commit — the commit landed, its answer was lost — is retried, and the retry
/// finds its own row by the write's id: one entry, never two. The store's clock auto-advances, so the back-off costs no
/// time. (A real restart of the server is <see cref="DatabaseRestartTests"/>.)
/// </summary>
[Collection(UsesPostgreSql.Name)]
public sealed class TransientFailureTests(PostgreSqlFixture database) : IAsyncLifetime
{
    private readonly string _schema = PostgreSqlFixture.NewSchema();
    private PostgreSqlDeploymentStore _store = null!;

    public Task InitializeAsync()
    {
        _store = database.Store(new VirtualClock { AutoAdvanceLimit = TimeSpan.FromSeconds(5) }, _schema);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task AppendAsync_AnswerOfItsCommitLost_RetriedAndWrittenOnce()
    {
        await using var held = await _store.AcquireAsync("shop", "runner-1");
        await _store.CreateAsync(Record("d-1"));
        await _store.AppendAsync("d-1", JournalEntry.Intent("scale-1", "scaleGroup"));
        var lost = LoseAnswers(1);

        var appended = await _store.AppendAsync("d-1", JournalEntry.Result("scale-1", "scaleGroup", JournalOutcome.Succeeded));

        lost.Count.Should().Be(0, "the first commit's answer was lost and the write retried");
        appended.Sequence.Should().Be(2);
        var record = await _store.LoadAsync("d-1");
        record!.Entries.Select(e => (e.Sequence, e.Kind)).Should().Equal((1L, JournalEntryKind.Intent), (2L, JournalEntryKind.Result));
        (await _store.AppendAsync("d-1", JournalEntry.Note("n", "next"))).Sequence.Should().Be(3, "numbering goes on after the one entry");
    }

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task CreateAsync_AnswerOfItsCommitLost_RetriedAndRecognisedAsItsOwn()
    {
        await using var held = await _store.AcquireAsync("shop", "runner-1");
        var lost = LoseAnswers(1);

        var created = await _store.CreateAsync(Record("d-1"));

        lost.Count.Should().Be(0);
        created.Id.Should().Be("d-1");
        (await _store.ListByAppAsync("shop")).Should().ContainSingle();
        var again = () => _store.CreateAsync(Record("d-1"));
        await again.Should().ThrowAsync<DeploymentJournalException>("another create of the same id is still refused");
    }

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task AppendAsync_AnswersLostPastTheBound_FailsWithTheEntryWrittenOnce()
    {
        await using var held = await _store.AcquireAsync("shop", "runner-1");
        await _store.CreateAsync(Record("d-1"));
        LoseAnswers(int.MaxValue);

        var append = () => _store.AppendAsync("d-1", JournalEntry.Intent("scale-1", "scaleGroup"));

        (await append.Should().ThrowAsync<DeploymentJournalException>()).Which.Message.Should().NotContain(database.Server.Password);
        _store.AfterCommit = null;
        (await _store.LoadAsync("d-1"))!.Entries.Should().ContainSingle("every retry found the committed entry instead of adding one");
    }

    /// <summary>The next <paramref name="count"/> commits lose their answer: the connection "breaks" right after each.</summary>
    private Counter LoseAnswers(int count)
    {
        var counter = new Counter { Count = count };
        _store.AfterCommit = () =>
        {
            if (counter.Count == 0)
            {
                return Task.CompletedTask;
            }

            counter.Count--;
            throw new NpgsqlException("Exception while reading from stream", new IOException("Connection reset by peer"));
        };
        return counter;
    }

    private static DeploymentRecord Record(string id) => new()
    {
        Id = id,
        AppName = "shop",
        Strategy = "canary",
        Request = new JsonObject { ["imageId"] = "ami-1" },
    };

    private sealed class Counter
    {
        public int Count { get; set; }
    }
}
