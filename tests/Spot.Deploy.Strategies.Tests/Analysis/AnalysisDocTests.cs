using System.Text.RegularExpressions;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Strategies.Tests.Analysis;

/// <summary>Every analysis file docs/analysis.md shows (marked <c>&lt;!-- analysis-file --&gt;</c>) is one the CLI accepts.</summary>
public sealed partial class AnalysisDocTests
{
    [Fact]
    public void EveryExampleFileInTheDocs_IsRead()
    {
        var text = File.ReadAllText(Path.Combine(PublicApiListing.RepositoryRoot(), "docs", "analysis.md"));

        var examples = Example().Matches(text).Select(m => m.Groups[1].Value).ToList();

        examples.Should().HaveCount(5, "two bake files, two CloudWatch files and a background analysis file");
        foreach (var json in examples)
        {
            var act = () => AnalysisJson.Read(json, name => name == "SMOKE_TOKEN" ? "Bearer example" : null);
            act.Should().NotThrow();
        }
    }

    [GeneratedRegex("<!-- analysis-file -->\\s*```json\\n(.*?)```", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Example();
}
