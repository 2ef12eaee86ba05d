using System.Collections.Concurrent;
using System.Diagnostics;

namespace Spot.Deploy.Testing;

/// <summary>Programs outside the repository that some tests need, and that a machine may lack.</summary>
public enum Prerequisite
{
    /// <summary>Node.js 20 or later with npm: the official AWS SDK for JavaScript and the OpenAPI validator.</summary>
    Node,

    /// <summary>PostgreSQL 12 or later: <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c>, on PATH or in <c>/usr/lib/postgresql/&lt;version&gt;/bin</c> (Debian).</summary>
    PostgreSql,

    /// <summary>Prometheus 2 or later: the <c>prometheus</c> server on PATH (Debian: the <c>prometheus</c> package).</summary>
    Prometheus,

    /// <summary>librsvg's <c>rsvg-convert</c> on PATH (Debian: the <c>librsvg2-bin</c> package): renders the SVG pictures in tests.</summary>
    Rsvg,
}

/// <summary>Thrown when a test needs a program the machine does not have; the message is one sentence saying which and how to install it.</summary>
public sealed class PrerequisiteMissingException(string message) : Exception(message);

/// <summary>
/// Says whether the programs of <see cref="Prerequisite"/> are on this machine. A missing one skips the test
/// with one sentence naming it — except under <c>CI=true</c>, where the test runs and fails with that sentence,
/// so CI can never pass by skipping.
/// </summary>
public static class Prerequisites
{
    private static readonly ConcurrentDictionary<Prerequisite, string?> Found = new();

    /// <summary>True when the <c>CI</c> environment variable is <c>true</c> (any case), as CI systems set it.</summary>
    public static bool IsContinuousIntegration(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return string.Equals(environment("CI"), "true", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The one-sentence reason a prerequisite is missing on this machine, or null when it is there (checked once per process).</summary>
    public static string? Missing(Prerequisite prerequisite) =>
        Found.GetOrAdd(prerequisite, p => Check(p, Environment.GetEnvironmentVariable, RunVersion));

    /// <summary>
    /// The reason a test of <paramref name="prerequisite"/> is skipped here, or null when it runs: it runs when the
    /// program is there, and always under <c>CI=true</c> (where <see cref="Require"/> then fails it).
    /// </summary>
    public static string? SkipReason(Prerequisite prerequisite) =>
        IsContinuousIntegration(Environment.GetEnvironmentVariable) ? null : Missing(prerequisite);

    /// <summary>Throws <see cref="PrerequisiteMissingException"/> (one sentence) when the prerequisite is missing.</summary>
    public static void Require(Prerequisite prerequisite)
    {
        if (Missing(prerequisite) is { } reason)
        {
            throw new PrerequisiteMissingException(reason);
        }
    }

    /// <summary>
    /// The check itself, over a given environment and a way to ask a program for its version (null when it does not
    /// start): the reason the prerequisite is missing, or null.
    /// </summary>
    public static string? Check(Prerequisite prerequisite, Func<string, string?> environment, Func<string, string?> version)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(version);
        return prerequisite switch
        {
            Prerequisite.Node => CheckNode(environment, version),
            Prerequisite.PostgreSql => CheckPostgreSql(environment, version),
            Prerequisite.Prometheus => CheckPrometheus(environment, version),
            Prerequisite.Rsvg => FindOnPath("rsvg-convert", environment) is { } rsvg && version(rsvg) is not null
                ? null
                : "rsvg-convert is not on PATH or does not start: install librsvg (Debian: apt-get install librsvg2-bin) to run the tests that render the SVG pictures.",
            _ => throw new ArgumentOutOfRangeException(nameof(prerequisite), prerequisite, null),
        };
    }

    private static string? CheckNode(Func<string, string?> environment, Func<string, string?> version)
    {
        const string Install = "install Node.js 20 or later with npm (Debian: apt-get install nodejs npm) to run the tests that use the official JavaScript SDKs.";
        if (FindOnPath("node", environment) is null || version("node") is not { } nodeVersion)
        {
            return "Node.js is not on PATH: " + Install;
        }

        if (!int.TryParse(nodeVersion.TrimStart('v').Split('.')[0], out var major) || major < 20)
        {
            return $"Node.js {nodeVersion.Trim()} is too old: " + Install;
        }

        return FindOnPath("npm", environment) is null ? "npm is not on PATH: " + Install : null;
    }

    private static string? CheckPrometheus(Func<string, string?> environment, Func<string, string?> version)
    {
        const string Install = "install Prometheus 2 or later (Debian: apt-get install prometheus) to run the tests that scrape the emulator with a real Prometheus.";
        if (FindOnPath("prometheus", environment) is not { } prometheus)
        {
            return "Prometheus is not on PATH: " + Install;
        }

        // "prometheus, version 2.42.0+ds (branch: debian/sid, …)"
        var reported = version(prometheus);
        var number = reported?.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipWhile(w => w != "version").Skip(1).FirstOrDefault()?.Split('.')[0];
        return number is null || !int.TryParse(number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var major) || major < 2
            ? $"Prometheus at {prometheus} is too old or does not start ({reported?.Trim() ?? "no version"}): " + Install
            : null;
    }

    private static string? CheckPostgreSql(Func<string, string?> environment, Func<string, string?> version)
    {
        const string Install = "install PostgreSQL 12 or later (Debian: apt-get install postgresql) to run the tests that start a throwaway database.";
        if (FindPostgreSqlBin(environment) is not { } bin)
        {
            return "PostgreSQL (initdb, pg_ctl, postgres) is neither on PATH nor in /usr/lib/postgresql/<version>/bin: " + Install;
        }

        // "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
        var reported = version(Path.Combine(bin, "postgres"));
        var number = reported?.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Split('.')[0]).FirstOrDefault(w => int.TryParse(w, out _));
        return number is null || int.Parse(number, System.Globalization.CultureInfo.InvariantCulture) < 12
            ? $"PostgreSQL in {bin} is too old or does not start ({reported?.Trim() ?? "no version"}): " + Install
            : null;
    }

