using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Spot.Deploy.Testing;

/// <summary>
/// Marks a test class whose every test needs an outside program, including the tests it inherits from a shared base
/// (a contract run against several implementations). Only the inherited tests marked <see cref="ContractFactAttribute"/>
/// or <see cref="ContractTheoryAttribute"/> read it: where the program is missing they are skipped with the
/// prerequisite's one sentence, and under <c>CI=true</c> they run (and fail with that sentence).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = true)]
public sealed class RequiresAttribute(Prerequisite prerequisite) : Attribute
{
    public Prerequisite Prerequisite { get; } = prerequisite;
}

/// <summary>A fact of a shared contract base: skipped when the concrete class is <see cref="RequiresAttribute"/> something missing.</summary>
[XunitTestCaseDiscoverer("Spot.Deploy.Testing.ContractFactDiscoverer", "Spot.Deploy.Testing")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ContractFactAttribute : FactAttribute;

/// <summary>The theory form of <see cref="ContractFactAttribute"/>.</summary>
[XunitTestCaseDiscoverer("Spot.Deploy.Testing.ContractTheoryDiscoverer", "Spot.Deploy.Testing")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ContractTheoryAttribute : TheoryAttribute;

public sealed class ContractFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        ClassPrerequisites.SkipReason(testMethod) is { } reason
            ? [ClassPrerequisites.Skipped(DiagnosticMessageSink, discoveryOptions, testMethod, reason)]
            : base.Discover(discoveryOptions, testMethod, factAttribute);
}

public sealed class ContractTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute) =>
        ClassPrerequisites.SkipReason(testMethod) is { } reason
            ? [ClassPrerequisites.Skipped(DiagnosticMessageSink, discoveryOptions, testMethod, reason)]
            : base.Discover(discoveryOptions, testMethod, theoryAttribute);
}

internal static class ClassPrerequisites
{
    public static string? SkipReason(ITestMethod testMethod) =>
        testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresAttribute))
            .Select(a => Prerequisites.SkipReason(a.GetConstructorArguments().OfType<Prerequisite>().Single()))
            .FirstOrDefault(reason => reason is not null);

    public static IXunitTestCase Skipped(IMessageSink sink, ITestFrameworkDiscoveryOptions options, ITestMethod testMethod, string reason) =>
        new XunitSkippedDataRowTestCase(sink, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), testMethod, reason);
}
