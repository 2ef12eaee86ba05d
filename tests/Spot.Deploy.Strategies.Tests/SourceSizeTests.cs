using Spot.Deploy.Testing;

namespace Spot.Deploy.Strategies.Tests;

/// <summary>The engine stays changeable: small files with one job each, and none over 400 lines.</summary>
public sealed class SourceSizeTests
{
    private const int MaxLines = 400;

    [Fact]
    public void NoSourceFileOfTheEngine_IsOver400Lines()
    {
        var root = Path.Combine(PublicApiListing.RepositoryRoot(), "src", "Spot.Deploy.Strategies");
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();

        var tooLong = files.Select(f => (File: Path.GetRelativePath(root, f), Lines: File.ReadLines(f).Count())).Where(f => f.Lines > MaxLines).ToList();

        files.Should().HaveCountGreaterThan(30, "the scan must see the package's sources");
        tooLong.Should().BeEmpty();
    }

    [Fact]
    public void EveryOperationKind_IsAJournaledType()
    {
        var kinds = typeof(DeploymentServices).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsClass: true } && t.IsSubclassOf(typeof(Spot.Deploy.Strategies.Execution.Operation)))
            .ToList();
        var journaled = typeof(Spot.Deploy.Strategies.Execution.Operation).GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonDerivedTypeAttribute), false)
            .Cast<System.Text.Json.Serialization.JsonDerivedTypeAttribute>().Select(a => a.DerivedType).ToList();

        kinds.Should().HaveCount(10).And.BeEquivalentTo(journaled, "an operation the journal cannot store could not be resumed");
    }
}
