using Spot.Deploy.Testing;

namespace Spot.Deploy.Repository.Tests;

/// <summary>Every relative link and anchor in README.md and docs/ leads somewhere inside the repository.</summary>
public sealed class DocLinkTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("spot-deploy-links-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void EveryRelativeLinkAndAnchorInTheDocs_Resolves()
    {
        var root = PublicApiListing.RepositoryRoot();
        var checker = new DocLinkChecker(root);

        var problems = RepositoryDocs.MarkdownFiles(root)
            .SelectMany(file => checker.Check(file, File.ReadAllText(Path.Combine(root, file))))
            .ToList();

        checker.LinksSeen.Should().BeGreaterThan(100, "the docs link to each other a lot; seeing few links means the parser broke");
        problems.Should().BeEmpty("every link must open inside the repository:\n" + string.Join('\n', problems));
    }

    [Fact]
    public void TheChecker_ReportsBrokenFilesAnchorsAndEscapes_AndNothingElse()
    {
        Directory.CreateDirectory(Path.Combine(_temp, "docs", "images"));
        File.WriteAllText(Path.Combine(_temp, "docs", "other.md"), "# Other\n\n## Known heading\n");
        File.WriteAllText(Path.Combine(_temp, "docs", "images", "plan.svg"), "<svg/>");
        var markdown = """
            # A page

            ## Blue/Green, `A__STAGE` and _more_

            [fine](other.md) · [fine](other.md#known-heading) · [fine](#bluegreen-a__stage-and-more) · [fine](images/)
            ![fine](images/plan.svg) <img src="images/plan.svg"> [web](https://example.com/x.md) [mail](mailto:a@example.com)
            [missing file](no-such-page.md)
            [missing anchor](#no-such-section)
            [missing anchor elsewhere](other.md#no-such-rule)
            [outside](../../elsewhere/docs/RULES.md)
            [wrong case](Other.md)
            <img src="images/missing.svg">
            Code is not checked: `[x](missing.md)`. Nor are comments: <!-- [x](missing.md) -->

            [^note]: a footnote, not a link definition.

            [ref]: missing-reference.md

            ```markdown
            [x](missing.md)
            ```
            """;

        var problems = new DocLinkChecker(_temp).Check("docs/page.md", markdown);

        problems.Should().Equal(
            "docs/page.md:7: no-such-page.md — no such file or folder",
            "docs/page.md:8: #no-such-section — no heading with the anchor '#no-such-section' in docs/page.md",
            "docs/page.md:9: other.md#no-such-rule — no heading with the anchor '#no-such-rule' in docs/other.md",
            "docs/page.md:10: ../../elsewhere/docs/RULES.md — leaves the repository (a reader of the repository cannot open it)",
            "docs/page.md:11: Other.md — no such file or folder ('other.md' differs in case)",
            "docs/page.md:12: images/missing.svg — no such file or folder",
            "docs/page.md:17: missing-reference.md — no such file or folder");
    }

    [Theory]
    [InlineData("Getting started", "getting-started")]
    [InlineData("SpotApiException, SpotNotFoundException, SpotAuthenticationException", "spotapiexception-spotnotfoundexception-spotauthenticationexception")]
    [InlineData("Where we differ from the reference (ours)", "where-we-differ-from-the-reference-ours")]
    [InlineData("Steady state (`Spot.Deploy.Strategies`)", "steady-state-spotdeploystrategies")]
    [InlineData("C#", "c")]
    [InlineData("1. Publish the assemblies", "1-publish-the-assemblies")]
    [InlineData("Plan `A__N` and **bold** [linked](x.md)", "plan-a__n-and-bold-linked")]
    public void Slugs_AreGitHubs(string heading, string anchor) =>
        MarkdownText.Slug(heading).Should().Be(anchor);

    [Fact]
    public void RepeatedHeadings_GetNumberedAnchors() =>
        MarkdownText.Anchors("## Rollback\n\n## Rollback\n\nText\n---\n\n```\n# not a heading\n```\n").Should()
            .BeEquivalentTo("rollback", "rollback-1", "text");
}
