namespace Spot.Deploy.Strategies;

/// <summary>What a <see cref="JournalEntry"/> records.</summary>
public enum JournalEntryKind
{
    /// <summary>A mutation about to be made; written before the call that makes it.</summary>
    Intent = 0,

    /// <summary>The result of a mutation announced by an earlier <see cref="Intent"/> with the same step id.</summary>
    Result = 1,

    /// <summary>Information that is neither an intent nor a result (a decision, a phase boundary, a warning).</summary>
    Note = 2,
}

/// <summary>How a journaled mutation ended.</summary>
public enum JournalOutcome
{
    /// <summary>The mutation was made.</summary>
    Succeeded = 0,

    /// <summary>The mutation was refused or failed and is known not to have taken effect.</summary>
    Failed = 1,

    /// <summary>It is not known whether the mutation took effect (a timeout, a lost connection); a resume must re-check it.</summary>
    Unknown = 2,
}

/// <summary>The state of a deployment in the journal.</summary>
public enum DeploymentStatus
{
    /// <summary>In progress, or interrupted (a crashed process leaves this status behind).</summary>
    Running = 0,

    /// <summary>Finished: the new revision serves.</summary>
    Succeeded = 1,

    /// <summary>Finished: the previous revision was restored.</summary>
    RolledBack = 2,

    /// <summary>Finished: the deployment failed and was not rolled back.</summary>
    Failed = 3,

    /// <summary>Stopped in a state a person must look at before it is resumed or rolled back.</summary>
    NeedsAttention = 4,

    /// <summary>
    /// Finished: a person checked the app and declared this unfinished deployment over without resuming or rolling it
    /// back (<see cref="DeploymentRecovery.AbandonAsync"/>); nothing was changed in Spot or AWS by abandoning it. The
    /// journal's <c>abandoned</c> note says who and why.
    /// </summary>
    Abandoned = 5,
}
