namespace Spot.Deploy.Strategies;

/// <summary>
/// A journal held in memory, for tests and dry runs. It stores each deployment as the bytes
/// <see cref="FileDeploymentJournal"/> writes — a header line, then one line appended per write — so both accept, refuse
/// and return the same things, and nothing a caller changes after a call leaks into the journal. Thread-safe; lost with
/// the process.
/// </summary>
public sealed partial class InMemoryDeploymentJournal : IDeploymentJournal, IDeploymentHistory
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Stored> _journals = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates an empty journal using the system clock.</summary>
    public InMemoryDeploymentJournal()
        : this(null)
    {
    }

    /// <summary>Creates an empty journal.</summary>
    /// <param name="timeProvider">The clock for entry times; null for <see cref="TimeProvider.System"/>.</param>
    public InMemoryDeploymentJournal(TimeProvider? timeProvider)
        : this(timeProvider, null)
    {
    }

    /// <summary>Creates an empty journal that records who and where deployments are started.</summary>
    /// <param name="timeProvider">The clock for entry times; null for <see cref="TimeProvider.System"/>.</param>
    /// <param name="runner">Who and where deployments are started (<see cref="Runner"/>); null for <c>user@machine</c> of this process.</param>
    /// <exception cref="ArgumentException"><paramref name="runner"/> is empty, longer than 256 characters or holds control characters.</exception>
    public InMemoryDeploymentJournal(TimeProvider? timeProvider, string? runner)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        Runner = JournalRules.ValidateRunner(runner, nameof(runner));
    }

    /// <summary>Who and where deployments are started: stored in each new record whose <see cref="DeploymentRecord.Runner"/> is null.</summary>
    public string Runner { get; }

    /// <inheritdoc />
    public Task<DeploymentRecord> CreateAsync(DeploymentRecord record, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var prepared = JournalRules.PrepareNew(record, _timeProvider.GetUtcNow(), Runner);
        var header = Serialize(prepared.Id, () => JournalFormat.Header(prepared));
        lock (_gate)
        {
            if (_journals.ContainsKey(prepared.Id))
            {
                throw JournalRules.Exists(prepared.Id, null);
            }

            var stored = new Stored { LastSequence = prepared.Entries.Count == 0 ? 0 : prepared.Entries[^1].Sequence };
            stored.Bytes.Write(header);
            _journals[prepared.Id] = stored;
            return Task.FromResult(LoadLocked(prepared.Id)!);
        }
    }

    /// <inheritdoc />
    public Task<JournalEntry> AppendAsync(string deploymentId, JournalEntry entry, CancellationToken cancellationToken = default)
    {
        JournalRules.ValidateId(deploymentId);
        JournalRules.ValidateEntry(deploymentId, entry);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var stored = _journals.GetValueOrDefault(deploymentId) ?? throw JournalRules.Unknown(deploymentId, null);
            var stamped = entry.Stamp(stored.LastSequence + 1, _timeProvider.GetUtcNow());
            stored.Bytes.Write(Serialize(deploymentId, () => JournalFormat.EntryLine(stamped)));
            stored.LastSequence = stamped.Sequence;
            return Task.FromResult(stamped);
        }
    }

    /// <inheritdoc />
    public Task<DeploymentRecord?> LoadAsync(string deploymentId, CancellationToken cancellationToken = default)
    {
        JournalRules.ValidateId(deploymentId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(LoadLocked(deploymentId));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DeploymentRecord>> ListUnfinishedAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(JournalRules.OldestFirst(_journals.Keys.Select(id => LoadLocked(id)!).Where(r => r.IsUnfinished)));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DeploymentRecord>> ListByAppAsync(string appName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appName);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(JournalRules.OldestFirst(_journals
                .Where(j => JournalRules.PeekAppName(j.Value.Bytes.GetBuffer().AsSpan(0, (int)j.Value.Bytes.Length), isWholeDocument: true) is not { } named
                    || string.Equals(named, appName, StringComparison.Ordinal))
                .Select(j => LoadLocked(j.Key)!)
                .Where(r => string.Equals(r.AppName, appName, StringComparison.Ordinal))));
        }
    }

    /// <inheritdoc />
    public Task SetStatusAsync(string deploymentId, DeploymentStatus status, CancellationToken cancellationToken = default)
    {
        JournalRules.ValidateId(deploymentId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var stored = _journals.GetValueOrDefault(deploymentId) ?? throw JournalRules.Unknown(deploymentId, null);
            stored.Bytes.Write(Serialize(deploymentId, () => JournalFormat.StatusLine(status, _timeProvider.GetUtcNow())));
        }

        return Task.CompletedTask;
    }

    private static byte[] Serialize(string deploymentId, Func<byte[]> serialize)
    {
        try
        {
            return serialize();
        }
        catch (Exception ex) when (JournalRules.IsWriteFailure(ex))
        {
            throw JournalRules.WriteFailed(deploymentId, null, ex);
        }
    }

    private DeploymentRecord? LoadLocked(string deploymentId) =>
        _journals.TryGetValue(deploymentId, out var stored)
            ? JournalFormat.Read(stored.Bytes.GetBuffer().AsSpan(0, (int)stored.Bytes.Length), deploymentId, null).Record
            : null;

    /// <summary>One deployment's journal bytes and the last sequence in them.</summary>
    private sealed class Stored
    {
        public MemoryStream Bytes { get; } = new();

        public long LastSequence { get; set; }
    }
}
