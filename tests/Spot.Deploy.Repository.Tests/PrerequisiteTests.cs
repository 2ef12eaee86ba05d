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

/// <summary>PostgreSQL is found on PATH or where Debian puts it, and a missing or old one is named in one sentence.</summary>
public sealed class PostgreSqlPrerequisiteTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("spot-deploy-pg-prereq-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Folder(string relative, params string[] programs)
    {
        var folder = Path.Combine(_root, relative);
        Directory.CreateDirectory(folder);
        foreach (var program in programs)
        {
            File.WriteAllText(Path.Combine(folder, OperatingSystem.IsWindows() ? program + ".exe" : program), "");
        }

        return folder;
    }

    [Fact]
    public void OnPath_VersionFifteen_NothingMissing()
    {
        var bin = Folder("path", "initdb", "pg_ctl", "postgres");

        Prerequisites.Check(Prerequisite.PostgreSql, n => n == "PATH" ? bin : null, _ => "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)").Should().BeNull();
    }

    [Fact]
    public void OnPath_TooOld_OneSentenceWithTheVersion()
    {
        var bin = Folder("path", "initdb", "pg_ctl", "postgres");

        var reason = Prerequisites.Check(Prerequisite.PostgreSql, n => n == "PATH" ? bin : null, _ => "postgres (PostgreSQL) 11.2");

        reason.Should().Contain("too old").And.Contain("11.2").And.Contain("apt-get install postgresql").And.EndWith(".");
        reason.Should().NotContain("\n");
    }

    [Fact]
    public void OffPath_TheNewestDebianFolderWithAllThree_IsFound()
    {
        Folder("debian/13/bin", "initdb", "pg_ctl", "postgres");
        var newest = Folder("debian/15/bin", "initdb", "pg_ctl", "postgres");
        Folder("debian/16/bin", "initdb");

        Prerequisites.FindPostgreSqlBin(_ => null, Path.Combine(_root, "debian")).Should().Be(newest);
        Prerequisites.FindPostgreSqlBin(_ => null, Path.Combine(_root, "none")).Should().BeNull();
    }
}

/// <summary>The Prometheus check: the server on PATH, version 2 or later, else one sentence saying how to install it.</summary>
public sealed class PrometheusPrerequisiteTests : IDisposable
{
    private readonly string _bin = Directory.CreateTempSubdirectory("spot-deploy-prom-prereq-").FullName;

    public void Dispose() => Directory.Delete(_bin, recursive: true);

    private string? Check(string? reported)
    {
        File.WriteAllText(Path.Combine(_bin, OperatingSystem.IsWindows() ? "prometheus.exe" : "prometheus"), "");
        return Prerequisites.Check(Prerequisite.Prometheus, n => n == "PATH" ? _bin : null, _ => reported);
    }

    [Fact]
    public void OnPath_DebianVersionTwo_NothingMissing() =>
        Check("prometheus, version 2.42.0+ds (branch: debian/sid, revision: 2.42.0+ds-5+deb12u1)").Should().BeNull();

    [Fact]
    public void OnPath_DoesNotStart_OneSentenceSayingHowToInstall()
    {
        var reason = Check(null);

        reason.Should().Contain("does not start").And.Contain("apt-get install prometheus").And.EndWith(".");
        reason.Should().NotContain("\n");
    }

    [Fact]
    public void NotOnPath_OneSentence() =>
        Prerequisites.Check(Prerequisite.Prometheus, n => n == "PATH" ? _bin : null, _ => "prometheus, version 2.42.0").Should().StartWith("Prometheus is not on PATH: ");
}

/// <summary>The librsvg check: <c>rsvg-convert</c> on PATH and starting, else one sentence saying how to install it.</summary>
public sealed class RsvgPrerequisiteTests : IDisposable
{
    private readonly string _bin = Directory.CreateTempSubdirectory("spot-deploy-rsvg-prereq-").FullName;

    public void Dispose() => Directory.Delete(_bin, recursive: true);

    [Fact]
    public void OnPath_Starting_NothingMissing()
    {
        File.WriteAllText(Path.Combine(_bin, OperatingSystem.IsWindows() ? "rsvg-convert.exe" : "rsvg-convert"), "");

        Prerequisites.Check(Prerequisite.Rsvg, n => n == "PATH" ? _bin : null, _ => "rsvg-convert version 2.54.7").Should().BeNull();
    }

    [Fact]
    public void NotOnPath_OneSentenceSayingHowToInstall()
    {
        var reason = Prerequisites.Check(Prerequisite.Rsvg, n => n == "PATH" ? _bin : null, _ => "rsvg-convert version 2.54.7");

        reason.Should().StartWith("rsvg-convert is not on PATH").And.Contain("apt-get install librsvg2-bin").And.EndWith(".");
        reason.Should().NotContain("\n");
    }
}
