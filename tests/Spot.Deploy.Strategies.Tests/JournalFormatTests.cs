using System.Text;
using System.Text.Json.Nodes;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Strategies.Tests;

/// <summary>
/// The file journal's format 2: a header line, then one line appended per write — never a rewrite — with a torn last
/// line (a write that never returned) ignored and cut off, everything else that is not a journal line refused, and
/// format-1 files read and migrated on their first write.
/// </summary>
public sealed class JournalFormatTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly VirtualClock _time = new();
    private readonly FileDeploymentJournal _journal;

    public JournalFormatTests() => _journal = new FileDeploymentJournal(_directory.Path, _time);

    private string PathOf(string id = "d-1") => _journal.GetFilePath(id);

    public void Dispose() => _directory.Dispose();

    private static DeploymentRecord NewRecord(string id = "d-1", JsonObject? plan = null) => new()
    {
        Id = id,
        AppName = "shop",
        Strategy = "canary",
        Request = new JsonObject { ["image"] = "ami-123" },
        Plan = plan,
    };

    private async Task<byte[]> CreateWithEntriesAsync(int entries)
    {
        await _journal.CreateAsync(NewRecord());
        for (var i = 1; i <= entries; i++)
        {
            await _journal.AppendAsync("d-1", JournalEntry.Intent("s-" + i, "scaleGroup", new JsonObject { ["target"] = i }));
        }

        return await File.ReadAllBytesAsync(PathOf());
    }

    [Fact]
    public async Task EveryWrite_AppendsOneLine_AndNeverChangesWhatWasWritten()
    {
        await _journal.CreateAsync(NewRecord());
        var before = await File.ReadAllBytesAsync(PathOf());
        for (var i = 0; i < 50; i++)
        {
            if (i % 10 == 9)
            {
                await _journal.SetStatusAsync("d-1", DeploymentStatus.NeedsAttention);
            }
            else
            {
                await _journal.AppendAsync("d-1", JournalEntry.Note("s-" + i, "note", new JsonObject { ["text"] = "line\nbreak" }));
            }

            var after = await File.ReadAllBytesAsync(PathOf());
            after.AsSpan(0, before.Length).SequenceEqual(before).Should().BeTrue("write {0} only appended", i);
            after.Skip(before.Length).Count(b => b == (byte)'\n').Should().Be(1, "each write is one line");
            before = after;
        }

        (await File.ReadAllLinesAsync(PathOf())).Should().HaveCount(51);
    }

    [Fact]
    public async Task StatusLines_SetAndClearFinishedAt()
    {
        await _journal.CreateAsync(NewRecord());
        _time.Advance(TimeSpan.FromMinutes(2));
        await _journal.SetStatusAsync("d-1", DeploymentStatus.Failed);
        await _journal.SetStatusAsync("d-1", DeploymentStatus.NeedsAttention);

        var lines = await File.ReadAllLinesAsync(PathOf());

        lines[1].Should().Be("{\"status\":\"Failed\",\"finishedAt\":\"2026-11-21T12:02:00+00:00\"}");
        lines[2].Should().Be("{\"status\":\"NeedsAttention\"}");
        (await _journal.LoadAsync("d-1"))!.FinishedAt.Should().BeNull();
    }

    [Theory]
    [InlineData("{\"entry\":{\"sequence\":4,\"ti")]
    [InlineData("{\"entry\":{\"sequence\":4,\"time\":\"2026-11-21T12:00:00+00:00\",\"kind\":\"Intent\",\"stepId\":\"x\",\"operation\":\"deleteGroup\"}}")]
    [InlineData("\0\0\0\0")]
    public async Task ATornLastLine_IsIgnoredByReaders_AndCutOffByTheNextWrite(string torn)
    {
        var complete = await CreateWithEntriesAsync(3);
        await File.AppendAllTextAsync(PathOf(), torn);

        var loaded = await new FileDeploymentJournal(_directory.Path, _time).LoadAsync("d-1");
        var appended = await _journal.AppendAsync("d-1", JournalEntry.Result("s-3", "scaleGroup", JournalOutcome.Succeeded));

        loaded!.Entries.Select(e => e.StepId).Should().Equal("s-1", "s-2", "s-3");
        appended.Sequence.Should().Be(4);
        var after = await File.ReadAllBytesAsync(PathOf());
        after.AsSpan(0, complete.Length).SequenceEqual(complete).Should().BeTrue();
        Encoding.UTF8.GetString(after, complete.Length, after.Length - complete.Length).Should().StartWith("{\"entry\":{\"sequence\":4,").And.EndWith("}}\n");
        (await new FileDeploymentJournal(_directory.Path, _time).LoadAsync("d-1"))!.Entries.Select(e => e.Sequence).Should().Equal(1, 2, 3, 4);
    }

    [Fact]
    public async Task ATornLastLine_WrittenBySomeoneElse_IsCutOffAlsoByAnInstanceThatKnewTheFile()
    {
        await CreateWithEntriesAsync(2);
        await File.AppendAllTextAsync(PathOf(), "{\"entry\":{\"seq");

        await _journal.SetStatusAsync("d-1", DeploymentStatus.NeedsAttention);
        var next = await _journal.AppendAsync("d-1", JournalEntry.Note("n", "note"));

        next.Sequence.Should().Be(3);
        (await File.ReadAllLinesAsync(PathOf())).Should().HaveCount(5).And.NotContain(l => l.Contains("\"seq\"", StringComparison.Ordinal) && !l.EndsWith('}'));
    }

    [Theory]
    [InlineData(2, "not json\n", "line 4: it is not a journal line")]
    [InlineData(2, "\n", "line 4: it is not a journal line")]
    [InlineData(1, "{\"entry\":{\"sequence\":1,\"kind\":\"Note\",\"stepId\":\"a\",\"operation\":\"b\"}}\n", "line 3: entry sequences do not strictly increase")]
    [InlineData(2, "{\"status\":\"Failed\",\"entry\":{\"sequence\":9}}\n", "line 4: it holds neither one entry nor one status")]
    [InlineData(2, "{}\n", "line 4: it holds neither one entry nor one status")]
    [InlineData(2, "{\"status\":\"Exploded\"}\n", "line 4: it is not a journal line")]
    public async Task ALineThatIsNotAJournalLine_IsCorruption_AndNothingIsWritten(int entries, string bad, string where)
    {
        await CreateWithEntriesAsync(entries);

        // In the middle: a good line after it does not excuse it.
        await File.AppendAllTextAsync(PathOf(), bad + "{\"status\":\"Running\"}\n");

        await ShouldBeCorruptAsync(where);
    }

    [Fact]
    public async Task ACompleteLastLineThatIsNotJson_IsCorruption_NotATornLine()
    {
        await CreateWithEntriesAsync(2);
        await File.AppendAllTextAsync(PathOf(), "{\"entry\":{\"seq\n");

        await ShouldBeCorruptAsync("line 4: it is not a journal line");
    }

    private async Task ShouldBeCorruptAsync(string where)
    {
        var before = await File.ReadAllBytesAsync(PathOf());
        var load = () => new FileDeploymentJournal(_directory.Path, _time).LoadAsync("d-1");
        var append = () => new FileDeploymentJournal(_directory.Path, _time).AppendAsync("d-1", JournalEntry.Note("n", "note"));

        var thrown = (await load.Should().ThrowAsync<DeploymentJournalException>()).Which;
        thrown.Message.Should().StartWith($"The journal file '{PathOf()}' is corrupt at {where}")
            .And.EndWith("It was not changed; inspect or restore it before resuming.");
        thrown.FilePath.Should().Be(PathOf());
        await append.Should().ThrowAsync<DeploymentJournalException>();
        (await File.ReadAllBytesAsync(PathOf())).Should().Equal(before);
    }

    [Fact]
    public async Task AHeaderWithoutItsNewline_IsCorruption()
    {
        await File.WriteAllTextAsync(PathOf(), "{\"formatVersion\":2,\"deployment\":{\"id\":\"d-1\",\"request\":{},\"entries\":[]}}");

        var load = () => _journal.LoadAsync("d-1");

        await load.Should().ThrowAsync<DeploymentJournalException>().WithMessage("*is corrupt at line 1: its header line is incomplete*");
    }

    [Theory]
    [InlineData("{\"formatVersion\":3,\"deployment\":{\"id\":\"d-1\"}}\n{\"entry\":{}}\n")]
    [InlineData("{\n  \"formatVersion\": 3,\n  \"deployment\": { \"id\": \"d-1\" }\n}")]
    [InlineData("{\"formatVersion\": 3}")]
    public async Task AnUnknownFormatVersion_IsRefusedNamingIt(string content)
    {
        await File.WriteAllTextAsync(PathOf(), content);

        var load = () => _journal.LoadAsync("d-1");

        (await load.Should().ThrowAsync<DeploymentJournalException>()).Which.Message.Should().Be(
            $"The journal file '{PathOf()}' has format version 3, which this version of Spot.Deploy does not read (it reads formats 2 and 1). Finish or inspect the deployment with the version that wrote it.");
    }

    /// <summary>A journal as every earlier version wrote it: one indented document (docs/journal-and-lock.md, format 1).</summary>
    private const string FormatOne = """
        {
          "formatVersion": 1,
          "deployment": {
            "id": "d-1",
            "appName": "shop",
            "strategy": "canary",
            "startedAt": "2026-11-21T12:00:00+00:00",
            "request": { "image": "ami-123", "phases": [ 10, 50, 100 ] },
            "status": "NeedsAttention",
            "entries": [
              { "sequence": 1, "time": "2026-11-21T12:00:05+00:00", "kind": "Intent", "stepId": "scale-1", "operation": "scaleGroup", "data": { "groupId": "sig-1", "target": 4 } },
              { "sequence": 2, "time": "2026-11-21T12:00:10+00:00", "kind": "Result", "stepId": "scale-1", "operation": "scaleGroup", "outcome": "Succeeded" },
              { "sequence": 3, "time": "2026-11-21T12:00:15+00:00", "kind": "Intent", "stepId": "scale-2", "operation": "scaleGroup" }
            ]
          }
        }
        """;

    [Fact]
    public async Task FormatOne_IsReadAsItIs_AndListedWhenUnfinished()
    {
        await File.WriteAllTextAsync(PathOf(), FormatOne);

        var loaded = await _journal.LoadAsync("d-1");
        var unfinished = await _journal.ListUnfinishedAsync();

        loaded!.Status.Should().Be(DeploymentStatus.NeedsAttention);
        loaded.Entries.Select(e => e.Sequence).Should().Equal(1, 2, 3);
        loaded.UnresolvedIntents().Select(e => e.StepId).Should().Equal("scale-2");
        unfinished.Select(r => r.Id).Should().Equal("d-1");
        (await File.ReadAllTextAsync(PathOf())).Should().Be(FormatOne, "reading changes nothing");
    }

    [Fact]
    public async Task FormatOne_IsRewrittenInFormatTwo_ByItsFirstWrite_KeepingEveryEntry()
    {
        await File.WriteAllTextAsync(PathOf(), FormatOne);

        var appended = await _journal.AppendAsync("d-1", JournalEntry.Result("scale-2", "scaleGroup", JournalOutcome.Succeeded));
        await _journal.SetStatusAsync("d-1", DeploymentStatus.Succeeded);

        appended.Sequence.Should().Be(4);
        var lines = await File.ReadAllLinesAsync(PathOf());
        lines.Should().HaveCount(3);
        lines[0].Should().StartWith("{\"formatVersion\":2,");
        var reloaded = await new FileDeploymentJournal(_directory.Path, _time).LoadAsync("d-1");
        reloaded!.Entries.Select(e => e.Sequence).Should().Equal(1, 2, 3, 4);
        reloaded.Entries[0].Data!["target"]!.GetValue<int>().Should().Be(4);
        reloaded.Status.Should().Be(DeploymentStatus.Succeeded);
        Directory.GetFiles(_directory.Path).Should().Equal(PathOf());
    }

    [Fact]
    public async Task TwoInstances_WritingInTurn_KeepOneSequence()
    {
        var other = new FileDeploymentJournal(_directory.Path, _time);
        await _journal.CreateAsync(NewRecord());

        var sequences = new List<long>
        {
            (await _journal.AppendAsync("d-1", JournalEntry.Note("a", "n"))).Sequence,
            (await other.AppendAsync("d-1", JournalEntry.Note("b", "n"))).Sequence,
            (await _journal.AppendAsync("d-1", JournalEntry.Note("c", "n"))).Sequence,
            (await other.AppendAsync("d-1", JournalEntry.Note("d", "n"))).Sequence,
        };

        sequences.Should().Equal(1, 2, 3, 4);
        (await _journal.LoadAsync("d-1"))!.Entries.Select(e => e.StepId).Should().Equal("a", "b", "c", "d");
    }

    [Fact]
    public async Task APlanHoldingADocumentOfTheMaximumDepth_IsJournaled()
    {
        // Where the engine puts the create body: $.deployment.plan.operations[i].body, five levels below the root.
        var body = (JsonObject)JsonNode.Parse(string.Concat(Enumerable.Repeat("{\"a\":", ElastigroupDocument.MaxDepth)) + "1" + new string('}', ElastigroupDocument.MaxDepth))!;
        var plan = new JsonObject { ["format"] = 2, ["operations"] = new JsonArray(new JsonObject { ["type"] = "createGroup", ["body"] = body }) };

        await _journal.CreateAsync(NewRecord(plan: plan));
        await _journal.AppendAsync("d-1", JournalEntry.Note("n", "note"));

        (await new FileDeploymentJournal(_directory.Path, _time).LoadAsync("d-1"))!.Plan!.ToJsonString().Should().Be(plan.ToJsonString());
    }

    [Fact]
    public async Task APlanNestedSixtyLevels_CannotBeJournaled_WhichIsWhyDocumentsAreBounded()
    {
        var body = (JsonObject)JsonNode.Parse(string.Concat(Enumerable.Repeat("{\"a\":", 60)) + "1" + new string('}', 60))!;
        var plan = new JsonObject { ["operations"] = new JsonArray(new JsonObject { ["body"] = body }) };

        var create = () => _journal.CreateAsync(NewRecord(plan: plan));

        await create.Should().ThrowAsync<DeploymentJournalException>();
        File.Exists(PathOf()).Should().BeFalse();
    }
}
