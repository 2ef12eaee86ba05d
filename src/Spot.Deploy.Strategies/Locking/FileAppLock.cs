using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Spot.Deploy.Strategies;

/// <summary>
/// An app lock shared by every process using the same directory. The lock is an open <c>&lt;app&gt;.lock</c>
/// file held with <see cref="FileShare.None"/>: the operating system closes it when the process ends, however
/// it ends, so a crashed deployment never leaves a stale lock. The holder (owner, process id, machine, since)
/// is written into the lock file and, because the lock file cannot be read while held, into
/// <c>&lt;app&gt;.lock.holder</c> next to it, which a refused caller reads to say who holds the app.
/// Lock files are left in place on release (deleting them would let two processes lock different files of one name).
/// </summary>
public sealed class FileAppLock : IAppLock
{
    private const int ReadableNameLength = 64;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a lock using the system clock.</summary>
    /// <param name="directory">The directory for the lock files; created on first use. Must be on a local file system.</param>
    public FileAppLock(string directory)
        : this(directory, null)
    {
    }

    /// <summary>Creates a lock.</summary>
    /// <param name="directory">The directory for the lock files; created on first use. Must be on a local file system.</param>
    /// <param name="timeProvider">The clock for <see cref="AppLockHandle.Since"/>; null for <see cref="TimeProvider.System"/>.</param>
    public FileAppLock(string directory, TimeProvider? timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The full path of the directory holding the lock files.</summary>
    public string Directory { get; }

    /// <summary>The lock file of an app: its name with unsafe characters replaced, plus a hash of the exact name, so distinct (also case-distinct) names never share a file.</summary>
    /// <param name="appName">The app.</param>
    /// <returns>The full path, whether or not the file exists.</returns>
    public string GetLockFilePath(string appName)
    {
        ArgumentException.ThrowIfNullOrEmpty(appName);
        var readable = new StringBuilder(Math.Min(appName.Length, ReadableNameLength));
        foreach (var c in appName.AsSpan(0, Math.Min(appName.Length, ReadableNameLength)))
        {
            readable.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(appName)))[..16];
        return Path.Combine(Directory, readable + "-" + hash + ".lock");
    }

    /// <inheritdoc />
    public async Task<AppLockHandle> AcquireAsync(string appName, string owner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(appName);
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        cancellationToken.ThrowIfCancellationRequested();
        var lockPath = GetLockFilePath(appName);
        var holderPath = lockPath + ".holder";
        System.IO.Directory.CreateDirectory(Directory);
        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (ex is not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException))
        {
            // A sharing violation (Windows) or a failed flock (Unix): someone holds the file.
            var holder = await ReadHolderAsync(holderPath, cancellationToken).ConfigureAwait(false);
            var details = holder is null
                ? $"lock file '{lockPath}'"
                : $"process {holder.ProcessId} on {holder.Machine}, lock file '{lockPath}'";
            throw new AppLockedException(appName, holder?.Owner, holder?.Since, details, ex);
        }

        try
        {
            var info = new AppLockHolder
            {
                AppName = appName,
                Owner = owner,
                ProcessId = Environment.ProcessId,
                Machine = Environment.MachineName,
                Since = _timeProvider.GetUtcNow(),
            };
            var bytes = JsonSerializer.SerializeToUtf8Bytes(info, StrategiesJsonContext.Default.AppLockHolder);
            stream.SetLength(0);
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
            await WriteHolderAsync(holderPath, bytes, cancellationToken).ConfigureAwait(false);
            return new AppLockHandle(appName, owner, info.Since, () =>
            {
                // The holder file goes first, while the lock still keeps the next holder from writing its own.
                TryDelete(holderPath);
                stream.Dispose();
            });
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task WriteHolderAsync(string holderPath, byte[] bytes, CancellationToken cancellationToken)
    {
        var temp = holderPath + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await File.WriteAllBytesAsync(temp, bytes, cancellationToken).ConfigureAwait(false);
            File.Move(temp, holderPath, overwrite: true);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    private static async Task<AppLockHolder?> ReadHolderAsync(string holderPath, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await File.ReadAllBytesAsync(holderPath, cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize(bytes, StrategiesJsonContext.Default.AppLockHolder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            // Best effort: the holder may not have written it yet; the refusal stands without the details.
            return null;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Debug.WriteLine("Could not delete " + path + ": " + ex.Message);
        }
    }
}
