using Spot.Deploy.Planning;
using Spot.Deploy.Strategies.Tests.Deployments;
using Spot.Deploy.Testing;

namespace Spot.Deploy.PostgreSql.Tests;

/// <summary>
/// A Canary through the emulator on the PostgreSQL journal and lease; runner A dies after the first phase (its renewal
/// stops: its own fake clock is never advanced), runner B resumes it once the lease has expired, and A, waking up, changes
/// nothing. The deployments' clock is the emulator's; each runner's renewal clock is its own.
/// </summary>
[Collection(UsesPostgreSql.Name)]
public sealed class TakeoverTests(PostgreSqlFixture database) : DeploymentTestBase
{
    private readonly string _schema = PostgreSqlFixture.NewSchema();

    [RequiresFact(Prerequisite.PostgreSql)]
    public async Task CanaryKilledMidway_ResumedByAnotherRunnerAfterLeaseExpiry_EndsWithExactlyOneLiveRevision()
    {
        SeedGroup("web__3", new Capacity(2, 4, 6));
        await using var storeA = database.Store(new VirtualClock(), _schema, "runner-a");
        await using var storeB = database.Store(new VirtualClock(), _schema, "runner-b");
        var recoveryB = new DeploymentRecovery(new DeploymentServices(Spot, Aws, storeB, storeB, Clock));
        var request = new CanaryDeploymentRequest { AppName = App, Document = Document() };
        request.UseImage(NewImage);
        request.AddPercentPhase(25);
        request.AddPercentPhase(50);
        request.AddPercentPhase(100);
        await using var runnerA = new CanaryDeployment(new DeploymentServices(Spot, Aws, storeA, storeA, Clock), request);
        await runnerA.StartAsync();
        await runnerA.RunNextStageAsync();
        var id = runnerA.DeploymentId!;

        // Runner A "dies" here: it never renews again. While its lease runs, B is refused, naming A.
        var early = () => recoveryB.ResumeAsync(id);
        (await early.Should().ThrowAsync<AppLockedException>()).Which.Owner.Should().Contain(id);

        await database.ExpireLeaseAsync(_schema, App);
        var result = await recoveryB.ResumeAsync(id);

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        var live = State.Groups.Where(g => State.GetInstances(g.Id).Any(i => i.State != "terminated")).Select(g => (g.Name, g.ImageId)).ToList();
        live.Should().Equal(("web__4", NewImage));
        (await storeB.GetHistoryAsync(App)).Single().Status.Should().Be(DeploymentStatus.Succeeded);

        // A wakes up and carries on: its first journal write is refused, so no call reaches the cloud.
        var mutatingBefore = Emulator.Calls.Mutating.Count;
        var groupsBefore = GroupStates();
        var resumeA = () => runnerA.RunNextStageAsync();

        var thrown = (await resumeA.Should().ThrowAsync<Exception>()).Which;
        Chain(thrown).OfType<LeaseLostException>().Should().NotBeEmpty("the runner stops because its lease is lost: {0}", thrown);
        Emulator.Calls.Mutating.Count.Should().Be(mutatingBefore);
        GroupStates().Should().Equal(groupsBefore);
        (await storeB.LoadAsync(id))!.Status.Should().Be(DeploymentStatus.Succeeded);
    }

    private List<string> GroupStates() =>
        [.. State.Groups.Select(g => $"{g.Name} {g.Minimum}/{g.Target}/{g.Maximum} {g.ImageId}").Order(StringComparer.Ordinal)];

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
