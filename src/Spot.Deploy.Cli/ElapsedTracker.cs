using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli;

/// <summary>
/// Passes every event on and keeps the time from the deployment's start to its last event (its finish when it reported
/// one): the Result object's <c>elapsedSeconds</c> of a run that failed or was rolled back, whose exception carries no time.
/// </summary>
internal sealed class ElapsedTracker(IProgress<DeploymentEvent> inner) : IProgress<DeploymentEvent>
{
    private readonly object _gate = new();
    private DateTimeOffset? _start;
    private TimeSpan? _elapsed;

    /// <summary>The deployment's elapsed time so far, or null when it reported no event.</summary>
    public TimeSpan? Elapsed
    {
        get
        {
            lock (_gate)
            {
                return _elapsed;
            }
        }
    }

    public void Report(DeploymentEvent value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            _start = value is DeploymentStartedEvent ? value.Time : _start ?? value.Time;
            _elapsed = value is DeploymentFinishedEvent finished ? finished.Elapsed : value.Time - _start;
        }

        inner.Report(value);
    }
}
