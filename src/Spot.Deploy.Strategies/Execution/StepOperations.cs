using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>What the compiler knows beyond the plan, that some operations carry: the create body, the routes, target groups.</summary>
/// <param name="ImageId">The image the deployment launches.</param>
/// <param name="Create">The create body (exact, and as journaled), or null when nothing is created.</param>
/// <param name="Routes">Blue/Green: the routes with their original action lists.</param>
/// <param name="NewGroupTargetGroups">Target groups whose health a wait of the new group may check.</param>
/// <param name="ForwardRollStep">Spot roll: the step id of the forward roll.</param>
internal sealed record StepFacts(
    string ImageId,
    CreateBody? Create = null,
    IReadOnlyList<RoutePair>? Routes = null,
    IReadOnlyList<string>? NewGroupTargetGroups = null,
    string? ForwardRollStep = null);

/// <summary>Maps each planned step to its one operation — forward (<see cref="For"/>) and for a rollback (<see cref="ForRollback"/>).</summary>
internal static class StepOperations
{
    public static Operation For(PlanStep step, string id, int stage, StepFacts facts) => Map(step, id, stage, facts, rollback: false);

    public static Operation ForRollback(PlanStep step, string id, IReadOnlyList<RoutePair> routes, string? forwardRollStep = null) =>
        Map(step, id, 0, new StepFacts(string.Empty, Routes: routes, ForwardRollStep: forwardRollStep), rollback: true);

    private static Operation Map(PlanStep step, string id, int stage, StepFacts facts, bool rollback)
    {
        var description = step.Describe();
        return step switch
        {
            CreateGroupStep create => CreateGroupOperation.Of(id, stage, description + ", image " + facts.ImageId, create.Name, create.Capacity, facts.ImageId,
                facts.Create ?? throw Unmapped(step)),
            ScaleGroupStep scale => new ScaleGroupOperation
            {
                Id = id, Stage = stage, Description = description, Cleanup = step.IsCleanup,
                GroupId = scale.Group.Id, GroupName = scale.Group.Name, NewGroup = IsNew(scale.Group, rollback),
                MissingIsDone = rollback && scale.Group.Role == GroupRole.New,
                SetsAside = !rollback && scale.Group.Role == GroupRole.OldStage,
                From = scale.From, To = scale.To, Wait = scale.WaitForSteadyState,
                TargetGroupArns = scale.Group.Role == GroupRole.New ? facts.NewGroupTargetGroups : null,
            },
            DeleteGroupStep delete => new DeleteGroupOperation
            {
                Id = id, Stage = stage, Description = description, Cleanup = step.IsCleanup,
                GroupId = delete.Group.Id, GroupName = delete.Group.Name, NewGroup = IsNew(delete.Group, rollback), MissingIsDone = true,
            },
            RenameGroupStep rename => new RenameGroupOperation
            {
                Id = id, Stage = stage, Description = description, Cleanup = step.IsCleanup,
                GroupId = rename.Group.Id, GroupName = rename.Group.Name, NewGroup = IsNew(rename.Group, rollback), NewName = rename.NewName,
                SetsAside = !rollback && rename.Group.Role == GroupRole.OldStage,
            },
            ShiftTrafficStep shift => new ShiftTrafficOperation { Id = id, Stage = stage, Description = description, Weights = shift.Weights, Routes = Routes(facts) },
            SwapRoutesStep => new SwapRoutesOperation { Id = id, Stage = stage, Description = description, Routes = Routes(facts) },
            RestoreRoutesStep => new RestoreRoutesOperation { Id = id, Stage = stage, Description = description, Routes = Routes(facts) },
            SetImageStep image => new SetImageOperation
            {
                Id = id, Stage = stage, Description = description,
                GroupId = image.Group.Id!, GroupName = image.Group.Name, ImageIds = image.To, UsesImagesList = image.UsesImagesList, IsRollback = rollback,
            },
            RollGroupStep roll => new RollGroupOperation
            {
                Id = id, Stage = stage, Description = description,
                GroupId = roll.Group.Id!, GroupName = roll.Group.Name,
                BatchSizePercentage = roll.BatchSizePercentage, GracePeriodSeconds = roll.GracePeriodSeconds, HealthCheckType = roll.HealthCheckType,
                ReverseOf = roll.Reverse ? facts.ForwardRollStep : null,
            },
            StopRollStep stop => new StopRollOperation
            {
                Id = id, Stage = stage, Description = description,
                GroupId = stop.Group.Id!, GroupName = stop.Group.Name, ForwardStep = facts.ForwardRollStep ?? throw Unmapped(step),
            },
            _ => throw Unmapped(step),
        };
    }

    /// <summary>Forward, the group this deployment creates is known by its name until created; a rollback plan names it by id (or not at all when it never existed).</summary>
    private static bool IsNew(GroupRef group, bool rollback) => !rollback && group.Role == GroupRole.New;

    private static IReadOnlyList<RoutePair> Routes(StepFacts facts) => facts.Routes ?? [];

    private static InvalidOperationException Unmapped(PlanStep step) => new($"No operation performs the planned step '{step}'.");
}