    /// <summary>
    /// The folder holding <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c>: the one on PATH, else the newest
    /// <c>/usr/lib/postgresql/&lt;version&gt;/bin</c> (where Debian's packages put them, off PATH); null when neither has them.
    /// </summary>
    public static string? FindPostgreSqlBin(Func<string, string?> environment, string debianRoot = "/usr/lib/postgresql")
    {
        ArgumentNullException.ThrowIfNull(environment);
        string[] programs = ["initdb", "pg_ctl", "postgres"];
        if (FindOnPath("initdb", environment) is { } initdb && programs.All(p => FindOnPath(p, environment) is not null))
        {
            return Path.GetDirectoryName(initdb);
        }

        return !Directory.Exists(debianRoot)
            ? null
            : Directory.EnumerateDirectories(debianRoot)
                .Select(d => (Folder: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d).Split('.')[0], out var v) ? v : 0))
                .Where(d => programs.All(p => File.Exists(Path.Combine(d.Folder, p))))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Folder)
                .FirstOrDefault();
    }

    /// <summary>The full path of an executable found on PATH, or null.</summary>
    public static string? FindOnPath(string program, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var names = OperatingSystem.IsWindows() ? new[] { program + ".exe", program + ".cmd" } : [program];
        return (environment("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(folder => names.Select(name => Path.Combine(folder, name)))
            .FirstOrDefault(File.Exists);
    }

    private static string? RunVersion(string program)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, "--version")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}

/// <summary>A fact that needs a program outside the repository: skipped with one sentence where it is missing, failed under <c>CI=true</c>.</summary>
public sealed class RequiresFactAttribute : Xunit.FactAttribute
{
    public RequiresFactAttribute(Prerequisite prerequisite)
    {
        Prerequisite = prerequisite;
        Skip = Prerequisites.SkipReason(prerequisite);
    }

    public Prerequisite Prerequisite { get; }
}

/// <summary>The theory form of <see cref="RequiresFactAttribute"/>.</summary>
public sealed class RequiresTheoryAttribute : Xunit.TheoryAttribute
{
    public RequiresTheoryAttribute(Prerequisite prerequisite)
    {
        Prerequisite = prerequisite;
        Skip = Prerequisites.SkipReason(prerequisite);
    }

    public Prerequisite Prerequisite { get; }
}
