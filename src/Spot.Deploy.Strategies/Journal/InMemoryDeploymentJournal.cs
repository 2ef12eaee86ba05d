namespace Spot.Deploy.Strategies;

/// <summary>
/// A journal held in memory, for tests and dry runs. It stores each deployment serialized exactly as
/// <see cref="FileDeploymentJournal"/> writes it, so both accept, refuse and return the same things,
/// and nothing a caller changes after a call leaks into the journal. Thread-safe; lost with the process.
/// </summary>
public sealed class InMemoryDeploymentJournal : IDeploymentJournal
{
    private readonly object _gate = new();
    private readonly Dictionary<string, byte[]> _documents = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates an empty journal using the system clock.</summary>
    public InMemoryDeploymentJournal()
        : this(null)
    {
    }

    /// <summary>Creates an empty journal.</summary>
    /// <param name="timeProvider">The clock for entry times; null for <see cref="TimeProvider.System"/>.</param>
    public InMemoryDeploymentJournal(TimeProvider? timeProvider) => _timeProvider = timeProvider ?? TimeProvider.System;

    /// <inheritdoc />
    public Task<DeploymentRecord> CreateAsync(DeploymentRecord record, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var prepared = JournalRules.PrepareNew(record, _timeProvider.GetUtcNow());
        lock (_gate)
        {
            if (_documents.ContainsKey(prepared.Id))
            {
                throw JournalRules.Exists(prepared.Id, null);
            }

            _documents[prepared.Id] = Serialize(prepared);
        }

        return Task.FromResult(Reload(prepared.Id));
    }

    /// <inheritdoc />
    public Task<JournalEntry> AppendAsync(string deploymentId, JournalEntry entry, CancellationToken cancellationToken = default)
    {
        JournalRules.ValidateId(deploymentId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var (updated, stamped) = JournalRules.Append(LoadLocked(deploymentId) ?? throw JournalRules.Unknown(deploymentId, null), entry, _timeProvider.GetUtcNow());
            _documents[deploymentId] = Serialize(updated);
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
            IReadOnlyList<DeploymentRecord> unfinished = [.. _documents.Keys
                .Select(id => LoadLocked(id)!)
                .Where(r => r.IsUnfinished)
                .OrderBy(r => r.StartedAt)
                .ThenBy(r => r.Id, StringComparer.Ordinal)];
            return Task.FromResult(unfinished);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DeploymentRecord>> ListByAppAsync(string appName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appName);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(JournalRules.OldestFirst(_documents
                .Where(d => JournalRules.PeekAppName(d.Value, isWholeDocument: true) is not { } named || string.Equals(named, appName, StringComparison.Ordinal))
                .Select(d => LoadLocked(d.Key)!)
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
            var record = LoadLocked(deploymentId) ?? throw JournalRules.Unknown(deploymentId, null);
            _documents[deploymentId] = Serialize(JournalRules.WithStatus(record, status, _timeProvider.GetUtcNow()));
        }

        return Task.CompletedTask;
    }

    private static byte[] Serialize(DeploymentRecord record)
    {
        try
        {
            return JournalRules.Serialize(record);
        }
        catch (Exception ex) when (JournalRules.IsWriteFailure(ex))
        {
            throw JournalRules.WriteFailed(record.Id, null, ex);
        }
    }

    private DeploymentRecord Reload(string deploymentId)
    {
        lock (_gate)
        {
            return LoadLocked(deploymentId)!;
        }
    }

    private DeploymentRecord? LoadLocked(string deploymentId) =>
        _documents.TryGetValue(deploymentId, out var bytes) ? JournalRules.Deserialize(bytes, deploymentId, null) : null;
}
