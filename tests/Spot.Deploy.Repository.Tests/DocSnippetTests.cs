using Spot.Deploy.Testing;

namespace Spot.Deploy.Repository.Tests;

/// <summary>
/// Every C# block the docs present as complete compiles. Such blocks are marked in the Markdown with
/// <c>&lt;!-- snippet: program --&gt;</c> (top-level statements) or <c>&lt;!-- snippet: file --&gt;</c> (a whole
/// source file) on the line directly before the fence.
/// </summary>
public sealed class DocSnippetTests
{
    /// <summary>As marked today: README 1, getting-started 1, deployments 1, aws 1, elastigroup 1, emulator 1, emulator-guide 4, analysis 1.</summary>
    private const int MarkedSnippets = 11;

    private static (List<DocSnippet> Snippets, List<string> Problems) ReadDocs()
    {
        var root = PublicApiListing.RepositoryRoot();
        var snippets = new List<DocSnippet>();
        var problems = new List<string>();
        foreach (var file in RepositoryDocs.MarkdownFiles(root))
        {
            var (found, wrong) = DocSnippets.Extract(file, File.ReadAllText(Path.Combine(root, file)));
            snippets.AddRange(found);
            problems.AddRange(wrong);
        }

        return (snippets, problems);
    }

    [Fact]
    public void EveryMarkedSnippet_Compiles()
    {
        var (snippets, problems) = ReadDocs();

        var errors = snippets.AsParallel().AsOrdered().SelectMany(SnippetCompiler.Errors).ToList();

        problems.Should().BeEmpty("snippet markers must be well-formed:\n" + string.Join('\n', problems));
        errors.Should().BeEmpty("every snippet the docs present as complete must compile:\n" + string.Join('\n', errors));
    }

    [Fact]
    public void TheDocs_MarkAtLeastTheKnownSnippets()
    {
        var (snippets, _) = ReadDocs();

        snippets.Should().HaveCountGreaterThanOrEqualTo(MarkedSnippets, "a marker that vanishes would silently stop a snippet from being compiled");
        snippets.Should().Contain(s => s.Kind == SnippetKind.Program).And.Contain(s => s.Kind == SnippetKind.File);
    }

    [Fact]
    public void ABrokenSnippet_IsReportedWithItsFenceLine()
    {
        var markdown = """
            # Blue/Green

            <!-- snippet: file -->
            ```csharp
            using Spot.Deploy.Strategies;

            public static class Routes
            {
                public static BlueGreenLoadBalancer Pair(string production, string stage) =>
                    new(new ListenerRoute(production), new ListenerRoute(stage));
            }
            ```
            """;
        var (snippets, problems) = DocSnippets.Extract("docs/broken.md", markdown);

        var errors = snippets.SelectMany(SnippetCompiler.Errors).ToList();

        problems.Should().BeEmpty();
        snippets.Should().ContainSingle().Which.Should().Match<DocSnippet>(s => s.FenceLine == 4 && s.Kind == SnippetKind.File);
        errors.Should().NotBeEmpty().And.OnlyContain(e => e.StartsWith("docs/broken.md:4: CS0246 ", StringComparison.Ordinal));
        errors.Should().Contain(e => e.Contains("'BlueGreenLoadBalancer'", StringComparison.Ordinal) && e.EndsWith("[line 9]", StringComparison.Ordinal));
    }

    [Fact]
    public void ACompleteProgram_CompilesAgainstThePackagesWithTheImplicitUsings()
    {
        var snippet = new DocSnippet("docs/ok.md", 1, SnippetKind.Program, """
            using Spot.Deploy.Emulator;
            using Spot.Deploy.Planning;

            await using var emulator = await SpotDeployEmulator.StartAsync();
            var capacities = new List<Capacity> { Capacity.Zero };
            Console.WriteLine(capacities.Single());
            """);

        SnippetCompiler.Errors(snippet).Should().BeEmpty();
    }

    [Theory]
    [InlineData("<!-- snippet: programme -->\n```csharp\nvar x = 1;\n```\n", "docs/m.md:1: a snippet marker must be a line of its own")]
    [InlineData("<!-- snippet: program -->\n\n```csharp\nvar x = 1;\n```\n", "docs/m.md:1: a snippet marker must stand on the line directly before a ```csharp fence")]
    [InlineData("<!-- snippet: program -->\n```bash\nls\n```\n", "docs/m.md:1: a snippet marker must stand on the line directly before a ```csharp fence")]
    [InlineData("<!-- snippet: file -->\n```csharp\nclass A {}\n", "docs/m.md:1: the ```csharp fence after the marker is never closed")]
    public void AMisplacedMarker_IsAProblem(string markdown, string problem)
    {
        var (snippets, problems) = DocSnippets.Extract("docs/m.md", markdown);

        snippets.Should().BeEmpty();
        problems.Should().ContainSingle().Which.Should().StartWith(problem);
    }
}
