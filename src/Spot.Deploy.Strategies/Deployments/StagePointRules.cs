using Spot.Deploy.Strategies.Execution;

namespace Spot.Deploy.Strategies;

/// <summary>
/// Where a deployment's bake, pause and background analysis can run, checked before anything changes: each needs a stage
/// after the new version is up (canary phases, Blue/Green traffic steps and the swap), and CloudWatch checks need a
/// connection that can read CloudWatch.
/// </summary>
internal static class StagePointRules
{
    public static void Require(DeploymentOptions options, DeploymentServices services, CompiledDeployment compiled)
    {
        CloudWatchChecks.Require(options.BakeAnalysis, services);
        CloudWatchChecks.Require(options.BackgroundAnalysis, services);
        if ((options.Bake is not null || options.BakeAnalysis is not null) && !compiled.Stages.Any(s => s.GateBefore))
        {
            throw new Planning.DeploymentValidationException("Bake",
                $"a {compiled.Strategy} deployment has no stage to bake before; bakes run between canary phases and before Blue/Green traffic steps and the swap.");
        }

        PauseRules.Require(options, services, compiled);
        if (options.BackgroundAnalysis is not null && !compiled.Stages.Any(s => s.GateBefore))
        {
            throw new Planning.DeploymentValidationException("BackgroundAnalysis",
                $"a {compiled.Strategy} deployment has no stage after its new version is up; a background analysis runs through canary phases and Blue/Green traffic steps.");
        }
    }
}
