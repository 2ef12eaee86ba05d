using Spot.Deploy.Testing;

namespace Spot.Deploy.Strategies.Tests;

public class PublicApiTests
{
    [Fact]
    public void PublicApi_MatchesTheCommittedListing()
    {
        var difference = PublicApiListing.Verify(typeof(IDeploymentJournal).Assembly);

        difference.Should().BeNull();
    }

    [Fact]
    public void AsyncMethods_FollowTheConventions()
    {
        Conventions.AsyncMethodProblems(typeof(IDeploymentJournal).Assembly).Should().BeEmpty();
    }

    [Fact]
    public void PublicMethods_AreNotGeneric()
    {
        Conventions.GenericMethods(typeof(IDeploymentJournal).Assembly).Should().BeEmpty();
    }

    [Fact]
    public void Assembly_DoesNotReferenceDependencyInjection()
    {
        Conventions.ReferencesDependencyInjection(typeof(IDeploymentJournal).Assembly).Should().BeFalse();
    }
}
