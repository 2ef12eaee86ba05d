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
        var methods = Library.GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => typeof(Task).IsAssignableFrom(m.ReturnType))
            .ToList();

        methods.Should().NotBeEmpty();
        foreach (var method in methods)
        {
            method.Name.Should().EndWith("Async", $"{method.DeclaringType!.Name}.{method.Name} returns a Task");
            var last = method.GetParameters().LastOrDefault();
            last?.ParameterType.Should().Be(typeof(CancellationToken), $"{method.DeclaringType!.Name}.{method.Name} takes a CancellationToken last");
            last!.HasDefaultValue.Should().BeTrue($"{method.DeclaringType!.Name}.{method.Name}'s token is optional");
        }
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
        typeof(ElastigroupClient).GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.IsGenericMethodDefinition).Should().BeEmpty();
    }

    [Fact]
    public void Library_DoesNotReferenceDependencyInjection()
    {
        Library.GetReferencedAssemblies().Select(a => a.Name).Should().NotContain(n => n!.StartsWith("Microsoft.Extensions.DependencyInjection", StringComparison.Ordinal));
    }
}
