using System.Text.Json.Nodes;
using Spot.Deploy.Planning;
using Spot.Deploy.Strategies.Execution;

namespace Spot.Deploy.Strategies.Tests.Deployments;

/// <summary>Plan format 2: typed operation records round-trip exactly; a format-1 journal (Spot.Deploy 0.1) is refused, and nothing changes.</summary>
public sealed class JournalFormatTests : StrategyTestBase
{
    private const string VersionOneId = "web-20261203T174007Z-6523fac1";

    [Fact]
    public async Task VersionOneJournal_ResumeAndRollback_AreRefusedNamingTheFormat_AndChangeNothing()
    {
        using var directory = new TempDirectory();
        var journalFolder = Path.Combine(directory.Path, "journal");
        Directory.CreateDirectory(journalFolder);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "TestData", "journals", "v1-canary-killed-in-phase-1.json"), Path.Combine(journalFolder, VersionOneId + ".json"));
        var services = DeploymentServices.CreateDefault(Spot, Aws, directory.Path, Clock);
        var recovery = new DeploymentRecovery(services);
        var callsBefore = Emulator.Calls.All.Count;

        var resume = () => recovery.ResumeAsync(VersionOneId);
        var rollback = () => recovery.RollbackAsync(VersionOneId);

        foreach (var attempt in new[] { resume, rollback })
        {
            var refused = (await attempt.Should().ThrowAsync<DeploymentJournalException>()).Which;
            refused.Message.Should().Contain("plan format 1").And.Contain("Spot.Deploy 0.1").And.Contain("this version reads format 2")
                .And.Contain("with the version that started it");
            refused.DeploymentId.Should().Be(VersionOneId);
        }

        Emulator.Calls.All.Count.Should().Be(callsBefore, "a refused journal changes nothing and reads nothing");
        (await recovery.ListUnfinishedAsync()).Select(r => r.Id).Should().Equal(VersionOneId);
    }

    [Fact]
    public async Task VersionOneJournal_BlocksANewDeployment_UntilAbandoned_WhichNeedsNoPlanAndCallsNothing()
    {
        using var directory = new TempDirectory();
        var journalFolder = Path.Combine(directory.Path, "journal");
        Directory.CreateDirectory(journalFolder);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "TestData", "journals", "v1-canary-killed-in-phase-1.json"), Path.Combine(journalFolder, VersionOneId + ".json"));
        var services = DeploymentServices.CreateDefault(Spot, Aws, directory.Path, Clock);
        SeedGroup("web__3", Cap(2, 4, 6));
        var request = CanaryRequest(new CanaryPhase(PhaseStep.Percent(100)));
        var callsBefore = Emulator.Calls.All.Count;

        var deploy = () => new CanaryDeployment(services, request).RunAsync();
        var refused = (await deploy.Should().ThrowAsync<UnfinishedDeploymentException>()).Which;
        var resume = () => new DeploymentRecovery(services).ResumeAsync(VersionOneId);
        (await resume.Should().ThrowAsync<DeploymentJournalException>()).Which.Message.Should().Contain("abandon it");
        var abandoned = await new DeploymentRecovery(services).AbandonAsync(VersionOneId, "0.1 journal; groups checked by hand");

        refused.DeploymentId.Should().Be(VersionOneId);
        refused.Status.Should().Be(DeploymentStatus.Running);
        abandoned.Status.Should().Be(DeploymentStatus.Abandoned);
        abandoned.Strategy.Should().Be(DeploymentStrategy.Canary);
        Emulator.Calls.All.Count.Should().Be(callsBefore, "the refusal, the refused resume and the abandon call nothing");
        (await new CanaryDeployment(services, request).RunAsync()).Status.Should().Be(DeploymentStatus.Succeeded);
    }

    [Fact]
    public async Task VersionOneJournal_Abandoned_IsRewrittenInFormatTwo_KeepingWhoAndWhy_AndIsStillFoundByApp()
    {
        using var directory = new TempDirectory();
        var journalFolder = Path.Combine(directory.Path, "journal");
        Directory.CreateDirectory(journalFolder);
        var path = Path.Combine(journalFolder, VersionOneId + ".json");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "TestData", "journals", "v1-canary-killed-in-phase-1.json"), path);
        var services = DeploymentServices.CreateDefault(Spot, Aws, directory.Path, Clock);
        var before = (await new FileDeploymentJournal(journalFolder, Clock).LoadAsync(VersionOneId))!;

        await new DeploymentRecovery(services, new DeploymentOptions { Owner = "ops@example" }).AbandonAsync(VersionOneId, "0.1 journal; groups checked by hand");

        var lines = await File.ReadAllLinesAsync(path);
        lines[0].Should().StartWith("{\"formatVersion\":2,\"deployment\":{\"id\":\"web-20261203T174007Z-6523fac1\",\"appName\":\"web\"");
        lines.Should().HaveCount(3, "the header, the abandoned note and the status line");
        var fresh = new FileDeploymentJournal(journalFolder, Clock);
        var listed = (await fresh.ListByAppAsync("web")).Should().ContainSingle().Subject;
        listed.Status.Should().Be(DeploymentStatus.Abandoned);
        listed.FinishedAt.Should().Be(Clock.GetUtcNow());
        listed.Entries.Select(e => e.Sequence).Should().Equal([.. before.Entries.Select(e => e.Sequence), before.Entries[^1].Sequence + 1]);
        var note = listed.Entries[^1];
        note.Operation.Should().Be("abandoned");
        note.Data!["by"]!.GetValue<string>().Should().Be("ops@example");
        note.Data["reason"]!.GetValue<string>().Should().Be("0.1 journal; groups checked by hand");
        note.Data["previousStatus"]!.GetValue<string>().Should().Be("Running");
        (await fresh.ListByAppAsync("api")).Should().BeEmpty();
    }

    [Fact]
    public async Task EveryOperationKind_RoundTripsThroughTheJournal()
    {
        var routes = SeedRoutes();
        SeedGroup("web", Cap(2, 2, 4));
        SeedGroup("web__STAGE", Cap(1, 1, 1));
        var blueGreen = await Compile(new BlueGreenDeployment(Services, BlueGreenRequest(routes)));
        var written = PlanJson.Write(blueGreen);

        var read = PlanJson.Read((JsonObject)JsonNode.Parse(written.ToJsonString())!, "d1");

        written["format"]!.GetValue<int>().Should().Be(2);
        PlanJson.Write(read).ToJsonString().Should().Be(written.ToJsonString());
        read.Operations.Select(o => o.GetType().Name).Should().Contain(["CreateGroupOperation", "ScaleGroupOperation", "RenameGroupOperation", "SwapRoutesOperation", "DeleteGroupOperation"]);
        read.Operations.OfType<CreateGroupOperation>().Single().Body.Should().NotBeNull();
        read.Rollback.Should().BeOfType<BlueGreenRollback>().Which.SetAside.Should().ContainSingle();
    }

    private static Task<CompiledDeployment> Compile(BlueGreenDeployment deployment) =>
        BlueGreenCompiler.CompileAsync(deployment.Services, deployment.Request, CancellationToken.None);
}
