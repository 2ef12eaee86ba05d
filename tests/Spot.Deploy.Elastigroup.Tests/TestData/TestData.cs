namespace Spot.Deploy.Elastigroup.Tests;

/// <summary>
/// Locates test data in the source tree at run time (the test project's csproj does not copy it to the output):
/// walks up from the test assembly's folder to the repository root, the folder holding <c>Spot.Deploy.sln</c>.
/// </summary>
internal static class TestData
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary><c>tests/Spot.Deploy.Elastigroup.Tests/TestData</c> of this repository.</summary>
    public static string Directory =>
        System.IO.Path.Combine(Root.Value, "tests", "Spot.Deploy.Elastigroup.Tests", "TestData");

    /// <summary>The full path of a file or folder under <see cref="Directory"/>: <c>Path("spot-fixtures", name)</c>.</summary>
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([Directory, .. parts]);

    /// <summary>The file names (not paths) in a folder under <see cref="Directory"/>, sorted ordinally.</summary>
    public static IReadOnlyList<string> FileNames(string folder, string pattern = "*.json") =>
        System.IO.Directory.GetFiles(Path(folder), pattern)
            .Select(System.IO.Path.GetFileName)
            .Select(name => name!)
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>The text of a file under <see cref="Directory"/>.</summary>
    public static string ReadText(params string[] parts) => File.ReadAllText(Path(parts));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Spot.Deploy.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No folder holding Spot.Deploy.sln above {AppContext.BaseDirectory}: the tests read their data from the source tree.");
    }
}
