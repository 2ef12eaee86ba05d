using System.Text.Json;

namespace Spot.Deploy.Packaging.Tests;

/// <summary>
/// PowerShell is hosted by tests/Spot.Deploy.PowerShell.Tests through Microsoft.PowerShell.SDK, which brings a
/// Windows-only package under Microsoft's own licence terms (that project's README.md). No project under src/ — the
/// libraries and the tool we ship — may have PowerShell's packages anywhere in its restored dependency graph.
/// </summary>
public sealed class ShippedDependencyTests
{
    /// <summary>Package names of PowerShell's hosting packages and what they bring.</summary>
    private static readonly string[] PowerShellPrefixes =
        ["Microsoft.PowerShell.", "System.Management.Automation", "Microsoft.Management.Infrastructure", "Microsoft.WSMan."];

    public static TheoryData<string> ShippedProjects() =>
        [.. Directory.GetDirectories(Path.Combine(DotnetProcess.RepositoryRoot, "src"))
            .Where(d => File.Exists(Path.Combine(d, Path.GetFileName(d) + ".csproj")))
            .Select(d => Path.GetFileName(d))];

    [Theory]
    [MemberData(nameof(ShippedProjects))]
    public void ShippedProject_RestoresNoPowerShellPackage(string project)
    {
        RestoredPackages(Path.Combine("src", project)).Where(IsPowerShellPackage).Should().BeEmpty();
    }

    [Fact]
    public void PowerShellTests_RestoreThePowerShellSdk()
    {
        // The check above can fail: the one project that hosts PowerShell has these packages in its graph.
        RestoredPackages(Path.Combine("tests", "Spot.Deploy.PowerShell.Tests")).Should().Contain("Microsoft.PowerShell.SDK")
            .And.Contain(name => IsPowerShellPackage(name) && name != "Microsoft.PowerShell.SDK", "the SDK brings the rest");
    }

    private static bool IsPowerShellPackage(string name) =>
        PowerShellPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));

    /// <summary>The package names (every one, transitive too) in a project's restored obj/project.assets.json.</summary>
    private static List<string> RestoredPackages(string projectDirectory)
    {
        var assets = Path.Combine(DotnetProcess.RepositoryRoot, projectDirectory, "obj", "project.assets.json");
        File.Exists(assets).Should().BeTrue($"{projectDirectory} is restored (dotnet restore Spot.Deploy.sln) before these tests run");
        using var document = JsonDocument.Parse(File.ReadAllBytes(assets));
        return [.. document.RootElement.GetProperty("libraries").EnumerateObject()
            .Where(library => library.Value.GetProperty("type").GetString() == "package")
            .Select(library => library.Name.Split('/')[0])];
    }
}
