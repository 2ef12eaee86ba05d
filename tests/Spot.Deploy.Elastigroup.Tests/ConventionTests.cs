using System.Reflection;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Elastigroup.Tests;

public class ConventionTests
{
    private static readonly Assembly Library = typeof(ElastigroupClient).Assembly;

    [Fact]
    public void PublicApi_MatchesTheCommittedListing()
    {
        PublicApiListing.Verify(Library).Should().BeNull();
    }

    [Fact]
    public void AsyncMethods_EndInAsyncAndTakeACancellationTokenLast()
    {
        Conventions.AsyncMethodProblems(Library).Should().BeEmpty();
    }

    [Fact]
    public void OptionsAndRequestTypes_HaveAParameterlessConstructor()
    {
        var types = Library.GetExportedTypes().Where(t => t.Name.EndsWith("Options", StringComparison.Ordinal) || t.Name.EndsWith("Request", StringComparison.Ordinal) || t.Name.EndsWith("Transform", StringComparison.Ordinal)).ToList();

        types.Should().Contain(typeof(ElastigroupClientOptions));
        types.Where(t => t.GetConstructor(Type.EmptyTypes) is null).Should().BeEmpty();
    }

    [Fact]
    public void Client_IsUsableWithoutDependencyInjectionOrGenerics()
    {
        typeof(ElastigroupClient).GetConstructor([typeof(ElastigroupClientOptions)]).Should().NotBeNull();
        typeof(ElastigroupClient).GetConstructor([typeof(HttpClient), typeof(ElastigroupClientOptions)]).Should().NotBeNull();
        Conventions.GenericMethods(Library).Should().BeEmpty();
    }

    [Fact]
    public void Library_DoesNotReferenceDependencyInjection()
    {
        Conventions.ReferencesDependencyInjection(Library).Should().BeFalse();
    }
}
