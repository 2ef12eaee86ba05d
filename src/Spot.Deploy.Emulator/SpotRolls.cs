namespace Spot.Deploy.Emulator;

// Spot-managed rolls, replayed lazily. A roll replaces the instances that were live when it started,
// a batch (batchSizePercentage of the target, at least one) at a time: the batch launches its
// replacements with the group's current image on top of the target, and ends when they are all
// HEALTHY — then the old instances of the batch are detached and the next batch starts at that
// moment. A batch whose replacements are not all healthy by start + boot time + grace period fails
// the roll: its new instances are detached and the old ones kept. With health check type NONE
// nothing is checked: a batch takes boot time + grace period.
public sealed partial class EmulatorState
{
    /// <summary>Replays the roll's batches up to <paramref name="now"/>, each event at its own time.</summary>
    private void AdvanceRoll(SpotGroup group, SpotRoll roll, DateTimeOffset now)
    {
        while (roll.IsActive)
        {
            var batch = roll.Batches[^1];
            var replacements = group.Instances.Where(i => i.TerminatedAt is null && IsOfBatch(i, roll, batch)).ToList();
            DateTimeOffset? ready = null;
            if (replacements.Count == batch.BlueInstanceIds.Count)
            {
                if (string.Equals(roll.HealthCheckType, "NONE", StringComparison.OrdinalIgnoreCase))
                {
                    ready = batch.Deadline;
                }
                else if (replacements.All(i => HealthyAt(i) is not null))
                {
                    ready = replacements.Max(i => HealthyAt(i)!.Value);
                }
            }

            if (ready is { } readyAt && readyAt <= batch.Deadline)
            {
                if (readyAt > now)
                {
                    return;
                }

                CompleteBatch(group, roll, batch, replacements, readyAt);
                continue;
            }

            if (batch.Deadline > now)
            {
                return;
            }

            EndRoll(group, roll, "failed", batch.Deadline);
        }
    }

    /// <summary>Starts the next batch at <paramref name="at"/>, or finishes the roll when no old instance is left.</summary>
    private void StartBatch(SpotGroup group, SpotRoll roll, DateTimeOffset at)
    {
        var taken = roll.Batches.SelectMany(b => b.BlueInstanceIds).ToHashSet(StringComparer.Ordinal);
        var live = group.Instances.Where(i => i.TerminatedAt is null).Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var next = roll.BlueInstanceIds.Where(id => !taken.Contains(id) && live.Contains(id)).Take(roll.BatchSize).ToList();
        roll.UpdatedAt = at;
        if (next.Count == 0)
        {
            roll.Outcome = "finished";
            return;
        }

        var boot = BootTimeOf(SpotDocuments.ImageId(group.Document));
        var batch = new SpotRollBatch
        {
            Number = roll.Batches.Count + 1,
            StartedAt = at,
            BootedAt = at + boot,
            Deadline = at + boot + TimeSpan.FromSeconds(roll.GracePeriodSeconds),
            BlueInstanceIds = next,
        };
        roll.Batches.Add(batch);
        foreach (var _ in next)
        {
            Launch(group, at, roll.Id, batch.Number, surge: true);
        }
    }

    private void CompleteBatch(SpotGroup group, SpotRoll roll, SpotRollBatch batch, List<SpotInstance> replacements, DateTimeOffset at)
    {
        foreach (var old in group.Instances.Where(i => i.TerminatedAt is null && batch.BlueInstanceIds.Contains(i.Id)))
        {
            old.TerminatedAt = at;
            old.Detached = true;
        }

        foreach (var replacement in replacements)
        {
            replacement.Surge = false;
        }

        roll.CompletedBatches++;
        StartBatch(group, roll, at);
    }

    /// <summary>Ends a roll that did not finish: the new instances of the batch in flight are detached, the old ones kept.</summary>
    private static void EndRoll(SpotGroup group, SpotRoll roll, string outcome, DateTimeOffset at)
    {
        foreach (var instance in group.Instances.Where(i => i.TerminatedAt is null && i.Surge && string.Equals(i.RollId, roll.Id, StringComparison.Ordinal)))
        {
            instance.TerminatedAt = at;
            instance.Detached = true;
            instance.Surge = false;
        }

        roll.Outcome = outcome;
        roll.UpdatedAt = at;
    }

    private static bool IsOfBatch(SpotInstance instance, SpotRoll roll, SpotRollBatch batch) =>
        instance.BatchNumber == batch.Number && string.Equals(instance.RollId, roll.Id, StringComparison.Ordinal);

    /// <summary>
    /// Lowercase, as Spot's examples: <c>starting</c> (the first batch is still booting), <c>in_progress</c>,
    /// <c>finished</c>, <c>failed</c>, <c>stopped</c>.
    /// </summary>
    private static string RollStatusText(SpotRoll roll, DateTimeOffset now) =>
        !roll.IsActive ? roll.Outcome
        : roll.CompletedBatches == 0 && now < roll.Batches[0].BootedAt ? "starting"
        : "in_progress";

    /// <summary>Percent of batches done (100 once finished).</summary>
    private static int RollProgress(SpotRoll roll) =>
        roll.Outcome == "finished" || roll.NumberOfBatches == 0 ? 100 : 100 * roll.CompletedBatches / roll.NumberOfBatches;

    /// <summary>The batch in flight (or the last one), 1-based; 0 for a roll with nothing to replace.</summary>
    private static int RollCurrentBatch(SpotRoll roll) => roll.Batches.Count;

    /// <summary>
    /// A CodeDeploy blue/green deployment's state by age: STARTING/INITIALIZING for the boot time,
    /// IN_PROGRESS/DEPLOYING for the health check delay, then FINISHED/FINISHED.
    /// </summary>
    private (string State, string Status) BlueGreenState(SpotBlueGreenDeployment deployment, DateTimeOffset now)
    {
        var age = now - deployment.CreatedAt;
        return age < Options.BootTime ? ("STARTING", "INITIALIZING")
            : age < Options.BootTime + Options.HealthCheckDelay ? ("IN_PROGRESS", "DEPLOYING")
            : ("FINISHED", "FINISHED");
    }
}
