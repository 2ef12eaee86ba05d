using System.Globalization;
using System.Text.Json.Nodes;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>
/// Turns a request into a <see cref="CompiledDeployment"/>: reads the account (groups, AMI, routes), runs the
/// planner, and checks everything — with read-only calls only. Every bad input is a
/// <see cref="DeploymentValidationException"/> naming the field, thrown before anything changes.
/// </summary>
internal static class DeploymentCompiler
{
    public static async Task<CompiledDeployment> CompileRevisionsAsync(
        DeploymentServices services, DeploymentOptions options, DeploymentRequest request, IReadOnlyList<CanaryPhase> phases,
        int retained, DeploymentStrategy strategy, CancellationToken cancellationToken)
    {
        AppName.Validate(request.AppName);
        var document = request.Document ?? throw new DeploymentValidationException("Document", "An Elastigroup document is required.");
        if (phases is null || phases.Count == 0)
        {
            throw new DeploymentValidationException("Phases", "A canary deployment needs at least one phase; the last must be final (100 % or a count reaching the planned target).");
        }

        var image = await ResolveImageAsync(services, request.Image, cancellationToken).ConfigureAwait(false);
        var groups = await ListGroupsAsync(services, cancellationToken).ConfigureAwait(false);
        var setup = SetupPlanner.Plan(new SetupRequest(request.AppName, groups, request.Capacity) { RetainedEmptyRevisions = retained });
        var plan = PhasePlanner.PlanCanary(setup, phases);
        var body = CreateBody(document, setup.NewGroupName, image, request.UserData, null);
        var targetGroups = TargetGroupsOf(document);

        var ops = new List<Op>();
        var stages = new List<StageInfo> { new("setup", GateBefore: false) };
        var ids = new StepIds();
        ops.Add(CreateOp(ids.Next(), 0, setup.NewGroupName, setup.PlannedCapacity.ToZero(), body, image));
        foreach (var step in setup.Steps)
        {
            if (step is ScaleGroupStep scale)
            {
                ops.Add(ScaleOp(ids.Next(), 0, scale, null));
            }
        }

        for (var i = 0; i < plan.Phases.Count; i++)
        {
            var phase = plan.Phases[i];
            var stage = i + 1;
            stages.Add(new StageInfo(
                string.Create(CultureInfo.InvariantCulture, $"phase {stage} of {plan.Phases.Count} ({phase.Step})"),
                GateBefore: i > 0));
            foreach (var step in phase.Steps)
            {
                var scale = (ScaleGroupStep)step;
                ops.Add(ScaleOp(ids.Next(), stage, scale, scale.Group.Role == GroupRole.New ? targetGroups : null));
            }
        }

        // Ours: leftovers and surplus empty groups are deleted once the final phase succeeded, so a rollback
        // at any earlier point finds every group where it was.
        var last = stages.Count - 1;
        foreach (var step in setup.Steps)
        {
            if (step is DeleteGroupStep delete)
            {
                ops.Add(new Op
                {
                    Id = ids.Next(),
                    Kind = OpKind.Delete,
                    Stage = last,
                    Description = "clean-up: " + delete.Describe(),
                    GroupId = delete.Group.Id,
                    GroupName = delete.Group.Name,
                    Cleanup = true,
                });
            }
        }

        return new CompiledDeployment
        {
            Strategy = strategy,
            AppName = request.AppName,
            ImageId = image.Id,
            Stages = stages,
            Ops = ops,
            PlanSteps = plan.AllSteps(),
            NewGroupName = setup.NewGroupName,
            FinalGroupName = setup.NewGroupName,
            PlannedCapacity = setup.PlannedCapacity,
            CapacitySource = setup.CapacitySource,
            Previous = setup.Previous,
            ScaledDown = setup.GroupsToScaleDown,
            RestoreScaledDown = options.RestoreScaledDownGroupsOnRollback,
            Request = RequestSummary(strategy, request, image, new JsonObject
            {
                ["retainedEmptyRevisions"] = retained,
                ["phases"] = new JsonArray([.. phases.Select(p => (JsonNode?)JsonValue.Create(p.Downsize is null ? p.Step.ToString() : $"{p.Step} (downsize {p.Downsize})"))]),
            }),
        };
    }

