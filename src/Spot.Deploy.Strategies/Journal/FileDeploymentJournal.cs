using System.Collections.Concurrent;

namespace Spot.Deploy.Strategies;

/// <summary>
/// The default journal: one file <c>&lt;deploymentId&gt;.json</c> per deployment in a directory, in JSON Lines (format 2):
/// a header line with the record as created, then one line appended per entry or status change. A write appends one
/// line and returns once it is on the disk, so its cost does not grow with the entries before it; a crash can leave at
/// most the last line without its newline, which readers ignore and the next write cuts off. The header is written
/// atomically (a temporary file flushed and renamed, then the directory flushed). Writes to one deployment are serialized
/// within the process; two processes must not write the same deployment (the app lock, <see cref="IAppLock"/>, ensures
/// that). A file in the earlier format 1 (one document) is read, and rewritten in format 2 by its first write. Each new
/// record carries its <see cref="Runner"/> (who and where it was started), which the history shows.
/// </summary>
public sealed partial class FileDeploymentJournal : IDeploymentJournal, IDeploymentHistory
{
    private const string Extension = ".json";
    private const int PeekLength = 4096;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.OrdinalIgnoreCase);

    // Per deployment, where its file's complete lines end and the last sequence, as this instance last wrote or read
    // them. Used only while the file's length still matches; a file someone else wrote since is read again.
    private readonly ConcurrentDictionary<string, Tail> _tails = new(StringComparer.Ordinal);
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
        : this(directory, timeProvider, null)
    {
    }

    /// <summary>Creates a journal that records who and where deployments are started.</summary>
    /// <param name="directory">The directory holding the journal files; created on first write.</param>
    /// <param name="timeProvider">The clock for entry times; null for <see cref="TimeProvider.System"/>.</param>
    /// <param name="runner">Who and where deployments are started (<see cref="Runner"/>); null for <c>user@machine</c> of this process.</param>
    /// <exception cref="ArgumentException"><paramref name="runner"/> is empty, longer than 256 characters or holds control characters.</exception>
    public FileDeploymentJournal(string directory, TimeProvider? timeProvider, string? runner)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        _timeProvider = timeProvider ?? TimeProvider.System;
        Runner = JournalRules.ValidateRunner(runner, nameof(runner));
    }

    /// <summary>The full path of the directory holding the journal files.</summary>
    public string Directory { get; }

    /// <summary>Who and where deployments are started (such as <c>alice@build-7</c>): stored in each new record whose <see cref="DeploymentRecord.Runner"/> is null.</summary>
    public string Runner { get; }

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
        var prepared = JournalRules.PrepareNew(record, _timeProvider.GetUtcNow(), Runner);
        var gate = Gate(prepared.Id);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var path = GetFilePath(prepared.Id);
            try
            {
                var header = JournalFormat.Header(prepared);
                cancellationToken.ThrowIfCancellationRequested();

                // The file and its directory entry are on the disk before this returns, so before any call it announces.
                DurableFiles.WriteAtomically(path, header, overwrite: false);
                _tails[prepared.Id] = new Tail(header.Length, prepared.Entries.Count == 0 ? 0 : prepared.Entries[^1].Sequence);
            }
            catch (IOException) when (File.Exists(path))
            {
                throw JournalRules.Exists(prepared.Id, path);
            }
            catch (Exception ex) when (JournalRules.IsWriteFailure(ex))
            {
                throw JournalRules.WriteFailed(prepared.Id, path, ex);
            }

            return Read(prepared.Id) ?? throw JournalRules.Unknown(prepared.Id, path);
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
        JournalRules.ValidateEntry(deploymentId, entry);
        var gate = Gate(deploymentId);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return WriteLine(deploymentId, last =>
            {
                var stamped = entry.Stamp(last + 1, _timeProvider.GetUtcNow());
                return (JournalFormat.EntryLine(stamped), stamped.Sequence, stamped);
            }, cancellationToken);
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
            return Read(deploymentId);
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

        return JournalRules.OldestFirst(records);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Every journal file in the directory is opened, but only its first few kilobytes are read to learn its app (the
    /// <c>appName</c> is near the top of every file this class writes: second in the header line of format 2, so no entry
    /// line of another app is read, and second in a format-1 document); the app's own files are then loaded in full. A
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
            WriteLine(deploymentId, last => (JournalFormat.StatusLine(status, _timeProvider.GetUtcNow()), last, true), cancellationToken);
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

    private DeploymentRecord? Read(string deploymentId)
    {
        var path = GetFilePath(deploymentId);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            _tails.TryRemove(deploymentId, out _);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DeploymentJournalException($"Could not read the journal file '{path}': {ex.Message}", deploymentId, path, ex);
        }

        var content = JournalFormat.Read(bytes, deploymentId, path);
        Remember(deploymentId, content, bytes.Length);
        return content.Record;
    }

    /// <summary>
    /// Appends one line (made from the last sequence by <paramref name="makeLine"/>) and flushes it to the disk: the
    /// file's bytes and size, which is all an append changes, so no directory flush is needed. Reads the file first only
    /// when this instance does not know where its complete lines end; cuts off a last line without its newline; rewrites
    /// a format-1 file in format 2.
    /// </summary>
    private T WriteLine<T>(string deploymentId, Func<long, (byte[] Line, long LastSequence, T Result)> makeLine, CancellationToken cancellationToken)
    {
        var path = GetFilePath(deploymentId);
        try
        {
            JournalContent? legacy = null;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, bufferSize: 1))
            {
                var length = stream.Length;
                if (!_tails.TryGetValue(deploymentId, out var tail) || tail.Length != length)
                {
                    var bytes = new byte[length];
                    stream.ReadExactly(bytes);
                    var content = JournalFormat.Read(bytes, deploymentId, path);
                    if (content.FormatVersion == JournalDocument.LegacyFormatVersion)
                    {
                        legacy = content;
                    }
                    else
                    {
                        tail = new Tail(content.Length, content.LastSequence);
                        if (content.Length < length)
                        {
                            stream.SetLength(content.Length); // the torn last line of a write that never returned
                        }
                    }
                }

                if (legacy is null)
                {
                    var (line, last, result) = makeLine(tail!.LastSequence);
                    cancellationToken.ThrowIfCancellationRequested();
                    _tails.TryRemove(deploymentId, out _);
                    stream.Position = tail.Length;
                    stream.Write(line);
                    stream.Flush(flushToDisk: true);
                    _tails[deploymentId] = new Tail(tail.Length + line.Length, last);
                    return result;
                }
            }

            // Format 1: the record in a format-2 header, then the new line, replacing the file atomically.
            var (migratedLine, migratedLast, migratedResult) = makeLine(legacy.LastSequence);
            cancellationToken.ThrowIfCancellationRequested();
            var header = JournalFormat.Header(legacy.Record);
            var rewritten = new byte[header.Length + migratedLine.Length];
            header.CopyTo(rewritten, 0);
            migratedLine.CopyTo(rewritten, header.Length);
            DurableFiles.WriteAtomically(path, rewritten, overwrite: true);
            _tails[deploymentId] = new Tail(rewritten.Length, migratedLast);
            return migratedResult;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw JournalRules.Unknown(deploymentId, path);
        }
        catch (Exception ex) when (JournalRules.IsWriteFailure(ex))
        {
            // A failed write may have left part of its line: the next write reads the file again and cuts it off.
            _tails.TryRemove(deploymentId, out _);
            throw JournalRules.WriteFailed(deploymentId, path, ex);
        }
    }

    private void Remember(string deploymentId, JournalContent content, long fileLength)
    {
        if (content.FormatVersion == JournalDocument.CurrentFormatVersion && content.Length == fileLength)
        {
            _tails[deploymentId] = new Tail(content.Length, content.LastSequence);
        }
        else
        {
            _tails.TryRemove(deploymentId, out _);
        }
    }

    /// <summary>Where a file's complete lines end, and the last sequence in them.</summary>
    private sealed record Tail(long Length, long LastSequence);
}
