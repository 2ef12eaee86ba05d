namespace Spot.Deploy.Strategies;

/// <summary>A held app lock. Disposing it releases the lock; disposing again does nothing.</summary>
public sealed class AppLockHandle : IAsyncDisposable, IDisposable
{
    private Action? _release;

    /// <summary>Creates a handle; for <see cref="IAppLock"/> implementations.</summary>
    /// <param name="appName">The locked app.</param>
    /// <param name="owner">The holder.</param>
    /// <param name="since">When the lock was taken.</param>
    /// <param name="release">Releases the lock; called at most once.</param>
    public AppLockHandle(string appName, string owner, DateTimeOffset since, Action release)
    {
        ArgumentNullException.ThrowIfNull(appName);
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(release);
        AppName = appName;
        Owner = owner;
        Since = since;
        _release = release;
    }

    /// <summary>The locked app.</summary>
    public string AppName { get; }

    /// <summary>The holder.</summary>
    public string Owner { get; }

    /// <summary>When the lock was taken.</summary>
    public DateTimeOffset Since { get; }

    /// <summary>True once the handle was disposed.</summary>
    public bool IsReleased => Volatile.Read(ref _release) is null;

    /// <summary>Releases the lock.</summary>
    public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();

    /// <summary>Releases the lock.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
