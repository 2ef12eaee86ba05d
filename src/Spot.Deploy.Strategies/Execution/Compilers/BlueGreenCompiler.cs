using System.Globalization;
using System.Text.Json.Nodes;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>Blue/Green: a stage group behind the stage routes, then a swap (or weighted shift) of production traffic.</summary>
internal static class BlueGreenCompiler
{
    public static async Task<CompiledDeployment> CompileAsync(DeploymentServices services, BlueGreenDeploymentRequest request, CancellationToken cancellationToken)
    {
        AppName.Validate(request.AppName);
        var document = request.Document ?? throw new DeploymentValidationException("Document", "An Elastigroup document is required.");
        var weights = AccountReads.WeightsOf(document);
        var loadBalancers = request.LoadBalancers?.ToList() ?? [];
        BlueGreenRequest Request(IEnumerable<ExistingGroup> groups) => new(request.AppName, groups, request.Capacity, loadBalancers)
        {
            Naming = request.Naming,
            DownsizeOldGroup = request.DownsizeOldGroup,
            TrafficShiftPercents = request.TrafficShiftPercents?.ToList(),
            Weights = weights,
        };

        // Every input the planner can check without the account is checked before the first read.
        BlueGreenPlanner.Validate(Request([]));
        var traffic = services.Aws?.Traffic ?? throw new DeploymentValidationException("LoadBalancers",
            "Blue/Green reads and switches ALB routes: the deployment services need an AwsConnection.");

        var image = await AccountReads.ResolveImageAsync(services, request.Image, cancellationToken).ConfigureAwait(false);
        var routes = new List<RoutePair>();
        for (var i = 0; i < loadBalancers.Count; i++)
        {
            var lb = loadBalancers[i];
            var field = string.Create(CultureInfo.InvariantCulture, $"LoadBalancers[{i}]");
            var production = await AccountReads.ReadRouteAsync(traffic, lb.Production, field + ".Production", cancellationToken).ConfigureAwait(false);
            var stage = await AccountReads.ReadRouteAsync(traffic, lb.Stage, field + ".Stage", cancellationToken).ConfigureAwait(false);
            if (string.Equals(production.Arn, stage.Arn, StringComparison.Ordinal))
            {
                throw new DeploymentValidationException(field + ".Stage",
                    $"Production and stage both forward to {production.Arn}; the stage route must forward to the stage target group.");
            }

            routes.Add(new RoutePair(lb.Production, lb.Stage, production.Arn, stage.Arn,
                [.. production.Forward.Actions.Select(a => a.ToXml())], [.. stage.Forward.Actions.Select(a => a.ToXml())]));
        }

        var groups = await AccountReads.ListGroupsAsync(services, cancellationToken).ConfigureAwait(false);
        var plan = BlueGreenPlanner.Plan(Request(groups));
        var stageTargetGroups = routes.Select(r => r.StageTargetGroupArn).Distinct(StringComparer.Ordinal).ToList();
        var facts = AccountReads.CreateFacts(document, plan.Naming.StageName, image, request.UserData, stageTargetGroups, stageTargetGroups) with { Routes = routes };
        var (stages, operations) = AccountReads.Operations(plan.Stages, facts);
        return new CompiledDeployment
        {
            Strategy = DeploymentStrategy.BlueGreen,
            AppName = request.AppName,
            ImageId = image.Id,
            Stages = stages,
            Operations = operations,
            Rollback = new BlueGreenRollback(plan.Naming.ProductionName, plan.Naming.StageName, plan.Production, routes, plan.SetAside),
            PlanSteps = plan.Steps,
            NewGroupName = plan.Naming.StageName,
            FinalGroupName = plan.Naming.ProductionName,
            PlannedCapacity = plan.PlannedCapacity,
            CapacitySource = plan.CapacitySource,
            Request = AccountReads.RequestSummary(DeploymentStrategy.BlueGreen, request, image, new JsonObject
            {
                ["productionName"] = plan.Naming.ProductionName,
                ["stageName"] = plan.Naming.StageName,
                ["downsizeOldGroup"] = request.DownsizeOldGroup,
                ["capacityUnit"] = weights.ToString(),
                ["trafficShiftPercents"] = request.TrafficShiftPercents is { Count: > 0 } percents
                    ? new JsonArray([.. percents.Select(p => (JsonNode?)JsonValue.Create(p))])
                    : null,
                ["loadBalancers"] = new JsonArray([.. routes.Select(r => (JsonNode)new JsonObject
                {
                    ["production"] = r.Production.ToString(),
                    ["stage"] = r.Stage.ToString(),
                })]),
            }),
        };
    }
}
