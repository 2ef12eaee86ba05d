using Spot.Deploy.Testing;

namespace Spot.Deploy.PostgreSql.Tests;

public class PublicApiTests
{
    [Fact]
    public void PublicApi_MatchesTheCommittedListing() =>
        PublicApiListing.Verify(typeof(PostgreSqlDeploymentStore).Assembly).Should().BeNull();

    [Fact]
    public void AsyncMethods_FollowTheConventions() =>
        Conventions.AsyncMethodProblems(typeof(PostgreSqlDeploymentStore).Assembly).Should().BeEmpty();
}
