namespace Spot.Deploy.Repository.Tests;

/// <summary>The documentation the doc tests read: README.md and every Markdown file under docs/.</summary>
internal static class RepositoryDocs
{
    /// <summary>The documents' paths from <paramref name="root"/>, with '/', in a stable order.</summary>
    public static IReadOnlyList<string> MarkdownFiles(string root) =>
    [
        "README.md",
        .. Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal),
    ];
}
