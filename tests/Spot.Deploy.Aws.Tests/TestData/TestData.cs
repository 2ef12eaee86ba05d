namespace Spot.Deploy.Aws.Tests;

/// <summary>
/// Finds this project's test data in the source tree (the csproj does not copy it): walks up from the
/// test assembly to the folder holding <c>Spot.Deploy.sln</c>.
/// </summary>
internal static class TestData
{
    private static readonly Lazy<string> RepositoryRoot = new(FindRepositoryRoot);

    /// <summary><c>tests/Spot.Deploy.Aws.Tests/TestData</c>.</summary>
    public static string Directory => System.IO.Path.Combine(RepositoryRoot.Value, "tests", "Spot.Deploy.Aws.Tests", "TestData");

    /// <summary>A path under <see cref="Directory"/>.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Directory, .. parts]);

    /// <summary>The text of an AWS wire sample, <c>aws/samples/{name}</c>.</summary>
    public static string Sample(string name) => File.ReadAllText(Path("aws", "samples", name));

    /// <summary>The names of every AWS wire sample.</summary>
    public static IReadOnlyList<string> SampleNames() =>
        System.IO.Directory.GetFiles(Path("aws", "samples"), "*.xml").Select(f => System.IO.Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray();

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "Spot.Deploy.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Spot.Deploy.sln above {AppContext.BaseDirectory}: the tests read their data from the source tree.");
    }
}
