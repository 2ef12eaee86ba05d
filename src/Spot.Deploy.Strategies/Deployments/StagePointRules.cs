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
        if ((options.Bake is not null || options.BakeAnalysis is not null) && !compiled.Stages.Any(s => s.GateBefore))
        {
            throw new Planning.DeploymentValidationException("Bake", $"{NoStage(compiled)}; bakes run {Where}.");
        }

        PauseRules.Require(options, services, compiled);
        if (options.BackgroundAnalysis is not null && !compiled.Stages.Any(s => s.GateBefore))
        {
            throw new Planning.DeploymentValidationException("BackgroundAnalysis", $"{NoStage(compiled)}; a background analysis runs through the stages {Where}.");
        }
    }

    /// <summary>Where bakes, pauses and background analyses can run.</summary>
    internal const string Where =
        "between canary phases, before a Basic deployment downsizes its previous group, and before Blue/Green traffic steps and the swap";

    /// <summary>Why <paramref name="compiled"/> has no stage after its new version is up.</summary>
    internal static string NoStage(CompiledDeployment compiled) => compiled.Strategy switch
    {
        DeploymentStrategy.Basic => "this Basic deployment has no previous group to keep running while the new one is watched (a first deployment has nothing to roll back to)",
        DeploymentStrategy.SpotRoll => "a Spot roll replaces the group's instances in Spot's own batches and has no stage after its new version is up",
        _ => $"a {compiled.Strategy} deployment has no stage after its new version is up",
    };
}
