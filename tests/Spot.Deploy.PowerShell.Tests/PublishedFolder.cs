using Spot.Deploy.Packaging.Tests;

namespace Spot.Deploy.PowerShell.Tests;

/// <summary>
/// The folder eng/publish-powershell.sh publishes, made once per test run: the real script, with
/// <c>--no-build</c> because the solution's build has built the libraries in this configuration.
/// </summary>
public sealed class PublishedFolder : IAsyncLifetime, IDisposable
{
    private readonly TempFolder _temp = new("spot-deploy-pwsh");

    public string Path => System.IO.Path.Combine(_temp.Path, "powershell");

    public TimeSpan PublishTime { get; private set; }

    public async Task InitializeAsync()
    {
        var started = DateTime.UtcNow;
        var (exitCode, output) = await DotnetProcess.RunAsync(
            "bash",
            [System.IO.Path.Combine("eng", "publish-powershell.sh"), Path, "--no-build"],
            DotnetProcess.RepositoryRoot,
            new Dictionary<string, string> { ["CONFIGURATION"] = DotnetProcess.Configuration },
            TimeSpan.FromMinutes(5));
        exitCode.Should().Be(0, output);
        PublishTime = DateTime.UtcNow - started;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _temp.Dispose();
}

[CollectionDefinition(Name)]
public sealed class PublishedFolderGroup : ICollectionFixture<PublishedFolder>
{
    public const string Name = "the published PowerShell folder";
}
