using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;

namespace Spot.Deploy.Packaging.Tests;

/// <summary>
/// Packs the six library projects (no build: the solution built them) under a version no feed has, into a
/// temporary copy of consumer/ that restores from them (and the default feed for third-party packages)
/// into an empty NUGET_PACKAGES.
/// </summary>
public sealed class PackedLibraries : IAsyncLifetime, IDisposable
{
    public static readonly string[] Projects =
    [
        "Spot.Deploy.Planning", "Spot.Deploy.Elastigroup", "Spot.Deploy.Aws",
        "Spot.Deploy.Strategies", "Spot.Deploy.DependencyInjection", "Spot.Deploy.Emulator", "Spot.Deploy.PostgreSql",
    ];

    private readonly TempFolder _temp = new("spot-deploy-packaging");

    public string Version { get; } = "0.1.0-test." + DateTime.UtcNow.Ticks.ToString(CultureInfo.InvariantCulture);

    public string ConsumerDirectory => Path.Combine(_temp.Path, "consumer");

    public string Feed => Path.Combine(ConsumerDirectory, "feed");

    public string PackagesFolder => Path.Combine(_temp.Path, "nuget-packages");

    public TimeSpan PackTime { get; private set; }

    public async Task InitializeAsync()
    {
        CopyDirectory(Path.Combine(DotnetProcess.RepositoryRoot, "tests", "Spot.Deploy.Packaging.Tests", "consumer"), ConsumerDirectory);
        Directory.CreateDirectory(Feed);
        var started = DateTime.UtcNow;
        foreach (var project in Projects)
        {
            var (exitCode, output) = await DotnetProcess.DotnetAsync(
                DotnetProcess.RepositoryRoot,
                null,
                "pack", Path.Combine("src", project, project + ".csproj"),
                "-c", DotnetProcess.Configuration, "--no-build", "-o", Feed, "-p:Version=" + Version);
            exitCode.Should().Be(0, output);
        }

        PackTime = DateTime.UtcNow - started;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _temp.Dispose();

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.GetDirectories(from).Where(d => Path.GetFileName(d) is not ("bin" or "obj" or "feed")))
        {
            CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }
}

[Trait("Category", "Packaging")]
[Collection(DotnetProcess.Collection)]
public sealed class PackagingTests(PackedLibraries packed) : IClassFixture<PackedLibraries>
{
    public static TheoryData<string> Projects() => [.. PackedLibraries.Projects];

