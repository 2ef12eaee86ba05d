using System.Globalization;
using System.Text.Json.Nodes;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Resilience;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>
/// Spot rolls of a deployment: which roll a step started (by evidence only: its journaled id, or a roll that did not
/// exist when the step journaled the group's rolls just before its start), starting one without ever starting two, and
/// following one to its end.
/// </summary>
internal static class Rolls
{
    /// <summary>
    /// The roll step <paramref name="stepId"/> started: journaled, or — when its start's answer was lost — the roll of the
    /// group that was not there just before the start. Null when the step never sent a start.
    /// </summary>
    public static async Task<string?> StartedByAsync(OperationContext context, string groupId, string stepId, CancellationToken cancellationToken)
    {
        if (context.State.RollIds.TryGetValue(stepId, out var id))
        {
            return id;
        }

        if (context.State.RollsBefore.TryGetValue(stepId, out var before))
        {
            return NewSince(await context.Spot.ListRollsAsync(groupId, cancellationToken).ConfigureAwait(false), before);
        }

        if (!context.State.IntentWindows.TryGetValue(stepId, out var window) || !context.State.WasAttempted(stepId))
        {
            return null;
        }

        // A power loss lost the note of the group's rolls written just before the start, and the start went out: the roll is
        // the one created after the step's intent and before anything else was journaled (no other call of the app ran then)
        // that is still running or finished. A stopped or failed roll in that window is not taken: it may be one someone
        // else started and stopped at the same instant, and not taking it only means starting a roll of our own.
        var from = new DateTimeOffset(window.From.Ticks - (window.From.Ticks % TimeSpan.TicksPerMillisecond), window.From.Offset);
        var rolls = await context.Spot.ListRollsAsync(groupId, cancellationToken).ConfigureAwait(false);
        var started = rolls.Where(r => r.Id is not null && r.CreatedAt is { } created && created >= from && (window.To is not { } to || created <= to)
            && !r.IsFailedOrStopped && !context.State.RollIds.ContainsValue(r.Id)).ToList();
        return started.Count == 1 ? started[0].Id : null;
    }

    /// <summary>
    /// Starts a roll for step <paramref name="stepId"/>: journals the group's rolls first (the evidence a re-check needs),
    /// then sends the start. A start that got no clear answer (a 5xx, a timeout) is never simply repeated: the roll list
    /// is read first, and the start is sent again only when no new roll appeared. The new roll's id is journaled.
    /// </summary>
    public static async Task<string> StartAsync(OperationContext context, string groupId, string stepId, RollRequest request, CancellationToken cancellationToken)
    {
        var existing = await context.Spot.ListRollsAsync(groupId, cancellationToken).ConfigureAwait(false);
        HashSet<string> before = [.. existing.Select(r => r.Id).OfType<string>()];
        await context.NoteAsync(stepId, RunState.RollsBeforeNote, new JsonObject { ["rollIds"] = new JsonArray([.. before.Order(StringComparer.Ordinal).Select(i => (JsonNode?)i)]) }, cancellationToken).ConfigureAwait(false);
        context.State.RollsBefore[stepId] = before;

        var steady = context.Options.SteadyState;
        var retry = new VerifiedRetry(2, steady.InitialPollInterval, steady.MaxPollInterval, context.Time,
            e => e is SpotApiException { IsTransient: true } or SpotApiException { IsTimeout: true });
        var started = await retry.ExecuteAsync(
            async token => (await context.Spot.StartRollAsync(groupId, request, token).ConfigureAwait(false))?.Id ?? string.Empty,
            async token => NewSince(await context.Spot.ListRollsAsync(groupId, token).ConfigureAwait(false), before),
            (e, _) => context.LogWarning($"Starting the roll of {groupId} got no clear answer ({e.Message}); checking whether it started."),
            cancellationToken).ConfigureAwait(false);
        if (started.Length == 0)
        {
            started = NewSince(await context.Spot.ListRollsAsync(groupId, cancellationToken).ConfigureAwait(false), before)
                ?? throw new SpotRollFailedException($"Spot accepted the roll of {groupId} but lists no new roll.");
        }

        context.State.RollIds[stepId] = started;
        context.State.RollsBefore.Remove(stepId);
        await context.NoteAsync(stepId, RunState.RollStartedNote, new JsonObject { ["rollId"] = started }, cancellationToken).ConfigureAwait(false);
        return started;
    }

    /// <summary>The newest roll that is not one of <paramref name="before"/>, or null.</summary>
    private static string? NewSince(IReadOnlyList<RollStatus> rolls, HashSet<string> before) =>
        rolls.Where(r => r.Id is not null && !before.Contains(r.Id)).OrderByDescending(r => r.CreatedAt).FirstOrDefault()?.Id;

    /// <summary>
    /// Follows a roll until it finished (its status is returned); a failed roll, one stopped by someone else, or one past
    /// RollTimeout fails. A roll this deployment stops (a cancellation, the timeout) is journaled as stopped by it.
    /// </summary>
    public static async Task<string?> WaitAsync(OperationContext context, string stepId, string groupId, string groupName, string rollId, CancellationToken cancellationToken)
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
                context.Report(new RollProgressEvent(context.Time.GetUtcNow(), groupId, rollId, roll.Status ?? "unknown", percent) { GroupName = groupName });
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
                    await StopAsync(context, stepId, groupId, rollId).ConfigureAwait(false);
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
                await StopAsync(context, stepId, groupId, rollId).ConfigureAwait(false);
            }
            catch (SpotApiException e)
            {
                context.LogWarning($"Stopping roll {rollId} after the cancellation failed: {e.Message}");
            }

            throw;
        }
    }

    /// <summary>Stops a roll this deployment started, journaling first that it is the one stopping it.</summary>
    public static async Task StopAsync(OperationContext context, string stepId, string groupId, string rollId)
    {
        context.State.StoppedRolls.Add(rollId);
        await context.NoteAsync(stepId, RunState.RollStoppedNote, new JsonObject { ["rollId"] = rollId }, CancellationToken.None).ConfigureAwait(false);
        await context.Spot.StopRollAsync(groupId, rollId, CancellationToken.None).ConfigureAwait(false);
    }
}
