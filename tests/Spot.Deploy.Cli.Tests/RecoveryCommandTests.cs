using System.Text.Json.Nodes;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Cli.Tests;

/// <summary>
/// The real-API path (credentials from the environment, endpoints by flag, journal and locks in --state-dir) against a
/// separately started emulator in real time (instances boot in 3 s): a stopped deployment, then rollback and resume.
/// The only test class that sets the process's SPOTINST_/AWS_ variables; the other tests never read them.
/// </summary>
public sealed class RecoveryCommandTests : IAsyncLifetime
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
    public async Task Rollback_OfAStoppedDeployment_RestoresTheApp_AndExitsZero()
    {
        var before = _sandbox.Groups("web");
        var id = await StoppedDeploymentAsync();

        var (code, output, error) = await RunAsync(["rollback", id, .. Endpoints()]);

        code.Should().Be(ExitCodes.Success, output + error);
        output.Should().Contain("RolledBack");
        _sandbox.Groups("web").Should().Equal(before);
    }

    [Fact]
    public async Task Resume_OfAStoppedDeployment_FailsAgain_AndRollsBack_ExitOne()
    {
        var before = _sandbox.Groups("web");
        var id = await StoppedDeploymentAsync();

        var (code, output, error) = await RunAsync(["resume", id, "--steady-state-timeout", "1", .. Endpoints()]);

        code.Should().Be(ExitCodes.RolledBack, output + error);
        _sandbox.Groups("web").Should().Equal(before);
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
