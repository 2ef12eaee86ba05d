using Spot.Deploy.Strategies.Execution;

namespace Spot.Deploy.Strategies;

/// <summary>
/// Where a deployment's bake, pause and background analysis can run, checked before anything changes: each needs a stage
/// after the new version is up (canary phases, a Basic deployment's downsizing of its previous group, Blue/Green traffic
/// steps and the swap), and CloudWatch checks need a connection that can read CloudWatch.
/// </summary>
internal static class StagePointRules
{
    public static void Require(DeploymentOptions options, DeploymentServices services, CompiledDeployment compiled)
    {
        CloudWatchChecks.Require(options.BakeAnalysis, services);
        CloudWatchChecks.Require(options.BackgroundAnalysis, services);
        if (compiled.Strategy == DeploymentStrategy.SpotRoll && (options.Bake is not null || options.BakeAnalysis is not null || options.Pause is not null))
        {
            throw new Planning.DeploymentValidationException(options.Pause is not null ? "Pause" : "Bake",
                "a Spot roll replaces the group's instances in Spot's own batches: there is no point between them to bake or pause at; watch the roll with a background analysis instead.");
        }

        if ((options.Bake is not null || options.BakeAnalysis is not null) && !compiled.Stages.Any(s => s.GateBefore))
        {
            throw new Planning.DeploymentValidationException("Bake", $"{NoStage(compiled)}; bakes run {Where}.");
        }

        PauseRules.Require(options, services, compiled);
        if (options.BackgroundAnalysis is not null && !compiled.Stages.Any(s => s.GateBefore))
        {
            throw new Planning.DeploymentValidationException("BackgroundAnalysis", $"{NoStage(compiled)}; a background analysis runs through the stages {Where}, and through a Spot roll.");
        }
    }

    /// <summary>Where bakes, pauses and background analyses can run.</summary>
    internal const string Where =
        "between canary phases, before a Basic deployment downsizes its previous group, and before Blue/Green traffic steps and the swap";

    /// <summary>Why <paramref name="compiled"/> has no stage after its new version is up.</summary>
    internal static string NoStage(CompiledDeployment compiled) => compiled.Strategy switch
    {
        DeploymentStrategy.Basic => "this Basic deployment has no previous group to keep running while the new one is watched (a first deployment has nothing to roll back to)",
        DeploymentStrategy.SpotRoll => "this Spot roll has nothing to roll (the group's target is 0), so nothing to watch",
        _ => $"a {compiled.Strategy} deployment has no stage after its new version is up",
    };
}
