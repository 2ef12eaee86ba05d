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
        var methods = Library.GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => typeof(Task).IsAssignableFrom(m.ReturnType))
            .ToList();

        methods.Should().NotBeEmpty();
        foreach (var method in methods)
        {
            method.Name.Should().EndWith("Async");
            var last = method.GetParameters().Last();
            last.ParameterType.Should().Be(typeof(CancellationToken), $"{method.DeclaringType!.Name}.{method.Name}");
            last.HasDefaultValue.Should().BeTrue();
        }
    }

    [Fact]
    public void EntryPoints_AreUsableWithoutDependencyInjectionOrGenerics()
    {
        typeof(AwsConnection).GetConstructor([typeof(AwsConnectionOptions)]).Should().NotBeNull();
        typeof(AwsConnectionOptions).GetConstructor(Type.EmptyTypes).Should().NotBeNull();
        typeof(AmiQuery).GetConstructor(Type.EmptyTypes).Should().NotBeNull();
        Library.GetExportedTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.IsGenericMethodDefinition).Should().BeEmpty();
        Library.GetReferencedAssemblies().Select(a => a.Name).Should().NotContain(n => n!.StartsWith("Microsoft.Extensions.DependencyInjection", StringComparison.Ordinal));
    }
}
