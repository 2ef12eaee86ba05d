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

    public override string Kind => "Roll";

    public override string? IntentGroupId(RunState state) => GroupId;

    public override void RecordAttempt(RollbackFacts facts)
    {
        if (ReverseOf is null)
        {
            facts.Roll = this;
        }
    }

    public override async Task<JsonObject?> PerformAsync(OperationContext context, bool retry, CancellationToken cancellationToken)
    {
        if (ReverseOf is not null && await ForwardReplacedNothingAsync(context, cancellationToken).ConfigureAwait(false) is { } skipped)
        {
            return new JsonObject { ["skipped"] = skipped };
        }

        var rollId = retry || context.State.RollIds.ContainsKey(Id)
            ? context.State.RollIds.GetValueOrDefault(Id) ?? await Rolls.StartedSinceAsync(context, GroupId, context.State.Attempted[Id], cancellationToken).ConfigureAwait(false)
            : null;
        rollId ??= await Rolls.StartAsync(context, GroupId,
            new RollRequest { BatchSizePercentage = BatchSizePercentage, GracePeriod = GracePeriodSeconds, HealthCheckType = HealthCheckType },
            context.State.Attempted[Id], cancellationToken).ConfigureAwait(false);

        context.State.RollIds[Id] = rollId;
        await context.NoteAsync(Id, RunState.RollStartedNote, new JsonObject { ["rollId"] = rollId }, cancellationToken).ConfigureAwait(false);
        var status = await Rolls.WaitAsync(context, GroupId, GroupName, rollId, cancellationToken).ConfigureAwait(false);
        return new JsonObject { ["rollId"] = rollId, ["status"] = status };
    }

    /// <summary>Why the reverse roll is not needed (the forward roll never started, or replaced no instance), or null.</summary>
    private async Task<string?> ForwardReplacedNothingAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var forwardId = await Rolls.ForwardRollIdAsync(context, GroupId, ReverseOf!, cancellationToken).ConfigureAwait(false);
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
            $"batchSizePercentage {BatchSizePercentage}, gracePeriod {GracePeriodSeconds}{(HealthCheckType is null ? string.Empty : ", healthCheckType " + HealthCheckType)}")));
        calls.Add(ApiCall.Spot(SpotApi.GetRoll, GroupId, "until finished", polled: true));
        return calls;
    }
}
