namespace Spot.Deploy.Strategies.Tests;

/// <summary>The history contract on files, and what files written before runners were recorded give.</summary>
public sealed class FileDeploymentHistoryTests : DeploymentHistoryContractTests, IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FileDeploymentJournal _journal;

    public FileDeploymentHistoryTests() => _journal = new FileDeploymentJournal(_directory.Path, Time, TestRunner);

    protected override IDeploymentJournal Journal => _journal;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task CreateAsync_WritesTheRunnerInTheHeader_AfterTheAppName()
    {
        await _journal.CreateAsync(new DeploymentRecord { Id = "d-1", AppName = "shop", Strategy = "canary", Request = [] });

        var header = (await File.ReadAllLinesAsync(_journal.GetFilePath("d-1")))[0];

        header.Should().StartWith("{\"formatVersion\":2,\"deployment\":{\"id\":\"d-1\",\"appName\":\"shop\"").And.Contain("\"runner\":\"runner-1@test\"");
    }

    [Fact]
    public async Task GetHistoryAsync_FileWrittenBeforeRunners_HasNoRunner_AndStillAppends()
    {
        // A format-2 header as earlier versions wrote it: no runner.
        var path = _journal.GetFilePath("d-old");
        await File.WriteAllTextAsync(path,
            "{\"formatVersion\":2,\"deployment\":{\"id\":\"d-old\",\"appName\":\"shop\",\"strategy\":\"canary\",\"startedAt\":\"2026-11-20T08:00:00+00:00\",\"request\":{\"imageId\":\"ami-9\"},\"status\":\"Running\",\"entries\":[]}}\n"
            + "{\"status\":\"Succeeded\",\"finishedAt\":\"2026-11-20T08:03:00+00:00\"}\n");
        await _journal.CreateAsync(new DeploymentRecord { Id = "d-new", AppName = "shop", Strategy = "canary", Request = [] });

        var history = await _journal.GetHistoryAsync("shop");

        history.Select(s => (s.Id, s.Runner, s.Status)).Should().Equal(("d-new", TestRunner, DeploymentStatus.Running), ("d-old", (string?)null, DeploymentStatus.Succeeded));
        history[1].ImageId.Should().Be("ami-9");
        history[1].FinishedAt.Should().Be(new DateTimeOffset(2026, 11, 20, 8, 3, 0, TimeSpan.Zero));
        await _journal.AppendAsync("d-old", JournalEntry.Note("n", "note"));
        (await _journal.LoadAsync("d-old"))!.Runner.Should().BeNull("an old record is never given a runner it did not have");
    }

    [Fact]
    public async Task GetUnfinishedAsync_FormatOneFile_IsListedWithoutRunner()
    {
        const string id = "web-20261203T174007Z-6523fac1";
        File.Copy(Path.Combine(AppContext.BaseDirectory, "TestData", "journals", "v1-canary-killed-in-phase-1.json"), _journal.GetFilePath(id));

        var unfinished = await _journal.GetUnfinishedAsync();
        var history = await _journal.GetHistoryAsync("web");

        unfinished.Select(s => (s.Id, s.AppName, s.Strategy, s.ImageId, s.Runner, s.Status)).Should().Equal(
            (id, "web", "Canary", "ami-0000000000000bbb2", (string?)null, DeploymentStatus.Running));
        history.Select(s => s.Id).Should().Equal(id);
    }

    [Fact]
    public async Task GetHistoryAsync_MissingDirectory_IsEmpty()
    {
        var journal = new FileDeploymentJournal(Path.Combine(_directory.Path, "never-written"), Time, TestRunner);

        (await journal.GetHistoryAsync("shop")).Should().BeEmpty();
        (await journal.GetUnfinishedAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task GetHistoryAsync_CorruptFileOfTheApp_Throws_NamingIt()
    {
        await _journal.CreateAsync(new DeploymentRecord { Id = "d-1", AppName = "shop", Strategy = "canary", Request = [] });
        await File.AppendAllTextAsync(_journal.GetFilePath("d-1"), "not json\n");

        var act = () => _journal.GetHistoryAsync("shop");

        (await act.Should().ThrowAsync<DeploymentJournalException>()).Which.FilePath.Should().Be(_journal.GetFilePath("d-1"));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("a\tb")]
    public void Constructor_UnshowableRunner_ThrowsArgumentException(string unshowable)
    {
        var act = () => new FileDeploymentJournal(_directory.Path, Time, unshowable);

        act.Should().Throw<ArgumentException>().WithParameterName("runner");
    }

    [Fact]
    public void Constructor_RunnerOver256Characters_ThrowsArgumentException()
    {
        var act = () => new FileDeploymentJournal(_directory.Path, Time, new string('a', 257));

        act.Should().Throw<ArgumentException>().WithMessage("*256*");
        new FileDeploymentJournal(_directory.Path, Time, new string('a', 256)).Runner.Should().HaveLength(256);
    }

    [Fact]
    public void Constructor_NoRunner_IsUserAtMachine()
    {
        new FileDeploymentJournal(_directory.Path).Runner.Should().Be(Environment.UserName + "@" + Environment.MachineName);
    }
}
