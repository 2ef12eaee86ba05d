using Spot.Deploy.Emulator;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Tests.Deployments;

public sealed class BasicDeploymentTests : StrategyTestBase
{
    [Fact]
    public async Task Run_NoPreviousGroup_CreatesRevision1AtTheFallbackCapacity()
    {
        var progress = new Recorder();
        var deployment = new BasicDeployment(Services, BasicRequest());

        var preview = await deployment.StartAsync(progress);
        var result = await deployment.CompleteAsync();

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        result.GroupName.Should().Be("web__1");
        result.GroupId.Should().Be(IdOf("web__1"));
        preview.PlannedCapacity.Should().Be(Cap(1, 2, 4));
        preview.CapacitySource.Should().Be(CapacitySource.Fallback);
        GroupState().Should().Equal($"web__1 1/2/4 {NewImage} live=2");
        LiveImages(result.GroupId!).Should().Equal(NewImage, NewImage);
        progress.Of<GroupCreatedEvent>().Select(e => e.Name).Should().Equal("web__1");
        CapacityChanges(progress).Should().Equal("web__1 1/2/4");
        progress.Of<GroupDeletedEvent>().Should().BeEmpty();

        // The document is created as given, with the name, image and capacity 0/0/0 set (then scaled).
        var created = State.GetGroup(result.GroupId!)!;
        ((string?)created["description"]).Should().Be("web app");
        ((string?)created["compute"]!["launchSpecification"]!["tags"]![0]!["tagValue"]).Should().Be("web");
        Emulator.Calls.Mutating.Select(c => $"{c.Method} {c.Path}").Should().Equal(
            "POST /aws/ec2/group",
            $"PUT /aws/ec2/group/{result.GroupId}/capacity");

        var record = await RecordAsync(result.DeploymentId);
        record.Status.Should().Be(DeploymentStatus.Succeeded);
        ((string?)record.Plan!["capacitySource"]).Should().Be("Fallback");
        IntentsThenSucceeded(record).Should().Equal("s1", "s2");
    }

    [Fact]
    public async Task Run_NoPreviousGroup_FixedCapacity_UsesTheFixedCapacity()
    {
        var deployment = new BasicDeployment(Services, BasicRequest(CapacityRequest.Fixed(2, 3, 5)));

        var preview = await deployment.StartAsync();
        var result = await deployment.CompleteAsync();

        preview.CapacitySource.Should().Be(CapacitySource.Fixed);
        preview.PlannedCapacity.Should().Be(Cap(2, 3, 5));
        result.GroupName.Should().Be("web__1");
        GroupState().Should().Equal($"web__1 2/3/5 {NewImage} live=3");
        ((string?)(await RecordAsync(result.DeploymentId)).Plan!["capacitySource"]).Should().Be("Fixed");
    }

    [Fact]
    public async Task Run_OverARunningGroup_SameAsRunning_TakesOverAtTheSameCapacity()
    {
        var previous = SeedGroup("web__1", Cap(2, 3, 5));
        var progress = new Recorder();
        var deployment = new BasicDeployment(Services, BasicRequest());

        var preview = await deployment.StartAsync(progress);
        var result = await deployment.CompleteAsync();

        preview.CapacitySource.Should().Be(CapacitySource.SameAsRunning);
        preview.PlannedCapacity.Should().Be(Cap(2, 3, 5));
        result.GroupName.Should().Be("web__2");
        GroupState().Should().Equal(
            $"web__1 0/0/0 {OldImage} live=0",
            $"web__2 2/3/5 {NewImage} live=3");
        progress.Of<StageStartedEvent>().Select(s => s.Name).Should().Equal("setup", "phase 1 of 1 (100 %)");
        CapacityChanges(progress).Should().Equal("web__2 2/3/5", "web__1 0/0/0");
        progress.Of<CapacityChangedEvent>().Last().GroupId.Should().Be(previous);
        progress.Of<DeploymentFinishedEvent>().Single().Status.Should().Be(DeploymentStatus.Succeeded);
        var record = await RecordAsync(result.DeploymentId);
        ((string?)record.Plan!["capacitySource"]).Should().Be("SameAsRunning");
        IntentsThenSucceeded(record).Should().Equal("s1", "s2", "s3");
    }

