using System.Globalization;
using System.Text.Json.Nodes;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>Sets a group's capacity and, when asked, waits until it is steady at the new target. Setting absolute numbers is safe to repeat.</summary>
internal sealed record ScaleGroupOperation : GroupOperation
{
    /// <summary>The capacity before, when the plan knows it.</summary>
    public Capacity? From { get; init; }

    public required Capacity To { get; init; }

    /// <summary>Wait for steady state (the target's instances healthy, or none left).</summary>
    public bool Wait { get; init; }

    /// <summary>Target groups to check when <see cref="SteadyStateOptions.RequireTargetGroupHealth"/> is on.</summary>
    public IReadOnlyList<string>? TargetGroupArns { get; init; }

    public override string Kind => "Scale";

    protected override async Task<JsonObject?> PerformOnAsync(OperationContext context, string groupId, bool retry, CancellationToken cancellationToken)
    {
        await context.Spot.UpdateCapacityAsync(groupId, To.Minimum, To.Target, To.Maximum, cancellationToken).ConfigureAwait(false);
        context.Report(new CapacityChangedEvent(context.Time.GetUtcNow(), groupId, GroupName ?? groupId, To));
        if (!Wait)
        {
            return new JsonObject { ["groupId"] = groupId };
        }

        var steady = context.Options.SteadyState;
        var targetGroups = TargetGroupArns;
        if (steady.RequireTargetGroupHealth && (targetGroups is null || targetGroups.Count == 0 || context.Services.Aws is null))
        {
            steady = steady.WithoutTargetGroupHealth();
            targetGroups = null;
        }

        var weights = IsWeighted && To.Target > 0
            ? await ReadWeightsAsync(context, groupId, cancellationToken).ConfigureAwait(false)
            : InstanceWeights.Instances;
        var result = await context.Waiter.WaitForCapacityAsync(groupId, To.Target, weights, targetGroups, steady, Named(context.Progress, GroupName), cancellationToken).ConfigureAwait(false);
        return new JsonObject { ["groupId"] = groupId, ["polls"] = result.Polls, ["waitedSeconds"] = result.Elapsed.TotalSeconds };
    }

    /// <summary>The progress with the group's name put on each poll's event (the waiter knows the id only).</summary>
    private static IProgress<DeploymentEvent>? Named(IProgress<DeploymentEvent>? progress, string? name) =>
        progress is null || name is null ? progress : new NamingProgress(progress, name);

    private bool IsWeighted => string.Equals(To.Unit, InstanceWeights.WeightUnit, StringComparison.Ordinal);

    /// <summary>
    /// The weights the wait sums, read from the group as it is now (so a resume, a previous group and a renamed group all
    /// count with what Spot counts with). A weight missing for one of its types is an error: guessing 1 could call a
    /// group steady that is short of capacity.
    /// </summary>
    private static async Task<InstanceWeights> ReadWeightsAsync(OperationContext context, string groupId, CancellationToken cancellationToken)
    {
        var document = await context.Spot.GetGroupDocumentAsync(groupId, cancellationToken).ConfigureAwait(false);
        try
        {
            return InstanceWeights.Create(document.CapacityUnit ?? InstanceWeights.WeightUnit, document.InstanceTypes, document.InstanceTypeWeights);
        }
        catch (Exception e) when (e is DeploymentValidationException or ElastigroupDocumentException)
        {
            throw new InvalidOperationException($"Group '{groupId}' counts its capacity in weight units, but its weights cannot be used: {e.Message}", e);
        }
    }

    public override IReadOnlyList<ApiCall> ApiCalls(DryRunContext names)
    {
        var id = DryRunId(names);
        var calls = new List<ApiCall>
        {
            ApiCall.Spot(SpotApi.UpdateCapacity, id, string.Create(CultureInfo.InvariantCulture, $"capacity minimum {To.Minimum}, target {To.Target}, maximum {To.Maximum}"))
                .With(("minimum", To.Minimum), ("target", To.Target), ("maximum", To.Maximum)),
        };
        if (!Wait)
        {
            return calls;
        }

        if (To.Target == 0)
        {
            calls.Add(ApiCall.Spot(SpotApi.GetGroupStatus, id, "until the group has no instances", polled: true));
            return calls;
        }

        if (IsWeighted)
        {
            calls.Add(ApiCall.Spot(SpotApi.GetGroupDocument, id, "the weight of each instance type (compute.instanceTypes.weights)"));
            calls.Add(ApiCall.Spot(SpotApi.GetInstanceHealthiness, id, string.Create(CultureInfo.InvariantCulture, $"until the HEALTHY instances weigh {To.Target} weight units"), polled: true));
            calls.Add(ApiCall.Spot(SpotApi.GetGroupStatus, id, string.Create(CultureInfo.InvariantCulture, $"each instance's type, until the group holds no instance beyond {To.Target} weight units"), polled: true));
        }
        else
        {
            calls.Add(ApiCall.Spot(SpotApi.GetInstanceHealthiness, id, string.Create(CultureInfo.InvariantCulture, $"until {To.Target} instance(s) are HEALTHY"), polled: true));
            calls.Add(ApiCall.Spot(SpotApi.GetGroupStatus, id, string.Create(CultureInfo.InvariantCulture, $"until the group has exactly {To.Target} instance(s)"), polled: true));
        }

        if (names.ChecksTargetGroups && TargetGroupArns is { Count: > 0 } tgs)
        {
            calls.AddRange(tgs.Select(tg => ApiCall.Elb(ElbActions.DescribeTargetHealth, tg, "until every healthy instance is healthy there too")));
        }

        return calls;
    }
}

/// <summary>Forwards events at once (no synchronization context), naming the group on <see cref="InstancesProgressEvent"/>s.</summary>
internal sealed class NamingProgress(IProgress<DeploymentEvent> inner, string name) : IProgress<DeploymentEvent>
{
    public void Report(DeploymentEvent value) =>
        inner.Report(value is InstancesProgressEvent poll && poll.GroupName is null ? poll with { GroupName = name } : value);
}
