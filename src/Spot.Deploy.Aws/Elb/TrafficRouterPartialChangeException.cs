namespace Spot.Deploy.Aws;

/// <summary>
/// A swap changed one route and then failed on the next. <see cref="Changes"/> lists every change in
/// the order attempted, including the failed one (which may or may not have been applied, e.g. after a
/// timeout); <see cref="TrafficRouter.RestoreAsync"/> on each, newest first, puts the routes back
/// (a change that did not happen is recognised and skipped). The failure is the inner exception.
/// </summary>
public class TrafficRouterPartialChangeException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public TrafficRouterPartialChangeException()
        : this("A route change failed after other routes had been changed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public TrafficRouterPartialChangeException(string message)
        : this(message, null)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public TrafficRouterPartialChangeException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Changes = [];
    }

    /// <summary>Creates the exception with the changes attempted so far.</summary>
    public TrafficRouterPartialChangeException(string message, IReadOnlyList<RouteChange> changes, Exception? innerException)
        : base(message, innerException)
    {
        ArgumentNullException.ThrowIfNull(changes);
        Changes = changes;
    }

    /// <summary>Every change attempted, in order; the last one is the one that failed.</summary>
    public IReadOnlyList<RouteChange> Changes { get; }
}
