using System.Reflection;
using Spot.Deploy.Aws;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Aws.Tests;

public class ConventionTests
{
    private static readonly Assembly Library = typeof(AwsConnection).Assembly;

    [Fact]
    public void PublicApi_MatchesTheCommittedListing()
    {
        PublicApiListing.Verify(Library).Should().BeNull();
    }

    [Fact]
    public void AsyncMethods_EndInAsyncAndTakeAnOptionalCancellationTokenLast()
    {
        Conventions.AsyncMethodProblems(Library).Should().BeEmpty();
    }

    [Fact]
    public void EntryPoints_AreUsableWithoutDependencyInjectionOrGenerics()
    {
        typeof(AwsConnection).GetConstructor([typeof(AwsConnectionOptions)]).Should().NotBeNull();
        typeof(AwsConnectionOptions).GetConstructor(Type.EmptyTypes).Should().NotBeNull();
        typeof(AmiQuery).GetConstructor(Type.EmptyTypes).Should().NotBeNull();
        Conventions.GenericMethods(Library).Should().BeEmpty();
        Conventions.ReferencesDependencyInjection(Library).Should().BeFalse();
    }
}
