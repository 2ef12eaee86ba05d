using System.Text.RegularExpressions;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Repository.Tests;

/// <summary>
/// A plain clone has nothing beside it: nothing in the packages, tests, docs or benchmarks may reach the
/// reference folder CI happens to lay next to the repository. Reference data the tests need is copied into
/// their TestData/ folders, with its licence and a NOTICE.
/// </summary>
public sealed partial class SelfContainedTests
{
    private static readonly string[] ScannedFolders = ["src", "tests", "docs", "benchmarks", "eng"];
    private static readonly string[] SkippedFolders = ["bin", "obj", "node_modules", "TestResults", "BenchmarkDotNet.Artifacts"];
    private static readonly string[] ScannedExtensions = [".cs", ".csproj", ".props", ".targets", ".md", ".json", ".mjs", ".js", ".sh", ".ps1", ".yaml", ".yml", ".txt", ".xml"];

    // "../shared/…", "..\..\shared\…", Path.Combine(root, "..", "shared", …) and an absolute /work/shared.
    [GeneratedRegex("""\.\.[/\\]+(?:\.\.[/\\]+)*shared\b|"\.\."\s*,\s*"shared"|/work/shared\b""")]
    private static partial Regex OutsideReference();

    [Fact]
    public void NothingInTheRepository_RefersToTheSiblingSharedFolder()
    {
        var root = PublicApiListing.RepositoryRoot();
        var files = ScannedFolders
            .Select(folder => Path.Combine(root, folder))
            .Where(Directory.Exists)
            .SelectMany(FilesUnder)
            .Append(Path.Combine(root, "README.md"))
            .Where(file => !file.EndsWith(Path.DirectorySeparatorChar + nameof(SelfContainedTests) + ".cs", StringComparison.Ordinal))
            .ToList();

        var hits = Find(root, files);

        files.Should().HaveCountGreaterThan(200, "the scan must see the whole tree, not an empty folder");
        hits.Should().BeEmpty("a plain clone has no ../shared: copy what a test needs into its TestData/ with a NOTICE");
    }

    [Theory]
    [InlineData("""Path.Combine(RepositoryRoot(), "..", "shared", "reference")""")]
    [InlineData("The rules are in [semantics](../../shared/docs/DEPLOYMENT-SEMANTICS.md).")]
    [InlineData(@"..\shared\reference\aws")]
    [InlineData("Copied from `/work/shared/reference/aws/`.")]
    public void TheScan_CatchesEveryFormOfTheReference(string line) =>
        OutsideReference().IsMatch(line).Should().BeTrue();

    [Theory]
    [InlineData("The rules are in [semantics](semantics.md).")]
    [InlineData("One limiter shared by every client.")]
    [InlineData("Helpers shared by the test projects.")]
    public void TheScan_LeavesOrdinaryWordsAlone(string line) =>
        OutsideReference().IsMatch(line).Should().BeFalse();

    private static List<string> Find(string root, IEnumerable<string> files)
    {
        var hits = new List<string>();
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (OutsideReference().IsMatch(lines[i]))
                {
                    hits.Add($"{Path.GetRelativePath(root, file)}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }

        return hits;
    }

    private static IEnumerable<string> FilesUnder(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            if (ScannedExtensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase))
            {
                yield return file;
            }
        }

        foreach (var child in Directory.EnumerateDirectories(folder))
        {
            if (!SkippedFolders.Contains(Path.GetFileName(child), StringComparer.Ordinal))
            {
                foreach (var file in FilesUnder(child))
                {
                    yield return file;
                }
            }
        }
    }
}
