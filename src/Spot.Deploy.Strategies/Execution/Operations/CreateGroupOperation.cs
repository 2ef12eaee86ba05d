using System.Text.Json.Nodes;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>
/// Creates the deployment's new group from the user's document. Before a re-run the group is looked up by its planned
/// name: a create whose answer was lost is never sent twice.
/// </summary>
internal sealed record CreateGroupOperation : Operation
{
    public required string GroupName { get; init; }

    public required Capacity Capacity { get; init; }

    public required string ImageId { get; init; }

    /// <summary>The create body (null when it held secret-like properties and was not journaled).</summary>
    public JsonObject? Body { get; init; }

    /// <summary>Why the body is not journaled (the secret-like property's path), or null.</summary>
    public string? BodyOmitted { get; init; }

    public override string Kind => "Create";

    public override string? IntentGroupId(RunState state) => state.NewGroupId;

    public override void RecordAttempt(RollbackFacts facts) => facts.NewGroupMayExist = true;

    public override async Task<JsonObject?> PerformAsync(OperationContext context, bool retry, CancellationToken cancellationToken)
    {
        var id = retry ? await context.FindGroupByNameAsync(GroupName, cancellationToken).ConfigureAwait(false) : null;
        if (id is null)
        {
            if (Body is null)
            {
                throw new DeploymentJournalException(
                    $"The create body of {GroupName} was not journaled because property '{BodyOmitted}' looks like a secret, and the group does not exist. Roll this deployment back (nothing of it is lost) and start a new one.",
                    context.DeploymentId, null);
            }

            var created = await context.Spot.CreateGroupAsync(ElastigroupDocument.FromGroup((JsonObject)Body.DeepClone()), cancellationToken).ConfigureAwait(false);
            id = created.Id ?? throw new InvalidOperationException($"Spot created {GroupName} but returned no id.");
        }

        context.State.NewGroupId = id;
        context.Report(new GroupCreatedEvent(context.Time.GetUtcNow(), id, GroupName));
        return new JsonObject { ["groupId"] = id };
    }

    public override IReadOnlyList<ApiCall> ApiCalls(DryRunContext names) =>
        [ApiCall.SpotCollection(SpotApi.CreateGroup, $"name {GroupName}, capacity {Capacity}, imageId {ImageId}")];
}
