using System.Text.Json.Nodes;

namespace Spot.Deploy.Strategies.Tests;

public sealed class FileDeploymentJournalTests : DeploymentJournalContractTests, IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FileDeploymentJournal _journal;

    public FileDeploymentJournalTests() => _journal = new FileDeploymentJournal(_directory.Path, Time);

    protected override IDeploymentJournal Journal => _journal;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task CreateAsync_WritesCamelCaseJsonLinesNamedAfterTheDeployment()
    {
        await _journal.CreateAsync(NewRecord());
        await _journal.AppendAsync("d-1", JournalEntry.Result("s", "scaleGroup", JournalOutcome.Succeeded));

        var lines = await File.ReadAllLinesAsync(Path.Combine(_directory.Path, "d-1.json"));

        lines.Should().HaveCount(2);
        lines[0].Should().StartWith("{\"formatVersion\":2,\"deployment\":{\"id\":\"d-1\",\"appName\":\"shop\"");
        lines[1].Should().StartWith("{\"entry\":{\"sequence\":1,").And.Contain("\"outcome\":\"Succeeded\"")
            .And.Contain("\"kind\":\"Result\"").And.NotContain("\"error\"");
    }

    [Fact]
    public async Task AppendAsync_SerializationFailsMidWrite_LeavesOldFileByteIdenticalAndNoTempFiles()
    {
        await _journal.CreateAsync(NewRecord());
        await _journal.AppendAsync("d-1", JournalEntry.Note("s-1", "ok"));
        var path = _journal.GetFilePath("d-1");
        var before = await File.ReadAllBytesAsync(path);

        // 200 KB before the NaN: the serializer has flushed part of the temp file when it fails.
        var data = new JsonObject { ["padding"] = new string('x', 200_000), ["weight"] = double.NaN };
        var act = () => _journal.AppendAsync("d-1", JournalEntry.Intent("s-2", "scaleGroup", data));

        var thrown = await act.Should().ThrowAsync<DeploymentJournalException>();
        thrown.Which.FilePath.Should().Be(path);
        (await File.ReadAllBytesAsync(path)).Should().Equal(before);
        Directory.GetFiles(_directory.Path).Should().Equal(path);
    }

    [Fact]
    public async Task AppendAsync_ManyWrites_LeavesNoTempFiles()
    {
        await _journal.CreateAsync(NewRecord());
        for (var i = 0; i < 5; i++)
        {
            await _journal.AppendAsync("d-1", JournalEntry.Note("s-" + i, "note"));
        }

        Directory.GetFiles(_directory.Path).Select(Path.GetFileName).Should().Equal("d-1.json");
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"formatVersion\": 1, \"deployment\": {\"id\": \"d-1\", \"appName\": \"shop\", \"entr")]
    [InlineData("not json")]
    [InlineData("{\"formatVersion\": 1}")]
    [InlineData("{\"formatVersion\": 2, \"deployment\": {\"id\": \"d-1\"}}")]
    [InlineData("{\"formatVersion\": 1, \"deployment\": {\"id\": \"other\"}}")]
    [InlineData("{\"formatVersion\": 1, \"deployment\": {\"id\": \"d-1\", \"entries\": [{\"sequence\": 2}, {\"sequence\": 1}]}}")]
    public async Task LoadAsync_CorruptOrTruncatedFile_ThrowsNamingTheFile(string content)
    {
        var path = _journal.GetFilePath("d-1");
        await File.WriteAllTextAsync(path, content);

        var act = () => _journal.LoadAsync("d-1");

        var thrown = await act.Should().ThrowAsync<DeploymentJournalException>();
        thrown.Which.Message.Should().Contain(path);
        thrown.Which.FilePath.Should().Be(path);
    }

    [Fact]
    public async Task ListUnfinishedAsync_OneCorruptFile_ThrowsInsteadOfSkippingIt()
    {
        await _journal.CreateAsync(NewRecord("d-1"));
        await File.WriteAllTextAsync(_journal.GetFilePath("d-2"), "{");

        var act = () => _journal.ListUnfinishedAsync();

        await act.Should().ThrowAsync<DeploymentJournalException>().WithMessage("*d-2.json*");
    }

    [Fact]
    public async Task ListUnfinishedAsync_LeftoverTempAndForeignFiles_AreIgnored()
    {
        await _journal.CreateAsync(NewRecord("d-1"));
        await File.WriteAllTextAsync(Path.Combine(_directory.Path, "d-1.json.abc.tmp"), "{");
        await File.WriteAllTextAsync(Path.Combine(_directory.Path, "notes.txt"), "x");

        (await _journal.ListUnfinishedAsync()).Select(r => r.Id).Should().Equal("d-1");
    }

    [Fact]
    public async Task ListByAppAsync_CorruptFileWhoseAppCannotBeTold_ThrowsInsteadOfSkippingIt()
    {
        await _journal.CreateAsync(NewRecord("d-1"));
        await File.WriteAllTextAsync(_journal.GetFilePath("d-2"), "{\"formatVersion\": 1, \"deploym");

        var act = () => _journal.ListByAppAsync("shop");

        await act.Should().ThrowAsync<DeploymentJournalException>().WithMessage("*d-2.json*");
    }

    [Fact]
    public async Task ListByAppAsync_CorruptFileOfAnotherApp_IsNotReadInFull_AndDoesNotBlockThisApp()
    {
        await _journal.CreateAsync(NewRecord("d-1"));
        var other = "{\"formatVersion\": 1, \"deployment\": {\"id\": \"d-2\", \"appName\": \"api\", \"request\": {\"pad\": \"" + new string('x', 10_000) + "\", \"entr";
        await File.WriteAllTextAsync(_journal.GetFilePath("d-2"), other);

        (await _journal.ListByAppAsync("shop")).Select(r => r.Id).Should().Equal("d-1");
        var act = () => _journal.ListByAppAsync("api");
        await act.Should().ThrowAsync<DeploymentJournalException>().WithMessage("*d-2.json*", "the app's own corrupt journal is reported");
    }

    [Fact]
    public async Task ListByAppAsync_FormatTwoJournalOfAnotherApp_IsToldFromItsHeader_NotReadInFull()
    {
        await _journal.CreateAsync(NewRecord("d-1"));
        await _journal.CreateAsync(NewRecord("d-2", "api"));
        await _journal.AppendAsync("d-2", JournalEntry.Note("s1", "padding", new JsonObject { ["pad"] = new string('x', 10_000) }));
        await File.AppendAllTextAsync(_journal.GetFilePath("d-2"), "not a journal line\n");

        (await new FileDeploymentJournal(_directory.Path, Time).ListByAppAsync("shop")).Select(r => r.Id).Should().Equal("d-1");
        var act = () => new FileDeploymentJournal(_directory.Path, Time).ListByAppAsync("api");
        await act.Should().ThrowAsync<DeploymentJournalException>().WithMessage("*d-2.json*line 3*", "the app's own corrupt journal is reported");
    }

    [Fact]
    public async Task ListByAppAsync_AppNamedAfterALargeProperty_IsStillFound()
    {
        // Written in another order than this class writes: the app is not in the first kilobytes, so the file is loaded in full.
        var document = new JsonObject
        {
            ["formatVersion"] = 1,
            ["deployment"] = new JsonObject
            {
                ["id"] = "d-7",
                ["request"] = new JsonObject { ["pad"] = new string('x', 10_000) },
                ["strategy"] = "canary",
                ["startedAt"] = "2026-11-21T12:00:00+00:00",
                ["status"] = "NeedsAttention",
                ["entries"] = new JsonArray(),
                ["appName"] = "shop",
            },
        };
        await File.WriteAllTextAsync(_journal.GetFilePath("d-7"), document.ToJsonString());

        (await _journal.ListByAppAsync("shop")).Select(r => (r.Id, r.Status)).Should().Equal(("d-7", DeploymentStatus.NeedsAttention));
        (await _journal.ListByAppAsync("api")).Should().BeEmpty();
    }

    [Fact]
    public async Task ListByAppAsync_LeftoverTempAndForeignFilesAndMissingDirectory_AreIgnored()
    {
        (await new FileDeploymentJournal(Path.Combine(_directory.Path, "none"), Time).ListByAppAsync("shop")).Should().BeEmpty();
        await _journal.CreateAsync(NewRecord("d-1"));
        await File.WriteAllTextAsync(Path.Combine(_directory.Path, "d-1.json.abc.tmp"), "{");
        await File.WriteAllTextAsync(Path.Combine(_directory.Path, "notes.txt"), "x");

        (await _journal.ListByAppAsync("shop")).Select(r => r.Id).Should().Equal("d-1");
    }

    [Theory]
    [InlineData("{\"formatVersion\": 2, \"deployment\": {\"id\": \"d\", \"appName\": \"shop\"", false, "shop")]
    [InlineData("{\"deployment\": {\"entries\": [1, {\"appName\": \"no\"}], \"app\\u004eame\": \"shop\"}}", true, "shop")]
    [InlineData("{\"other\": {\"appName\": \"no\"}, \"deployment\": {\"appName\": \"shop\"}}", true, "shop")]
    [InlineData("{\"formatVersion\": 2, \"deployment\": {\"id\": \"d\", \"appNa", false, null)]
    [InlineData("{\"deployment\": {\"appName\": 3}}", true, null)]
    [InlineData("{\"deployment\": {\"id\": \"d\"}}", true, null)]
    [InlineData("[\"deployment\"]", true, null)]
    [InlineData("not json", true, null)]
    [InlineData("", true, null)]
    public void PeekAppName_ReadsOnlyDeploymentAppName_OrSaysItCannotTell(string json, bool whole, string? expected)
    {
        JournalRules.PeekAppName(System.Text.Encoding.UTF8.GetBytes(json), whole).Should().Be(expected);
    }

    [Fact]
    public async Task LoadAsync_FromANewJournalInstance_SeesWhatTheFirstWrote()
    {
        await _journal.CreateAsync(NewRecord());
        await _journal.AppendAsync("d-1", JournalEntry.Intent("s", "scaleGroup"));

        var reopened = new FileDeploymentJournal(_directory.Path, Time);

        (await reopened.LoadAsync("d-1"))!.UnresolvedIntents().Select(e => e.StepId).Should().Equal("s");
    }

    [Fact]
    public async Task ListUnfinishedAsync_DirectoryMissing_ReturnsEmpty()
    {
        var journal = new FileDeploymentJournal(Path.Combine(_directory.Path, "none"), Time);

        (await journal.ListUnfinishedAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task AppendAsync_Cancelled_Throws()
    {
        await _journal.CreateAsync(NewRecord());

        var act = () => _journal.AppendAsync("d-1", JournalEntry.Note("s", "n"), new CancellationToken(canceled: true));

        await act.Should().ThrowAsync<OperationCanceledException>();
    }
}
