namespace Spot.Deploy.Strategies;

/// <summary>
/// Allows one deployment per app at a time. App names are compared ordinally (case-sensitive).
/// Implementations: <see cref="InProcessAppLock"/>, <see cref="FileAppLock"/>, <see cref="CompositeAppLock"/>;
/// <see cref="AppLocks.CreateDefault"/> combines the first two.
/// </summary>
public interface IAppLock
{
    /// <summary>Takes the app's lock without waiting.</summary>
    /// <param name="appName">The app.</param>
    /// <param name="owner">Who takes it, shown to anyone refused (such as <c>deployment d-42 by alice</c>). Must not hold secrets.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The handle; dispose it to release the lock.</returns>
    /// <exception cref="AppLockedException">The app's lock is held.</exception>
    Task<AppLockHandle> AcquireAsync(string appName, string owner, CancellationToken cancellationToken = default);
}