    [Fact]
    public async Task Run_FixedCapacityOverARunningGroup_IgnoresTheRunningCapacity()
    {
        SeedGroup("web__4", Cap(1, 1, 1));
        var deployment = new BasicDeployment(Services, BasicRequest(CapacityRequest.Fixed(2, 2, 2)));

        var preview = await deployment.StartAsync();
        await deployment.CompleteAsync();

        preview.CapacitySource.Should().Be(CapacitySource.Fixed);
        GroupState().Should().Equal(
            $"web__4 0/0/0 {OldImage} live=0",
            $"web__5 2/2/2 {NewImage} live=2");
    }

    [Fact]
    public async Task Run_OverHistory_NumbersAsIntegers_DeletesLeftoversAndSurplusOnlyAfterTheFinalPhase()
    {
        var ids = SeedHistory();
        var progress = new Recorder();
        IReadOnlyList<string>? atFinalPhase = null;
        IReadOnlyList<string>? atOlderScaleDown = null;
        progress.OnEvent = e =>
        {
            if (e is CapacityChangedEvent { Name: "web__11" } && atFinalPhase is null)
            {
                atFinalPhase = GroupNames();
            }

            if (e is CapacityChangedEvent { Name: "web__3" })
            {
                atOlderScaleDown = GroupNames();
            }
        };

        var result = await new BasicDeployment(Services, BasicRequest()).RunAsync(progress);

        result.GroupName.Should().Be("web__11", "revision numbers are compared as integers: 10 is the newest");
        GroupState().Should().Equal(
            $"web__11 2/3/4 {NewImage} live=3",
            $"web__2 0/0/0 {OldImage} live=0",
            $"web__3 0/0/0 {OldImage} live=0",
            $"web__4 0/0/0 {OldImage} live=0",
            $"web__5 0/0/0 {OldImage} live=0",
            $"web__6 0/0/0 {OldImage} live=0",
            $"web__x 1/1/1 {OldImage} live=1",
            $"webapp__3 1/1/1 {OldImage} live=1");

        // Exactly the two leftovers newer than the running revision and the oldest of the four empty revisions
        // beyond K = 3 were deleted, after the final phase had scaled both groups.
        progress.Of<GroupDeletedEvent>().Select(d => $"{d.Name} {d.GroupId}").Should().Equal(
            $"web__7 {ids["web__7"]}", $"web__10 {ids["web__10"]}", $"web__1 {ids["web__1"]}");
        atOlderScaleDown.Should().Contain(["web__1", "web__7", "web__10"], "setup deletes nothing");
        atFinalPhase.Should().Contain(["web__1", "web__7", "web__10"], "nothing is deleted before the final phase");
        var events = progress.Events.ToList();
        var lastCapacityChange = events.FindLastIndex(e => e is CapacityChangedEvent);
        var firstDelete = events.FindIndex(e => e is GroupDeletedEvent);
        firstDelete.Should().BeGreaterThan(lastCapacityChange);
        CapacityChanges(progress).Should().Equal("web__3 0/0/0", "web__11 2/3/4", "web__6 0/0/0");
        events.FindIndex(e => e is CapacityChangedEvent { Name: "web__3" })
            .Should().BeLessThan(events.FindIndex(e => e is StageStartedEvent { Index: 1 }), "older running revisions go to 0 during setup");
        Emulator.Calls.Mutating.Where(c => c.Method == "DELETE").Select(c => c.Path).Should().Equal(
            $"/aws/ec2/group/{ids["web__7"]}", $"/aws/ec2/group/{ids["web__10"]}", $"/aws/ec2/group/{ids["web__1"]}");
        IntentsThenSucceeded(await RecordAsync(result.DeploymentId)).Should().Equal("s1", "s2", "s3", "s4", "s5", "s6", "s7");
    }

    [Fact]
    public async Task Run_OverHistory_RetainedZero_DeletesEveryEmptyRevisionButNotTheOnesItScaledDown()
    {
        SeedHistory();

        await new BasicDeployment(Services, BasicRequest(retained: 0)).RunAsync();

        GroupNames().Should().Equal("web__11", "web__3", "web__6", "web__x", "webapp__3");
    }

    [Fact]
    public async Task Run_OverHistory_NewImageNeverHealthy_RollsBackToTheExactStartState()
    {
        var ids = SeedHistory();
        var before = GroupState();
        State.MarkImageNeverHealthy(NewImage);
        var progress = new Recorder();

        var run = () => new BasicDeployment(Services, BasicRequest(), ShortTimeouts()).RunAsync(progress);

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack);
        failure.FailedStep.Should().Be("scale group web__11 (New) to (min 2, target 3, max 4), wait for steady state");
        failure.InnerException.Should().BeOfType<SteadyStateTimeoutException>();
        GroupState().Should().Equal(before);
        State.GetInstances(ids["web__3"]).Where(i => i.State != "terminated").Should().OnlyContain(i => i.Health == "HEALTHY");
        progress.Of<GroupDeletedEvent>().Select(d => d.Name).Should().Equal(["web__11"], "only the new group is deleted; leftovers wait for a successful end");
        CapacityChanges(progress).Should().Equal(
            "web__3 0/0/0", "web__11 2/3/4",
            "web__6 2/3/4", "web__3 1/1/2", "web__11 0/0/0");
        progress.Of<RollbackStartedEvent>().Should().ContainSingle();
        progress.Of<DeploymentFinishedEvent>().Single().Status.Should().Be(DeploymentStatus.RolledBack);

