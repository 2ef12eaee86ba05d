namespace Spot.Deploy.Strategies;

/// <summary>
/// Holds an app only when every inner lock holds it: acquires them in order and releases them in reverse.
/// When one refuses, those already acquired are released before the refusal is rethrown.
/// </summary>
public sealed class CompositeAppLock : IAppLock
{
    private readonly IAppLock[] _locks;

    /// <summary>Creates the lock.</summary>
    /// <param name="locks">The inner locks, in acquisition order; at least one.</param>
    public CompositeAppLock(params IAppLock[] locks)
    {
        ArgumentNullException.ThrowIfNull(locks);
        if (locks.Length == 0 || Array.Exists(locks, l => l is null))
        {
            throw new ArgumentException("At least one lock, and no null lock, is needed.", nameof(locks));
        }

        _locks = [.. locks];
    }

    /// <summary>The inner locks, in acquisition order.</summary>
    public IReadOnlyList<IAppLock> Locks => _locks;

    /// <inheritdoc />
    public async Task<AppLockHandle> AcquireAsync(string appName, string owner, CancellationToken cancellationToken = default)
    {
        var acquired = new List<AppLockHandle>(_locks.Length);
        try
        {
            foreach (var inner in _locks)
            {
                acquired.Add(await inner.AcquireAsync(appName, owner, cancellationToken).ConfigureAwait(false));
            }
        }
        catch
        {
            ReleaseInReverse(acquired);
            throw;
        }

        return new AppLockHandle(appName, owner, acquired[0].Since, () => ReleaseInReverse(acquired));
    }

    private static void ReleaseInReverse(List<AppLockHandle> handles)
    {
        for (var i = handles.Count - 1; i >= 0; i--)
        {
            handles[i].Dispose();
        }
    }
}
