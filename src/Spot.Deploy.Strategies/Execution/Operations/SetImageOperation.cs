using System.Text.Json.Nodes;
using Spot.Deploy.Elastigroup;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>Spot roll: sets the image(s) of the group's launch specification, as the group holds them (<c>imageId</c> or <c>images</c>). Safe to repeat.</summary>
internal sealed record SetImageOperation : Operation
{
    public required string GroupId { get; init; }

    public required string GroupName { get; init; }

    /// <summary>The image ids to set, in order (one unless the group uses an <c>images</c> list).</summary>
    public required IReadOnlyList<string> ImageIds { get; init; }

    /// <summary>The group's launch specification holds an <c>images</c> list rather than one <c>imageId</c>.</summary>
    public bool UsesImagesList { get; init; }

    /// <summary>This is the rollback's change back (not the change a rollback must undo).</summary>
    public bool IsRollback { get; init; }

    public override string Kind => "UpdateImage";

    public override string? IntentGroupId(RunState state) => GroupId;

    public override void RecordAttempt(RollbackFacts facts)
    {
        if (!IsRollback)
        {
            facts.ImageChangeStarted = true;
        }
    }

    private LaunchImage Image => UsesImagesList ? LaunchImage.FromImages(ImageIds) : LaunchImage.FromImageId(ImageIds[0]);

    public override async Task<JsonObject?> PerformAsync(OperationContext context, bool retry, CancellationToken cancellationToken)
    {
        await context.Spot.SetImageAsync(GroupId, Image, cancellationToken).ConfigureAwait(false);
        return new JsonObject { ["groupId"] = GroupId, ["imageId"] = ImageIds[0] };
    }

    public override IReadOnlyList<ApiCall> ApiCalls(DryRunContext names) =>
        [ApiCall.Spot(SpotApi.SetImage, GroupId, (UsesImagesList ? "compute.launchSpecification.images " : "compute.launchSpecification.imageId ") + string.Join(", ", ImageIds))
            .With(UsesImagesList ? ("images", ImageIds) : ("imageId", ImageIds[0]))];
}
