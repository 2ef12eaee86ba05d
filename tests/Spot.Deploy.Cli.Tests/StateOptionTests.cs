using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli.Tests;

/// <summary>--state picks files (--state-dir) or PostgreSQL (connection string from SPOT_DEPLOY_POSTGRES only).</summary>
[Collection(ProcessEnvironment.Name)]
public sealed class StateOptionTests
{
    [Theory]
    [InlineData("resume")]
    [InlineData("rollback")]
    [InlineData("abandon")]
    public async Task StatePostgres_WithStateDir_IsInvalidInput(string command)
    {
        var (code, _, error) = await RunAsync(command, "web-1", "--reason", "checked", "--state", "postgres", "--state-dir", "/tmp/x");

        code.Should().Be(ExitCodes.InvalidInput);
        error.Should().Contain("--state-dir is for --state files").And.Contain("SPOT_DEPLOY_POSTGRES");
    }

    [Fact]
    public async Task StatePostgres_WithoutTheVariable_NamesIt()
    {
        Environment.GetEnvironmentVariable("SPOT_DEPLOY_POSTGRES").Should().BeNull("the test process must not point at a database");

        var (code, _, error) = await RunAsync("abandon", "web-1", "--reason", "checked", "--state", "postgres");

        code.Should().Be(ExitCodes.InvalidInput);
        error.Should().Contain("--state postgres: The environment variable SPOT_DEPLOY_POSTGRES is not set");
    }

    [Fact]
    public async Task State_UnknownValue_IsRefused()
    {
        var (code, _, _) = await RunAsync("abandon", "web-1", "--reason", "checked", "--state", "redis");

        code.Should().NotBe(ExitCodes.Success);
    }

    [Fact]
    public void UnfinishedRefusal_OnPostgres_NamesTheCommandsWithStatePostgres()
    {
        var refused = new UnfinishedDeploymentException("web-1", "web", DeploymentStatus.Running, "Canary", new DateTimeOffset(2026, 11, 22, 10, 15, 0, TimeSpan.Zero));

        var text = Cli.Unfinished(refused, new RequestValues { App = "web", PostgresState = true });

        text.Should().Contain("  spot-deploy resume web-1 --state postgres").And.NotContain("--state-dir");
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        // resume and rollback take no --reason: drop it for them.
        var arguments = args[0] == "abandon" ? args : [.. args.Where((a, i) => a != "--reason" && (i == 0 || args[i - 1] != "--reason"))];
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Cli.RunAsync(arguments, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
