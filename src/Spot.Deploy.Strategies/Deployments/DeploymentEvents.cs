using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies;

/// <summary>A deployment started (its journal record exists and the app is locked).</summary>
/// <param name="Time">When it happened, on the deployment's clock.</param>
/// <param name="DeploymentId">The deployment (journal id).</param>
/// <param name="AppName">The app.</param>
/// <param name="Strategy">The strategy.</param>
/// <param name="Stages">How many stages the deployment has.</param>
/// <param name="ImageId">The AMI deployed.</param>
public sealed record DeploymentStartedEvent(DateTimeOffset Time, string DeploymentId, string AppName, DeploymentStrategy Strategy, int Stages, string ImageId) : DeploymentEvent(Time);

/// <summary>
/// A deployment is resumed from its journal by this run (<see cref="DeploymentRecovery"/>), going forward: reported once,
/// before anything else of the run, with where it goes on. A resume that finishes a rollback reports
/// <see cref="RollbackStartedEvent"/> instead.
/// </summary>
/// <param name="Time">When the resume started, on the deployment's clock.</param>
/// <param name="DeploymentId">The deployment (journal id).</param>
/// <param name="AppName">The app.</param>
/// <param name="Strategy">The strategy.</param>
/// <param name="StageIndex">The stage it goes on with (0 is the setup); <paramref name="StageCount"/> when every stage's steps are done.</param>
/// <param name="StageCount">How many stages the deployment has.</param>
/// <param name="StageName">The name of that stage, or null when every stage's steps are done.</param>
/// <param name="CompletedSteps">How many of its steps had completed before this run.</param>
public sealed record DeploymentResumedEvent(DateTimeOffset Time, string DeploymentId, string AppName, DeploymentStrategy Strategy, int StageIndex, int StageCount, string? StageName, int CompletedSteps)
    : DeploymentEvent(Time);

/// <summary>A stage (setup, a phase, a traffic step, the swap, the roll) started.</summary>
/// <param name="Time">When it happened, on the deployment's clock.</param>
/// <param name="Index">The stage index (0 is the setup).</param>
/// <param name="Count">How many stages there are.</param>
/// <param name="Name">The stage name, such as <c>phase 2 of 3 (50 %)</c>.</param>
public sealed record StageStartedEvent(DateTimeOffset Time, int Index, int Count, string Name) : DeploymentEvent(Time);

/// <summary>A stage finished.</summary>
/// <param name="Time">When it happened, on the deployment's clock.</param>
/// <param name="Index">The stage index (0 is the setup).</param>
/// <param name="Count">How many stages there are.</param>
/// <param name="Name">The name (stage or group).</param>
/// <param name="Elapsed">How long it took.</param>
public sealed record StageCompletedEvent(DateTimeOffset Time, int Index, int Count, string Name, TimeSpan Elapsed) : DeploymentEvent(Time);

/// <summary>A step is about to change something (journaled first).</summary>
/// <param name="Time">When it happened, on the deployment's clock.</param>
/// <param name="StepId">The step id used in the journal.</param>
/// <param name="Description">What the step does, with every number.</param>
public sealed record StepStartedEvent(DateTimeOffset Time, string StepId, string Description) : DeploymentEvent(Time);

/// <summary>A step finished (its result is journaled).</summary>
/// <param name="Time">When it happened, on the deployment's clock.</param>
/// <param name="StepId">The step id used in the journal.</param>
/// <param name="Description">What the step does, with every number.</param>
public sealed record StepCompletedEvent(DateTimeOffset Time, string StepId, string Description) : DeploymentEvent(Time);

/// <summary>A group was created.</summary>
/// <param name="Time">When it happened, on the deployment's clock.</param>
/// <param name="GroupId">The Elastigroup.</param>
/// <param name="Name">The name (stage or group).</param>
public sealed record GroupCreatedEvent(DateTimeOffset Time, string GroupId, string Name) : DeploymentEvent(Time);

/// <summary>A group's capacity was set.</summary>
/// <param name="Time">When it happened, on the deployment's clock.</param>
/// <param name="GroupId">The Elastigroup.</param>
/// <param name="Name">The name (stage or group).</param>
/// <param name="Capacity">The capacity set.</param>
public sealed record CapacityChangedEvent(DateTimeOffset Time, string GroupId, string Name, Capacity Capacity) : DeploymentEvent(Time);

