using Spot.Deploy.Elastigroup;

namespace Spot.Deploy.Emulator.Tests.Spot;

public sealed class SpotConcurrencyTests : SpotEmulatorTestBase
{
    [Fact]
    public async Task UpdateCapacity_FiftyParallelCallsOnDifferentGroups_AllApplyAndStateStaysConsistent()
    {
        var ids = Enumerable.Range(0, 50).Select(i => State.SeedGroup(SpotGroups.Group($"app__{i}", 1, 1, 10))).ToList();

        await Task.WhenAll(ids.Select((id, i) => Task.Run(() => Client.UpdateCapacityAsync(id, i % 3, (i % 3) + (i % 5), 10))));

        var groups = State.Groups.ToDictionary(g => g.Id);
        for (var i = 0; i < ids.Count; i++)
        {
            groups[ids[i]].Should().Match<SpotGroupInfo>(g => g.Minimum == i % 3 && g.Target == (i % 3) + (i % 5) && g.Maximum == 10, $"group {i}");
            Live(ids[i]).Should().HaveCount((i % 3) + (i % 5), $"group {i} has its target's worth of instances");
        }

        var snapshot = State.Snapshot()["groups"]!.AsArray();
        snapshot.Sum(g => g!["instances"]!.AsArray().Count).Should().Be(ids.Select((_, i) => (i % 3) + (i % 5)).Sum());
        snapshot.SelectMany(g => g!["instances"]!.AsArray()).Select(i => i!["id"]!.GetValue<string>()).Should().OnlyHaveUniqueItems();
        Emulator.Calls.Mutating.Should().HaveCount(50).And.OnlyContain(c => c.Status == 200);
    }

    [Fact]
    public async Task CreateAndScale_ParallelOnTheSameGroup_EveryCallIsAtomic()
    {
        var id = State.SeedGroup(SpotGroups.Group("app", 0, 0, 100));

        await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() => Client.ScaleUpAsync(id, 1))));
        var created = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => Client.CreateGroupAsync(SpotGroups.Document($"other__{i}", 0, 1, 1)))));

        State.Groups.Single(g => g.Id == id).Target.Should().Be(40, "no increment was lost");
        Live(id).Should().HaveCount(40);
        created.Select(g => g.Id).Should().OnlyHaveUniqueItems();
        (await Client.ListGroupsAsync("other__")).Should().HaveCount(10);
    }

    [Fact]
    public async Task UpdateCapacity_WhileTheGateIsHeld_WaitsAndThenApplies()
    {
        var id = State.SeedGroup(SpotGroups.Group("app", 1, 1, 10));
        using var held = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holder = new Thread(() =>
        {
            lock (State.Gate)
            {
                held.Set();
                release.Wait();
            }
        });
        holder.Start();
        held.Wait();

        // A zero latency marks the moment the client's first call has reached the emulator and goes on to its handler.
        var arrived = Emulator.Faults.Add(new FaultRule { Service = "spot", Kind = FaultKind.Latency, Delay = TimeSpan.Zero });
        Task update;
        bool finishedWhileHeld;
        try
        {
            update = Task.Run(() => Client.UpdateCapacityAsync(id, 1, 5, 10));
            await arrived.WaitUntilAppliedAsync().WaitAsync(TimeSpan.FromMinutes(1));
            finishedWhileHeld = update.IsCompleted;
        }
        finally
        {
            release.Set();
        }

        await update;
        holder.Join();

        finishedWhileHeld.Should().BeFalse("every handler does its work under the state's lock");
        State.Groups.Single().Target.Should().Be(5);
    }
}
