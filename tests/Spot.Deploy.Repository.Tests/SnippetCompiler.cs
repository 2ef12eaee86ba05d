using System.Globalization;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Spot.Deploy.Repository.Tests;

/// <summary>
/// Compiles a doc snippet in memory the way a reader's project would: .NET 10 with ASP.NET Core, the Spot.Deploy
/// packages and the test packages (every assembly of this test's output folder), the SDK's implicit usings of a
/// console project, the latest C# and nullable reference types on.
/// </summary>
internal static class SnippetCompiler
{
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(LoadReferences);

    /// <summary>The snippet's compile errors (warnings are not reported), each as <c>file:fence-line: CSxxxx message [line n]</c>.</summary>
    public static IReadOnlyList<string> Errors(DocSnippet snippet)
    {
        ArgumentNullException.ThrowIfNull(snippet);
        var options = new CSharpCompilationOptions(
                snippet.Kind == SnippetKind.Program ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary)
            .WithNullableContextOptions(NullableContextOptions.Enable)
            .WithConcurrentBuild(false);
        var compilation = CSharpCompilation.Create(
            "Snippet",
            [
                CSharpSyntaxTree.ParseText(ImplicitUsings, ParseOptions, path: "GlobalUsings.g.cs"),
                CSharpSyntaxTree.ParseText(snippet.Code, ParseOptions, path: snippet.File),
            ],
            References.Value,
            options);

        return [.. compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .OrderBy(d => d.Location.SourceSpan.Start)
            .Select(d => Describe(snippet, d))];
    }

    private static string Describe(DocSnippet snippet, Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetLineSpan();
        var where = span.Path == snippet.File
            ? string.Create(CultureInfo.InvariantCulture, $" [line {snippet.FenceLine + 1 + span.StartLinePosition.Line}]")
            : string.Empty;
        return $"{snippet.Location}: {diagnostic.Id} {diagnostic.GetMessage(CultureInfo.InvariantCulture)}{where}";
    }

    /// <summary>The framework's assemblies, then this test's output folder (its copies win: they are the versions an app would load).</summary>
    private static IReadOnlyList<MetadataReference> LoadReferences()
    {
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in FrameworkAssemblies().Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll")))
        {
            if (IsAssembly(path))
            {
                byName[Path.GetFileName(path)] = path;
            }
        }

        return [.. byName.Values.Order(StringComparer.Ordinal).Select(path => MetadataReference.CreateFromFile(path))];
    }

    private static IEnumerable<string> FrameworkAssemblies()
    {
        var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        if (trusted.Any(path => Path.GetFileName(path).StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal)))
        {
            return trusted;
        }

        // Not loaded with ASP.NET Core: take its shared framework of the same major version from beside .NET's own.
        var netCore = new DirectoryInfo(Path.GetDirectoryName(typeof(object).Assembly.Location)!);
        var aspNet = new DirectoryInfo(Path.Combine(netCore.Parent!.Parent!.FullName, "Microsoft.AspNetCore.App"));
        var major = netCore.Name.Split('.')[0] + ".";
        var folder = aspNet.Exists
            ? aspNet.EnumerateDirectories(major + "*").MaxBy(d => Version.TryParse(d.Name.Split('-')[0], out var v) ? v : new Version())
            : null;
        return folder is null ? trusted : trusted.Concat(folder.EnumerateFiles("*.dll").Select(f => f.FullName));
    }

    private static bool IsAssembly(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new PEReader(stream);
            return reader.HasMetadata && reader.GetMetadataReader().IsAssembly;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
