using Spot.Deploy.Testing;

namespace Spot.Deploy.PostgreSql.Tests;

/// <summary>The SQL listing in docs/postgresql.md is the script the store runs, so it cannot drift from the migrations.</summary>
public sealed class SchemaListingTests
{
    private const string Begin = "<!-- schema-script: generated from PostgreSqlSchema.GetScript(), checked by SchemaListingTests -->";
    private const string End = "<!-- /schema-script -->";

    [Fact]
    public void DocsListing_IsTheScriptOfTheMigrations()
    {
        var path = Path.Combine(PublicApiListing.RepositoryRoot(), "docs", "postgresql.md");
        var doc = File.ReadAllText(path).ReplaceLineEndings("\n");
        var expected = Begin + "\n```sql\n" + PostgreSqlSchema.GetScript() + "```\n" + End;
        var start = doc.IndexOf(Begin, StringComparison.Ordinal);
        var end = doc.IndexOf(End, StringComparison.Ordinal);
        start.Should().BeGreaterThanOrEqualTo(0, "docs/postgresql.md must hold the schema listing between the markers");
        end.Should().BeGreaterThan(start);
        var actual = doc[start..(end + End.Length)];

        if (actual != expected && Environment.GetEnvironmentVariable("SPOT_DEPLOY_ACCEPT_API") == "1")
        {
            File.WriteAllText(path, doc.Replace(actual, expected, StringComparison.Ordinal));
            return;
        }

        actual.Should().Be(expected, "the listing is generated: run the test with SPOT_DEPLOY_ACCEPT_API=1 to rewrite it, then review the diff");
    }
}
