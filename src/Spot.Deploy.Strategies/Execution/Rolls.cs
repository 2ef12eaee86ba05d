using System.Globalization;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Resilience;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>Spot rolls of a deployment: finding the one a step started, starting one without ever starting two, and following one to its end.</summary>
internal static class Rolls
{
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A roll this deployment may have started since <paramref name="since"/>: one still running (we hold the app lock,
    /// and Spot runs one roll per group at a time), or one Spot dates at most a minute before (clock skew).
    /// </summary>
    public static bool IsSince(RollStatus roll, DateTimeOffset since) =>
        (!roll.IsFinished && !roll.IsFailedOrStopped) || roll.CreatedAt >= since - ClockSkew;

    /// <summary>The newest roll of the group that may have started since <paramref name="since"/>, or null.</summary>
    public static async Task<string?> StartedSinceAsync(OperationContext context, string groupId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var rolls = await context.Spot.ListRollsAsync(groupId, cancellationToken).ConfigureAwait(false);
        return rolls.Where(r => IsSince(r, since)).OrderByDescending(r => r.CreatedAt).FirstOrDefault()?.Id;
    }

    /// <summary>The roll id of the forward roll step <paramref name="forwardStep"/>: journaled, or the oldest started since its intent; null when it never started.</summary>
    public static async Task<string?> ForwardRollIdAsync(OperationContext context, string groupId, string forwardStep, CancellationToken cancellationToken)
    {
        if (context.State.RollIds.TryGetValue(forwardStep, out var id))
        {
            return id;
        }

        if (!context.State.Attempted.TryGetValue(forwardStep, out var since))
        {
            return null;
        }

        var rolls = await context.Spot.ListRollsAsync(groupId, cancellationToken).ConfigureAwait(false);
        return rolls.Where(r => IsSince(r, since)).OrderBy(r => r.CreatedAt).FirstOrDefault()?.Id;
    }

    /// <summary>
    /// Starts a roll. The client does not repeat a roll start that got no clear answer (a 5xx, a timeout): it may have
    /// started one. So the roll list is read before each re-send, and the start is sent again only when no roll started
    /// since the intent.
    /// </summary>
    public static async Task<string> StartAsync(OperationContext context, string groupId, RollRequest request, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var steady = context.Options.SteadyState;
        var retry = new VerifiedRetry(2, steady.InitialPollInterval, steady.MaxPollInterval, context.Time,
            e => e is SpotApiException { IsTransient: true } or SpotApiException { IsTimeout: true });
        var started = await retry.ExecuteAsync(
            async token => (await context.Spot.StartRollAsync(groupId, request, token).ConfigureAwait(false))?.Id ?? string.Empty,
            token => StartedSinceAsync(context, groupId, since, token),
            (e, _) => context.LogWarning($"Starting the roll of {groupId} got no clear answer ({e.Message}); checking whether it started."),
            cancellationToken).ConfigureAwait(false);
        if (started.Length > 0)
        {
            return started;
        }

        var rolls = await context.Spot.ListRollsAsync(groupId, cancellationToken).ConfigureAwait(false);
        return rolls.OrderByDescending(r => r.CreatedAt).FirstOrDefault()?.Id
            ?? throw new SpotRollFailedException($"Spot accepted the roll of {groupId} but lists no roll.");
    }

    /// <summary>Follows a roll until it finished (its status is returned); a failed or stopped roll, or one past RollTimeout, fails.</summary>
    public static async Task<string?> WaitAsync(OperationContext context, string groupId, string groupName, string rollId, CancellationToken cancellationToken)
    {
        var spot = context.Spot;
        var steady = context.Options.SteadyState;
        var pause = steady.InitialPollInterval;
        var started = context.Time.GetTimestamp();
        try
        {
            while (true)
            {
                var roll = await spot.GetRollAsync(groupId, rollId, cancellationToken).ConfigureAwait(false);
                var percent = roll.IsFinished ? 100 : roll.Progress?.Value ?? 0;
                context.Report(new RollProgressEvent(context.Time.GetUtcNow(), groupId, rollId, roll.Status ?? "unknown", percent));
                if (roll.IsFinished)
                {
                    return roll.Status;
                }

                if (roll.IsFailedOrStopped)
                {
                    throw new SpotRollFailedException(string.Create(CultureInfo.InvariantCulture,
                        $"The Spot roll {rollId} of {groupName} ({groupId}) ended '{roll.Status}' at {percent:0.#} %."));
                }

                if (context.Time.GetElapsedTime(started) + pause > context.Options.RollTimeout)
                {
                    await spot.StopRollAsync(groupId, rollId, CancellationToken.None).ConfigureAwait(false);
                    throw new TimeoutException($"The Spot roll {rollId} of {groupId} did not finish within RollTimeout ({context.Options.RollTimeout}); it was stopped.");
                }

                await Task.Delay(pause, context.Time, cancellationToken).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(steady.MaxPollInterval.Ticks, (long)(pause.Ticks * steady.BackoffFactor)));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancellation stops Spot's roll too, so nothing keeps replacing instances behind the caller's back.
            try
            {
                await spot.StopRollAsync(groupId, rollId, CancellationToken.None).ConfigureAwait(false);
            }
            catch (SpotApiException e)
            {
                context.LogWarning($"Stopping roll {rollId} after the cancellation failed: {e.Message}");
            }

            throw;
        }
    }
}