        var record = await RecordAsync(failure.DeploymentId!);
        record.Status.Should().Be(DeploymentStatus.RolledBack);
        record.Entries.Should().Contain(e => e.Kind == JournalEntryKind.Note && e.Operation == "rollbackPlan");
        record.Entries.Single(e => e.Kind == JournalEntryKind.Result && e.StepId == "s3").Outcome.Should().NotBe(JournalOutcome.Succeeded);
        (await Journal.ListUnfinishedAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Run_NeverHealthy_RestoreScaledDownGroupsOff_OlderRunningRevisionStaysAtZero()
    {
        SeedGroup("web__1", Cap(1, 1, 2));
        SeedGroup("web__2", Cap(2, 2, 2));
        State.MarkImageNeverHealthy(NewImage);

        var run = () => new BasicDeployment(Services, BasicRequest(), ShortTimeouts(restoreScaledDown: false)).RunAsync();

        (await run.Should().ThrowAsync<DeploymentFailedException>()).Which.Status.Should().Be(DeploymentStatus.RolledBack);
        GroupState().Should().Equal(
            $"web__1 0/0/0 {OldImage} live=0",
            $"web__2 2/2/2 {OldImage} live=2");
    }

    [Fact]
    public async Task Run_CreateRefused_NothingElseChanges()
    {
        var ids = SeedHistory();
        var before = GroupState();
        var refusal = Emulator.Faults.Add(new FaultRule { Service = "spot", Method = "POST", PathContains = "/aws/ec2/group", Status = 400 });

        var run = () => new BasicDeployment(Services, BasicRequest()).RunAsync();

        var failure = (await run.Should().ThrowAsync<DeploymentFailedException>()).Which;
        failure.Status.Should().Be(DeploymentStatus.RolledBack);
        failure.FailedStep.Should().StartWith("create group web__11");
        refusal.HitCount.Should().Be(1);
        GroupState().Should().Equal(before);
        Emulator.Calls.Mutating.Select(c => $"{c.Method} {c.Path} {c.Status}").Should().Equal("POST /aws/ec2/group 400");
        _ = ids;
    }

    [Fact]
    public async Task Run_CapacityNeverDips_TheRunningRevisionShrinksOnlyOnceTheNewOneIsHealthy()
    {
        var previous = SeedGroup("web__1", Cap(3, 3, 3));
        var progress = new Recorder();
        var observed = new List<string>();
        progress.OnEvent = e =>
        {
            var created = State.Groups.FirstOrDefault(g => g.Name == "web__2");
            var healthy = HealthyInstances(previous) + (created is null ? 0 : HealthyInstances(created.Id));
            if (healthy < 3)
            {
                observed.Add($"{e.GetType().Name}: {healthy} healthy");
            }
        };

        await new BasicDeployment(Services, BasicRequest()).RunAsync(progress);

        observed.Should().BeEmpty();
        progress.Events.Count.Should().BeGreaterThan(10);
    }

    /// <summary>
    /// web__1, __2 empty; web__3 running (older); web__4, __5 empty; web__6 running (the previous one);
    /// web__7 and web__10 empty leftovers; web__x and webapp__3 are not revisions of web.
    /// </summary>
    private Dictionary<string, string> SeedHistory()
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, capacity) in new[]
        {
            ("web__1", Cap(0, 0, 0)), ("web__2", Cap(0, 0, 0)), ("web__3", Cap(1, 1, 2)), ("web__4", Cap(0, 0, 0)),
            ("web__5", Cap(0, 0, 0)), ("web__6", Cap(2, 3, 4)), ("web__7", Cap(0, 0, 0)), ("web__10", Cap(0, 0, 0)),
            ("web__x", Cap(1, 1, 1)), ("webapp__3", Cap(1, 1, 1)),
        })
        {
            ids[name] = SeedGroup(name, capacity);
        }

        return ids;
    }
}
