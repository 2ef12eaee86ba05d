using System.Collections.Concurrent;
using System.Diagnostics;

namespace Spot.Deploy.Testing;

/// <summary>
/// Runs Node scripts of a folder under tests/ (official SDKs and validators the .NET feed lacks),
/// installing the folder's pinned packages with <c>npm ci</c> (committed lock file) the first time
/// they are missing.
/// </summary>
public sealed class NodeRunner
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> InstallGates = new(StringComparer.Ordinal);

    /// <param name="folder">The folder with package.json, package-lock.json and the scripts.</param>
    /// <param name="markerPackages">Packages whose presence in node_modules means the install is done.</param>
    public NodeRunner(string folder, params string[] markerPackages)
    {
        Folder = folder;
        MarkerPackages = markerPackages;
    }

    public string Folder { get; }

    public IReadOnlyList<string> MarkerPackages { get; }

    /// <summary>Written into node_modules after a complete install: a half-finished one never counts as done.</summary>
    private const string CompleteMarker = ".spot-deploy-npm-ci-complete";

    public async Task EnsureInstalledAsync()
    {
        Prerequisites.Require(Prerequisite.Node);
        var gate = InstallGates.GetOrAdd(Folder, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync();
        try
        {
            if (IsInstalled())
            {
                return;
            }

            // Test projects run in parallel processes: a lock file keeps two npm ci runs out of one folder.
            using var folderLock = await LockFolderAsync();
            if (IsInstalled())
            {
                return;
            }

            var (code, output, error) = await RunProcessAsync("npm", "ci --no-audit --no-fund", null, null);
            if (code != 0 || !MarkerPackages.All(p => Directory.Exists(Path.Combine(Folder, "node_modules", p))))
            {
                throw new InvalidOperationException($"npm ci failed in {Folder} ({code}): {output}\n{error}");
            }

            await File.WriteAllTextAsync(Path.Combine(Folder, "node_modules", CompleteMarker), "installed by the Spot.Deploy tests\n");
        }
        finally
        {
            gate.Release();
        }
    }

    private bool IsInstalled() =>
        File.Exists(Path.Combine(Folder, "node_modules", CompleteMarker)) &&
        MarkerPackages.All(p => Directory.Exists(Path.Combine(Folder, "node_modules", p)));

    private async Task<FileStream> LockFolderAsync()
    {
        var path = Path.Combine(Folder, ".npm-install.lock");
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (attempt < 600)
            {
                // Another test process is installing; its npm ci takes seconds.
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        }
    }

    /// <summary>Runs <c>node script</c> with optional standard input and environment (null values unset a variable).</summary>
    public async Task<(int Code, string Output, string Error)> RunAsync(string script, string? input = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        await EnsureInstalledAsync();
        return await RunProcessAsync("node", script, input, environment);
    }

    private async Task<(int Code, string Output, string Error)> RunProcessAsync(string file, string arguments, string? input, IReadOnlyDictionary<string, string?>? environment)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = Folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + file);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}
