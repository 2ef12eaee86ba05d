namespace Spot.Deploy.PostgreSql;

/// <content>
/// Bounded retries of transient database failures (<see cref="TransientFailures"/>), for operations that are safe to run
/// again: reads, status changes, and creates and appends, which carry a write id so that one whose commit landed before
/// the connection broke is recognised on the next attempt instead of being written twice.
/// </content>
public sealed partial class PostgreSqlDeploymentStore
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Runs <paramref name="attempt"/>, again after a transient failure, pausing 0.1 s, 0.2 s, 0.4 s … (at most 2 s) on the
    /// store's clock, until it succeeds, fails otherwise, or the next attempt would start later than
    /// <see cref="PostgreSqlStoreOptions.TransientRetryTime"/> after the first: then the last failure is thrown.
    /// </summary>
    private async Task<T> RetryAsync<T>(string what, Func<Task<T>> attempt, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        var delay = FirstRetryDelay;
        for (var attempts = 1; ; attempts++)
        {
            try
            {
                return await attempt().ConfigureAwait(false);
            }
            catch (Exception ex) when (TransientFailures.IsTransient(ex) && _timeProvider.GetElapsedTime(started) + delay <= _retryTime)
            {
                Log.TransientFailure(_logger, what, attempts, delay.TotalSeconds, ex.Message);

                // After a restart every pooled connection is dead: drop them, so the next attempt opens a new one.
                _dataSource.Clear();
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }
}
