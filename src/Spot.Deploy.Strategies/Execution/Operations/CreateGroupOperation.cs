using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>
/// Creates the deployment's new group from the user's document. Before a re-run the group is looked up by its planned
/// name: a create whose answer was lost is never sent twice. The journal holds the create body with its sensitive values
/// replaced by markers (<see cref="Body"/>, <see cref="KeptOut"/>) and the digest of the exact body; the exact body is
/// held in memory only (the compiling process has it; a resume in a new process rebuilds it, see <see cref="CreateBody.SupplyAsync"/>).
/// </summary>
internal sealed record CreateGroupOperation : Operation
{
    // The exact create body: a field, not a property, so it is neither journaled nor printed by the record's ToString.
    private JsonObject? _exactBody;

    public required string GroupName { get; init; }

    public required Capacity Capacity { get; init; }

    public required string ImageId { get; init; }

    /// <summary>The create body as journaled: every sensitive value replaced by a marker (null only in journals of earlier builds).</summary>
    public JsonObject? Body { get; init; }

    /// <summary>The JSON paths of <see cref="Body"/> whose values were kept out of the journal.</summary>
    public IReadOnlyList<string> KeptOut { get; init; } = [];

    /// <summary><c>sha256:&lt;hex&gt;</c> of the exact create body (null only in journals of earlier builds).</summary>
    public string? BodyDigest { get; init; }

    /// <summary>Blue/Green: the stage target groups that replaced the document's load balancers; null when the document's were kept.</summary>
    public IReadOnlyList<string>? StageTargetGroups { get; init; }

    /// <summary><c>sha256:&lt;hex&gt;</c> of the request's user data (plain text) when it replaced the document's; null otherwise.</summary>
    public string? UserDataDigest { get; init; }

    public override string Kind => "Create";

    /// <summary>True once the exact body is held in memory.</summary>
    [JsonIgnore]
    public bool HasExactBody => _exactBody is not null;

    /// <summary>The operation of a compiled deployment: the journaled form of <paramref name="body"/>, and the exact body in memory.</summary>
    public static CreateGroupOperation Of(string id, int stage, string description, string groupName, Capacity capacity, string imageId, CreateBody body)
    {
        var operation = new CreateGroupOperation
        {
            Id = id, Stage = stage, Description = description, GroupName = groupName, Capacity = capacity, ImageId = imageId,
            Body = body.Journaled, KeptOut = body.KeptOut, BodyDigest = body.Digest, StageTargetGroups = body.StageTargetGroups, UserDataDigest = body.UserDataDigest,
        };
        operation.UseExactBody(body.Exact);
        return operation;
    }

    /// <summary>Holds the exact body (checked against <see cref="BodyDigest"/> by the caller) for the create.</summary>
    public void UseExactBody(JsonObject exact) => _exactBody = exact;

    public override string? IntentGroupId(RunState state) => state.NewGroupId;

    public override void RecordAttempt(RollbackFacts facts) => facts.NewGroupMayExist = true;

    public override async Task<JsonObject?> PerformAsync(OperationContext context, bool retry, CancellationToken cancellationToken)
    {
        // A group the journal knows already (adopted by its planned name after a lost write) is never created again.
        var id = context.State.NewGroupId ?? (retry ? await context.FindGroupByNameAsync(GroupName, cancellationToken).ConfigureAwait(false) : null);
        if (id is null)
        {
            var body = _exactBody ?? throw DeploymentDocumentException.Missing(context.DeploymentId, GroupName, KeptOut, UserDataDigest is not null);
            var created = await context.Spot.CreateGroupAsync(ElastigroupDocument.FromGroup((JsonObject)body.DeepClone()), cancellationToken).ConfigureAwait(false);
            id = created.Id ?? throw new InvalidOperationException($"Spot created {GroupName} but returned no id.");
        }

        context.State.NewGroupId = id;
        context.Report(new GroupCreatedEvent(context.Time.GetUtcNow(), id, GroupName));
        return new JsonObject { ["groupId"] = id };
    }

    public override IReadOnlyList<ApiCall> ApiCalls(DryRunContext names) =>
        [ApiCall.SpotCollection(SpotApi.CreateGroup, $"name {GroupName}, capacity {Capacity}, imageId {ImageId}")
            .With(("name", GroupName), ("minimum", Capacity.Minimum), ("target", Capacity.Target), ("maximum", Capacity.Maximum), ("unit", Capacity.Unit), ("imageId", ImageId))];
}