    [Theory]
    [MemberData(nameof(Projects))]
    public async Task Package_HasItsMetadataAssemblyDocsReadmeAndSymbols(string id)
    {
        using var package = ZipFile.OpenRead(Path.Combine(packed.Feed, $"{id}.{packed.Version}.nupkg"));
        var entries = package.Entries.Select(e => e.FullName).ToList();
        entries.Should().Contain([$"lib/net10.0/{id}.dll", $"lib/net10.0/{id}.xml", "README.md", $"{id}.nuspec"]);
        using (var readme = new StreamReader(package.GetEntry("README.md")!.Open()))
        {
            readme.ReadToEnd().Should().Contain("Spot.Deploy");
        }

        XElement metadata;
        XNamespace nuspec;
        using (var stream = package.GetEntry($"{id}.nuspec")!.Open())
        {
            var root = XDocument.Load(stream).Root!;
            nuspec = root.Name.Namespace; // NuGet picks the schema version by the features a package uses
            metadata = root.Element(nuspec + "metadata")!;
        }

        string? Field(string name) => metadata.Element(nuspec + name)?.Value;
        Field("id").Should().Be(id);
        Field("version").Should().Be(packed.Version);
        Field("authors").Should().NotBeNullOrWhiteSpace();
        Field("readme").Should().Be("README.md");
        Field("description").Should().NotBeNullOrWhiteSpace().And.NotBe("Package Description").And.Be(CsprojProperty(id, "Description"));
        Field("tags")!.Split(' ').Should().Contain(["spot", "elastigroup", "deployment"]);
        var license = metadata.Element(nuspec + "license")!;
        license.Attribute("type")!.Value.Should().Be("expression");
        license.Value.Should().Be("MIT");

        // Source Link: the commit always (a git checkout); the URL and the PDB's source map only when origin is a
        // web address (a clean clone in CI has a local path as origin, which the SDK cannot map).
        var sourceLinked = false;
        if (Directory.Exists(Path.Combine(DotnetProcess.RepositoryRoot, ".git")))
        {
            var repository = metadata.Element(nuspec + "repository");
            repository.Should().NotBeNull();
            repository!.Attribute("type")!.Value.Should().Be("git");
            repository.Attribute("commit")!.Value.Should().MatchRegex("^[0-9a-f]{40}$");
            if (await OriginUrlAsync() is { } origin && origin.StartsWith("https://", StringComparison.Ordinal))
            {
                repository.Attribute("url")!.Value.Should().NotBeNullOrEmpty();
                sourceLinked = true;
            }
        }

        // Dependencies: our projects under the same version, third-party packages at the central versions.
        var dependencies = metadata.Descendants(nuspec + "dependency").ToDictionary(d => d.Attribute("id")!.Value, d => d.Attribute("version")!.Value);
        var expected = new Dictionary<string, string>();
        var project = XDocument.Load(CsprojPath(id));
        foreach (var reference in project.Descendants("ProjectReference"))
        {
            expected[Path.GetFileNameWithoutExtension(reference.Attribute("Include")!.Value)] = packed.Version;
        }

        var central = XDocument.Load(Path.Combine(DotnetProcess.RepositoryRoot, "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(p => p.Attribute("Include")!.Value, p => p.Attribute("Version")!.Value);
        foreach (var reference in project.Descendants("PackageReference"))
        {
            var name = reference.Attribute("Include")!.Value;
            expected[name] = central[name];
        }

        dependencies.Should().BeEquivalentTo(expected);
        var frameworkReferences = metadata.Descendants(nuspec + "frameworkReference").Select(f => f.Attribute("name")!.Value);
        frameworkReferences.Should().BeEquivalentTo(project.Descendants("FrameworkReference").Select(f => f.Attribute("Include")!.Value));

        using var symbols = ZipFile.OpenRead(Path.Combine(packed.Feed, $"{id}.{packed.Version}.snupkg"));
        symbols.Entries.Select(e => e.FullName).Should().Contain($"lib/net10.0/{id}.pdb");
        if (sourceLinked)
        {
            using var pdb = new MemoryStream();
            using (var entry = symbols.GetEntry($"lib/net10.0/{id}.pdb")!.Open())
            {
                await entry.CopyToAsync(pdb);
            }

            pdb.Position = 0;
            using var provider = System.Reflection.Metadata.MetadataReaderProvider.FromPortablePdbStream(pdb);
            var reader = provider.GetMetadataReader();
            var sourceLink = new Guid("CC110556-A091-4D38-9FEC-25AB9A351A6A");
            reader.CustomDebugInformation.Select(h => reader.GetGuid(reader.GetCustomDebugInformation(h).Kind)).Should().Contain(sourceLink);
        }
    }

    [Fact]
    public async Task Consumer_RestoredFromThePackagesOnly_RunsACanaryAgainstTheEmulator()
    {
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = packed.PackagesFolder };
        var versionProperty = "-p:SpotDeployVersion=" + packed.Version;

        var restore = await DotnetProcess.DotnetAsync(packed.ConsumerDirectory, environment, "restore", versionProperty);
        restore.ExitCode.Should().Be(0, restore.Output);
        var build = await DotnetProcess.DotnetAsync(packed.ConsumerDirectory, environment, "build", "--no-restore", "-c", "Release", versionProperty, "-p:UseSharedCompilation=false");
        build.ExitCode.Should().Be(0, build.Output);
        var run = await DotnetProcess.DotnetAsync(packed.ConsumerDirectory, environment, Path.Combine("bin", "Release", "net10.0", "Consumer.dll"));

        run.ExitCode.Should().Be(0, run.Output);
        run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Should().Equal(
            "result status=Succeeded strategy=Canary group=web__2",
            "group web__1 0/0/0 ami-0000000000000aaa1 live=0",
            "group web__2 2/2/2 ami-0000000000000bbb2 live=2");

        // Every Spot.Deploy package came from the folder just packed, at the version just packed.
        var ours = Directory.GetDirectories(packed.PackagesFolder, "spot.deploy.*").Select(Path.GetFileName).ToList();
        ours.Should().BeEquivalentTo("spot.deploy.planning", "spot.deploy.elastigroup", "spot.deploy.aws", "spot.deploy.strategies", "spot.deploy.emulator");
        foreach (var id in ours)
        {
            var versions = Directory.GetDirectories(Path.Combine(packed.PackagesFolder, id!)).Select(Path.GetFileName);
            versions.Should().Equal(packed.Version);
            using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(packed.PackagesFolder, id!, packed.Version, ".nupkg.metadata")));
            Path.GetFullPath(metadata.RootElement.GetProperty("source").GetString()!).TrimEnd('/').Should().Be(Path.GetFullPath(packed.Feed).TrimEnd('/'));
        }
    }

    private static string CsprojPath(string id) => Path.Combine(DotnetProcess.RepositoryRoot, "src", id, id + ".csproj");

    private static string? CsprojProperty(string id, string name) => XDocument.Load(CsprojPath(id)).Descendants(name).FirstOrDefault()?.Value;

    private static async Task<string?> OriginUrlAsync()
    {
        try
        {
            var (exitCode, output) = await DotnetProcess.RunAsync("git", ["remote", "get-url", "origin"], DotnetProcess.RepositoryRoot);
            return exitCode == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
