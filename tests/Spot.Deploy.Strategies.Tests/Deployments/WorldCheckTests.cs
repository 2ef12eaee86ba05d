using Spot.Deploy.Aws;
using Spot.Deploy.Emulator;
using Spot.Deploy.Strategies.Tests.Faults;

namespace Spot.Deploy.Strategies.Tests.Deployments;

/// <summary>
/// Resume and rollback read the world before touching it (docs/semantics.md): a difference from what the journal says the
/// deployment last set changes nothing and stops NeedsAttention with a report; the planned name is a second witness.
/// </summary>
public sealed class WorldCheckTests : ControlFlowTestBase
{
    private static readonly DeploymentOptions Stop = new() { OnFailure = FailurePolicy.Stop, SteadyState = { Timeout = TimeSpan.FromMinutes(5) } };

    /// <summary>A canary stopped for a person at phase 1 (its first capacity change refused once): web__3 2/4/6, web__4 0/0/0.</summary>
    private async Task<string> StoppedCanaryAsync()
    {
        SeedRunningRevision();
        Emulator.Faults.Add(new FaultRule { Service = "spot", Method = "PUT", PathContains = "/capacity", Status = 400, Times = 1 });
        var run = () => new CanaryDeployment(Services, CanaryRequest(25, 50, 100), Stop).RunAsync();
        return (await run.Should().ThrowAsync<DeploymentFailedException>()).Which.DeploymentId!;
    }

    private string GroupId(string name) => State.Groups.Single(g => g.Name == name).Id;

    private async Task<DeploymentDriftException> ExpectDriftAsync(Func<Task> recovery, string id)
    {
        var before = GroupState();
        var mutating = Emulator.Calls.Mutating.Count;
        var drift = (await recovery.Should().ThrowAsync<DeploymentDriftException>()).Which;
        drift.Status.Should().Be(DeploymentStatus.NeedsAttention);
        drift.DeploymentId.Should().Be(id);
        Emulator.Calls.Mutating.Should().HaveCount(mutating, "a drift changes nothing");
        GroupState().Should().Equal(before);
        var record = await RecordAsync(id);
        record.Status.Should().Be(DeploymentStatus.NeedsAttention);
        record.Entries.Should().ContainSingle(e => e.Operation == "drift").Which.Data!["differences"]!.AsArray().Should().HaveCount(drift.Differences.Count);
        drift.Message.Split('\n').Should().HaveCount(drift.Differences.Count + 2, "the report has a line per difference");
        return drift;
    }

    [Fact]
    public async Task Resume_CapacityChangedByAPerson_ChangesNothingAndReportsIt()
    {
        var id = await StoppedCanaryAsync();
        await Spot.UpdateCapacityAsync(GroupId("web__3"), 1, 1, 1);

        var drift = await ExpectDriftAsync(() => new DeploymentRecovery(Services).ResumeAsync(id), id);

        drift.Operation.Should().Be("resume");
        var difference = drift.Differences.Should().ContainSingle().Which;
        difference.What.Should().Be($"group web__3 ({GroupId("web__3")}) capacity");
        difference.Expected.Should().Be("min 2, target 4, max 6");
        difference.Actual.Should().Be("min 1, target 1, max 1");
        difference.Action.Should().Contain("Set its capacity back to min 2, target 4, max 6").And.Contain("abandon");
    }

    [Fact]
    public async Task Resume_TargetMovedByAutoscalingBetweenMinAndMax_IsNoDifference()
    {
        var id = await StoppedCanaryAsync();
        await Spot.UpdateCapacityAsync(GroupId("web__3"), 2, 5, 6);

        var result = await new DeploymentRecovery(Services).ResumeAsync(id);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        GroupState().Should().Equal(Deployed);
    }

    [Fact]
    public async Task Rollback_NewerRevisionTheJournalDoesNotKnow_IsReportedAndLeftAlone()
    {
        var id = await StoppedCanaryAsync();
        var newer = SeedGroup("web__5", Cap(1, 1, 1));

        var drift = await ExpectDriftAsync(() => new DeploymentRecovery(Services).RollbackAsync(id), id);

        drift.Operation.Should().Be("rollback");
        drift.Differences.Should().ContainSingle().Which.What.Should().Be($"group web__5 ({newer})");
        drift.Differences[0].Actual.Should().StartWith("revision 5");
        drift.Differences[0].Action.Should().Contain("do not resume or roll back over it");
    }

    [Fact]
    public async Task Rollback_PreviousGroupDeletedOutside_IsReported()
    {
        var id = await StoppedCanaryAsync();
        var previous = GroupId("web__3");
        await Spot.DeleteGroupAsync(previous);

        var drift = await ExpectDriftAsync(() => new DeploymentRecovery(Services).RollbackAsync(id), id);

        drift.Differences.Should().ContainSingle().Which.Should().Be(new WorldDifference($"group web__3 ({previous})", "to exist", "no such group (deleted)",
            "It was deleted outside this deployment, and a resume or rollback cannot bring it back. Or, once a person has checked the app, abandon the deployment."));
    }

    [Fact]
    public async Task RunNextStage_RouteChangedBetweenStages_StopsNeedsAttentionAndLetsTheLockGo()
    {
        var setup = SeedBlueGreen(25, 100);
        await using var deployment = new BlueGreenDeployment(Services, setup.Request);
        await deployment.StartAsync();
        await Aws.Traffic.ShiftTrafficAsync(new RouteRef(setup.ProductionListener), setup.Blue, setup.Green, 50, 50);

        var drift = await ExpectDriftAsync(() => deployment.RunNextStageAsync(), deployment.DeploymentId!);

        var difference = drift.Differences.Should().ContainSingle().Which;
        difference.What.Should().Be("production route " + setup.ProductionListener);
        // The next step (25 %) may have run with its intent lost, so its split is acceptable too; 50/50 is neither.
        difference.Expected.Should().Be($"forward to {setup.Blue} or {setup.Blue} weight 3 + {setup.Green} weight 1");
        difference.Actual.Should().Contain(setup.Blue + " weight 1").And.Contain(setup.Green + " weight 1");
        (await IsUnlockedAsync()).Should().BeTrue();
    }

