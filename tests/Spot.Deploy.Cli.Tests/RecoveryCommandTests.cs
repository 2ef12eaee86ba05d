using System.Text.Json.Nodes;
using Spot.Deploy.Planning;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli.Tests;

/// <summary>
/// The real-API path (credentials from the environment, endpoints by flag, journal and locks in --state-dir) against a
/// separately started emulator in real time (instances boot in 3 s): a stopped deployment, then rollback and resume.
/// The only test class that sets the process's SPOTINST_/AWS_ variables (its drift reports are in RecoveryCommandTests.Drift.cs);
/// the other tests never read them.
/// </summary>
public sealed partial class RecoveryCommandTests : IAsyncLifetime
{
    private Sandbox _sandbox = null!;
    private string _stateDir = null!;
    private string _document = null!;

    public async Task InitializeAsync()
    {
        _sandbox = await Sandbox.StartAsync(realTime: true);
        _sandbox.SeedApp("web", new Capacity(1, 1, 2), _sandbox.BlueTargetGroup, revision: true);
        _stateDir = Path.Combine(Path.GetTempPath(), "spot-deploy-cli-" + Guid.NewGuid().ToString("N"));
        _document = Path.Combine(_stateDir, "web.json");
        Directory.CreateDirectory(_stateDir);
        await File.WriteAllTextAsync(_document, Sandbox.Document("web", _sandbox.BlueTargetGroup).ToJsonString());
        var options = _sandbox.Emulator.Options;
        Environment.SetEnvironmentVariable("SPOTINST_TOKEN", options.SpotToken);
        Environment.SetEnvironmentVariable("SPOTINST_ACCOUNT", options.AccountId);
        Environment.SetEnvironmentVariable("AWS_REGION", options.Region);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", options.AwsAccessKeyId ?? "AKIDTEST");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", options.AwsSecretAccessKey ?? "test");
    }

    public async Task DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        Directory.Delete(_stateDir, recursive: true);
    }

    private string[] Endpoints() =>
    [
        "--spot-url", _sandbox.Emulator.SpotBaseAddress.ToString(),
        "--ec2-endpoint", _sandbox.Emulator.Ec2Endpoint.ToString(),
        "--elb-endpoint", _sandbox.Emulator.ElasticLoadBalancingEndpoint.ToString(),
        "--state-dir", _stateDir,
    ];

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Cli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private async Task<string> StoppedDeploymentAsync()
    {
        var (code, output, error) = await RunAsync([.. "deploy canary --app web --phase 100 --on-failure stop --steady-state-timeout 1 --output json".Split(' '),
            "--image", Sandbox.BrokenImage, "--document", _document, .. Endpoints()]);
        code.Should().Be(ExitCodes.NeedsAttention, output + error);
        var result = JsonNode.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1])!;
        ((string?)result["status"]).Should().Be("NeedsAttention");
        _sandbox.Groups("web").Should().Contain(g => g.StartsWith("web__2 ", StringComparison.Ordinal), "a stopped deployment leaves its new group");
        File.Exists(Path.Combine(_stateDir, "journal", (string)result["deploymentId"]! + ".json")).Should().BeTrue();
        return (string)result["deploymentId"]!;
    }

    [Fact]
    public async Task Rollback_AndResume_InJson_FollowTheSchema_WithTheRollbacksElapsedSeconds()
    {
        var id = await StoppedDeploymentAsync();

        var (code, output, error) = await RunAsync(["rollback", id, "--output", "json", .. Endpoints()]);

        code.Should().Be(ExitCodes.Success, output + error);
        var result = JsonOutputSchemaTests.AssertFollowsSchema(output, "rollback --output json")[^1];
        ((string?)result["command"]).Should().Be("rollback");
        ((string?)result["status"]).Should().Be("RolledBack");
        ((double?)result["elapsedSeconds"]).Should().NotBeNull();

        var resume = await RunAsync(["resume", id, "--output", "json", .. Endpoints()]);

        resume.Code.Should().Be(ExitCodes.Success, resume.Output + resume.Error);
        var again = JsonOutputSchemaTests.AssertFollowsSchema(resume.Output, "resume --output json")[^1];
        ((string?)again["command"]).Should().Be("resume");
        ((bool?)again["alreadyFinished"]).Should().BeTrue();
    }

    [Fact]
    public async Task Rollback_OfAStoppedDeployment_RestoresTheApp_AndExitsZero()
    {
        var before = _sandbox.Groups("web");
        var id = await StoppedDeploymentAsync();

        var (code, output, error) = await RunAsync(["rollback", id, .. Endpoints()]);

        code.Should().Be(ExitCodes.Success, output + error);
        output.Should().Contain("RolledBack").And.Contain($"+00:00:00] rolling back deployment {id}: ", "the rollback's own clock starts at its header");
        _sandbox.Groups("web").Should().Equal(before);
    }

    [Fact]
    public async Task Resume_OfAStoppedDeployment_FailsAgain_AndRollsBack_ExitOne()
    {
        var before = _sandbox.Groups("web");
        var id = await StoppedDeploymentAsync();

        var (code, output, error) = await RunAsync(["resume", id, "--steady-state-timeout", "1", .. Endpoints()]);

        code.Should().Be(ExitCodes.RolledBack, output + error);
        output.Should().Contain($"+00:00:00] resuming deployment {id} at stage 2/2 \"");
        output.Should().MatchRegex(@"\+00:00:0[1-9]\] ", "the clock counts from the resume's start (it waits a second at least)");
        _sandbox.Groups("web").Should().Equal(before);
    }

    // Read through the journal itself: the file is JSON Lines (a header, then appended lines), not one document.
    private async Task<DeploymentRecord> JournalOf(string id) =>
        (await new FileDeploymentJournal(Path.Combine(_stateDir, "journal")).LoadAsync(id))!;

    [Fact]
    public async Task Rollback_Again_AndResume_OfARolledBackDeployment_ReportIt_AndExitZero()
    {
        var before = _sandbox.Groups("web");
        var id = await StoppedDeploymentAsync();
        (await RunAsync(["rollback", id, .. Endpoints()])).Code.Should().Be(ExitCodes.Success);
        var mutating = _sandbox.Emulator.Calls.Mutating.Count;

        var again = await RunAsync(["rollback", id, "--output", "json", .. Endpoints()]);
        var resume = await RunAsync(["resume", id, .. Endpoints()]);

        again.Code.Should().Be(ExitCodes.Success, again.Output + again.Error);
        var result = JsonNode.Parse(again.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1])!;
        ((string?)result["status"]).Should().Be("RolledBack");
        ((bool?)result["alreadyFinished"]).Should().BeTrue();
        resume.Code.Should().Be(ExitCodes.Success, resume.Output + resume.Error);
        resume.Output.Should().Contain($"already finished: deployment {id} of web was rolled back; nothing to resume");
        _sandbox.Emulator.Calls.Mutating.Should().HaveCount(mutating);
        _sandbox.Groups("web").Should().Equal(before);
    }

    [Fact]
    public async Task Deploy_OverAStoppedDeployment_IsRefusedWithTheThreeCommands_ExitThree_AndChangesNothing()
    {
        var id = await StoppedDeploymentAsync();
        var groups = _sandbox.Groups("web");
        var mutating = _sandbox.Emulator.Calls.Mutating.Count;

        var (code, output, error) = await RunAsync([.. "deploy canary --app web --phase 100".Split(' '),
            "--image", Sandbox.ImageV2, "--document", _document, .. Endpoints()]);

        code.Should().Be(ExitCodes.InvalidInput, output + error);
        var flags = $"--state-dir {_stateDir} --spot-url {_sandbox.Emulator.SpotBaseAddress} --ec2-endpoint {_sandbox.Emulator.Ec2Endpoint} --elb-endpoint {_sandbox.Emulator.ElasticLoadBalancingEndpoint}";
        error.Should().Contain($"refused: app 'web' has an unfinished deployment, {id} (Canary, started ")
            .And.Contain("NeedsAttention").And.Contain("nothing was changed")
            .And.Contain($"  spot-deploy resume {id} {flags}")
            .And.Contain($"  spot-deploy rollback {id} {flags}")
            .And.Contain($"  spot-deploy abandon {id} --reason \"<what you checked>\" --state-dir {_stateDir}");
        _sandbox.Emulator.Calls.Mutating.Should().HaveCount(mutating);
        _sandbox.Groups("web").Should().Equal(groups);
        Directory.GetFiles(Path.Combine(_stateDir, "journal"), "*.json").Should().ContainSingle("the refused deployment journaled nothing");
    }

    [Fact]
    public async Task Abandon_OfAStoppedDeployment_ExitsZero_JournalsWhoAndWhy_AndTheAppDeploysAgain()
    {
        var id = await StoppedDeploymentAsync();
        var mutating = _sandbox.Emulator.Calls.Mutating.Count;

        var noReason = await RunAsync("abandon", id, "--state-dir", _stateDir);
        var (code, output, error) = await RunAsync("abandon", id, "--reason", "web__2 never got healthy; checked web__1 serves", "--state-dir", _stateDir);
        var again = await RunAsync("abandon", id, "--reason", "twice", "--state-dir", _stateDir);
        var resume = await RunAsync(["resume", id, .. Endpoints()]);

        noReason.Code.Should().Be(ExitCodes.InvalidInput);
        noReason.Error.Should().Contain("--reason");
        code.Should().Be(ExitCodes.Success, output + error);
        output.Should().Contain($"OK: deployment {id} (Canary) of web is abandoned by ").And.Contain("nothing was changed in Spot or AWS");
        var journal = await JournalOf(id);
        journal.Status.Should().Be(DeploymentStatus.Abandoned);
        var note = journal.Entries.Single(e => e.Operation == "abandoned").Data!;
        ((string?)note["reason"]).Should().Be("web__2 never got healthy; checked web__1 serves");
        ((string?)note["by"]).Should().Contain("spot-deploy abandon").And.Contain(Environment.MachineName);
        again.Code.Should().Be(ExitCodes.InvalidInput);
        again.Error.Should().Contain("refused: ").And.Contain("is finished (Abandoned)");
        resume.Code.Should().Be(ExitCodes.Success, resume.Output + resume.Error);
        resume.Output.Should().Contain($"already finished: deployment {id} of web was abandoned; nothing to resume");
        _sandbox.Emulator.Calls.Mutating.Should().HaveCount(mutating, "abandon, a refused abandon and a resume of an abandoned deployment change nothing");

        var deploy = await RunAsync([.. "deploy canary --app web --phase 100 --output json".Split(' '),
            "--image", Sandbox.ImageV2, "--document", _document, .. Endpoints()]);

        deploy.Code.Should().Be(ExitCodes.Success, deploy.Output + deploy.Error);
        _sandbox.Groups("web").Where(g => g.Split(' ')[1] != "0/0/0")
            .Should().ContainSingle("exactly one revision serves").Which.Should().Contain(Sandbox.ImageV2);
        var oldResume = await RunAsync(["resume", id, .. Endpoints()]);
        oldResume.Code.Should().Be(ExitCodes.InvalidInput, "an old deployment is never resumed over a newer one");
        oldResume.Error.Should().Contain("refused: ").And.Contain("a newer deployment of the app");
    }

    [Fact]
    public async Task Resume_OfASucceededDeployment_ExitsZero_AndRollbackOfItIsInvalidInput()
    {
        var deploy = await RunAsync([.. "deploy canary --app web --phase 100 --output json".Split(' '),
            "--image", Sandbox.ImageV2, "--document", _document, .. Endpoints()]);
        deploy.Code.Should().Be(ExitCodes.Success, deploy.Output + deploy.Error);
        var id = (string)JsonNode.Parse(deploy.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1])!["deploymentId"]!;
        var mutating = _sandbox.Emulator.Calls.Mutating.Count;

        var resume = await RunAsync(["resume", id, .. Endpoints()]);
        var rollback = await RunAsync(["rollback", id, .. Endpoints()]);

        resume.Code.Should().Be(ExitCodes.Success, resume.Output + resume.Error);
        resume.Output.Should().Contain($"already finished: deployment {id} of web had succeeded (web__2 runs it); nothing to resume");
        rollback.Code.Should().Be(ExitCodes.InvalidInput, rollback.Output + rollback.Error);
        rollback.Error.Should().Contain("refused: ").And.Contain("succeeded").And.Contain("deploy the previous image");
        _sandbox.Emulator.Calls.Mutating.Should().HaveCount(mutating);
        (await JournalOf(id)).Status.Should().Be(DeploymentStatus.Succeeded);
    }

    [Fact]
    public async Task Abandon_OfAnUnknownDeployment_IsInvalidInput()
    {
        var (code, _, error) = await RunAsync("abandon", "web-20260101T000000Z-00000000", "--reason", "typo", "--state-dir", _stateDir);

        code.Should().Be(ExitCodes.InvalidInput);
        error.Should().Contain("no deployment 'web-20260101T000000Z-00000000'");
    }

    [Fact]
    public async Task Rollback_OfAnUnknownDeployment_IsInvalidInput_AndChangesNothing()
    {
        var (code, _, error) = await RunAsync(["rollback", "web-20260101T000000Z-00000000", .. Endpoints()]);

        code.Should().Be(ExitCodes.InvalidInput);
        error.Should().Contain("no deployment 'web-20260101T000000Z-00000000'");
        _sandbox.Emulator.Calls.Mutating.Should().BeEmpty();
    }
    /// <summary>
    /// A deployment of a document holding credentials whose create fails once (400), with --on-failure stop: it stops
    /// before its group exists, and the journal kept the credentials out. Returns its id and the document's path.
    /// </summary>
    private async Task<(string Id, string Document)> StoppedBeforeTheCreateAsync()
    {
        var document = Sandbox.Document("web", _sandbox.BlueTargetGroup);
        document.Group["thirdPartiesIntegration"] = new JsonObject
        {
            ["rancher"] = new JsonObject { ["masterHost"] = "https://rancher.example.com", ["accessKey"] = "AK-7f3c1e5a", ["secretKey"] = "SK-9b2d4a-never-journaled" },
        };
        var path = Path.Combine(_stateDir, "web-with-credentials.json");
        await File.WriteAllTextAsync(path, document.ToJsonString());
        var fault = _sandbox.Emulator.Faults.Add(new Spot.Deploy.Emulator.FaultRule { Service = "spot", Method = "POST", PathContains = "/aws/ec2/group", Status = 400, Times = 1 });

        var (code, output, error) = await RunAsync([.. "deploy canary --app web --phase 100 --on-failure stop --output json".Split(' '),
            "--image", Sandbox.ImageV2, "--document", path, .. Endpoints()]);

        code.Should().Be(ExitCodes.NeedsAttention, output + error);
        fault.HitCount.Should().Be(1);
        _sandbox.Groups("web").Should().NotContain(g => g.StartsWith("web__2 ", StringComparison.Ordinal), "the create failed");
        return ((string)JsonNode.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1])!["deploymentId"]!, path);
    }

    [Fact]
    public async Task Resume_BeforeTheCreate_NeedsTheDocument_RefusesAnotherOne_AndCompletesWithIt()
    {
        var (id, document) = await StoppedBeforeTheCreateAsync();
        var groups = _sandbox.Groups("web");
        var mutating = _sandbox.Emulator.Calls.Mutating.Count;
        var other = Path.Combine(_stateDir, "web-rotated.json");
        await File.WriteAllTextAsync(other, (await File.ReadAllTextAsync(document)).Replace("SK-9b2d4a", "SK-rotated", StringComparison.Ordinal));

        var missing = await RunAsync(["resume", id, .. Endpoints()]);
        var different = await RunAsync(["resume", id, "--document", other, .. Endpoints()]);

        missing.Code.Should().Be(ExitCodes.InvalidInput, missing.Output + missing.Error);
        missing.Error.Should().Contain("document needed").And.Contain("$.thirdPartiesIntegration.rancher.secretKey")
            .And.Contain("Pass it with --document FILE").And.Contain("Nothing was changed");
        different.Code.Should().Be(ExitCodes.InvalidInput, different.Output + different.Error);
        different.Error.Should().Contain("$.thirdPartiesIntegration.rancher.secretKey (a value kept out of the journal differs)");
        (missing.Error + different.Error).Should().NotContain("SK-");
        _sandbox.Emulator.Calls.Mutating.Should().HaveCount(mutating, "a refused resume changes nothing");
        _sandbox.Groups("web").Should().Equal(groups);
        var journal = await File.ReadAllTextAsync(Path.Combine(_stateDir, "journal", id + ".json"));
        journal.Should().NotContain("SK-9b2d4a").And.NotContain("AK-7f3c1e5a").And.Contain("\"redacted:sha256:");

        var (code, output, error) = await RunAsync(["resume", id, "--document", document, .. Endpoints()]);

        code.Should().Be(ExitCodes.Success, output + error);
        _sandbox.Groups("web").Should().Contain(g => g.StartsWith("web__2 ", StringComparison.Ordinal));
        (await File.ReadAllTextAsync(Path.Combine(_stateDir, "journal", id + ".json"))).Should().NotContain("SK-9b2d4a");
    }

    [Fact]
    public async Task Resume_WithADocumentThatIsNoFile_IsInvalidInput()
    {
        var (code, _, error) = await RunAsync(["resume", "web-20260101T000000Z-00000000", "--document", Path.Combine(_stateDir, "nope.json"), .. Endpoints()]);

        code.Should().Be(ExitCodes.InvalidInput);
        error.Should().Contain("--document: no such file");
    }

    [Fact]
    public async Task Rollback_BeforeTheCreate_NeedsNoDocument()
    {
        var before = _sandbox.Groups("web");
        var (id, _) = await StoppedBeforeTheCreateAsync();

        var (code, output, error) = await RunAsync(["rollback", id, .. Endpoints()]);

        code.Should().Be(ExitCodes.Success, output + error);
        _sandbox.Groups("web").Should().Equal(before);
    }
}