/// <summary>A group was renamed.</summary>
/// <param name="Time">When it happened, on the deployment's clock.</param>
/// <param name="GroupId">The Elastigroup.</param>
/// <param name="NewName">The name after the rename.</param>
public sealed record GroupRenamedEvent(DateTimeOffset Time, string GroupId, string NewName) : DeploymentEvent(Time)
{
    /// <summary>The name before the rename, as the deployment's step knew it, or null when not known.</summary>
    public string? OldName { get; init; }
}

/// <summary>A group was deleted.</summary>
/// <param name="Time">When it happened, on the deployment's clock.</param>
/// <param name="GroupId">The Elastigroup.</param>
/// <param name="Name">The name (stage or group).</param>
public sealed record GroupDeletedEvent(DateTimeOffset Time, string GroupId, string Name) : DeploymentEvent(Time);

/// <summary>Production traffic weights changed (Blue/Green); 100 % after the swap, 0 % after a restore.</summary>
/// <param name="Time">When it happened, on the deployment's clock.</param>
/// <param name="PercentToNew">Percent of production traffic sent to the new group.</param>
/// <param name="NewWeight">The new target group's forward weight.</param>
/// <param name="OldWeight">The old target group's forward weight.</param>
/// <param name="Routes">How many production routes were changed.</param>
public sealed record TrafficWeightsEvent(DateTimeOffset Time, int PercentToNew, int NewWeight, int OldWeight, int Routes) : DeploymentEvent(Time);

/// <summary>A gate was asked and answered.</summary>
/// <param name="Time">When it happened, on the deployment's clock.</param>
/// <param name="StageName">The stage the gate guards.</param>
/// <param name="Attempt">1 for the first question, one more per wait.</param>
/// <param name="Verdict">The gate's verdict.</param>
/// <param name="Reason">The reason given, if any.</param>
public sealed record GateEvent(DateTimeOffset Time, string StageName, int Attempt, GateVerdict Verdict, string? Reason) : DeploymentEvent(Time);

/// <summary>A Spot roll's progress.</summary>
/// <param name="Time">When it happened, on the deployment's clock.</param>
/// <param name="GroupId">The Elastigroup.</param>
/// <param name="RollId">Spot's roll id.</param>
/// <param name="Status">Spot's roll status, such as <c>in_progress</c>.</param>
/// <param name="Percent">Percent of the roll done.</param>
public sealed record RollProgressEvent(DateTimeOffset Time, string GroupId, string RollId, string Status, double Percent) : DeploymentEvent(Time)
{
    /// <summary>The group's name, or null when not known.</summary>
    public string? GroupName { get; init; }
}

/// <summary>A rollback started.</summary>
/// <param name="Time">When it happened, on the deployment's clock.</param>
/// <param name="DeploymentId">The deployment (journal id).</param>
/// <param name="Reason">Why the rollback runs.</param>
/// <param name="Steps">How many rollback steps there are.</param>
public sealed record RollbackStartedEvent(DateTimeOffset Time, string DeploymentId, string Reason, int Steps) : DeploymentEvent(Time)
{
    /// <summary>
    /// What the rollback leaves alone because the deployment never attempted to change it, as the planner names it
    /// (<see cref="Spot.Deploy.Planning.RollbackPlan.AlreadyAsItShouldBe"/>: e.g. <c>production name (web)</c>); empty when none.
    /// </summary>
    public IReadOnlyList<string> AlreadyAsItShouldBe { get; init; } = [];
}

/// <summary>A warning that did not stop the deployment (such as a clean-up step that needed another attempt).</summary>
/// <param name="Time">When it happened, on the deployment's clock.</param>
/// <param name="Message">The warning.</param>
public sealed record DeploymentWarningEvent(DateTimeOffset Time, string Message) : DeploymentEvent(Time);

/// <summary>The deployment reached a status (succeeded, rolled back, needs attention).</summary>
/// <param name="Time">When it happened, on the deployment's clock.</param>
/// <param name="DeploymentId">The deployment (journal id).</param>
/// <param name="Status">Where the deployment ended.</param>
/// <param name="Elapsed">Time since the deployment started.</param>
public sealed record DeploymentFinishedEvent(DateTimeOffset Time, string DeploymentId, DeploymentStatus Status, TimeSpan Elapsed) : DeploymentEvent(Time);
