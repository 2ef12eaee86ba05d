using System.Text.Json.Nodes;
using Spot.Deploy.Emulator;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Tests.Deployments;

/// <summary>
/// The dry run says exactly what goes on the wire: for every strategy, the writes it lists are, call for call and in
/// order, the writes the emulator records when the same deployment runs, and the reads it lists are the reads made.
/// </summary>
public sealed class DryRunWireTests : StrategyTestBase
{
    [Fact]
    public Task Basic_DryRunCalls_AreTheCallsSent() =>
        CheckAsync(() => new BasicDeployment(Services, BasicRequest()), seed: () =>
        {
            SeedGroup("web__1", Cap(0, 0, 0));
            SeedGroup("web__2", Cap(1, 1, 1));
            SeedGroup("web__3", Cap(2, 3, 4));
            SeedGroup("web__4", Cap(0, 0, 0));
        });

    [Fact]
    public Task Canary_DryRunCalls_AreTheCallsSent() =>
        CheckAsync(() => new CanaryDeployment(Services, CanaryRequest(25, 50, 100)), seed: () => SeedGroup("web__3", Cap(2, 4, 6)));

    /// <summary>A weighted wait reads the group's document (its weights) before it polls: the dry run must list that read too.</summary>
    [Fact]
    public Task Canary_WeightUnits_DryRunCalls_AreTheCallsSent() =>
        CheckAsync(() =>
        {
            var request = CanaryRequest(50, 100);
            request.Document = WeightUnitDeploymentTests.Weighted(request.Document!);
            return new CanaryDeployment(Services, request);
        }, seed: () =>
        {
            var group = (JsonObject)WeightUnitDeploymentTests.Weighted(Document()).Group.DeepClone();
            group["name"] = "web__3";
            group["capacity"] = new JsonObject { ["minimum"] = 2, ["target"] = 4, ["maximum"] = 8, ["unit"] = "weight" };
            State.SeedGroup(group);
        },
        mustRead: "GET /aws/ec2/group/");

    [Fact]
    public Task BlueGreen_DryRunCalls_AreTheCallsSent()
    {
        BlueGreenRoutes routes = null!;
        return CheckAsync(() =>
        {
            var request = BlueGreenRequest(routes);
            request.TrafficShiftPercents = [50, 100];
            request.DownsizeOldGroup = true;
            return new BlueGreenDeployment(Services, request);
        }, seed: () =>
        {
            routes = SeedRoutes(conditionalRules: true);
            SeedGroup("web", Cap(2, 2, 4), targetGroupArn: routes.Blue);
            SeedGroup("web__STAGE", Cap(1, 1, 1), targetGroupArn: routes.Green);
        });
    }

    [Fact]
    public Task SpotRoll_DryRunCalls_AreTheCallsSent() =>
        CheckAsync(() => new SpotRollDeployment(Services, RollRequest(batch: 50)), seed: () => SeedGroup("web", Cap(2, 4, 6)));

    [Fact]
    public Task SpotRoll_GroupWithImagesList_DryRunCalls_AreTheCallsSent() =>
        CheckAsync(() => new SpotRollDeployment(Services, RollRequest(batch: 50)), seed: () => SeedGroupWithImages("web", Cap(1, 2, 2)));

    private async Task CheckAsync(Func<Deployment> deployment, Action seed, string? mustRead = null)
    {
        seed();
        var preview = await deployment().PlanAsync();
        Emulator.Calls.Clear();

        var result = await deployment().RunAsync();

        result.Status.Should().Be(DeploymentStatus.Succeeded);
        var record = await RecordAsync(result.DeploymentId);
        var rollId = record.Entries.FirstOrDefault(e => e.Operation == "rollStarted")?.Data?["rollId"]?.GetValue<string>();
        var planned = preview.Steps.SelectMany(s => s.ApiCalls)
            .Select(call => Parse(call.Replace($"{{id of {preview.NewGroupName}}}", result.GroupId, StringComparison.Ordinal).Replace("{rollId}", rollId, StringComparison.Ordinal)))
            .ToList();
        var sent = Emulator.Calls.All.Where(c => c.Status < 400).ToList();
        var firstWrite = sent.FindIndex(c => c.IsMutating);

        var plannedWrites = planned.Where(c => c.IsWrite).Select(c => c.Key).ToList();
        var sentWrites = sent.Where(c => c.IsMutating).Select(Key).ToList();
        var plannedReads = planned.Where(c => !c.IsWrite).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        var sentReads = sent.Skip(firstWrite).Where(c => !c.IsMutating).Select(Key).ToHashSet(StringComparer.Ordinal);

        plannedWrites.Should().NotBeEmpty();
        sentWrites.Should().Equal(plannedWrites, "the dry run lists every write, in order, as it is sent");
        sentReads.Should().BeEquivalentTo(plannedReads, "the dry run lists every kind of read the steps make");
        if (mustRead is not null)
        {
            // The group's own document (GET …/group/{id}, not the list or its status): read once per weighted wait.
            sentReads.Should().Contain(r => r.StartsWith(mustRead, StringComparison.Ordinal) && r.Count(c => c == '/') == 4, "the case exists to cross-check this read");
        }
    }

    private static string Key(EmulatorCall call) => call.Action is { } action ? (call.Service == "ec2" ? "EC2 " : "ELBv2 ") + action : call.Method + " " + call.Path;

    /// <summary>"PUT /aws/ec2/group/sig-1/capacity (…)" or "ELBv2 ModifyRule arn…: …" → method and path, or the action.</summary>
    private static (string Key, bool IsWrite) Parse(string call)
    {
        var parts = call.Split(' ', 3);
        return parts[0] == "ELBv2"
            ? ("ELBv2 " + parts[1], !parts[1].StartsWith("Describe", StringComparison.Ordinal))
            : (parts[0] + " " + parts[1].TrimEnd(','), parts[0] != "GET");
    }
}
