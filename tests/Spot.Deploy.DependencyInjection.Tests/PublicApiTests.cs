using Microsoft.Extensions.DependencyInjection;
using Spot.Deploy.Testing;

namespace Spot.Deploy.DependencyInjection.Tests;

public class PublicApiTests
{
    [Fact]
    public void PublicApi_MatchesTheCommittedListing()
    {
        PublicApiListing.Verify(typeof(SpotDeployServiceCollectionExtensions).Assembly).Should().BeNull();
    }
}
