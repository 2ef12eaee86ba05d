using System.Globalization;
using System.Text.Json.Nodes;
using Spot.Deploy.Elastigroup;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>
/// Spot roll: starts Spot's roll of the group and waits until it finished. Before a re-run the group's rolls are read:
/// a roll this step started (journaled, or started since its intent) is followed instead of starting another.
/// </summary>
internal sealed record RollGroupOperation : Operation
{
    public required string GroupId { get; init; }

    public required string GroupName { get; init; }

    public int BatchSizePercentage { get; init; } = 20;

    public int GracePeriodSeconds { get; init; } = 600;

    public string? HealthCheckType { get; init; }

    /// <summary>Rollback: the forward roll's step id; the group is rolled back only when that roll replaced instances.</summary>
    public string? ReverseOf { get; init; }

    /// <summary>How often one perform starts the roll again after it was stopped.</summary>
    private const int MaxStarts = 3;

    public override string Kind => "Roll";

    public override string? IntentGroupId(RunState state) => GroupId;

    public override void RecordAttempt(RollbackFacts facts)
    {
        if (ReverseOf is null)
        {
            facts.RollStarted = true;
        }
    }

    public override async Task<JsonObject?> PerformAsync(OperationContext context, bool retry, CancellationToken cancellationToken)
    {
        if (ReverseOf is not null && await ForwardReplacedNothingAsync(context, cancellationToken).ConfigureAwait(false) is { } skipped)
        {
            return new JsonObject { ["skipped"] = skipped };
        }

        var rollId = await Rolls.StartedByAsync(context, GroupId, Id, cancellationToken).ConfigureAwait(false);
        for (var starts = 0; rollId is null || await MustStartAgainAsync(context, rollId, cancellationToken).ConfigureAwait(false); starts++)
        {
            if (starts == MaxStarts)
            {
                throw new SpotRollFailedException(string.Create(CultureInfo.InvariantCulture,
                    $"The roll of {GroupName} ({GroupId}) was stopped {MaxStarts} times before it finished; it is not started again."));
            }

            rollId = await Rolls.StartAsync(context, GroupId, Id,
                new RollRequest { BatchSizePercentage = BatchSizePercentage, GracePeriod = GracePeriodSeconds, HealthCheckType = HealthCheckType },
                cancellationToken).ConfigureAwait(false);
        }

        var status = await Rolls.WaitAsync(context, Id, GroupId, GroupName, rollId, cancellationToken).ConfigureAwait(false);
        return new JsonObject { ["rollId"] = rollId, ["status"] = status };
    }

    /// <summary>
    /// A roll of this step that was stopped is started again when the deployment stopped it itself (a cancellation, a
    /// timeout) or when it is a rollback's roll, which must go on until the group runs the previous image again. A roll
    /// someone else stopped on the way forward, or one that failed, is followed (and fails the step).
    /// </summary>
    private async Task<bool> MustStartAgainAsync(OperationContext context, string rollId, CancellationToken cancellationToken)
    {
        var roll = await context.Spot.GetRollAsync(GroupId, rollId, cancellationToken).ConfigureAwait(false);
        return roll.IsFailedOrStopped
            && string.Equals(roll.Status, "stopped", StringComparison.OrdinalIgnoreCase)
            && (ReverseOf is not null || context.State.StoppedRolls.Contains(rollId));
    }

    /// <summary>Why the reverse roll is not needed (the forward roll never started, or replaced no instance), or null.</summary>
    private async Task<string?> ForwardReplacedNothingAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var forwardId = await Rolls.StartedByAsync(context, GroupId, ReverseOf!, cancellationToken).ConfigureAwait(false);
        if (forwardId is null)
        {
            return "the forward roll never started";
        }

        var forward = await context.Spot.GetRollAsync(GroupId, forwardId, cancellationToken).ConfigureAwait(false);
        return !forward.IsFinished && (forward.Progress?.Value ?? 0) <= 0 ? "the forward roll replaced no instance" : null;
    }

    public override IReadOnlyList<ApiCall> ApiCalls(DryRunContext names)
    {
        var calls = new List<ApiCall>();
        if (ReverseOf is not null)
        {
            calls.Add(ApiCall.Spot(SpotApi.GetRoll, GroupId, "whether the forward roll replaced any instance"));
        }

        calls.Add(ApiCall.Spot(SpotApi.StartRoll, GroupId, string.Create(CultureInfo.InvariantCulture,
            $"batchSizePercentage {BatchSizePercentage}, gracePeriod {GracePeriodSeconds}{(HealthCheckType is null ? string.Empty : ", healthCheckType " + HealthCheckType)}"))
            .With([("batchSizePercentage", BatchSizePercentage), ("gracePeriod", GracePeriodSeconds), .. HealthCheckType is null ? Array.Empty<(string, object)>() : [("healthCheckType", HealthCheckType)]]));
        calls.Add(ApiCall.Spot(SpotApi.GetRoll, GroupId, "until finished", polled: true));
        return calls;
    }
}
