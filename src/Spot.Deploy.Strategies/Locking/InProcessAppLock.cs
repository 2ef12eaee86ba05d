namespace Spot.Deploy.Strategies;

/// <summary>
/// An app lock within one process. Share one instance (such as <see cref="Shared"/>) between everything
/// that deploys in the process; it does not see other processes (combine with <see cref="FileAppLock"/>).
/// </summary>
public sealed class InProcessAppLock : IAppLock
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Holder> _held = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a lock using the system clock.</summary>
    public InProcessAppLock()
        : this(null)
    {
    }

    /// <summary>Creates a lock.</summary>
    /// <param name="timeProvider">The clock for <see cref="AppLockHandle.Since"/>; null for <see cref="TimeProvider.System"/>.</param>
    public InProcessAppLock(TimeProvider? timeProvider) => _timeProvider = timeProvider ?? TimeProvider.System;

    /// <summary>The process-wide instance.</summary>
    public static InProcessAppLock Shared { get; } = new();

    /// <inheritdoc />
    public Task<AppLockHandle> AcquireAsync(string appName, string owner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(appName);
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<AppLockHandle>(cancellationToken);
        }

        lock (_gate)
        {
            if (_held.TryGetValue(appName, out var current))
            {
                return Task.FromException<AppLockHandle>(new AppLockedException(appName, current.Owner, current.Since, "held in this process"));
            }

            var holder = new Holder(owner, _timeProvider.GetUtcNow());
            _held.Add(appName, holder);
            return Task.FromResult(new AppLockHandle(appName, owner, holder.Since, () => Release(appName, holder)));
        }
    }

    private void Release(string appName, Holder holder)
    {
        lock (_gate)
        {
            // Only the holder's own entry: a late release must not free someone else's lock.
            if (_held.TryGetValue(appName, out var current) && ReferenceEquals(current, holder))
            {
                _held.Remove(appName);
            }
        }
    }

    private sealed record Holder(string Owner, DateTimeOffset Since);
}
