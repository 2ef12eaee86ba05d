namespace Spot.Deploy.Strategies.Tests;

/// <summary>The control-channel contract on the in-memory journal.</summary>
public sealed class InMemoryDeploymentControlTests : DeploymentControlContractTests
{
    public InMemoryDeploymentControlTests() => Journal = new InMemoryDeploymentJournal(Time);

    protected override IDeploymentJournal Journal { get; }
}

/// <summary>The control-channel contract on the file journal, and what only files do: the control file beside the journal file.</summary>
public sealed class FileDeploymentControlTests : DeploymentControlContractTests, IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FileDeploymentJournal _journal;

    public FileDeploymentControlTests() => _journal = new FileDeploymentJournal(_directory.Path, Time);

    protected override IDeploymentJournal Journal => _journal;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ControlFile_LiesBesideTheJournalFile_WhichItNeverChanges_AndListingsIgnoreIt()
    {
        await _journal.CreateAsync(new DeploymentRecord { Id = "d-1", AppName = "shop", Strategy = "canary" });
        var journalBytes = await File.ReadAllBytesAsync(_journal.GetFilePath("d-1"));

        await _journal.RequestAsync("d-1", new ControlRequest(ControlAction.Promote, 2, "alice@laptop", "ok"));

        _journal.GetControlFilePath("d-1").Should().Be(Path.Combine(_journal.Directory, "d-1.control"));
        File.Exists(_journal.GetControlFilePath("d-1")).Should().BeTrue();
        (await File.ReadAllBytesAsync(_journal.GetFilePath("d-1"))).Should().Equal(journalBytes);
        (await _journal.ListByAppAsync("shop")).Should().ContainSingle().Which.Id.Should().Be("d-1");
        (await _journal.ListUnfinishedAsync()).Should().ContainSingle();
        Directory.EnumerateFiles(_journal.Directory).Should().NotContain(f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASecondInstance_ForTheSameDirectory_SeesTheRequest_AndTheFirstDecisionWins()
    {
        await _journal.CreateAsync(new DeploymentRecord { Id = "d-1", AppName = "shop", Strategy = "canary" });
        var other = new FileDeploymentJournal(_directory.Path, Time);

        await other.RequestAsync("d-1", new ControlRequest(ControlAction.Abort, 2, "bob@ci", "error rate"));
        var act = () => _journal.RequestAsync("d-1", new ControlRequest(ControlAction.Promote, 2, "alice@laptop"));

        (await _journal.ReadAsync("d-1")).Should().ContainSingle().Which.RequestedBy.Should().Be("bob@ci");
        (await act.Should().ThrowAsync<DeploymentControlException>()).Which.Decision!.Action.Should().Be(ControlAction.Abort);
    }

    [Fact]
    public async Task TwoInstances_DecidingTheSameStageAtOnce_ExactlyOneDecisionIsStored_TheOtherIsRefused()
    {
        await _journal.CreateAsync(new DeploymentRecord { Id = "d-1", AppName = "shop", Strategy = "canary" });
        var other = new FileDeploymentJournal(_directory.Path, Time);

        var promote = Capture(() => _journal.RequestAsync("d-1", new ControlRequest(ControlAction.Promote, 2, "alice@laptop")));
        var abort = Capture(() => other.RequestAsync("d-1", new ControlRequest(ControlAction.Abort, 2, "bob@ci")));
        var outcomes = await Task.WhenAll(promote, abort);

        var stored = (await _journal.ReadAsync("d-1")).Should().ContainSingle().Subject;
        outcomes.Count(o => o is ControlRequest).Should().Be(1);
        outcomes.OfType<DeploymentControlException>().Should().ContainSingle().Which.Decision!.Action.Should().Be(stored.Action, "the refusal names the decision that won");
    }

    private static async Task<object> Capture(Func<Task<ControlRequest>> request)
    {
        await Task.Yield();
        try
        {
            return await request();
        }
        catch (DeploymentControlException e)
        {
            return e;
        }
    }

    [Fact]
    public async Task CorruptControlFile_IsAJournalError_NamingTheFile()
    {
        await _journal.CreateAsync(new DeploymentRecord { Id = "d-1", AppName = "shop", Strategy = "canary" });
        await File.WriteAllTextAsync(_journal.GetControlFilePath("d-1"), "{ not json");

        var act = () => _journal.ReadAsync("d-1");

        (await act.Should().ThrowAsync<DeploymentJournalException>()).Which.Message.Should().Contain("d-1.control");
    }
}
