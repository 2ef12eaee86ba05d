using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;

namespace Spot.Deploy.Packaging.Tests;

/// <summary>
/// eng/publish-powershell.sh (no build: the solution built the libraries) must give one folder from which
/// PowerShell's Add-Type can load everything docs/powershell/canary.ps1 loads, and everything those load.
/// Checked from the assemblies' metadata, for every type they reference (tests/Spot.Deploy.PowerShell.Tests runs
/// the script itself, which reaches only the types that one run uses).
/// </summary>
[Trait("Category", "Packaging")]
[Collection(DotnetProcess.Collection)]
public sealed partial class PowerShellPublishTests
{
    [Fact]
    public async Task PublishedFolder_HoldsEveryAssemblyTheCanaryScriptLoadsAndTheirWholeDependencyClosure()
    {
        using var temp = new TempFolder("spot-deploy-powershell");
        var folder = Path.Combine(temp.Path, "powershell");

        var (exitCode, output) = await DotnetProcess.RunAsync(
            "bash",
            [Path.Combine("eng", "publish-powershell.sh"), folder, "--no-build"],
            DotnetProcess.RepositoryRoot,
            new Dictionary<string, string> { ["CONFIGURATION"] = DotnetProcess.Configuration });
        exitCode.Should().Be(0, output);

        var script = await File.ReadAllTextAsync(Path.Combine(DotnetProcess.RepositoryRoot, "docs", "powershell", "canary.ps1"));
        var loaded = AddTypeAssemblies(script);
        loaded.Should().Contain(["Spot.Deploy.Strategies.dll", "Spot.Deploy.Emulator.dll"]);
        loaded.Where(name => !File.Exists(Path.Combine(folder, name))).Should().BeEmpty("every assembly canary.ps1 loads must be published");

        foreach (var root in loaded)
        {
            MissingDependencies(folder, root).Should().BeEmpty($"everything {root} needs must be in the folder or the .NET runtime");
        }
    }

    [Fact]
    public void DependencyCheck_ReportsAnAssemblyThatIsNotThere()
    {
        // The closure check can fail: Strategies alone in a folder misses Planning, Elastigroup and Aws.
        using var temp = new TempFolder("spot-deploy-powershell-missing");
        var built = Path.Combine(DotnetProcess.RepositoryRoot, "src", "Spot.Deploy.Strategies", "bin", DotnetProcess.Configuration, "net10.0", "Spot.Deploy.Strategies.dll");
        File.Copy(built, Path.Combine(temp.Path, "Spot.Deploy.Strategies.dll"));

        MissingDependencies(temp.Path, "Spot.Deploy.Strategies.dll").Should().Contain(["Spot.Deploy.Planning", "Spot.Deploy.Elastigroup", "Spot.Deploy.Aws"]);
    }

    /// <summary>The file names of the quoted *.dll names in the Add-Type list of the script.</summary>
    private static List<string> AddTypeAssemblies(string script)
    {
        script.Should().Contain("Add-Type -Path");
        return [.. DllName().Matches(script).Select(m => m.Groups[1].Value).Distinct()];
    }

    /// <summary>
    /// Walks the assembly references from <paramref name="root"/>: each must be in <paramref name="folder"/> (at
    /// the referenced version or later) or in the .NET runtime PowerShell runs on (Microsoft.NETCore.App).
    /// </summary>
    private static List<string> MissingDependencies(string folder, string root)
    {
        var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var missing = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var queue = new Queue<string>([Path.Combine(folder, root)]);
        while (queue.Count > 0)
        {
            using var stream = File.OpenRead(queue.Dequeue());
            using var pe = new PEReader(stream);
            var reader = pe.GetMetadataReader();
            foreach (var handle in reader.AssemblyReferences)
            {
                var reference = reader.GetAssemblyReference(handle);
                var name = reader.GetString(reference.Name);
                if (!seen.Add(name))
                {
                    continue;
                }

                var local = Path.Combine(folder, name + ".dll");
                if (File.Exists(local))
                {
                    if (System.Reflection.AssemblyName.GetAssemblyName(local).Version < reference.Version)
                    {
                        missing.Add($"{name} {reference.Version} (folder has {System.Reflection.AssemblyName.GetAssemblyName(local).Version})");
                    }

                    queue.Enqueue(local);
                }
                else if (!File.Exists(Path.Combine(runtime, name + ".dll")))
                {
                    missing.Add(name);
                }
            }
        }

        return missing;
    }

    [GeneratedRegex(@"'([A-Za-z0-9.]+\.dll)'")]
    private static partial Regex DllName();
}
