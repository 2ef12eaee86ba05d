using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Strategies.Tests;

/// <summary>Behaviour every control channel must share (promote/abort of paused deployments); run once per store.</summary>
public abstract class DeploymentControlContractTests
{
    protected FakeTimeProvider Time { get; } = new(VirtualClock.Start);

    /// <summary>The journal the deployments are created in.</summary>
    protected abstract IDeploymentJournal Journal { get; }

    /// <summary>The same store as a control channel.</summary>
    protected IDeploymentControl Control => (IDeploymentControl)Journal;

    private async Task CreateAsync(string id = "d-1")
    {
        await Journal.CreateAsync(new DeploymentRecord
        {
            Id = id,
            AppName = "shop",
            Strategy = "canary",
            Request = new JsonObject { ["image"] = "ami-123" },
        });
        await Journal.AppendAsync(id, JournalEntry.Note("stage-2", "paused", new JsonObject { ["stage"] = 2, ["name"] = "phase 2 of 3 (50 %)" }));
    }

    [ContractFact]
    public async Task Request_IsNumberedAndTimedByTheStore_ReadBackInOrder_AndTheJournalIsUntouched()
    {
        await CreateAsync();
        var before = (await Journal.LoadAsync("d-1"))!.Entries.Count;
        Time.Advance(TimeSpan.FromSeconds(7));

        var promote = await Control.RequestAsync("d-1", new ControlRequest(ControlAction.Promote, 2, "alice@laptop", "dashboards green"));
        Time.Advance(TimeSpan.FromSeconds(3));
        var abort = await Control.RequestAsync("d-1", new ControlRequest(ControlAction.Abort, 3, "bob@ci"));

        promote.Sequence.Should().Be(1);
        promote.RequestedAt.Should().Be(VirtualClock.Start.AddSeconds(7));
        abort.Sequence.Should().Be(2);
        abort.RequestedAt.Should().Be(VirtualClock.Start.AddSeconds(10));
        var read = await Control.ReadAsync("d-1");
        read.Select(r => (r.Sequence, r.Action, r.Stage, r.RequestedBy, r.Reason, r.RequestedAt)).Should().Equal(
            (1L, ControlAction.Promote, 2, "alice@laptop", "dashboards green", VirtualClock.Start.AddSeconds(7)),
            (2L, ControlAction.Abort, 3, "bob@ci", (string?)null, VirtualClock.Start.AddSeconds(10)));
        (await Journal.LoadAsync("d-1"))!.Entries.Should().HaveCount(before, "a control request is never a journal entry: only the deployment's runner appends");
    }

    [ContractFact]
    public async Task SameDecisionAgain_ReturnsTheFirst_StoresNothing()
    {
        await CreateAsync();
        var first = await Control.RequestAsync("d-1", new ControlRequest(ControlAction.Promote, 2, "alice@laptop", "ok"));
        Time.Advance(TimeSpan.FromMinutes(1));

        var again = await Control.RequestAsync("d-1", new ControlRequest(ControlAction.Promote, 2, "carol@desk", "me too"));

        again.Sequence.Should().Be(first.Sequence);
        again.RequestedBy.Should().Be("alice@laptop");
        again.RequestedAt.Should().Be(first.RequestedAt);
        (await Control.ReadAsync("d-1")).Should().ContainSingle();
    }

    [ContractFact]
    public async Task ContradictoryDecision_IsRefusedNamingTheFirst_FirstWins()
    {
        await CreateAsync();
        await Control.RequestAsync("d-1", new ControlRequest(ControlAction.Promote, 2, "alice@laptop", "ok"));

        var act = () => Control.RequestAsync("d-1", new ControlRequest(ControlAction.Abort, 2, "bob@ci", "too late"));

        var refused = (await act.Should().ThrowAsync<DeploymentControlException>()).Which;
        refused.Refusal.Should().Be(ControlRefusal.AlreadyDecided);
        refused.Decision!.RequestedBy.Should().Be("alice@laptop");
        refused.Message.Should().Contain("alice@laptop").And.Contain("promote").And.Contain("first decision wins");
        refused.Should().BeAssignableTo<DeploymentStateException>("the CLI's exit code 3: nothing was changed");
        (await Control.ReadAsync("d-1")).Should().ContainSingle().Which.Action.Should().Be(ControlAction.Promote);
    }

    [ContractFact]
    public async Task AfterAnAbort_EveryLaterRequestIsRefused()
    {
        await CreateAsync();
        await Control.RequestAsync("d-1", new ControlRequest(ControlAction.Abort, 2, "bob@ci", "error rate"));

        var act = () => Control.RequestAsync("d-1", new ControlRequest(ControlAction.Promote, 3, "alice@laptop"));

        (await act.Should().ThrowAsync<DeploymentControlException>()).Which.Refusal.Should().Be(ControlRefusal.AlreadyDecided);
        (await Control.ReadAsync("d-1")).Should().ContainSingle();
    }

    [ContractFact]
    public async Task UnknownDeployment_IsRefused_AndNothingIsStored()
    {
        var act = () => Control.RequestAsync("nope-1", new ControlRequest(ControlAction.Promote, 2, "alice@laptop"));

        var refused = (await act.Should().ThrowAsync<DeploymentControlException>()).Which;
        refused.Refusal.Should().Be(ControlRefusal.UnknownDeployment);
        refused.ControlDeploymentId.Should().Be("nope-1");
        (await Control.ReadAsync("nope-1")).Should().BeEmpty();
    }

    [ContractTheory]
    [InlineData(DeploymentStatus.Succeeded)]
    [InlineData(DeploymentStatus.RolledBack)]
    [InlineData(DeploymentStatus.Abandoned)]
    public async Task FinishedDeployment_IsRefused_AndNothingIsStored(DeploymentStatus status)
    {
        await CreateAsync();
        await Journal.SetStatusAsync("d-1", status);

        var act = () => Control.RequestAsync("d-1", new ControlRequest(ControlAction.Abort, 2, "bob@ci"));

        var refused = (await act.Should().ThrowAsync<DeploymentControlException>()).Which;
        refused.Refusal.Should().Be(ControlRefusal.FinishedDeployment);
        refused.Message.Should().Contain(status.ToString());
        (await Control.ReadAsync("d-1")).Should().BeEmpty();
    }

    [ContractFact]
    public async Task Requests_OfTwoDeployments_AreKeptApart()
    {
        await CreateAsync("d-1");
        await CreateAsync("d-2");

        await Control.RequestAsync("d-1", new ControlRequest(ControlAction.Promote, 2, "alice@laptop"));
        await Control.RequestAsync("d-2", new ControlRequest(ControlAction.Abort, 2, "bob@ci"));

        (await Control.ReadAsync("d-1")).Should().ContainSingle().Which.Action.Should().Be(ControlAction.Promote);
        (await Control.ReadAsync("d-2")).Should().ContainSingle().Which.Action.Should().Be(ControlAction.Abort);
    }
}
