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

    /// <summary>
    /// AWSSDK.Core's <c>Amazon.Runtime.Internal</c> namespaces carry no compatibility promise: requests are signed with
    /// its public <c>Amazon.Runtime.Signing</c> surface, and nothing under src/ may reach into the internals again.
    /// </summary>
    [Fact]
    public void Sources_NeverUseAwsSdkInternals()
    {
        var src = Path.Combine(PublicApiListing.RepositoryRoot(), "src");
        var sources = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .ToList();

        sources.Should().Contain(path => path.EndsWith("AwsSigner.cs", StringComparison.Ordinal), "the scan must see the sources it guards");
        sources.Where(path => File.ReadAllText(path).Contains("Amazon.Runtime.Internal", StringComparison.Ordinal))
            .Select(path => Path.GetRelativePath(src, path))
            .Should().BeEmpty();
    }
}
