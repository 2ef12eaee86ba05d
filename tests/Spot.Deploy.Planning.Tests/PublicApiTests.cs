using Spot.Deploy.Planning;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Planning.Tests;

public class PublicApiTests
{
    [Fact]
    public void PublicApi_MatchesTheCommittedListing()
    {
        var difference = PublicApiListing.Verify(typeof(SetupPlanner).Assembly);

        difference.Should().BeNull();
    }

    [Fact]
    public void Assembly_HasNoPackageReferences()
    {
        var references = typeof(SetupPlanner).Assembly.GetReferencedAssemblies().Select(a => a.Name!);

        references.ShouldAll(name => name.StartsWith("System", StringComparison.Ordinal) || name == "netstandard");
    }
}
