using System.Text.Json.Nodes;

namespace Spot.Deploy.Strategies.Tests;

/// <summary>
/// A journal write reaches the disk — the file and the directory entry naming it — before it returns. What a test can
/// check without pulling the plug: the directory flush runs (libc is found and called), and every failure of it, or of
/// the directory around the journal, surfaces as an error instead of being lost.
/// </summary>
public sealed class DurableFilesTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void FlushDirectory_AnExistingDirectory_Runs()
    {
        DurableFiles.FlushesDirectories.Should().Be(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS());

        var act = () => DurableFiles.FlushDirectory(_directory.Path);

        act.Should().NotThrow();
    }

    [Fact]
    public void FlushDirectory_AMissingDirectory_IsAnIOExceptionNamingIt()
    {
        if (!DurableFiles.FlushesDirectories)
        {
            return; // Windows: nothing to flush (docs/journal-and-lock.md).
        }

        var missing = Path.Combine(_directory.Path, "gone");

        var act = () => DurableFiles.FlushDirectory(missing);

        act.Should().Throw<IOException>().WithMessage($"Could not flush the directory '{missing}' to disk (open: *, errno 2).");
    }

    [Fact]
    public void WriteAtomically_IntoMissingDirectories_CreatesThem_AndLeavesOnlyTheFile()
    {
        var path = Path.Combine(_directory.Path, "a", "b", "file.json");

        DurableFiles.WriteAtomically(path, "{}"u8, overwrite: false);

        File.ReadAllText(path).Should().Be("{}");
        Directory.GetFiles(Path.GetDirectoryName(path)!).Should().Equal(path);
    }

    [Fact]
    public void WriteAtomically_NewFileThatExists_Throws_AndKeepsTheOldContent()
    {
        var path = Path.Combine(_directory.Path, "file.json");
        File.WriteAllText(path, "old");

        var act = () => DurableFiles.WriteAtomically(path, "new"u8, overwrite: false);

        act.Should().Throw<IOException>();
        File.ReadAllText(path).Should().Be("old");
        Directory.GetFiles(_directory.Path).Should().Equal(path);
    }

    [Fact]
    public async Task Journal_DirectoryPathIsAFile_CreateIsADeploymentJournalException()
    {
        var blocked = Path.Combine(_directory.Path, "journal");
        await File.WriteAllTextAsync(blocked, "not a directory");
        var journal = new FileDeploymentJournal(blocked);

        var act = () => journal.CreateAsync(Record());

        (await act.Should().ThrowAsync<DeploymentJournalException>()).Which.FilePath.Should().Be(journal.GetFilePath("d-1"));
    }

    [Fact]
    public async Task Journal_DirectoryRemovedAfterCreate_AppendIsADeploymentJournalException()
    {
        var journal = new FileDeploymentJournal(Path.Combine(_directory.Path, "journal"));
        await journal.CreateAsync(Record());
        Directory.Delete(journal.Directory, recursive: true);

        var act = () => journal.AppendAsync("d-1", JournalEntry.Intent("s", "scaleGroup"));

        await act.Should().ThrowAsync<DeploymentJournalException>().WithMessage("*d-1*");
    }

    [Fact]
    public async Task Journal_DirectoryReplacedByAFile_AppendAndLoadAreDeploymentJournalExceptions()
    {
        var journal = new FileDeploymentJournal(Path.Combine(_directory.Path, "journal"));
        await journal.CreateAsync(Record());
        Directory.Delete(journal.Directory, recursive: true);
        await File.WriteAllTextAsync(journal.Directory, "not a directory");

        var append = () => journal.AppendAsync("d-1", JournalEntry.Intent("s", "scaleGroup"));
        var list = () => journal.ListUnfinishedAsync();

        await append.Should().ThrowAsync<DeploymentJournalException>();
        (await list()).Should().BeEmpty("there is no journal directory to list");
    }

    [Fact]
    public async Task Journal_CreatesItsDirectoryTree_AndTheRecordIsReadableAtOnce()
    {
        var journal = new FileDeploymentJournal(Path.Combine(_directory.Path, "state", "journal"));

        await journal.CreateAsync(Record());

        (await new FileDeploymentJournal(journal.Directory).LoadAsync("d-1")).Should().NotBeNull();
    }

    private static DeploymentRecord Record() => new()
    {
        Id = "d-1",
        AppName = "shop",
        Strategy = "canary",
        Request = new JsonObject { ["image"] = "ami-123" },
    };
}
