using System.Text.Json.Nodes;
using Spot.Deploy.Elastigroup;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>Spot roll rollback: stops the forward roll if it still runs (a finished or stopped roll is left as it is).</summary>
internal sealed record StopRollOperation : Operation
{
    public required string GroupId { get; init; }

    public required string GroupName { get; init; }

    /// <summary>The forward roll's step id (its roll id is journaled under it, or found by time).</summary>
    public required string ForwardStep { get; init; }

    public override string Kind => "StopRoll";

    public override string? IntentGroupId(RunState state) => GroupId;

    public override async Task<JsonObject?> PerformAsync(OperationContext context, bool retry, CancellationToken cancellationToken)
    {
        var rollId = await Rolls.StartedByAsync(context, GroupId, ForwardStep, cancellationToken).ConfigureAwait(false);
        if (rollId is null)
        {
            return new JsonObject { ["stopped"] = false };
        }

        var roll = await context.Spot.GetRollAsync(GroupId, rollId, cancellationToken).ConfigureAwait(false);
        if (roll.IsFinished || roll.IsFailedOrStopped)
        {
            return new JsonObject { ["rollId"] = rollId, ["stopped"] = false, ["status"] = roll.Status };
        }

        await Rolls.StopAsync(context, ForwardStep, GroupId, rollId).ConfigureAwait(false);
        return new JsonObject { ["rollId"] = rollId, ["stopped"] = true };
    }

    public override IReadOnlyList<ApiCall> ApiCalls(DryRunContext names) =>
    [
        ApiCall.Spot(SpotApi.GetRoll, GroupId, "the forward roll's status"),
        ApiCall.Spot(SpotApi.StopRoll, GroupId, "status STOPPED, if it still runs", rollId: "{rollId}"),
    ];
}
