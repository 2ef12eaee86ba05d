using Spot.Deploy.Testing;

namespace Spot.Deploy.Repository.Tests;

/// <summary>A test that needs a program the machine lacks says so in one sentence; under CI=true it fails instead of skipping.</summary>
public sealed class PrerequisiteTests : IDisposable
{
    private readonly string _bin = Directory.CreateTempSubdirectory("spot-deploy-path-").FullName;

    public void Dispose() => Directory.Delete(_bin, recursive: true);

    private Func<string, string?> Environment(string? ci = null) => name => name switch
    {
        "PATH" => _bin,
        "CI" => ci,
        _ => null,
    };

    private void Install(string program) => File.WriteAllText(Path.Combine(_bin, OperatingSystem.IsWindows() ? program + ".exe" : program), "");

    [Fact]
    public void Node_Missing_OneSentenceNamingItAndHowToInstall()
    {
        var reason = Prerequisites.Check(Prerequisite.Node, Environment(), _ => null);

        reason.Should().StartWith("Node.js is not on PATH: install Node.js 20 or later with npm")
            .And.Contain("apt-get install nodejs npm")
            .And.EndWith(".");
        reason!.Count(c => c == '.').Should().BeLessThanOrEqualTo(3, "one sentence (version numbers aside)");
        reason.Should().NotContain("\n");
    }

    [Fact]
    public void Node_TooOld_SaysWhichVersionItFound()
    {
        Install("node");
        Install("npm");

        Prerequisites.Check(Prerequisite.Node, Environment(), _ => "v18.19.0\n").Should().StartWith("Node.js v18.19.0 is too old: ");
    }

    [Fact]
    public void Npm_Missing_IsNamed()
    {
        Install("node");

        Prerequisites.Check(Prerequisite.Node, Environment(), _ => "v20.20.2").Should().StartWith("npm is not on PATH: ");
    }

    [Fact]
    public void NodeAndNpm_Present_NothingMissing()
    {
        Install("node");
        Install("npm");

        Prerequisites.Check(Prerequisite.Node, Environment(), _ => "v20.20.2").Should().BeNull();
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("1", false)]
    [InlineData(null, false)]
    public void ContinuousIntegration_IsCiEqualsTrue(string? ci, bool expected) =>
        Prerequisites.IsContinuousIntegration(Environment(ci)).Should().Be(expected);

    [Fact]
    public void UnderCi_NoTestIsSkipped_AndMissingPrerequisitesFailThem()
    {
        // This process's own answer: on CI (CI=true) a prerequisite test is never skipped, whatever the machine has.
        if (Prerequisites.IsContinuousIntegration(System.Environment.GetEnvironmentVariable))
        {
            Prerequisites.SkipReason(Prerequisite.Node).Should().BeNull();
            var missing = Prerequisites.Missing(Prerequisite.Node);
            var require = () => Prerequisites.Require(Prerequisite.Node);
            if (missing is null)
            {
                require.Should().NotThrow();
            }
            else
            {
                require.Should().Throw<PrerequisiteMissingException>().WithMessage(missing);
            }
        }
        else
        {
            Prerequisites.SkipReason(Prerequisite.Node).Should().Be(Prerequisites.Missing(Prerequisite.Node));
        }
    }
}
