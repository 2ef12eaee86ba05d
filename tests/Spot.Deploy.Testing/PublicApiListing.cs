using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace Spot.Deploy.Testing;

/// <summary>
/// Renders the public surface of an assembly as stable, sorted C#-like text, so a committed listing
/// (<c>api/&lt;Assembly&gt;.txt</c>) shows every change of the public API in review.
/// </summary>
public static class PublicApiListing
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    public static string Render(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var context = new NullabilityInfoContext();
        var text = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            text.Append(TypeHeader(type)).Append('\n');
            foreach (var line in Members(type, context).Order(StringComparer.Ordinal))
            {
                text.Append("    ").Append(line).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Compares the assembly's surface with <c>api/&lt;name&gt;.txt</c> under the repository root.
    /// With <c>SPOT_DEPLOY_ACCEPT_API=1</c> the listing is rewritten instead (then review the diff).
    /// Returns null when they match, or a message describing the difference.
    /// </summary>
    public static string? Verify(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var actual = Render(assembly);
        var path = Path.Combine(RepositoryRoot(), "api", assembly.GetName().Name + ".txt");
        if (Environment.GetEnvironmentVariable("SPOT_DEPLOY_ACCEPT_API") == "1")
        {
            File.WriteAllText(path, actual);
            return null;
        }

        var expected = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : string.Empty;
        if (expected == actual)
        {
            return null;
        }

        var expectedLines = expected.Split('\n').ToHashSet(StringComparer.Ordinal);
        var actualLines = actual.Split('\n').ToHashSet(StringComparer.Ordinal);
        var report = new StringBuilder()
            .Append("The public API of ").Append(assembly.GetName().Name).Append(" differs from ").Append(path)
            .Append(". If the change is deliberate, run the tests with SPOT_DEPLOY_ACCEPT_API=1 and commit the listing.\n");
        foreach (var line in actualLines.Except(expectedLines).Order(StringComparer.Ordinal))
        {
            report.Append("+ ").Append(line).Append('\n');
        }

        foreach (var line in expectedLines.Except(actualLines).Order(StringComparer.Ordinal))
        {
            report.Append("- ").Append(line).Append('\n');
        }

        return report.ToString();
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Spot.Deploy.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Spot.Deploy.sln was not found above " + AppContext.BaseDirectory);
    }

    private static string TypeHeader(Type type)
    {
        var kind = type switch
        {
            { IsEnum: true } => "enum",
            { IsInterface: true } => "interface",
            { IsValueType: true } => type.IsDefined(typeof(IsReadOnlyAttribute)) ? "readonly struct" : "struct",
            _ when typeof(Delegate).IsAssignableFrom(type) => "delegate",
            { IsAbstract: true, IsSealed: true } => "static class",
            { IsAbstract: true } => IsRecord(type) ? "abstract record" : "abstract class",
            { IsSealed: true } => IsRecord(type) ? "sealed record" : "sealed class",
            _ => IsRecord(type) ? "record" : "class",
        };
        var bases = new List<string>();
        if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(ValueType) && baseType != typeof(Enum) && !type.IsSubclassOf(typeof(Delegate)))
        {
            bases.Add(Name(baseType));
        }

        bases.AddRange(type.GetInterfaces()
            .Where(i => i.IsPublic || i.IsNestedPublic)
            .Where(i => type.BaseType is null || !i.IsAssignableFrom(type.BaseType))
            .Select(Name)
            .Order(StringComparer.Ordinal));
        var header = "public " + kind + " " + Name(type);
        return bases.Count == 0 ? header : header + " : " + string.Join(", ", bases);
    }

    private static bool IsRecord(Type type) => type.GetMethod("<Clone>$", Declared) is not null || type.BaseType?.GetMethod("<Clone>$") is not null;

    private static IEnumerable<string> Members(Type type, NullabilityInfoContext context)
    {
        if (type.IsEnum)
        {
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                yield return field.Name + " = " + Convert.ToInt64(field.GetRawConstantValue(), CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
            }

            yield break;
        }

        foreach (var member in type.GetMembers(Declared))
        {
            switch (member)
            {
                case ConstructorInfo ctor when Visible(ctor) && !ctor.IsStatic:
                    yield return Access(ctor) + "ctor(" + Parameters(ctor.GetParameters(), context) + ")";
                    break;
                case MethodInfo method when Visible(method) && !method.IsSpecialName && !IsCompilerGenerated(method):
                    yield return Access(method) + Modifiers(method) + Nullable(method.ReturnType, context.Create(method.ReturnParameter)) + " " + method.Name +
                        GenericArguments(method) + "(" + Parameters(method.GetParameters(), context) + ")";
                    break;
                case MethodInfo method when Visible(method) && method.IsSpecialName && method.Name.StartsWith("op_", StringComparison.Ordinal):
                    yield return Access(method) + "static " + Name(method.ReturnType) + " " + method.Name + "(" + Parameters(method.GetParameters(), context) + ")";
                    break;
                case PropertyInfo property:
                    var accessors = new List<string>();
                    if (property.GetMethod is { } getter && Visible(getter))
                    {
                        accessors.Add("get;");
                    }

                    if (property.SetMethod is { } setter && Visible(setter))
                    {
                        var isInit = setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit));
                        accessors.Add(isInit ? "init;" : "set;");
                    }

                    if (accessors.Count > 0)
                    {
                        var accessor = property.GetMethod ?? property.SetMethod!;
                        yield return Access(accessor) + Modifiers(accessor) + Nullable(property.PropertyType, context.Create(property)) + " " + property.Name +
                            " { " + string.Join(" ", accessors) + " }";
                    }

                    break;
                case FieldInfo field when field.IsPublic || field.IsFamily || field.IsFamilyOrAssembly:
                    var prefix = field.IsLiteral ? "const " : (field.IsStatic ? "static " : string.Empty) + (field.IsInitOnly ? "readonly " : string.Empty);
                    var value = field.IsLiteral ? " = " + Literal(field.GetRawConstantValue()) : string.Empty;
                    yield return "public " + prefix + Nullable(field.FieldType, context.Create(field)) + " " + field.Name + value;
                    break;
                case EventInfo @event when @event.AddMethod is { } add && Visible(add):
                    yield return Access(add) + "event " + Name(@event.EventHandlerType!) + " " + @event.Name;
                    break;
                case Type nested when nested.IsNestedPublic:
                    yield return "nested " + TypeHeader(nested);
                    break;
            }
        }
    }

    private static bool IsCompilerGenerated(MethodInfo method) =>
        method.Name.Contains('<', StringComparison.Ordinal) || method.IsDefined(typeof(CompilerGeneratedAttribute));

    private static bool Visible(MethodBase method) => method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly;

    private static string Access(MethodBase method) => method.IsPublic ? "public " : "protected ";

    private static string Modifiers(MethodInfo method)
    {
        if (method.IsStatic)
        {
            return "static ";
        }

        if (method.IsAbstract)
        {
            return method.DeclaringType!.IsInterface ? string.Empty : "abstract ";
        }

        if (method.IsVirtual && !method.IsFinal)
        {
            return method.GetBaseDefinition() == method ? "virtual " : "override ";
        }

        if (method.IsVirtual && method.GetBaseDefinition() != method)
        {
            return "sealed override ";
        }

        return string.Empty;
    }

    private static string GenericArguments(MethodInfo method) =>
        method.IsGenericMethodDefinition ? "<" + string.Join(", ", method.GetGenericArguments().Select(a => a.Name)) + ">" : string.Empty;

    private static string Parameters(ParameterInfo[] parameters, NullabilityInfoContext context) =>
        string.Join(", ", parameters.Select(p =>
        {
            var type = p.ParameterType;
            var modifier = type.IsByRef ? (p.IsOut ? "out " : p.IsIn ? "in " : "ref ") : string.Empty;
            var rendered = modifier + Nullable(type.IsByRef ? type.GetElementType()! : type, context.Create(p)) + " " + p.Name;
            return p.HasDefaultValue ? rendered + " = " + Literal(p.RawDefaultValue) : rendered;
        }));

    private static string Literal(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s + "\"",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "?",
    };

    private static string Nullable(Type type, NullabilityInfo info)
    {
        if (type.IsByRef)
        {
            type = type.GetElementType()!;
        }

        if (System.Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Name(underlying) + "?";
        }

        if (type.IsGenericType && !type.IsValueType && info.GenericTypeArguments.Length == type.GetGenericArguments().Length)
        {
            var definition = type.GetGenericTypeDefinition().Name;
            definition = definition[..definition.IndexOf('`', StringComparison.Ordinal)];
            var arguments = type.GetGenericArguments().Select((a, i) => Nullable(a, info.GenericTypeArguments[i]));
            var generic = Namespace(type) + definition + "<" + string.Join(", ", arguments) + ">";
            return info.ReadState == NullabilityState.Nullable ? generic + "?" : generic;
        }

        if (type.IsArray && info.ElementType is { } element)
        {
            var array = Nullable(type.GetElementType()!, element) + "[]";
            return info.ReadState == NullabilityState.Nullable ? array + "?" : array;
        }

        var name = Name(type);
        return !type.IsValueType && info.ReadState == NullabilityState.Nullable ? name + "?" : name;
    }

    private static string Namespace(Type type) => type.Namespace is null ? string.Empty : type.Namespace + ".";

    private static string Name(Type type)
    {
        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        if (System.Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Name(underlying) + "?";
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[]";
        }

        var name = type.IsNested ? Name(type.DeclaringType!) + "." + type.Name : Namespace(type) + type.Name;
        if (!type.IsGenericType)
        {
            return name;
        }

        name = name[..name.IndexOf('`', StringComparison.Ordinal)];
        return name + "<" + string.Join(", ", type.GetGenericArguments().Select(Name)) + ">";
    }
}
