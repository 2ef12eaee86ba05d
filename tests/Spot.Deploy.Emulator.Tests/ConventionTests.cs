using System.Reflection;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Emulator.Tests;

public class ConventionTests
{
    private static readonly Assembly Library = typeof(SpotDeployEmulator).Assembly;

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
        typeof(EmulatorOptions).GetConstructor(Type.EmptyTypes).Should().NotBeNull();
        typeof(FaultRule).GetConstructor(Type.EmptyTypes).Should().NotBeNull();
        Conventions.GenericMethods(Library).Should().BeEmpty();
    }
}
