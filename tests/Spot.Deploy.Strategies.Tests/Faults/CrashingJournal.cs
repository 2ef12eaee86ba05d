namespace Spot.Deploy.Strategies.Tests.Faults;

/// <summary>Where, relative to a journal write, the simulated process dies.</summary>
internal enum CrashMode
{
    /// <summary>Just before the write: it never reaches the journal (for a result: the call happened, its result is lost).</summary>
    BeforeWrite,

    /// <summary>Just after the write is durable (for an intent: it is journaled, the call it announces is never made).</summary>
    AfterWrite,

    /// <summary>
    /// A power loss: the write is lost (it never reaches the disk) while the process goes on until its next mutating call has
    /// been answered (the call it announced went out) or its next journal write, whichever comes first, and dies there.
    /// </summary>
    PowerLoss,
}

/// <summary>
/// A journal decorator that lists every write (append or status change) and, when told, kills the process at
/// the n-th one: it throws a <see cref="CrashException"/>, cuts the process's network, and from then on every
/// journal call throws too (a dead process writes nothing more). The inner journal survives for the next process.
/// </summary>
/// <remarks><paramref name="crashOn"/> picks the write by its description instead of its number.</remarks>
internal sealed class CrashingJournal(IDeploymentJournal inner, int? crashAtWrite = null, CrashMode mode = CrashMode.BeforeWrite, Action? onCrash = null, Func<string, bool>? crashOn = null) : IDeploymentJournal
{
    private readonly object _gate = new();
    private readonly List<string> _writes = [];

    public bool Crashed { get; private set; }

    public string? DeploymentId { get; private set; }

    /// <summary>Every write so far, as "Intent c1 Create", "Result c1 Create Succeeded", "Note stage-0 stageStarted", "Status Succeeded".</summary>
    public IReadOnlyList<string> Writes
    {
        get
        {
            lock (_gate)
            {
                return [.. _writes];
            }
        }
    }

    /// <summary>The write the process died at, if it did.</summary>
    public string? CrashedAt { get; private set; }

    public async Task<DeploymentRecord> CreateAsync(DeploymentRecord record, CancellationToken cancellationToken = default)
    {
        ThrowIfDead();
        var created = await inner.CreateAsync(record, cancellationToken);
        DeploymentId = created.Id;
        return created;
    }

    public Task<JournalEntry> AppendAsync(string deploymentId, JournalEntry entry, CancellationToken cancellationToken = default) =>
        WriteAsync(
            $"{entry.Kind} {entry.StepId} {entry.Operation}{(entry.Outcome is { } outcome ? " " + outcome : string.Empty)}",
            () => inner.AppendAsync(deploymentId, entry, cancellationToken));

    public Task SetStatusAsync(string deploymentId, DeploymentStatus status, CancellationToken cancellationToken = default) =>
        WriteAsync("Status " + status, async () =>
        {
            await inner.SetStatusAsync(deploymentId, status, cancellationToken);
            return true;
        });

    public Task<DeploymentRecord?> LoadAsync(string deploymentId, CancellationToken cancellationToken = default)
    {
        ThrowIfDead();
        return inner.LoadAsync(deploymentId, cancellationToken);
    }

    public Task<IReadOnlyList<DeploymentRecord>> ListUnfinishedAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDead();
        return inner.ListUnfinishedAsync(cancellationToken);
    }

    public Task<IReadOnlyList<DeploymentRecord>> ListByAppAsync(string appName, CancellationToken cancellationToken = default)
    {
        ThrowIfDead();
        return inner.ListByAppAsync(appName, cancellationToken);
    }

    private async Task<T> WriteAsync<T>(string description, Func<Task<T>> write)
    {
        ThrowIfDead();
        int index;
        lock (_gate)
        {
            _writes.Add(description);
            index = _writes.Count;
        }

        if (index != crashAtWrite && crashOn?.Invoke(description) != true && !PowerLost)
        {
            return await write();
        }

        if (mode == CrashMode.PowerLoss && !PowerLost)
        {
            // The write is lost; the process dies after the call it announced (see Die), or at its next write.
            PowerLost = true;
            CrashedAt = $"write {index} ({description}), lost in a power loss";
            return default!;
        }

        if (mode == CrashMode.AfterWrite)
        {
            await write();
        }

        CrashedAt ??= $"write {index} ({description}), {(mode == CrashMode.AfterWrite ? "after" : "before")} it was written";
        Die();
        throw new CrashException($"The process crashed at journal {CrashedAt} (simulated).");
    }

    /// <summary>True once a power loss dropped a write: the process dies after its next mutating call.</summary>
    public bool PowerLost { get; private set; }

    /// <summary>The process dies: every later journal call throws, and <c>onCrash</c> cuts its network.</summary>
    public void Die()
    {
        if (Crashed)
        {
            return;
        }

        Crashed = true;
        onCrash?.Invoke();
    }

    private void ThrowIfDead()
    {
        if (Crashed)
        {
            throw new CrashException("The process is dead; it writes nothing.");
        }
    }
}
