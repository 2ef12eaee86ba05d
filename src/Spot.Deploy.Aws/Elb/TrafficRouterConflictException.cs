namespace Spot.Deploy.Aws;

/// <summary>
/// A route is not in the state the <see cref="TrafficRouter"/> expected (someone else changed it, it
/// does not forward, or it forwards to a target group that is not part of the deployment); nothing was changed.
/// </summary>
public class TrafficRouterConflictException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public TrafficRouterConflictException()
        : this("The route is not in the expected state.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public TrafficRouterConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public TrafficRouterConflictException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a route.</summary>
    public TrafficRouterConflictException(RouteRef route, string message)
        : base(message)
    {
        Route = route;
    }

    /// <summary>The route in conflict, when known.</summary>
    public RouteRef? Route { get; }
}
