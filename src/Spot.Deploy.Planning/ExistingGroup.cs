namespace Spot.Deploy.Planning;

/// <summary>A group as it exists in the account before a deployment: id, name and current capacity.</summary>
/// <param name="Id">Spot's group id (<c>sig-…</c>).</param>
/// <param name="Name">The group's name.</param>
/// <param name="Capacity">The group's capacity, or null when the group reports none (treated as empty).</param>
public sealed record ExistingGroup(string Id, string Name, Capacity? Capacity)
{
    /// <summary>The current target, 0 when the group reports no capacity.</summary>
    public int Target => Capacity?.Target ?? 0;

    /// <summary>True when the group runs something (target above 0).</summary>
    public bool IsRunning => Target > 0;
}

/// <summary>A group whose capacity is recorded so it can be restored exactly (journaled for rollback).</summary>
/// <param name="Id">Spot's group id.</param>
/// <param name="Name">The group's name at the time it was recorded.</param>
/// <param name="Capacity">The capacity to restore.</param>
public sealed record RecordedGroup(string Id, string Name, Capacity Capacity);

/// <summary>What a group is to the deployment that a step acts on.</summary>
public enum GroupRole
{
    /// <summary>The group this deployment creates.</summary>
    New,

    /// <summary>The newest running revision before the deployment: it shrinks as the new one grows.</summary>
    Previous,

    /// <summary>An older running revision that setup scales to 0.</summary>
    Older,

    /// <summary>An empty revision newer than every running one: a leftover of an aborted run.</summary>
    Leftover,

    /// <summary>An empty revision beyond the number kept (retention).</summary>
    Surplus,

    /// <summary>Blue/Green: the group serving production traffic before the deployment.</summary>
    Production,

    /// <summary>
    /// Blue/Green: a stage group found before the deployment. Stage setup empties it and sets it aside under
    /// its retired name (<see cref="BlueGreenNaming.RetiredName"/>); the clean-up deletes it.
    /// </summary>
    OldStage,

    /// <summary>Spot roll: the group whose image is replaced and whose instances Spot replaces in batches.</summary>
    Rolled,
}

/// <summary>A group a step acts on: its name, its id when it exists already, and its role.</summary>
/// <param name="Name">The group's name when the step runs.</param>
/// <param name="Id">Spot's group id, or null for the group this deployment creates (not known yet).</param>
/// <param name="Role">What the group is to the deployment.</param>
public sealed record GroupRef(string Name, string? Id, GroupRole Role)
{
    /// <summary>A reference to an existing group in a given role.</summary>
    public static GroupRef Create(ExistingGroup group, GroupRole role)
    {
        ArgumentNullException.ThrowIfNull(group);
        return new GroupRef(group.Name, group.Id, role);
    }

    /// <summary>For example <c>app__7 (sig-123, Previous)</c>.</summary>
    public override string ToString() => Id is null ? $"{Name} ({Role})" : $"{Name} ({Id}, {Role})";
}
