using System.Text.Json.Nodes;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>Spot roll: the group's image updated in place and its instances replaced by Spot's roll.</summary>
internal static class SpotRollCompiler
{
    public static async Task<CompiledDeployment> CompileAsync(DeploymentServices services, SpotRollDeploymentRequest request, DeploymentOptions options, CancellationToken cancellationToken)
    {
        AppName.Validate(request.AppName);
        if (request.GroupId is not null && string.IsNullOrWhiteSpace(request.GroupId))
        {
            throw new DeploymentValidationException("GroupId", "Must not be blank; leave it out to roll the group named after the app.");
        }

        // The roll's own settings are checked before the first read.
        _ = SpotRollPlanner.Plan(Plannable(request, "sig-0", request.AppName, ["ami-0"], false, "ami-0", 0));
        var image = await AccountReads.ResolveImageAsync(services, request.Image, cancellationToken).ConfigureAwait(false);
        var groupId = request.GroupId ?? await GroupNamedAsync(services, request.AppName, cancellationToken).ConfigureAwait(false);
        ElastigroupDocument current;
        try
        {
            current = await services.Spot.GetGroupDocumentAsync(groupId, cancellationToken).ConfigureAwait(false);
        }
        catch (SpotNotFoundException e)
        {
            throw new DeploymentValidationException("GroupId", $"The group {groupId} does not exist: {e.Message}", e);
        }

        var usesImages = current.ImageId is null && current.Images is { Count: > 0 };
        IReadOnlyList<string> previous = current.ImageId is { } one ? [one] : current.Images is { Count: > 0 } images ? images : [];
        if (previous.Count == 0)
        {
            throw new DeploymentValidationException("GroupId", $"The group {groupId} has no imageId nor images to replace.");
        }

        // A background analysis watches the roll from its start: the roll becomes a gated stage of its own.
        var rollRequest = Plannable(request, groupId, current.Name ?? request.AppName, previous, usesImages, image.Id, current.CapacityTarget ?? 0) with
        {
            WatchTheRoll = options.BackgroundAnalysis is not null,
        };
        var plan = SpotRollPlanner.Plan(rollRequest);
        var (stages, operations) = AccountReads.Operations(plan.Stages, new StepFacts(image.Id));
        var forwardRoll = operations.OfType<RollGroupOperation>().FirstOrDefault()?.Id ?? "s2";
        return new CompiledDeployment
        {
            Strategy = DeploymentStrategy.SpotRoll,
            AppName = request.AppName,
            ImageId = image.Id,
            Stages = stages,
            Operations = operations,
            Rollback = new SpotRollRollback(rollRequest, forwardRoll),
            PlanSteps = plan.Steps,
            FinalGroupName = rollRequest.GroupName,
            Request = new JsonObject
            {
                ["strategy"] = DeploymentStrategy.SpotRoll.ToString(),
                ["appName"] = request.AppName,
                ["groupId"] = groupId,
                ["imageId"] = image.Id,
                ["imageName"] = image.Name,
                ["batchSizePercentage"] = request.BatchSizePercentage,
                ["gracePeriod"] = request.GracePeriodSeconds,
                ["healthCheckType"] = request.HealthCheckType,
            },
        };
    }

    private static SpotRollRequest Plannable(SpotRollDeploymentRequest request, string groupId, string groupName, IReadOnlyList<string> images, bool usesImages, string imageId, int target) =>
        new(request.AppName, groupId, groupName, images, usesImages, imageId, target)
        {
            BatchSizePercentage = request.BatchSizePercentage,
            GracePeriodSeconds = request.GracePeriodSeconds,
            HealthCheckType = request.HealthCheckType,
        };

    private static async Task<string> GroupNamedAsync(DeploymentServices services, string appName, CancellationToken cancellationToken)
    {
        var named = (await services.Spot.ListGroupsAsync(appName, cancellationToken).ConfigureAwait(false))
            .Where(g => string.Equals(g.Name, appName, StringComparison.Ordinal)).ToList();
        return named.Count switch
        {
            0 => throw new DeploymentValidationException("AppName", $"No group is named {appName}; give GroupId or the name of an existing group."),
            1 => named[0].Id ?? throw new DeploymentValidationException("AppName", $"The group {appName} has no id."),
            _ => throw new DeploymentValidationException("AppName",
                $"{named.Count} groups are named {appName} ({string.Join(", ", named.Select(g => g.Id))}); give GroupId."),
        };
    }
}
