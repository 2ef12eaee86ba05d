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

    /// <summary>EC2 is called through AWSSDK.EC2 only: no library under src/ builds an EC2 query of its own (the emulator serves them).</summary>
    [Fact]
    public void Sources_SendNoHandWrittenEc2Request()
    {
        var src = Path.Combine(PublicApiListing.RepositoryRoot(), "src");
        var offenders = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "Spot.Deploy.Emulator"))
            .Where(path => File.ReadAllText(path) is var text
                && (text.Contains("2016-11-15", StringComparison.Ordinal) || text.Contains("\"Owner.\"", StringComparison.Ordinal) || text.Contains("imagesSet", StringComparison.Ordinal)))
            .Select(path => Path.GetRelativePath(src, path));

        offenders.Should().BeEmpty();
    }

    /// <summary>Users substitute the resolver and the router in their tests (the Azure SDK's mocking guidance: virtual members, a protected constructor).</summary>
    [Fact]
    public void ResolverAndRouter_AreSubstitutable()
    {
        foreach (var type in new[] { typeof(AmiResolver), typeof(TrafficRouter) })
        {
            type.IsSealed.Should().BeFalse(type.Name);
            type.GetConstructor(BindingFlags.Instance | BindingFlags.NonPublic, Type.EmptyTypes).Should().NotBeNull(type.Name);
            type.GetMethods(BindingFlags.Instance | BindingFlags.Public | BindingFlags.DeclaredOnly)
                .Where(m => !m.IsSpecialName)
                .Should().OnlyContain(m => m.IsVirtual, type.Name + ": every public method can be overridden");
        }
    }
}
