using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies;

/// <summary>A deployment started (its journal record exists and the app is locked).</summary>
public sealed record DeploymentStartedEvent(DateTimeOffset Time, string DeploymentId, string AppName, DeploymentStrategy Strategy, int Stages, string ImageId) : DeploymentEvent(Time);

/// <summary>A stage (setup, a phase, a traffic step, the swap, the roll) started.</summary>
public sealed record StageStartedEvent(DateTimeOffset Time, int Index, int Count, string Name) : DeploymentEvent(Time);

/// <summary>A stage finished.</summary>
public sealed record StageCompletedEvent(DateTimeOffset Time, int Index, int Count, string Name, TimeSpan Elapsed) : DeploymentEvent(Time);

/// <summary>A step is about to change something (journaled first).</summary>
public sealed record StepStartedEvent(DateTimeOffset Time, string StepId, string Description) : DeploymentEvent(Time);

/// <summary>A step finished (its result is journaled).</summary>
public sealed record StepCompletedEvent(DateTimeOffset Time, string StepId, string Description) : DeploymentEvent(Time);

/// <summary>A group was created.</summary>
public sealed record GroupCreatedEvent(DateTimeOffset Time, string GroupId, string Name) : DeploymentEvent(Time);

/// <summary>A group's capacity was set.</summary>
public sealed record CapacityChangedEvent(DateTimeOffset Time, string GroupId, string Name, Capacity Capacity) : DeploymentEvent(Time);

/// <summary>A group was renamed.</summary>
public sealed record GroupRenamedEvent(DateTimeOffset Time, string GroupId, string NewName) : DeploymentEvent(Time);

/// <summary>A group was deleted.</summary>
public sealed record GroupDeletedEvent(DateTimeOffset Time, string GroupId, string Name) : DeploymentEvent(Time);

/// <summary>Production traffic weights changed (Blue/Green); 100 % after the swap, 0 % after a restore.</summary>
public sealed record TrafficWeightsEvent(DateTimeOffset Time, int PercentToNew, int NewWeight, int OldWeight, int Routes) : DeploymentEvent(Time);

/// <summary>A gate was asked and answered.</summary>
public sealed record GateEvent(DateTimeOffset Time, string StageName, int Attempt, GateVerdict Verdict, string? Reason) : DeploymentEvent(Time);

/// <summary>A Spot roll's progress.</summary>
public sealed record RollProgressEvent(DateTimeOffset Time, string GroupId, string RollId, string Status, double Percent) : DeploymentEvent(Time);

/// <summary>A rollback started.</summary>
public sealed record RollbackStartedEvent(DateTimeOffset Time, string DeploymentId, string Reason, int Steps) : DeploymentEvent(Time);

/// <summary>A warning that did not stop the deployment (such as a clean-up delete that failed).</summary>
public sealed record DeploymentWarningEvent(DateTimeOffset Time, string Message) : DeploymentEvent(Time);

/// <summary>The deployment reached a status (succeeded, rolled back, needs attention).</summary>
public sealed record DeploymentFinishedEvent(DateTimeOffset Time, string DeploymentId, DeploymentStatus Status, TimeSpan Elapsed) : DeploymentEvent(Time);
