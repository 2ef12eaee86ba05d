using System.Text.Json.Nodes;
using Spot.Deploy.Elastigroup;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>Deletes a group; a group that is gone already counts as deleted.</summary>
internal sealed record DeleteGroupOperation : GroupOperation
{
    public override string Kind => "Delete";

    protected override bool NotFoundIsDone => true;

    protected override async Task<JsonObject?> PerformOnAsync(OperationContext context, string groupId, bool retry, CancellationToken cancellationToken)
    {
        await context.Spot.DeleteGroupAsync(groupId, null, cancellationToken).ConfigureAwait(false);
        context.Report(new GroupDeletedEvent(context.Time.GetUtcNow(), groupId, GroupName ?? groupId));
        return new JsonObject { ["groupId"] = groupId };
    }

    public override IReadOnlyList<ApiCall> ApiCalls(DryRunContext names) => [ApiCall.Spot(SpotApi.DeleteGroup, DryRunId(names))];
}
