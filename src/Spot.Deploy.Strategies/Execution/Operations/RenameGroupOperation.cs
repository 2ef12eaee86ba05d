using System.Text.Json.Nodes;
using Spot.Deploy.Elastigroup;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>Renames a group (Blue/Green promotion, setting an old stage group aside and back). Safe to repeat.</summary>
internal sealed record RenameGroupOperation : GroupOperation
{
    public required string NewName { get; init; }

    public override string Kind => "Rename";

    protected override async Task<JsonObject?> PerformOnAsync(OperationContext context, string groupId, bool retry, CancellationToken cancellationToken)
    {
        await context.Spot.RenameGroupAsync(groupId, NewName, cancellationToken).ConfigureAwait(false);
        context.Report(new GroupRenamedEvent(context.Time.GetUtcNow(), groupId, NewName) { OldName = GroupName });
        return new JsonObject { ["groupId"] = groupId };
    }

    public override IReadOnlyList<ApiCall> ApiCalls(DryRunContext names) => [ApiCall.Spot(SpotApi.RenameGroup, DryRunId(names), "name " + NewName).With(("name", NewName))];
}
