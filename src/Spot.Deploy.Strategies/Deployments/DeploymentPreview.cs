using System.Globalization;
using System.Text;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies;

/// <summary>A dry run: every step a deployment would take and every API call it would make, with all numbers. Nothing was changed to make it.</summary>
public sealed class DeploymentPreview
{
    internal DeploymentPreview(DeploymentStrategy strategy, string appName, string imageId, string? newGroupName, Capacity? plannedCapacity,
        CapacitySource? capacitySource, IReadOnlyList<string> stages, IReadOnlyList<PreviewStep> steps, IReadOnlyList<PlanStep> planSteps,
        IReadOnlyList<string> keptOutOfJournal)
    {
        Strategy = strategy;
        AppName = appName;
        ImageId = imageId;
        NewGroupName = newGroupName;
        PlannedCapacity = plannedCapacity;
        CapacitySource = capacitySource;
        Stages = stages;
        Steps = steps;
        PlanSteps = planSteps;
        KeptOutOfJournal = keptOutOfJournal;
    }

    /// <summary>The strategy.</summary>
    public DeploymentStrategy Strategy { get; }

    /// <summary>The app.</summary>
    public string AppName { get; }

    /// <summary>The AMI the deployment would launch (resolved from the query).</summary>
    public string ImageId { get; }

    /// <summary>The group it would create (<c>A__N</c>, <c>A__STAGE</c>), or null for a Spot roll.</summary>
    public string? NewGroupName { get; }

    /// <summary>The new group's planned capacity, or null for a Spot roll.</summary>
    public Capacity? PlannedCapacity { get; }

    /// <summary>Where the planned capacity comes from.</summary>
    public CapacitySource? CapacitySource { get; }

    /// <summary>The stages (setup, phases, traffic steps, swap, roll), in order.</summary>
    public IReadOnlyList<string> Stages { get; }

    /// <summary>Every step in order, with the API calls it makes.</summary>
    public IReadOnlyList<PreviewStep> Steps { get; }

    /// <summary>The planner's steps (Spot.Deploy.Planning), for callers that draw them.</summary>
    public IReadOnlyList<PlanStep> PlanSteps { get; }

    /// <summary>
    /// The JSON paths of the create body (the group object, such as <c>$.thirdPartiesIntegration.rancher.accessKey</c>)
    /// whose values the journal will not hold: each is journaled as <c>redacted:sha256:&lt;hex&gt;</c>, the SHA-256 of the
    /// value. Paths only, never values; empty when nothing is kept out, or nothing is created (a Spot roll). A resume in
    /// a new process that still has to create the group needs the document again when this is not empty.
    /// </summary>
    public IReadOnlyList<string> KeptOutOfJournal { get; }

    /// <summary>
    /// What the plan does that its author may not expect, such as consecutive canary phases that give the new group the
    /// same target (25 % and 50 % of 2 instances are both 1): each says the target every phase gives. Empty when none.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The preview as text: one line per stage and step, calls indented, then the create body's paths kept out of the journal.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Strategy} deployment of {AppName}, image {ImageId}");
        if (NewGroupName is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $", new group {NewGroupName}");
        }

        if (PlannedCapacity is { } capacity)
        {
            text.Append(CultureInfo.InvariantCulture, $", planned capacity {capacity} ({CapacitySource})");
        }

        text.AppendLine();
        for (var stage = 0; stage < Stages.Count; stage++)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{stage + 1}. {Stages[stage]}");
            foreach (var step in Steps.Where(s => s.Stage == stage))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"   {step.StepId}: {step.Description}");
                foreach (var call in step.ApiCalls)
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"       {call}");
                }
            }
        }

        if (KeptOutOfJournal.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Kept out of the journal ({KeptOutOfJournal.Count}; journaled as their SHA-256 digests):");
            foreach (var path in KeptOutOfJournal)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"   {path}");
            }
        }

        foreach (var warning in Warnings)
        {
            text.AppendLine("Warning: " + warning);
        }

        return text.ToString();
    }
}

/// <summary>One step of a dry run.</summary>
/// <param name="StepId">The id the journal uses for it.</param>
/// <param name="Stage">The stage index.</param>
/// <param name="Description">What it does, with every number.</param>
/// <param name="ApiCalls">The calls it makes (method and route, or AWS action), polling described once.</param>
/// <param name="IsCleanup">A clean-up step: a failure is a warning, not a failed deployment.</param>
public sealed record PreviewStep(string StepId, int Stage, string Description, IReadOnlyList<string> ApiCalls, bool IsCleanup)
{
    /// <summary>The same calls as <see cref="ApiCalls"/>, as data (service, method and route or action, target, values sent).</summary>
    public IReadOnlyList<PreviewApiCall> Calls { get; init; } = [];
}

/// <summary>One API call of a dry run, as data; <see cref="Text"/> is its line in <see cref="PreviewStep.ApiCalls"/>.</summary>
/// <param name="Service"><c>Spot</c>, <c>ELBv2</c> or <c>EC2</c>.</param>
/// <param name="Method">The HTTP method of a Spot call; null for an AWS action.</param>
/// <param name="Route">The path of a Spot call, ids filled in (a group still to be created is a placeholder such as <c>{id of web__8}</c>); null for an AWS action.</param>
/// <param name="Action">The AWS action (such as <c>ModifyListener</c>); null for a Spot call.</param>
/// <param name="Target">What it acts on: a group id or placeholder, or a listener, rule or target group ARN; null for a call on the collection (create).</param>
/// <param name="Details">What it sends or waits for, in words; empty when nothing worth saying.</param>
/// <param name="Polled">Sent repeatedly until a condition holds.</param>
/// <param name="Parameters">The values it sends, by name (such as <c>minimum</c>, <c>target</c>, <c>maximum</c>, <c>imageId</c>); empty when none worth naming.</param>
/// <param name="Text">The call as one line, as people read it.</param>
public sealed record PreviewApiCall(string Service, string? Method, string? Route, string? Action, string? Target, string Details, bool Polled,
    IReadOnlyDictionary<string, object> Parameters, string Text)
{
    /// <inheritdoc cref="Text"/>
    public override string ToString() => Text;
}
