using System.Text;

namespace Spot.Deploy.Cli.Tests;

/// <summary>
/// Every input problem — the document included — exits 3 with one line on the standard error, before anything is read or
/// changed: malformed JSON, repeated keys, invalid UTF-8, a document too large or too deep, a capacity or a phase list
/// beyond the project's bounds.
/// </summary>
public sealed class InputLimitTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("spot-deploy-cli-inputs-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Task<CliRun> RunAsync(params string[] args) => CliRun.RunAsync(args);

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public static TheoryData<string, string, string> Documents => new()
    {
        { "malformed.json", "{\"name\": \"web\",", "is not valid JSON at line 1, column 15" },
        { "duplicate.json", "{\"name\": \"web\", \"name\": \"other\"}", "repeats the property \"name\" (at $.name, line 1, column 17)" },
        { "comment.json", "{\"name\": \"web\" // the app\n}", "comments are not allowed" },
        { "deep.json", "{\"group\":" + string.Concat(Enumerable.Repeat("{\"a\":", 59)) + "1" + new string('}', 60), "nests objects and arrays more than 32 levels deep" },
        { "array.json", "[1, 2]", "must be a JSON object" },
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public async Task Deploy_ABadDocument_ExitsThreeWithOneLine_BeforeAnythingStarts(string name, string content, string message)
    {
        var path = Write(name, Encoding.UTF8.GetBytes(content));

        var run = await RunAsync("deploy", "basic", "--app", "web", "--emulator", "--document", path);

        run.ExitCode.Should().Be(ExitCodes.InvalidInput, run.Error);
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith($"invalid input: The Elastigroup document '{path}' ").And.Contain(message);
        run.Sandboxes.Should().BeEmpty("the document is read with the flags, before the emulator (or Spot) is touched");
        run.Output.Should().BeEmpty();
    }

    [Fact]
    public async Task Plan_InvalidUtf8_ExitsThreeWithOneLine()
    {
        var path = Write("latin1.json", [.. "{\"name\": \""u8, 0xE9, .. "\"}"u8]);

        var run = await RunAsync("plan", "canary", "--app", "web", "--emulator", "--phase", "100", "--document", path);

        run.ExitCode.Should().Be(ExitCodes.InvalidInput);
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("holds a string that is not valid Unicode (at $.name");
        run.Sandboxes.Should().BeEmpty();
    }

    [Fact]
    public async Task Deploy_FiftyMegabyteDocument_IsRefusedAtLoad_WithOneLine()
    {
        var path = Path.Combine(_directory, "huge.json");
        using (var file = File.Create(path))
        {
            file.SetLength(50L * 1024 * 1024);
        }

        var run = await RunAsync("deploy", "basic", "--app", "web", "--emulator", "--document", path);

        run.ExitCode.Should().Be(ExitCodes.InvalidInput);
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("is 52428800 bytes, more than the 1048576 bytes (1 MiB)");
        run.Sandboxes.Should().BeEmpty();
    }

    [Fact]
    public async Task Deploy_ADocumentThatIsADirectory_ExitsThree()
    {
        var run = await RunAsync("deploy", "basic", "--app", "web", "--emulator", "--document", _directory);

        run.ExitCode.Should().Be(ExitCodes.InvalidInput);
        run.ErrorLines.Should().ContainSingle();
    }

    [Theory]
    [InlineData("1/2147483647/2147483647", "Capacity.Maximum: The maximum (2147483647) is above 10000")]
    [InlineData("0/1/10001", "Capacity.Maximum: The maximum (10001) is above 10000")]
    public async Task Deploy_ACapacityAboveTheBound_ExitsThree_AndChangesNothing(string capacity, string message)
    {
        var run = await RunAsync("deploy", "canary", "--app", "web", "--emulator", "--capacity", capacity, "--phase", "50", "--phase", "100");

        run.ExitCode.Should().Be(ExitCodes.InvalidInput, run.Error);
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain(message);
        run.Sandboxes.SelectMany(s => s.Emulator.Calls.Mutating).Should().BeEmpty();
    }

    [Fact]
    public async Task Deploy_TwentyOnePhases_ExitsThree_AndChangesNothing()
    {
        var phases = Enumerable.Range(1, 21).SelectMany(i => new[] { "--phase", Math.Min(100, i * 5).ToString(System.Globalization.CultureInfo.InvariantCulture) });

        var run = await RunAsync(["deploy", "canary", "--app", "web", "--emulator", .. phases]);

        run.ExitCode.Should().Be(ExitCodes.InvalidInput, run.Error);
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("Phases: At most 20 phases are allowed (got 21)");
        run.Sandboxes.SelectMany(s => s.Emulator.Calls.Mutating).Should().BeEmpty();
        run.Sandboxes.Single().Emulator.State.Groups.Should().ContainSingle("no group was created");
    }

    [Fact]
    public void MissingAwsCredentials_NamesWhatIsMissingAndHowToProvideIt()
    {
        var none = Preflight.MissingAwsCredentials(_ => null);
        var half = Preflight.MissingAwsCredentials(name => name == "AWS_ACCESS_KEY_ID" ? "AKID" : null);
        var profile = Preflight.MissingAwsCredentials(name => name == "AWS_PROFILE" ? "deploy" : null);

        none.Should().StartWith("no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY").And.Contain("profile 'default' was not found").And.NotContain("\n");
        half.Should().StartWith("no AWS credentials found (AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not)");
        profile.Should().Contain("profile 'deploy' was not found");
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironment
{
    /// <summary>Tests that change the process's environment run alone, after the parallel ones.</summary>
    public const string Name = "process environment";
}

/// <summary>
/// Missing AWS credentials: one line saying what is missing and how to provide it, exit 3, and nothing read or changed.
/// The process's AWS variables are cleared for the test (and restored), so it runs alone.
/// </summary>
[Collection(ProcessEnvironment.Name)]
public sealed class MissingCredentialsTests : IDisposable
{
    private static readonly string[] Cleared =
    [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ];

    private readonly Dictionary<string, string?> _saved = [];
    private readonly string _directory = Directory.CreateTempSubdirectory("spot-deploy-cli-creds-").FullName;

    public MissingCredentialsTests()
    {
        foreach (var name in Cleared)
        {
            Set(name, null);
        }

        Set("SPOTINST_TOKEN", "token");
        Set("SPOTINST_ACCOUNT", "act-1");
        Set("AWS_REGION", "us-east-1");

        // No profile files and no instance metadata: nothing on this machine can supply credentials, and nothing waits.
        Set("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(_directory, "credentials"));
        Set("AWS_CONFIG_FILE", Path.Combine(_directory, "config"));
        Set("AWS_EC2_METADATA_DISABLED", "true");
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        Directory.Delete(_directory, recursive: true);
    }

    private void Set(string name, string? value)
    {
        _saved.TryAdd(name, Environment.GetEnvironmentVariable(name));
        Environment.SetEnvironmentVariable(name, value);
    }

    [Theory]
    [InlineData("deploy", "roll")]
    [InlineData("plan", "canary")]
    public async Task PlanOrDeploy_WithoutAwsCredentials_ExitsThreeWithOneLine_AndCreatesNoState(string command, string strategy)
    {
        var state = Path.Combine(_directory, "state");
        using var output = new StringWriter();
        using var error = new StringWriter();

        // Port 9 (discard) on loopback: were anything sent, it would fail differently.
        var code = await Cli.RunAsync(
            [command, strategy, "--app", "web", "--image", "ami-0123456789abcdef0", .. (strategy == "canary" ? new[] { "--phase", "100" } : []), "--state-dir", state,
                "--spot-url", "http://127.0.0.1:9/", "--ec2-endpoint", "http://127.0.0.1:9/ec2/", "--elb-endpoint", "http://127.0.0.1:9/elb/"],
            output,
            error);

        code.Should().Be(ExitCodes.InvalidInput, error.ToString());
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainSingle().Which.Should().StartWith("error: no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
        Directory.Exists(state).Should().BeFalse("no journal or lock was written");
    }
}
