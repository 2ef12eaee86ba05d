using System.Text.Json.Nodes;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>Basic and Canary: a new revision group grows phase by phase while the previous one shrinks.</summary>
internal static class RevisionsCompiler
{
    public static async Task<CompiledDeployment> CompileAsync(
        DeploymentServices services, DeploymentOptions options, DeploymentRequest request, IReadOnlyList<CanaryPhase> phases,
        int retained, bool adoptUnversioned, DeploymentStrategy strategy, CancellationToken cancellationToken)
    {
        AppName.Validate(request.AppName);
        var document = request.Document ?? throw new DeploymentValidationException("Document", "An Elastigroup document is required.");
        if (phases is null || phases.Count == 0)
        {
            throw new DeploymentValidationException("Phases", "A canary deployment needs at least one phase; the last must be final (100 % or a count reaching the planned target).");
        }

        var weights = AccountReads.WeightsOf(document);
        var image = await AccountReads.ResolveImageAsync(services, request.Image, cancellationToken).ConfigureAwait(false);
        var groups = await AccountReads.ListGroupsAsync(services, cancellationToken).ConfigureAwait(false);
        var setup = SetupPlanner.Plan(new SetupRequest(request.AppName, groups, request.Capacity) { RetainedEmptyRevisions = retained, AdoptUnversionedGroup = adoptUnversioned, Weights = weights });
        var plan = PhasePlanner.PlanCanary(setup, phases) with
        {
            // A Basic deployment watched before its previous group goes (bake, analysis, pause, gate) gets a stage to watch
            // it in; without one it keeps its two stages, as Harness's Basic does.
            WatchBeforeDownsize = strategy == DeploymentStrategy.Basic && WatchesTheNewVersion(options),
        };
        var facts = AccountReads.CreateFacts(document, setup.NewGroupName, image, request.UserData, null, AccountReads.TargetGroupsOf(document));
        var (stages, operations) = AccountReads.Operations(plan.Stages, facts);
        return new CompiledDeployment
        {
            Strategy = strategy,
            AppName = request.AppName,
            ImageId = image.Id,
            Stages = stages,
            Operations = operations,
            Rollback = new RevisionsRollback(setup.NewGroupName, setup.Previous, setup.GroupsToScaleDown, options.RestoreScaledDownGroupsOnRollback),
            PlanSteps = plan.AllSteps(),
            NewGroupName = setup.NewGroupName,
            FinalGroupName = setup.NewGroupName,
            PlannedCapacity = setup.PlannedCapacity,
            CapacitySource = setup.CapacitySource,
            Warnings = plan.Warnings,
            Request = AccountReads.RequestSummary(strategy, request, image, new JsonObject
            {
                ["retainedEmptyRevisions"] = retained,
                ["adoptUnversionedGroup"] = adoptUnversioned,
                ["phases"] = new JsonArray([.. phases.Select(p => (JsonNode?)JsonValue.Create(p.Downsize is null ? p.Step.Describe(weights) : $"{p.Step.Describe(weights)} (downsize {p.Downsize})"))]),
                ["capacityUnit"] = weights.ToString(),
            }),
        };
    }

    private static bool WatchesTheNewVersion(DeploymentOptions options) =>
        options.Bake is not null || options.BakeAnalysis is not null || options.BackgroundAnalysis is not null || options.Pause is not null || options.Gate is not null;
}
