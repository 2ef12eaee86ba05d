using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Spot.Deploy.Testing;

namespace Spot.Deploy.PostgreSql.Tests;

/// <summary>
/// A throwaway PostgreSQL cluster: initdb in a temporary folder, started on a free loopback port with password
/// (SCRAM) authentication, stopped and deleted on dispose. PostgreSQL refuses to run as root, so when the tests run
/// as root the cluster runs as the unprivileged <c>postgres</c> user (or <c>nobody</c>) through <c>setpriv</c>; as a
/// normal user (a developer, CI) it runs as that user.
/// <para>
/// A test process killed before it disposes its cluster (SIGKILL, a debugger stopped, a CI job cancelled) leaves a
/// postmaster running and its folder behind. So each cluster's folder holds <c>owner</c>: the id and start time of the
/// test process that made it; and <see cref="StartAsync"/> first sweeps the temporary folder: every
/// <c>spot-deploy-pg-*</c> folder whose owner process is gone (no such process, or one started at another time: a reused
/// id) has its postmaster stopped (<c>pg_ctl stop -m immediate</c>) and is deleted. Folders of live test processes —
/// other test projects running at the same time — are left alone; folders from before <c>owner</c> existed are swept
/// once they are a day old.
/// </para>
/// </summary>
public sealed class PostgreSqlServer : IAsyncDisposable
{
    private const string FolderPrefix = "spot-deploy-pg-";
    private const string OwnerFile = "owner";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);
    private readonly string _bin;
    private readonly string? _runAs;

    private PostgreSqlServer(string bin, string root, string? runAs, int port, string password)
    {
        _bin = bin;
        Root = root;
        _runAs = runAs;
        Port = port;
        Password = password;
    }

    public string Root { get; }

    public string DataDirectory => Path.Combine(Root, "data");

    public int Port { get; }

    /// <summary>The superuser's random password; the tests check it never shows.</summary>
    public string Password { get; }

    public string ConnectionString =>
        $"Host=127.0.0.1;Port={Port};Username=spot;Password={Password};Database=postgres;Timeout=30;Command Timeout=60;Maximum Pool Size=10";

    public static async Task<PostgreSqlServer> StartAsync()
    {
        Prerequisites.Require(Prerequisite.PostgreSql);
        var bin = Prerequisites.FindPostgreSqlBin(Environment.GetEnvironmentVariable)!;
        await SweepStaleClustersAsync(bin);
        var root = Directory.CreateTempSubdirectory(FolderPrefix).FullName;
        await File.WriteAllTextAsync(Path.Combine(root, OwnerFile), Owner(Environment.ProcessId));
        var runAs = Environment.IsPrivilegedProcess && !OperatingSystem.IsWindows() ? await UnprivilegedUserAsync() : null;
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var server = new PostgreSqlServer(bin, root, runAs, FreePort(), password);
        try
        {
            await server.InitAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], check: false);
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    /// <summary>Stops the server as an administrator would (<c>pg_ctl stop -m fast</c>: clients are disconnected with 57P01).</summary>
    public Task StopServerAsync() =>
        RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"]);

    /// <summary>Starts the stopped server again, on the same port with the same settings.</summary>
    public Task StartServerAsync() =>
        RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-l", Path.Combine(Root, "server.log"), "-w", "-t", "60", "-o", Settings, "start"]);

    private string Settings => $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={Root} -c fsync=off -c max_connections=200";

    /// <summary>
    /// "pid start" of a process: what identifies it even after its id is reused. On Linux the start is the kernel's own
    /// count of clock ticks since boot (<c>/proc/PID/stat</c>, field 22), the same number in every process that reads it;
    /// <see cref="Process.StartTime"/> is derived from the reader's idea of the boot time and differs by milliseconds from
    /// one test process to another — which made parallel test projects sweep each other's live clusters.
    /// </summary>
    private static string Owner(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (File.Exists(stat))
        {
            var text = File.ReadAllText(stat);
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return FormattableString.Invariant($"{pid} {fields[19]}");
        }

        using var process = Process.GetProcessById(pid);
        return FormattableString.Invariant($"{pid} {process.StartTime.ToUniversalTime().Ticks / TimeSpan.TicksPerSecond}");
    }

    private static bool IsAlive(string owner)
    {
        var parts = owner.Trim().Split(' ');
        if (parts.Length != 2 || !int.TryParse(parts[0], out var pid))
        {
            return false;
        }

        try
        {
            return Owner(pid) == owner.Trim();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            return false;
        }
    }

    /// <summary>Stops and deletes the clusters of test processes that are gone (see the class summary).</summary>
    private static async Task SweepStaleClustersAsync(string bin)
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            var ownerFile = Path.Combine(folder, OwnerFile);
            var stale = File.Exists(ownerFile)
                ? !IsAlive(await File.ReadAllTextAsync(ownerFile))
                : Directory.GetCreationTimeUtc(folder) < DateTime.UtcNow.AddDays(-1);
            if (!stale)
            {
                continue;
            }

            var data = Path.Combine(folder, "data");
            if (File.Exists(Path.Combine(data, "postmaster.pid")))
            {
                // As the folder's owner: the postmaster refuses signals from anyone else but root.
                var user = await TryRunAsync("stat", ["-c", "%U", data]);
                var runAs = Environment.IsPrivilegedProcess && user is { } u && u.Trim() != "root" ? u.Trim() : null;
                var server = new PostgreSqlServer(bin, folder, runAs, 0, string.Empty);
                await server.RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], check: false);
            }

            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another sweeper got there first, or it is not ours to delete: leave it.
            }
        }
    }

    private async Task InitAsync()
    {
        var passwordFile = Path.Combine(Root, "password");
        await File.WriteAllTextAsync(passwordFile, Password + "\n");
        if (_runAs is not null)
        {
            await RunAsync("chown", ["-R", _runAs, Root], asUser: false);
        }

        await RunAsync(Path.Combine(_bin, "initdb"),
            ["-D", DataDirectory, "-U", "spot", "--pwfile=" + passwordFile, "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
        File.Delete(passwordFile);

        // fsync off: a throwaway cluster on a shared machine; durability across an OS crash is not under test.
        await StartServerAsync();
    }

    /// <summary>The user the cluster runs as when the tests run as root: <c>postgres</c> when the machine has it, else <c>nobody</c>.</summary>
    private static async Task<string> UnprivilegedUserAsync() =>
        (await TryRunAsync("id", ["-u", "postgres"])) is not null ? "postgres" : "nobody";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task RunAsync(string program, IReadOnlyList<string> arguments, bool check = true, bool asUser = true)
    {
        var (file, args) = asUser && _runAs is not null
            ? ("setpriv", (IReadOnlyList<string>)["--reuid=" + _runAs, "--regid=" + await GroupOfAsync(_runAs), "--clear-groups", "--", program, .. arguments])
            : (program, arguments);
        var (exitCode, output) = await ExecuteAsync(file, args, Root);
        if (check && exitCode != 0)
        {
            var log = Path.Combine(Root, "server.log");
            var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(20)) : string.Empty;
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {exitCode}:\n{output}\n{tail}");
        }
    }

    private static async Task<string> GroupOfAsync(string user) => (await TryRunAsync("id", ["-g", user]))?.Trim() ?? user;

    private static async Task<string?> TryRunAsync(string program, IReadOnlyList<string> arguments)
    {
        var (exitCode, output) = await ExecuteAsync(program, arguments, Path.GetTempPath());
        return exitCode == 0 ? output : null;
    }

    private static async Task<(int ExitCode, string Output)> ExecuteAsync(string program, IReadOnlyList<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(CommandTimeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
