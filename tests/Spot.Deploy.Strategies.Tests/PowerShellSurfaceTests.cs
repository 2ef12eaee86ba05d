using System.Reflection;
using System.Runtime.CompilerServices;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Emulator;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Tests;

/// <summary>
/// What PowerShell needs (docs/powershell/README.md, docs/powershell/canary.ps1), checked by reflection over every
/// type a script may use (tests/Spot.Deploy.PowerShell.Tests runs canary.ps1 itself, which uses a few): every type a user creates has a public constructor or static factory
/// with non-generic parameters, nothing needs a generic method, an extension method or a <c>required</c>
/// member, and every async method returns Task or Task&lt;T&gt; (PowerShell calls .GetAwaiter().GetResult()).
/// </summary>
public sealed class PowerShellSurfaceTests
{
    /// <summary>The types a script creates or calls, from the clients to the emulator.</summary>
    public static readonly Type[] UserTypes =
    [
        typeof(ElastigroupClient), typeof(ElastigroupClientOptions), typeof(ElastigroupDocument),
        typeof(AwsConnection), typeof(AwsConnectionOptions), typeof(AmiQuery),
        typeof(DeploymentServices), typeof(DeploymentOptions), typeof(SteadyStateOptions), typeof(DeploymentRecovery),
        typeof(BasicDeployment), typeof(CanaryDeployment), typeof(BlueGreenDeployment), typeof(SpotRollDeployment),
        typeof(BasicDeploymentRequest), typeof(CanaryDeploymentRequest), typeof(BlueGreenDeploymentRequest), typeof(SpotRollDeploymentRequest),
        typeof(BlueGreenLoadBalancer), typeof(ListenerRoute),
        typeof(SpotDeployEmulator), typeof(EmulatorOptions),
    ];

    /// <summary>The library assemblies a script loads with Add-Type (DependencyInjection is for applications).</summary>
    public static readonly Assembly[] LibraryAssemblies =
    [
        typeof(Capacity).Assembly, typeof(ElastigroupClient).Assembly, typeof(AwsConnection).Assembly,
        typeof(DeploymentServices).Assembly, typeof(SpotDeployEmulator).Assembly,
    ];

    public static TheoryData<Type> Types() => [.. UserTypes];

    [Theory]
    [MemberData(nameof(Types))]
    public void UserType_HasAPublicConstructorOrStaticFactoryWithNonGenericParameters(Type type)
    {
        var creators = type.GetConstructors()
            .Cast<MethodBase>()
            .Concat(type.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.ReturnType == type || m.ReturnType == typeof(Task<>).MakeGenericType(type)))
            .Where(Callable)
            .ToList();

        creators.Should().NotBeEmpty($"{type.Name} must be creatable from PowerShell with [{type.FullName}]::new(...) or a static factory");
    }

    [Fact]
    public void TheUsualEntryPoints_AreCallableWithoutDependencyInjection()
    {
        // The exact calls canary.ps1 makes.
        Callable(typeof(SpotDeployEmulator).GetMethod(nameof(SpotDeployEmulator.StartAsync))!).Should().BeTrue();
        Callable(typeof(DeploymentServices).GetMethod(nameof(DeploymentServices.CreateDefault))!).Should().BeTrue();
        Callable(typeof(ElastigroupDocument).GetMethod(nameof(ElastigroupDocument.Parse), [typeof(string)])!).Should().BeTrue();
        Callable(typeof(CanaryDeploymentRequest).GetMethod(nameof(CanaryDeploymentRequest.AddPercentPhase))!).Should().BeTrue();
        Callable(typeof(DeploymentRequest).GetMethod(nameof(DeploymentRequest.UseImage))!).Should().BeTrue();
        Callable(typeof(CanaryDeployment).GetMethod(nameof(CanaryDeployment.RunAsync))!).Should().BeTrue();
        typeof(CanaryDeployment).GetConstructor([typeof(DeploymentServices), typeof(CanaryDeploymentRequest), typeof(DeploymentOptions)]).Should().NotBeNull();
        typeof(IDisposable).IsAssignableFrom(typeof(CanaryDeployment)).Should().BeTrue("a script disposes a deployment with Dispose()");
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void UserType_HasNoGenericMethodAndNoRequiredMember(Type type)
    {
        var generic = PublicMembers(type).OfType<MethodInfo>().Where(m => m.IsGenericMethodDefinition).Select(m => m.Name);
        var required = type.GetProperties().Where(p => p.IsDefined(typeof(RequiredMemberAttribute))).Select(p => p.Name);

        generic.Should().BeEmpty();
        required.Should().BeEmpty("PowerShell sets properties after ::new(), it cannot satisfy C# required members");
        type.IsDefined(typeof(RequiredMemberAttribute)).Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void UserType_AsyncMethodsReturnTasks(Type type)
    {
        var wrong = PublicMembers(type).OfType<MethodInfo>()
            .Where(m => m.Name.EndsWith("Async", StringComparison.Ordinal) || IsAwaitable(m.ReturnType))
            .Where(m => !IsTask(m.ReturnType) && !(m.Name == nameof(IAsyncDisposable.DisposeAsync) && m.ReturnType == typeof(ValueTask)))
            .Select(m => $"{m.Name} returns {m.ReturnType.Name}");

        wrong.Should().BeEmpty("PowerShell waits with .GetAwaiter().GetResult() on a Task");
    }

    [Fact]
    public void LibraryAssemblies_ExportNoExtensionMethods()
    {
        // A script cannot call an extension method as one: nothing a user needs may exist only as one.
        var extensions = LibraryAssemblies
            .SelectMany(a => a.GetExportedTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.IsDefined(typeof(ExtensionAttribute)))
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}");

        extensions.Should().BeEmpty();
    }

    [Fact]
    public void TheChecks_CatchWhatPowerShellCannotCall()
    {
        // The predicates the tests rely on reject a generic method, an open generic parameter and a ValueTask.
        Callable(typeof(Enumerable).GetMethod(nameof(Enumerable.Empty))!).Should().BeFalse();
        Callable(typeof(List<>).GetMethod("Add")!).Should().BeFalse();
        IsTask(typeof(ValueTask<int>)).Should().BeFalse();
        IsTask(typeof(Task<int>)).Should().BeTrue();
        IsAwaitable(typeof(ValueTask<int>)).Should().BeTrue();
    }

    private static IEnumerable<MemberInfo> PublicMembers(Type type) =>
        type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .Where(m => m.DeclaringType?.Assembly is { } assembly && LibraryAssemblies.Contains(assembly));

    private static bool Callable(MethodBase method) =>
        method.IsPublic
        && !method.IsGenericMethodDefinition
        && !method.ContainsGenericParameters
        && !method.IsDefined(typeof(ObsoleteAttribute))
        && !method.IsDefined(typeof(CompilerFeatureRequiredAttribute))
        && method.GetParameters().All(p => !p.ParameterType.ContainsGenericParameters && !p.ParameterType.IsByRefLike && !p.ParameterType.IsPointer);

    private static bool IsTask(Type type) => type == typeof(Task) || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Task<>));

    private static bool IsAwaitable(Type type) => type.GetMethod("GetAwaiter", Type.EmptyTypes) is not null;
}
