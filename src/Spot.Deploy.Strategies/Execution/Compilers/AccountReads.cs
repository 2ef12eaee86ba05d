using System.Globalization;
using System.Text.Json.Nodes;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>
/// The read-only calls and checks every compiler shares: the AMI, the app's groups, the routes, the create body. Every
/// bad input is a <see cref="DeploymentValidationException"/> naming the field, thrown before anything changes.
/// </summary>
internal static class AccountReads
{
    public static async Task<AmiImage> ResolveImageAsync(DeploymentServices services, AmiQuery? query, CancellationToken cancellationToken)
    {
        if (query is null)
        {
            throw new DeploymentValidationException("Image", "An AMI is required: an id or a query.");
        }

        if (services.Aws is null)
        {
            if (string.IsNullOrWhiteSpace(query.ImageId))
            {
                throw new DeploymentValidationException("Image", "An AMI query is resolved through EC2: the deployment services need an AwsConnection, or give the AMI id.");
            }

            if (!query.ImageId.StartsWith("ami-", StringComparison.Ordinal))
            {
                throw new DeploymentValidationException("Image.ImageId", $"'{query.ImageId}' is not an AMI id (ami-…).");
            }

            return new AmiImage(query.ImageId, null, null, null, false, null, new Dictionary<string, string>(StringComparer.Ordinal), null, null);
        }

        try
        {
            return await services.Aws.Images.ResolveAsync(query, cancellationToken).ConfigureAwait(false);
        }
        catch (AmiNotFoundException e)
        {
            throw new DeploymentValidationException("Image", e.Message, e);
        }
        catch (ArgumentException e)
        {
            throw new DeploymentValidationException("Image", e.Message, e);
        }
    }

    public static async Task<List<ExistingGroup>> ListGroupsAsync(DeploymentServices services, CancellationToken cancellationToken)
    {
        var listed = await services.Spot.ListGroupsAsync(null, cancellationToken).ConfigureAwait(false);
        var groups = new List<ExistingGroup>(listed.Count);
        foreach (var group in listed)
        {
            if (group.Id is null || group.Name is null)
            {
                continue;
            }

            Capacity? capacity = group.Capacity is { Minimum: { } min, Target: { } target, Maximum: { } max }
                ? Capacity.Widen(min, target, max, group.Capacity.Unit ?? Capacity.InstanceUnit)
                : null;
            groups.Add(new ExistingGroup(group.Id, group.Name, capacity));
        }

        return groups;
    }

    public static async Task<(string Arn, RouteForward Forward)> ReadRouteAsync(TrafficRouter traffic, ListenerRoute route, string field, CancellationToken cancellationToken)
    {
        RouteForward forward;
        try
        {
            forward = await traffic.ResolveForwardAsync(new RouteRef(route.ListenerArn, route.RuleArn), cancellationToken).ConfigureAwait(false);
        }
        catch (AwsApiException e) when (!e.IsTransient && !e.IsThrottling)
        {
            throw new DeploymentValidationException(field, $"The route {route.ListenerArn}{(route.RuleArn is null ? string.Empty : " rule " + route.RuleArn)} cannot be read: {e.Message}", e);
        }
        catch (TrafficRouterConflictException e)
        {
            throw new DeploymentValidationException(field, e.Message, e);
        }

        if (forward.TargetGroups.Count != 1 || forward.PrimaryTargetGroupArn is null)
        {
            throw new DeploymentValidationException(field,
                string.Create(CultureInfo.InvariantCulture,
                    $"The route forwards to {forward.TargetGroups.Count} target groups ({string.Join(", ", forward.TargetGroups.Select(t => t.TargetGroupArn))}); Blue/Green starts from a route forwarding to one. Finish or roll back the deployment that left it weighted."));
        }

        return (forward.PrimaryTargetGroupArn, forward);
    }

    /// <summary>The facts a create carries: its body, exact and as journaled (see <see cref="CreateBody"/>).</summary>
    public static StepFacts CreateFacts(ElastigroupDocument document, string name, AmiImage image, string? userData,
        IReadOnlyList<string>? stageTargetGroups, IReadOnlyList<string>? newGroupTargetGroups) =>
        new(image.Id, CreateBody.Build(document, name, image.Id, userData, stageTargetGroups), NewGroupTargetGroups: newGroupTargetGroups);

    /// <summary>The document's capacity unit and instance weights, checked before any read (a weight missing is refused here).</summary>
    public static InstanceWeights WeightsOf(ElastigroupDocument document)
    {
        try
        {
            return InstanceWeights.Create(document.CapacityUnit, document.InstanceTypes, document.InstanceTypeWeights);
        }
        catch (ElastigroupDocumentException e)
        {
            throw new DeploymentValidationException("Document", e.Message, e);
        }
    }

    public static List<string>? TargetGroupsOf(ElastigroupDocument document)
    {
        try
        {
            var arns = document.LoadBalancers?
                .Where(lb => string.Equals(lb.Type, "TARGET_GROUP", StringComparison.OrdinalIgnoreCase) && lb.Arn is not null)
                .Select(lb => lb.Arn!).ToList();
            return arns is { Count: > 0 } ? arns : null;
        }
        catch (ElastigroupDocumentException e)
        {
            throw new DeploymentValidationException("Document", e.Message, e);
        }
    }

    public static JsonObject RequestSummary(DeploymentStrategy strategy, DeploymentRequest request, AmiImage image, JsonObject extra)
    {
        var json = new JsonObject
        {
            ["strategy"] = strategy.ToString(),
            ["appName"] = request.AppName,
            ["imageId"] = image.Id,
            ["imageName"] = image.Name,
            ["capacity"] = request.Capacity?.ToString(),
            ["userData"] = request.UserData is null ? null : "(set)",
        };
        foreach (var (key, value) in extra)
        {
            json[key] = value?.DeepClone();
        }

        return json;
    }

    /// <summary>Operations of planned stages, one per step, with ids <c>s1</c>, <c>s2</c> … in order.</summary>
    public static (List<StageInfo> Stages, List<Operation> Operations) Operations(IReadOnlyList<PlanStage> planned, StepFacts facts)
    {
        var stages = new List<StageInfo>(planned.Count);
        var operations = new List<Operation>();
        foreach (var stage in planned)
        {
            stages.Add(new StageInfo(stage.Name, stage.GateBefore));
            foreach (var step in stage.Steps)
            {
                operations.Add(StepOperations.For(step, string.Create(CultureInfo.InvariantCulture, $"s{operations.Count + 1}"), stages.Count - 1, facts));
            }
        }

        return (stages, operations);
    }
}
