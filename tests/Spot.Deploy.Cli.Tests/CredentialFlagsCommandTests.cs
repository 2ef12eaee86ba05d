using System.Text.Json.Nodes;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Cli.Tests;

/// <summary>
/// The credential flags through whole commands against an emulator that checks them: it accepts only the profile's key
/// pair, signed for the profile's region, and only the token of the token file. The environment is the test's own
/// (<see cref="CredentialResolver.Environment"/>), holding wrong values the flags must beat; the process's is untouched.
/// </summary>
public sealed class CredentialFlagsCommandTests : IAsyncLifetime
{
    private readonly ProfileFiles _files = new();
    private Sandbox _sandbox = null!;
    private string _stateDir = null!;
    private string _document = null!;

    public async Task InitializeAsync()
    {
        _sandbox = await Sandbox.StartAsync(realTime: true, bootTime: TimeSpan.FromMilliseconds(100), healthDelay: TimeSpan.FromMilliseconds(100), configure: o =>
        {
            o.SpotToken = ProfileFiles.Token;
            o.AccountId = "act-0a1b2c3d";
            o.Region = "eu-west-1";
            o.AwsAccessKeyId = ProfileFiles.AccessKey;
            o.AwsSecretAccessKey = ProfileFiles.Secret;
        });
        _sandbox.SeedApp("web", new Capacity(1, 1, 2), _sandbox.BlueTargetGroup, revision: true);
        _stateDir = Directory.CreateTempSubdirectory("spot-deploy-cli-credential-state-").FullName;
        _document = Path.Combine(_stateDir, "web.json");
        await File.WriteAllTextAsync(_document, Sandbox.Document("web", _sandbox.BlueTargetGroup).ToJsonString());
    }