    /// <summary>A power loss: the create's intent is lost, its call goes out, the process dies at its next write.</summary>
    private async Task<string> CreateIntentLostAsync()
    {
        SeedRunningRevision();
        var journal = new CrashingJournal(Journal, mode: CrashMode.PowerLoss, crashOn: w => w == "Intent s1 Create");
        var dying = new DeploymentServices(Spot, Aws, journal, new InProcessAppLock(), Clock);
        var run = () => new CanaryDeployment(dying, CanaryRequest(25, 50, 100)).RunAsync();
        await run.Should().ThrowAsync<Exception>();
        journal.PowerLost.Should().BeTrue();
        GroupState().Should().Equal(Started.Append($"web__4 0/0/0 {NewImage} live=0"), "the create went out");
        (await RecordAsync(journal.DeploymentId!)).Entries.Should().NotContain(e => e.StepId == "s1");
        return journal.DeploymentId!;
    }

    [Fact]
    public async Task Resume_GroupCreatedWhoseIntentWasLost_IsTakenOverNotCreatedTwice()
    {
        var id = await CreateIntentLostAsync();
        var created = GroupId("web__4");

        var result = await new DeploymentRecovery(Services).ResumeAsync(id);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        result.GroupId.Should().Be(created);
        GroupState().Should().Equal(Deployed);
        Emulator.Calls.Mutating.Count(c => c.Method == "POST" && c.Path == "/aws/ec2/group").Should().Be(1);
        (await RecordAsync(id)).Entries.Should().ContainSingle(e => e.Operation == "adoptedByName").Which.Data!["groupId"]!.GetValue<string>().Should().Be(created);
    }

    [Fact]
    public async Task Rollback_GroupCreatedWhoseIntentWasLost_IsRemoved()
    {
        var id = await CreateIntentLostAsync();

        var result = await new DeploymentRecovery(Services).RollbackAsync(id);

        result.Status.Should().Be(DeploymentStatus.RolledBack);
        GroupState().Should().Equal(Started);
    }

    [Fact]
    public async Task Rollback_GroupWithThePlannedNameThatAnotherJournalRecordNames_IsNotOurs()
    {
        var id = await CreateIntentLostAsync();
        var created = GroupId("web__4");
        var record = await RecordAsync(id);
        await Journal.CreateAsync(new DeploymentRecord { Id = "web-older", AppName = App, Strategy = "Canary", StartedAt = record.StartedAt.AddMinutes(-5) });
        await Journal.AppendAsync("web-older", JournalEntry.Note("s1", "note", new System.Text.Json.Nodes.JsonObject { ["groupId"] = created }));
        await Journal.SetStatusAsync("web-older", DeploymentStatus.Abandoned);

        var drift = await ExpectDriftAsync(() => new DeploymentRecovery(Services).RollbackAsync(id), id);

        drift.Differences.Should().ContainSingle().Which.What.Should().Be($"group web__4 ({created})");
        drift.Differences[0].Action.Should().Contain("not provably this deployment's");
    }

    /// <summary>
    /// The witness compares two clocks: Spot's <c>createdAt</c> and the start the orchestrator journaled. With the machine's
    /// clock 2 s ahead of Spot's, the group the deployment created right after starting looks older than the deployment:
    /// it must be reported (the safe direction), never adopted, taken over or deleted on a guess.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ResumeOrRollback_GroupWithThePlannedNameOlderThanTheStartByClockSkew_IsReportedNotAdopted(bool rollback)
    {
        SeedRunningRevision();
        var ahead = new SkewedClock(Clock, TimeSpan.FromSeconds(2));
        var journal = new CrashingJournal(Journal, mode: CrashMode.PowerLoss, crashOn: w => w == "Intent s1 Create");
        var dying = new DeploymentServices(Spot, Aws, journal, new InProcessAppLock(), ahead);
        await new Func<Task>(() => new CanaryDeployment(dying, CanaryRequest(25, 50, 100)).RunAsync()).Should().ThrowAsync<Exception>();
        var id = journal.DeploymentId!;
        var created = GroupId("web__4");
        (await Spot.GetGroupAsync(created)).CreatedAt.Should().BeBefore((await RecordAsync(id)).StartedAt, "that is the skew");
        var recovery = new DeploymentRecovery(new DeploymentServices(Spot, Aws, Journal, new InProcessAppLock(), ahead));

        var drift = await ExpectDriftAsync(() => rollback ? recovery.RollbackAsync(id) : recovery.ResumeAsync(id), id);

        var difference = drift.Differences.Should().ContainSingle().Which;
        difference.What.Should().Be($"group web__4 ({created})");
        difference.Expected.Should().Be("no group the journal does not know by this name");
        difference.Actual.Should().StartWith("a group created ");
        (await RecordAsync(id)).Entries.Should().NotContain(e => e.Operation == "adoptedByName");
        GroupState().Should().Contain(g => g.StartsWith("web__4 ", StringComparison.Ordinal), "nothing deleted it");
    }

    /// <summary>The orchestrator machine's clock, <paramref name="offset"/> ahead of Spot's (timers run on the same fake time).</summary>
    private sealed class SkewedClock(TimeProvider inner, TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + offset;

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            inner.CreateTimer(callback, state, dueTime, period);
    }
}
