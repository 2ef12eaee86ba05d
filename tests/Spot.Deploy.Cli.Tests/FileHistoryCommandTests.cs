using System.Text.Json.Nodes;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli.Tests;

/// <summary>Three deployments journaled in a state directory, as <c>deploy --state-dir</c> journals them.</summary>
public sealed class FileHistoryFixture : IAsyncLifetime
{
    public string StateDir { get; } = Directory.CreateTempSubdirectory("spot-deploy-history-").FullName;

    internal HistoryDeployments Deployments { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Deployments = await HistoryDeployments.RunAsync(clock =>
            (new FileDeploymentJournal(Path.Combine(StateDir, "journal"), clock, HistoryDeployments.Runner), new FileAppLock(Path.Combine(StateDir, "locks"))));

    public Task DisposeAsync()
    {
        Directory.Delete(StateDir, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary><c>history</c> and <c>list --unfinished</c> on the journal of <c>--state-dir</c>, and their input checks.</summary>
[Collection(ProcessEnvironment.Name)]
public sealed class FileHistoryCommandTests(FileHistoryFixture fixture) : HistoryCommandContract, IClassFixture<FileHistoryFixture>
{
    internal override HistoryDeployments Deployments => fixture.Deployments;

    protected override string[] StoreFlags => ["--state-dir", fixture.StateDir];

    protected override string StoreDescription => $"the journal of {fixture.StateDir}";

    [Fact]
    public async Task History_FileWrittenBeforeRunners_ShowsRunnerUnknown()
    {
        using var state = new TemporaryStateDir();
        Directory.CreateDirectory(Path.Combine(state.Path, "journal"));
        await File.WriteAllTextAsync(Path.Combine(state.Path, "journal", "shop-1.json"),
            "{\"formatVersion\":2,\"deployment\":{\"id\":\"shop-1\",\"appName\":\"shop\",\"strategy\":\"Basic\",\"startedAt\":\"2026-11-20T08:00:00+00:00\",\"request\":{\"imageId\":\"ami-9\"},\"status\":\"Running\",\"entries\":[]}}\n"
            + "{\"status\":\"Succeeded\",\"finishedAt\":\"2026-11-20T08:03:05+00:00\"}\n");

        var text = await CliRun.RunAsync("history", "shop", "--state-dir", state.Path);
        var json = await CliRun.RunAsync("history", "shop", "--state-dir", state.Path, "--output", "json");

        text.ExitCode.Should().Be(ExitCodes.Success, text.Error);
        text.Lines[2].Should().MatchRegex("^shop-1 +Basic +ami-9 +Succeeded +unknown +2026-11-20 08:00:00Z +3m05s +succeeded$");
        JsonNode.Parse(json.Lines[0])!["deployments"]![0]!["runner"].Should().BeNull();
    }

    [Fact]
    public async Task ListUnfinished_NoneInTheDirectory_SaysSo()
    {
        using var state = new TemporaryStateDir();

        var run = await CliRun.RunAsync("list", "--unfinished", "--state-dir", state.Path);

        run.ExitCode.Should().Be(ExitCodes.Success, run.Error);
        run.Lines.Should().Equal($"no unfinished deployments in the journal of {state.Path}.");
    }

    [Theory]
    [InlineData("--limit must be between 1 and 10000, got 0", "history", "web", "--limit", "0")]
    [InlineData("--limit must be between 1 and 10000, got 10001", "history", "web", "--limit", "10001")]
    [InlineData("--limit must be between 1 and 10000, got 0", "history", "web", "--limit", "0", "--state", "postgres")]
    [InlineData("The app name must not start or end with white space", "history", " web")]
    [InlineData("The app name must not contain control characters", "history", "we\tb")]
    [InlineData("--state-dir is for --state files", "history", "web", "--state", "postgres", "--state-dir", ".")]
    [InlineData("--state-dir is for --state files", "list", "--unfinished", "--state", "postgres", "--state-dir", ".")]
    [InlineData("--state-dir: no such directory", "history", "web", "--state-dir", "/nonexistent/spot-deploy-state")]
    [InlineData("list needs --unfinished", "list")]
    [InlineData("SPOT_DEPLOY_POSTGRES is not set", "list", "--unfinished", "--state", "postgres")]
    public async Task InvalidInput_IsExitThree_NamingTheProblem(string problem, params string[] args)
    {
        var run = await CliRun.RunAsync(args);

        run.ExitCode.Should().Be(ExitCodes.InvalidInput);
        run.Error.Should().Contain(problem);
        run.Output.Should().BeEmpty();
    }

    [Theory]
    [InlineData("history", "web", "--limit", "many")]
    [InlineData("history")]
    [InlineData("history", "web", "--output", "xml")]
    public async Task MalformedFlags_AreExitThree(params string[] args)
    {
        (await CliRun.RunAsync(args)).ExitCode.Should().Be(ExitCodes.InvalidInput);
    }

    private sealed class TemporaryStateDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("spot-deploy-state-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
