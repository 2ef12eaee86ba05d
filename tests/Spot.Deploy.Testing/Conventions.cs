using System.Reflection;

namespace Spot.Deploy.Testing;

/// <summary>Convention checks every package's test project runs on its assembly (Octokit-style conventions).</summary>
public static class Conventions
{
    /// <summary>
    /// Problems with the public async methods: each must end in Async and take an optional
    /// CancellationToken last. Empty when all is well; also fails when there is no async method at all.
    /// </summary>
    public static IReadOnlyList<string> AsyncMethodProblems(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var methods = assembly.GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => typeof(Task).IsAssignableFrom(m.ReturnType))
            .ToList();
        if (methods.Count == 0)
        {
            return ["no public async method found: the convention would check nothing"];
        }

        var problems = new List<string>();
        foreach (var method in methods)
        {
            var name = method.DeclaringType!.Name + "." + method.Name;
            if (!method.Name.EndsWith("Async", StringComparison.Ordinal))
            {
                problems.Add(name + " returns a Task but does not end in Async");
            }

            var last = method.GetParameters().LastOrDefault();
            if (last is null || last.ParameterType != typeof(CancellationToken) || !last.HasDefaultValue)
            {
                problems.Add(name + " does not take an optional CancellationToken last");
            }
        }

        return problems;
    }

    /// <summary>Public generic methods: PowerShell cannot call them easily, so entry points must not be generic.</summary>
    public static IReadOnlyList<string> GenericMethods(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return [.. assembly.GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.IsGenericMethodDefinition)
            .Select(m => m.DeclaringType!.Name + "." + m.Name)];
    }

    /// <summary>True when the assembly references Microsoft.Extensions.DependencyInjection (only the DI package may).</summary>
    public static bool ReferencesDependencyInjection(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return assembly.GetReferencedAssemblies().Any(a => a.Name!.StartsWith("Microsoft.Extensions.DependencyInjection", StringComparison.Ordinal));
    }
}
