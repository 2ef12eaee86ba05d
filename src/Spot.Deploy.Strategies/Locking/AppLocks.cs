namespace Spot.Deploy.Strategies;

/// <summary>Factories for the usual app locks.</summary>
public static class AppLocks
{
    /// <summary>
    /// The default lock: <see cref="InProcessAppLock.Shared"/> (a fast, precise refusal within the process)
    /// then a <see cref="FileAppLock"/> on <paramref name="directory"/> (refusal across processes).
    /// </summary>
    /// <param name="directory">The directory for the lock files.</param>
    /// <returns>The lock.</returns>
    public static IAppLock CreateDefault(string directory) => new CompositeAppLock(InProcessAppLock.Shared, new FileAppLock(directory));
}
