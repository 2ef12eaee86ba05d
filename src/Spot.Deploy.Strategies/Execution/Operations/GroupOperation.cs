using System.Text.Json.Nodes;
using Spot.Deploy.Elastigroup;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>
/// An operation on one existing group — by id, or the group this deployment creates (its id is known once created).
/// Resolves the id, and treats a group that is gone as done where that reaches the goal (<see cref="MissingIsDone"/>).
/// </summary>
internal abstract record GroupOperation : Operation
{
    /// <summary>The group acted on by id; null with <see cref="NewGroup"/>.</summary>
    public string? GroupId { get; init; }

    /// <summary>The group's name when the operation runs (messages, events).</summary>
    public string? GroupName { get; init; }

    /// <summary>The operation acts on the group this deployment creates.</summary>
    public bool NewGroup { get; init; }

    /// <summary>A group that does not exist (any more) counts as done: a rollback of a group that was never created, say.</summary>
    public bool MissingIsDone { get; init; }

    /// <summary>Blue/Green: part of setting an old stage group aside (scaled to 0, renamed); a rollback puts it back.</summary>
    public bool SetsAside { get; init; }

    /// <summary>Whether Spot's "no such group" answer reaches the goal (a delete: always).</summary>
    protected virtual bool NotFoundIsDone => MissingIsDone;

    public override string? IntentGroupId(RunState state) => NewGroup ? state.NewGroupId : GroupId;

    public override void RecordAttempt(RollbackFacts facts)
    {
        if (GroupId is not null)
        {
            facts.GroupsChangeStarted.Add(GroupId);
        }

        if (SetsAside && GroupId is not null)
        {
            facts.SetAsideStarted.Add(GroupId);
        }
    }

    public sealed override async Task<JsonObject?> PerformAsync(OperationContext context, bool retry, CancellationToken cancellationToken)
    {
        var id = NewGroup ? await context.NewGroupIdAsync(cancellationToken).ConfigureAwait(false) : GroupId;
        if (id is null)
        {
            return MissingIsDone
                ? new JsonObject { ["missing"] = true }
                : throw new InvalidOperationException($"The group {context.Compiled.NewGroupName} this deployment creates does not exist.");
        }

        try
        {
            return await PerformOnAsync(context, id, retry, cancellationToken).ConfigureAwait(false);
        }
        catch (SpotNotFoundException) when (NotFoundIsDone)
        {
            // Gone already (the attempt before a crash, or someone else): the goal is reached.
            return new JsonObject { ["groupId"] = id, ["missing"] = true };
        }
    }

    /// <summary>Performs the operation on the group with id <paramref name="groupId"/>.</summary>
    protected abstract Task<JsonObject?> PerformOnAsync(OperationContext context, string groupId, bool retry, CancellationToken cancellationToken);

    /// <summary>The group's id in a dry run: the id, or a placeholder for the group the deployment creates.</summary>
    protected string DryRunId(DryRunContext names) => NewGroup ? names.NewGroupPlaceholder : GroupId ?? "{id}";
}

/// <summary>What a dry run knows beyond the operations: the names of what does not exist yet, and the options that decide calls.</summary>
/// <param name="NewGroupName">The group the deployment creates, or null.</param>
/// <param name="ChecksTargetGroups">Steady-state waits also read target-group health (<see cref="SteadyStateOptions.RequireTargetGroupHealth"/>, with an AWS connection).</param>
internal sealed record DryRunContext(string? NewGroupName, bool ChecksTargetGroups)
{
    public string NewGroupPlaceholder => $"{{id of {NewGroupName}}}";
}