    public static async Task<CompiledDeployment> CompileBlueGreenAsync(
        DeploymentServices services, BlueGreenDeploymentRequest request, CancellationToken cancellationToken)
    {
        AppName.Validate(request.AppName);
        var document = request.Document ?? throw new DeploymentValidationException("Document", "An Elastigroup document is required.");
        var loadBalancers = request.LoadBalancers?.ToList() ?? [];

        // The planner validates names, capacities, routes and traffic steps before any call (planned again below
        // with the account's groups).
        BlueGreenPlanner.Plan(new BlueGreenRequest(request.AppName, [], request.Capacity, loadBalancers)
        {
            Naming = request.Naming,
            DownsizeOldGroup = request.DownsizeOldGroup,
            TrafficShiftPercents = request.TrafficShiftPercents?.ToList(),
        });
        var traffic = services.Aws?.Traffic ?? throw new DeploymentValidationException("LoadBalancers",
            "Blue/Green reads and switches ALB routes: the deployment services need an AwsConnection.");

        var image = await ResolveImageAsync(services, request.Image, cancellationToken).ConfigureAwait(false);
        var routes = new List<RoutePair>();
        for (var i = 0; i < loadBalancers.Count; i++)
        {
            var lb = loadBalancers[i];
            var field = string.Create(CultureInfo.InvariantCulture, $"LoadBalancers[{i}]");
            var production = await ReadRouteAsync(traffic, lb.Production, field + ".Production", cancellationToken).ConfigureAwait(false);
            var stage = await ReadRouteAsync(traffic, lb.Stage, field + ".Stage", cancellationToken).ConfigureAwait(false);
            if (string.Equals(production.Arn, stage.Arn, StringComparison.Ordinal))
            {
                throw new DeploymentValidationException(field + ".Stage",
                    $"Production and stage both forward to {production.Arn}; the stage route must forward to the stage target group.");
            }

            routes.Add(new RoutePair(lb.Production, lb.Stage, production.Arn, stage.Arn,
                [.. production.Forward.Actions.Select(a => a.ToXml())], [.. stage.Forward.Actions.Select(a => a.ToXml())]));
        }

        var groups = await ListGroupsAsync(services, cancellationToken).ConfigureAwait(false);
        var plan = BlueGreenPlanner.Plan(new BlueGreenRequest(request.AppName, groups, request.Capacity, loadBalancers)
        {
            Naming = request.Naming,
            DownsizeOldGroup = request.DownsizeOldGroup,
            TrafficShiftPercents = request.TrafficShiftPercents?.ToList(),
        });
        var stageTargetGroups = routes.Select(r => r.StageTargetGroupArn).Distinct(StringComparer.Ordinal).ToList();
        var body = CreateBody(document, plan.Naming.StageName, image, request.UserData,
            [.. stageTargetGroups.Select(arn => LoadBalancerReference.TargetGroup(arn))]);

        var ops = new List<Op>();
        var stages = new List<StageInfo> { new("stage setup", GateBefore: false) };
        var ids = new StepIds();
        var retired = new List<RetiredGroup>();
        var cleanups = new List<Op>();
        foreach (var step in plan.Steps)
        {
            switch (step)
            {
                case DeleteGroupStep { Group.Role: GroupRole.OldStage } delete:
                {
                    // Ours: the old stage group is emptied and set aside, then deleted once the deployment
                    // succeeded; a rollback gives it back its name and capacity.
                    var existing = groups.First(g => g.Id == delete.Group.Id);
                    var capacity = existing.Capacity ?? Capacity.Zero;
                    var retiredName = $"{existing.Name}__retired-{(existing.Id.StartsWith("sig-", StringComparison.Ordinal) ? existing.Id[4..] : existing.Id)}";
                    retired.Add(new RetiredGroup(new RecordedGroup(existing.Id, existing.Name, capacity), retiredName));
                    if (!capacity.IsZero)
                    {
                        ops.Add(new Op
                        {
                            Id = ids.Next(), Kind = OpKind.Scale, Stage = 0, GroupId = existing.Id, GroupName = existing.Name,
                            From = capacity, To = capacity.ToZero(), Wait = true,
                            Description = $"scale old stage group {existing.Name} ({existing.Id}) from ({capacity}) to ({capacity.ToZero()}), wait for steady state",
                        });
                    }

                    ops.Add(new Op
                    {
                        Id = ids.Next(), Kind = OpKind.Rename, Stage = 0, GroupId = existing.Id, GroupName = existing.Name, NewName = retiredName,
                        Description = $"set old stage group {existing.Name} ({existing.Id}) aside as {retiredName}",
                    });
                    cleanups.Add(new Op
                    {
                        Id = string.Empty, Kind = OpKind.Delete, GroupId = existing.Id, GroupName = retiredName, Cleanup = true,
                        Description = $"clean-up: delete the old stage group {retiredName} ({existing.Id})",
                    });
                    break;
                }

                case CreateGroupStep create:
                    ops.Add(CreateOp(ids.Next(), 0, create.Name, create.Capacity, body, image) with
                    {
                        Description = create.Describe() + ", image " + image.Id,
                    });
                    break;
                case ScaleGroupStep scale when scale.Group.Role == GroupRole.New:
                    ops.Add(ScaleOp(ids.Next(), 0, scale, stageTargetGroups));
                    break;
                case ShiftTrafficStep shift:
                    stages.Add(new StageInfo(string.Create(CultureInfo.InvariantCulture, $"traffic {shift.Weights.Percent} %"), GateBefore: true));
                    ops.Add(new Op
                    {
                        Id = ids.Next(), Kind = OpKind.ShiftTraffic, Stage = stages.Count - 1, Weights = shift.Weights, Routes = routes,
                        Description = shift.Describe(),
                    });
                    break;
                case SwapRoutesStep swap:
                    stages.Add(new StageInfo("swap", GateBefore: true));
                    ops.Add(new Op { Id = ids.Next(), Kind = OpKind.SwapRoutes, Stage = stages.Count - 1, Routes = routes, Description = swap.Describe() });
                    break;
                case RenameGroupStep rename:
                    ops.Add(new Op
                    {
                        Id = ids.Next(), Kind = OpKind.Rename, Stage = stages.Count - 1,
                        GroupId = rename.Group.Id, GroupName = rename.Group.Name, NewGroup = rename.Group.Role == GroupRole.New,
                        NewName = rename.NewName, Description = rename.Describe(),
                    });
                    break;
                case ScaleGroupStep downsize:
                    ops.Add(ScaleOp(ids.Next(), stages.Count - 1, downsize, null));
                    break;
                default:
                    throw new InvalidOperationException($"Unexpected Blue/Green step {step}.");
            }
        }

        foreach (var cleanup in cleanups)
        {
            ops.Add(cleanup with { Id = ids.Next(), Stage = stages.Count - 1 });
        }

        return new CompiledDeployment
        {
            Strategy = DeploymentStrategy.BlueGreen,
            AppName = request.AppName,
            ImageId = image.Id,
            Stages = stages,
            Ops = ops,
            PlanSteps = plan.Steps,
            NewGroupName = plan.Naming.StageName,
            FinalGroupName = plan.Naming.ProductionName,
            PlannedCapacity = plan.PlannedCapacity,
            CapacitySource = plan.CapacitySource,
            ProductionName = plan.Naming.ProductionName,
            StageName = plan.Naming.StageName,
            Production = plan.Production,
            Routes = routes,
            Retired = retired,
            Request = RequestSummary(DeploymentStrategy.BlueGreen, request, image, new JsonObject
            {
                ["productionName"] = plan.Naming.ProductionName,
                ["stageName"] = plan.Naming.StageName,
                ["downsizeOldGroup"] = request.DownsizeOldGroup,
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

    public static async Task<CompiledDeployment> CompileRollAsync(
        DeploymentServices services, SpotRollDeploymentRequest request, CancellationToken cancellationToken)
    {
        AppName.Validate(request.AppName);
        if (request.BatchSizePercentage is < 1 or > 100)
        {
            throw new DeploymentValidationException("BatchSizePercentage",
                string.Create(CultureInfo.InvariantCulture, $"Must be between 1 and 100 (was {request.BatchSizePercentage})."));
        }

        if (request.GracePeriodSeconds < 0)
        {
            throw new DeploymentValidationException("GracePeriodSeconds",
                string.Create(CultureInfo.InvariantCulture, $"Must not be negative (was {request.GracePeriodSeconds})."));
        }

        if (request.GroupId is not null && string.IsNullOrWhiteSpace(request.GroupId))
        {
            throw new DeploymentValidationException("GroupId", "Must not be blank; leave it out to roll the group named after the app.");
        }

        var image = await ResolveImageAsync(services, request.Image, cancellationToken).ConfigureAwait(false);
        string groupId;
        if (request.GroupId is { } id)
        {
            groupId = id;
        }
        else
        {
            var named = (await services.Spot.ListGroupsAsync(request.AppName, cancellationToken).ConfigureAwait(false))
                .Where(g => string.Equals(g.Name, request.AppName, StringComparison.Ordinal)).ToList();
            groupId = named.Count switch
            {
                0 => throw new DeploymentValidationException("AppName", $"No group is named {request.AppName}; give GroupId or the name of an existing group."),
                1 => named[0].Id ?? throw new DeploymentValidationException("AppName", $"The group {request.AppName} has no id."),
                _ => throw new DeploymentValidationException("AppName",
                    $"{named.Count} groups are named {request.AppName} ({string.Join(", ", named.Select(g => g.Id))}); give GroupId."),
            };
        }

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
        var previousImage = current.ImageId ?? (current.Images is { Count: > 0 } images ? images[0] : null)
            ?? throw new DeploymentValidationException("GroupId", $"The group {groupId} has no imageId nor images to replace.");
        var name = current.Name ?? request.AppName;
        var target = current.CapacityTarget ?? 0;
        var ops = new List<Op>
        {
            new()
            {
                Id = "s1", Kind = OpKind.UpdateImage, Stage = 0, GroupId = groupId, GroupName = name, ImageId = image.Id, UsesImages = usesImages,
                Description = $"set the image of {name} ({groupId}) from {previousImage} to {image.Id}",
            },
        };
        if (target > 0)
        {
            ops.Add(new Op
            {
                Id = "s2", Kind = OpKind.Roll, Stage = 0, GroupId = groupId, GroupName = name,
                BatchSizePercentage = request.BatchSizePercentage, GracePeriodSeconds = request.GracePeriodSeconds, HealthCheckType = request.HealthCheckType,
                Description = string.Create(CultureInfo.InvariantCulture,
                    $"roll {name} ({groupId}): {target} instance(s) in batches of {request.BatchSizePercentage} %, grace period {request.GracePeriodSeconds} s{(request.HealthCheckType is null ? string.Empty : ", health check " + request.HealthCheckType)}, wait until finished"),
            });
        }

        return new CompiledDeployment
        {
            Strategy = DeploymentStrategy.SpotRoll,
            AppName = request.AppName,
            ImageId = image.Id,
            Stages = [new StageInfo("roll", GateBefore: false)],
            Ops = ops,
            RollGroupId = groupId,
            RollGroupName = name,
            PreviousImageId = previousImage,
            UsesImages = usesImages,
            RollBatchSizePercentage = request.BatchSizePercentage,
            RollGracePeriodSeconds = request.GracePeriodSeconds,
            RollHealthCheckType = request.HealthCheckType,
            FinalGroupName = name,
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

    internal static async Task<AmiImage> ResolveImageAsync(DeploymentServices services, AmiQuery? query, CancellationToken cancellationToken)
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

    private static async Task<List<ExistingGroup>> ListGroupsAsync(DeploymentServices services, CancellationToken cancellationToken)
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

    private static async Task<(string Arn, RouteForward Forward)> ReadRouteAsync(TrafficRouter traffic, ListenerRoute route, string field, CancellationToken cancellationToken)
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

    private static JsonObject CreateBody(ElastigroupDocument document, string name, AmiImage image, string? userData, IReadOnlyList<LoadBalancerReference>? stage)
    {
        try
        {
            return (JsonObject)document.ToCreateBody(name, image.Id, userData, stage).Group.DeepClone();
        }
        catch (ElastigroupDocumentException e)
        {
            throw new DeploymentValidationException("Document", e.Message, e);
        }
        catch (ArgumentException e)
        {
            throw new DeploymentValidationException("Document", e.Message, e);
        }
    }

    private static List<string>? TargetGroupsOf(ElastigroupDocument document)
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

    private static Op CreateOp(string id, int stage, string name, Capacity capacity, JsonObject body, AmiImage image)
    {
        var secret = JournalSecrets.FindSecretPath(body);
        return new Op
        {
            Id = id,
            Kind = OpKind.Create,
            Stage = stage,
            NewGroup = true,
            GroupName = name,
            To = capacity,
            Body = secret is null ? body : null,
            BodyOmitted = secret,
            ImageId = image.Id,
            Description = $"create group {name} at {capacity}, image {image.Id}",
        };
    }

    private static Op ScaleOp(string id, int stage, ScaleGroupStep step, IReadOnlyList<string>? targetGroups) => new()
    {
        Id = id,
        Kind = OpKind.Scale,
        Stage = stage,
        GroupId = step.Group.Id,
        GroupName = step.Group.Name,
        NewGroup = step.Group.Role == GroupRole.New,
        From = step.From,
        To = step.To,
        Wait = step.WaitForSteadyState,
        TargetGroupArns = targetGroups,
        Description = step.Describe(),
    };

    private static JsonObject RequestSummary(DeploymentStrategy strategy, DeploymentRequest request, AmiImage image, JsonObject extra)
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

    private sealed class StepIds
    {
        private int _next;

        public string Next() => string.Create(CultureInfo.InvariantCulture, $"s{++_next}");
    }
}