    public async Task DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        _files.Dispose();
        Directory.Delete(_stateDir, recursive: true);
    }

    private string[] Endpoints(string? stateDir = null) =>
    [
        "--spot-url", _sandbox.Emulator.SpotBaseAddress.ToString(),
        "--ec2-endpoint", _sandbox.Emulator.Ec2Endpoint.ToString(),
        "--elb-endpoint", _sandbox.Emulator.ElasticLoadBalancingEndpoint.ToString(),
        "--state-dir", stateDir ?? _stateDir,
    ];

    /// <summary>Runs the CLI in an environment of wrong values: every right one must come from the flags or the profile.</summary>
    private async Task<CliRun> RunAsync(params string[] args)
    {
        CredentialResolver.Environment.Value = _files.Environment(
            "SPOTINST_TOKEN=wrong-token", "SPOTINST_ACCOUNT=act-wrong", "AWS_ACCESS_KEY_ID=AKIAWRONG00000000001", "AWS_SECRET_ACCESS_KEY=wrong", "AWS_PROFILE=other");
        try
        {
            return await CliRun.RunAsync(args);
        }
        finally
        {
            CredentialResolver.Environment.Value = null;
        }
    }

    private string[] Flags(string profile = "deploy") => ["--profile", profile, "--spot-account", "act-0a1b2c3d", "--spot-token-file", _files.TokenFile];

    private void ShouldShowNoSecret(CliRun run)
    {
        var text = run.Output + run.Error;
        text.Should().NotContain(ProfileFiles.Token).And.NotContain(ProfileFiles.Secret);
        foreach (var file in Directory.EnumerateFiles(_stateDir, "*", SearchOption.AllDirectories).Where(f => f != _document))
        {
            var journal = File.ReadAllText(file);
            journal.Should().NotContain(ProfileFiles.Token, file).And.NotContain(ProfileFiles.Secret, file).And.NotContain(ProfileFiles.AccessKey, file);
        }
    }

    [Fact]
    public async Task Deploy_WithTheFlags_SignsWithTheProfile_InItsRegion_AndJournalsNoSecret()
    {
        var run = await RunAsync([.. "deploy canary --app web --phase 100 --poll-interval 0.05".Split(' '), "--image", Sandbox.ImageV2, "--document", _document, .. Flags(), .. Endpoints()]);

        run.ExitCode.Should().Be(ExitCodes.Success, run.Output + run.Error);
        _sandbox.Groups("web").Should().Contain(g => g.StartsWith("web__2 ", StringComparison.Ordinal));
        _sandbox.Emulator.Calls.All.Should().Contain(c => c.Service == "ec2").And.OnlyContain(c => c.Status < 400, "every call carried the profile's signature and the file's token");
        ShouldShowNoSecret(run);
    }

    [Fact]
    public async Task Status_WithListeners_UsesTheProfileForElb()
    {
        var run = await RunAsync(["status", "web", "--production-listener", _sandbox.Routes.Production.ListenerArn, "--stage-listener", _sandbox.Routes.Stage.ListenerArn, .. Flags(), .. Endpoints()]);

        run.ExitCode.Should().Be(ExitCodes.Success, run.Output + run.Error);
        run.Output.Should().Contain("production ").And.Contain(_sandbox.BlueTargetGroup);
        ShouldShowNoSecret(run);
    }

    [Theory]
    [InlineData("deploy")]
    [InlineData("plan")]
    [InlineData("status")]
    [InlineData("resume")]
    [InlineData("rollback")]
    public async Task UnknownProfile_IsExitThree_BeforeAnyCall_OrState(string command)
    {
        var state = Path.Combine(_stateDir, "untouched");
        string[] head = command switch
        {
            "deploy" or "plan" => [command, "canary", "--app", "web", "--phase", "100", "--image", Sandbox.ImageV2, "--document", _document],
            "status" => [command, "web"],
            _ => [command, "web-20261205T000000Z-00000000"],
        };

        var run = await RunAsync([.. head, .. Flags("nobody"), .. Endpoints(state)]);

        run.ExitCode.Should().Be(ExitCodes.InvalidInput, run.Output + run.Error);
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith("error: --profile: there is no AWS profile 'nobody' in");
        _sandbox.Emulator.Calls.All.Should().BeEmpty("nothing was called");
        Directory.Exists(state).Should().BeFalse("no journal or lock was written");
    }

    [Fact]
    public async Task WrongSpotAccount_FailsAtSpot_WithoutPrintingTheToken()
    {
        var run = await RunAsync(["status", "web", "--profile", "deploy", "--spot-account", "act-ffffffff", "--spot-token-file", _files.TokenFile, .. Endpoints()]);

        run.ExitCode.Should().NotBe(ExitCodes.Success);
        run.Error.Should().Contain("HTTP 401", "Spot refused the account, with the token of the file");
        ShouldShowNoSecret(run);
    }

    [Theory]
    [InlineData("missing", "error: --spot-token-file: no such file '")]
    [InlineData("empty", "' is empty: it should hold the Spot API token")]
    [InlineData("directory", "error: --spot-token-file: no such file '")]
    public async Task UnusableTokenFile_IsExitThree_NamingTheFile(string kind, string message)
    {
        var file = Path.Combine(_stateDir, "token-" + kind);
        if (kind == "empty")
        {
            await File.WriteAllTextAsync(file, " \n\t\n");
        }
        else if (kind == "directory")
        {
            Directory.CreateDirectory(file);
        }

        var run = await RunAsync(["status", "web", "--profile", "deploy", "--spot-account", "act-0a1b2c3d", "--spot-token-file", file, .. Endpoints()]);

        run.ExitCode.Should().Be(ExitCodes.InvalidInput, run.Output + run.Error);
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain(message).And.Contain(file);
        _sandbox.Emulator.Calls.All.Should().BeEmpty();
    }

    [Theory]
    [InlineData("--region", "EU-WEST-1", "error: --region: The region 'EU-WEST-1' is not a region name like us-east-1.")]
    [InlineData("--spot-account", "12345", "error: --spot-account must be a Spot account id like act-1a2b3c4d, got '12345'")]
    [InlineData("--profile", "", "error: --profile must be a profile name")]
    public async Task MalformedFlag_IsExitThree(string flag, string value, string message)
    {
        var run = await RunAsync(["status", "web", flag, value, .. Endpoints()]);

        run.ExitCode.Should().Be(ExitCodes.InvalidInput, run.Output + run.Error);
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith(message);
        _sandbox.Emulator.Calls.All.Should().BeEmpty();
    }

    [Fact]
    public async Task StoppedDeployment_NextCommands_RepeatTheFlags_AndTheyWork()
    {
        var run = await RunAsync([.. "deploy canary --app web --phase 100 --on-failure stop --steady-state-timeout 1 --poll-interval 0.05 --output json".Split(' '),
            "--image", Sandbox.BrokenImage, "--document", _document, "--region", "eu-west-1", .. Flags(), .. Endpoints()]);

        run.ExitCode.Should().Be(ExitCodes.NeedsAttention, run.Output + run.Error);
        var result = JsonNode.Parse(run.Lines[^1])!;
        var id = (string)result["deploymentId"]!;
        var flags = $"--state-dir {_stateDir} --spot-url {_sandbox.Emulator.SpotBaseAddress} --ec2-endpoint {_sandbox.Emulator.Ec2Endpoint} --elb-endpoint {_sandbox.Emulator.ElasticLoadBalancingEndpoint} "
            + $"--profile deploy --region eu-west-1 --spot-account act-0a1b2c3d --spot-token-file \"{_files.TokenFile}\"";
        result["nextCommands"]!.AsArray().Select(n => (string?)n).Should().Equal($"spot-deploy resume {id} {flags}", $"spot-deploy rollback {id} {flags}");
        ShouldShowNoSecret(run);

        // The printed rollback, as a person would paste it (split as the shell would: the path is quoted).
        var rollback = await RunAsync(["rollback", id, .. Endpoints(), "--profile", "deploy", "--region", "eu-west-1", "--spot-account", "act-0a1b2c3d", "--spot-token-file", _files.TokenFile]);

        rollback.ExitCode.Should().Be(ExitCodes.Success, rollback.Output + rollback.Error);
        _sandbox.Groups("web").Should().NotContain(g => g.StartsWith("web__2 ", StringComparison.Ordinal));
        ShouldShowNoSecret(rollback);
    }
}
