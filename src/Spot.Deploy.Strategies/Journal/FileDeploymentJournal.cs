using System.Collections.Concurrent;

namespace Spot.Deploy.Strategies;

/// <summary>
/// The default journal: one indented camelCase JSON file <c>&lt;deploymentId&gt;.json</c> per deployment in a
/// directory. Every write replaces the whole file atomically: the new content goes to a temporary file in the
/// same directory, is flushed to disk, then renamed over the old file, so a crash leaves either the old or the
/// new journal, never a mix. Writes to one deployment are serialized within the process; two processes must not
/// write the same deployment (the app lock, <see cref="IAppLock"/>, ensures that).
/// </summary>
public sealed class FileDeploymentJournal : IDeploymentJournal
{
    private const string Extension = ".json";
    private const int PeekLength = 4096;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a journal using the system clock.</summary>
    /// <param name="directory">The directory holding the journal files; created on first write.</param>
    public FileDeploymentJournal(string directory)
        : this(directory, null)
    {
    }

    /// <summary>Creates a journal.</summary>
    /// <param name="directory">The directory holding the journal files; created on first write.</param>
    /// <param name="timeProvider">The clock for entry times; null for <see cref="TimeProvider.System"/>.</param>
    public FileDeploymentJournal(string directory, TimeProvider? timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The full path of the directory holding the journal files.</summary>
    public string Directory { get; }

    /// <summary>The path of a deployment's journal file.</summary>
    /// <param name="deploymentId">The deployment id.</param>
    /// <returns>The full path, whether or not the file exists.</returns>
    public string GetFilePath(string deploymentId)
    {
        JournalRules.ValidateId(deploymentId);
        return Path.Combine(Directory, deploymentId + Extension);
    }

    /// <inheritdoc />
    public async Task<DeploymentRecord> CreateAsync(DeploymentRecord record, CancellationToken cancellationToken = default)
    {
        var prepared = JournalRules.PrepareNew(record, _timeProvider.GetUtcNow());
        var gate = Gate(prepared.Id);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await WriteAsync(prepared, overwrite: false, cancellationToken).ConfigureAwait(false);
            return await ReadAsync(prepared.Id, cancellationToken).ConfigureAwait(false) ?? throw JournalRules.Unknown(prepared.Id, GetFilePath(prepared.Id));
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<JournalEntry> AppendAsync(string deploymentId, JournalEntry entry, CancellationToken cancellationToken = default)
    {
        JournalRules.ValidateId(deploymentId);
        var gate = Gate(deploymentId);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var record = await ReadAsync(deploymentId, cancellationToken).ConfigureAwait(false) ?? throw JournalRules.Unknown(deploymentId, GetFilePath(deploymentId));
            var (updated, stamped) = JournalRules.Append(record, entry, _timeProvider.GetUtcNow());
            await WriteAsync(updated, overwrite: true, cancellationToken).ConfigureAwait(false);
            return stamped;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<DeploymentRecord?> LoadAsync(string deploymentId, CancellationToken cancellationToken = default)
    {
        JournalRules.ValidateId(deploymentId);
        var gate = Gate(deploymentId);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ReadAsync(deploymentId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeploymentRecord>> ListUnfinishedAsync(CancellationToken cancellationToken = default)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var records = new List<DeploymentRecord>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory).Order(StringComparer.Ordinal))
        {
            // Temporary files end in .tmp; files that are not named like a deployment are not ours.
            if (!path.EndsWith(Extension, StringComparison.Ordinal) || !IsValidId(Path.GetFileNameWithoutExtension(path)))
            {
                continue;
            }

            if (await LoadAsync(Path.GetFileNameWithoutExtension(path), cancellationToken).ConfigureAwait(false) is { IsUnfinished: true } record)
            {
                records.Add(record);
            }
        }

        return [.. records.OrderBy(r => r.StartedAt).ThenBy(r => r.Id, StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    /// <remarks>
    /// Every journal file in the directory is opened, but only its first few kilobytes are read to learn its app (the
    /// <c>appName</c> is near the top of every file this class writes); the app's own files are then loaded in full. A
    /// file whose app cannot be told that way is loaded in full too, so a corrupt one is reported, not skipped.
    /// </remarks>
    public async Task<IReadOnlyList<DeploymentRecord>> ListByAppAsync(string appName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appName);
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var records = new List<DeploymentRecord>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory).Order(StringComparer.Ordinal))
        {
            var id = Path.GetFileNameWithoutExtension(path);
            if (!path.EndsWith(Extension, StringComparison.Ordinal) || !IsValidId(id))
            {
                continue;
            }

            if (await PeekAppNameAsync(path, cancellationToken).ConfigureAwait(false) is { } named && !string.Equals(named, appName, StringComparison.Ordinal))
            {
                continue;
            }

            if (await LoadAsync(id, cancellationToken).ConfigureAwait(false) is { } record && string.Equals(record.AppName, appName, StringComparison.Ordinal))
            {
                records.Add(record);
            }
        }

        return JournalRules.OldestFirst(records);
    }

    /// <inheritdoc />
    public async Task SetStatusAsync(string deploymentId, DeploymentStatus status, CancellationToken cancellationToken = default)
    {
        JournalRules.ValidateId(deploymentId);
        var gate = Gate(deploymentId);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var record = await ReadAsync(deploymentId, cancellationToken).ConfigureAwait(false) ?? throw JournalRules.Unknown(deploymentId, GetFilePath(deploymentId));
            await WriteAsync(JournalRules.WithStatus(record, status, _timeProvider.GetUtcNow()), overwrite: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private static bool IsValidId(string id)
    {
        try
        {
            JournalRules.ValidateId(id);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The app named at the top of a journal file, or null when its first bytes do not say (then it is loaded in full).</summary>
    private static async Task<string?> PeekAppNameAsync(string path, CancellationToken cancellationToken)
    {
        var buffer = new byte[PeekLength];
        int read = 0;
        long length;
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous);
            length = RandomAccess.GetLength(handle);
            while (read < buffer.Length)
            {
                var n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(read), read, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return JournalRules.PeekAppName(buffer.AsSpan(0, read), isWholeDocument: read >= length);
    }

    private SemaphoreSlim Gate(string deploymentId) => _gates.GetOrAdd(deploymentId, _ => new SemaphoreSlim(1, 1));

    private async Task<DeploymentRecord?> ReadAsync(string deploymentId, CancellationToken cancellationToken)
    {
        var path = GetFilePath(deploymentId);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (IOException ex)
        {
            throw new DeploymentJournalException($"Could not read the journal file '{path}': {ex.Message}", deploymentId, path, ex);
        }

        return JournalRules.Deserialize(bytes, deploymentId, path);
    }

    private Task WriteAsync(DeploymentRecord record, bool overwrite, CancellationToken cancellationToken)
    {
        var path = GetFilePath(record.Id);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var content = JournalRules.Serialize(record);
            cancellationToken.ThrowIfCancellationRequested();

            // The file and its directory entry are on the disk before this returns, so before the call it announces.
            DurableFiles.WriteAtomically(path, content, overwrite);
        }
        catch (IOException) when (!overwrite && File.Exists(path))
        {
            throw JournalRules.Exists(record.Id, path);
        }
        catch (Exception ex) when (JournalRules.IsWriteFailure(ex))
        {
            throw JournalRules.WriteFailed(record.Id, path, ex);
        }

        return Task.CompletedTask;
    }
}
