using System.Text.Json.Nodes;

namespace Spot.Deploy.Elastigroup;

/// <summary>The Elastigroup operations deployments use; <see cref="ElastigroupClient"/> implements it, tests substitute it.</summary>
public interface IElastigroupClient
{
    /// <summary>Lists the account's groups, optionally only those whose name starts with <paramref name="namePrefix"/>.</summary>
    Task<IReadOnlyList<ElastigroupGroup>> ListGroupsAsync(string? namePrefix = null, CancellationToken cancellationToken = default);

    /// <summary>Gets one group. <exception cref="SpotNotFoundException">It does not exist.</exception></summary>
    Task<ElastigroupGroup> GetGroupAsync(string groupId, CancellationToken cancellationToken = default);

    /// <summary>Gets one group as a lossless document. <exception cref="SpotNotFoundException">It does not exist.</exception></summary>
    Task<ElastigroupDocument> GetGroupDocumentAsync(string groupId, CancellationToken cancellationToken = default);

    /// <summary>Creates a group from a document (usually <see cref="ElastigroupDocument.ToCreateBody"/>'s result).</summary>
    Task<ElastigroupGroup> CreateGroupAsync(ElastigroupDocument document, CancellationToken cancellationToken = default);

    /// <summary>Updates a group with merge semantics: absent = unchanged, explicit null = cleared, value = set.</summary>
    Task<ElastigroupGroup> UpdateGroupAsync(string groupId, JsonObject groupPatch, bool autoApplyTags = false, CancellationToken cancellationToken = default);

    /// <summary>Renames a group: <c>PUT /aws/ec2/group/{groupId}</c> with <c>{"group":{"name": …}}</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space, or <paramref name="groupId"/> is unusable; nothing is sent.</exception>
    Task<ElastigroupGroup> RenameGroupAsync(string groupId, string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets the AMIs a group launches: <c>PUT /aws/ec2/group/{groupId}</c> with <see cref="LaunchImage.ToGroupPatch"/>
    /// (<c>imageId</c>, or every id of <c>images</c> in order).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="image"/> is null, or <paramref name="groupId"/> is unusable; nothing is sent.</exception>
    Task<ElastigroupGroup> SetImageAsync(string groupId, LaunchImage image, CancellationToken cancellationToken = default);

    /// <summary>Sets a group's minimum, target and maximum.</summary>
    Task UpdateCapacityAsync(string groupId, int minimum, int target, int maximum, CancellationToken cancellationToken = default);

    /// <summary>Deletes a group. <exception cref="SpotNotFoundException">It does not exist.</exception></summary>
    Task DeleteGroupAsync(string groupId, DeleteGroupOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>The group's instances.</summary>
    Task<IReadOnlyList<GroupInstance>> GetGroupStatusAsync(string groupId, CancellationToken cancellationToken = default);

    /// <summary>The health of the group's instances.</summary>
    Task<IReadOnlyList<InstanceHealth>> GetInstanceHealthinessAsync(string groupId, CancellationToken cancellationToken = default);

    /// <summary>Starts a Spot-managed blue/green roll and returns it (null when Spot names none).</summary>
    Task<RollStatus?> StartRollAsync(string groupId, RollRequest request, CancellationToken cancellationToken = default);

    /// <summary>Lists the group's rolls.</summary>
    Task<IReadOnlyList<RollStatus>> ListRollsAsync(string groupId, CancellationToken cancellationToken = default);

    /// <summary>Gets one roll. <exception cref="SpotNotFoundException">It does not exist.</exception></summary>
    Task<RollStatus> GetRollAsync(string groupId, string rollId, CancellationToken cancellationToken = default);

    /// <summary>Gets a roll's detailed status (batches, instances).</summary>
    Task<RollStatus> GetRollStatusAsync(string groupId, string rollId, CancellationToken cancellationToken = default);

    /// <summary>Stops a roll.</summary>
    Task StopRollAsync(string groupId, string rollId, CancellationToken cancellationToken = default);

    /// <summary>Acts on a running roll (detach old or new instances).</summary>
    Task<RollActionResult?> RollActionAsync(string groupId, string rollId, RollActionRequest request, CancellationToken cancellationToken = default);

    /// <summary>Detaches instances from a group.</summary>
    Task DetachInstancesAsync(string groupId, DetachInstancesRequest request, CancellationToken cancellationToken = default);

    /// <summary>Adds <paramref name="adjustment"/> instances.</summary>
    Task ScaleUpAsync(string groupId, int adjustment, CancellationToken cancellationToken = default);

    /// <summary>Removes <paramref name="adjustment"/> instances.</summary>
    Task ScaleDownAsync(string groupId, int adjustment, CancellationToken cancellationToken = default);

    /// <summary>Starts a CodeDeploy blue/green deployment.</summary>
    Task<CodeDeployBlueGreenDeployment?> StartCodeDeployBlueGreenAsync(string groupId, CodeDeployBlueGreenRequest request, CancellationToken cancellationToken = default);

    /// <summary>Gets the group's CodeDeploy blue/green deployments.</summary>
    Task<IReadOnlyList<CodeDeployBlueGreenDeployment>> GetCodeDeployBlueGreenAsync(string groupId, CancellationToken cancellationToken = default);
}
