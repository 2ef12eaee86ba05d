using System.Globalization;
using Spot.Deploy.Planning;
using Spot.Deploy.Strategies.Execution;

namespace Spot.Deploy.Strategies;

/// <summary>Before anything changes: a pause needs a control channel and a gated stage for each stage it names.</summary>
internal static class PauseRules
{
    public static void Require(DeploymentOptions options, DeploymentServices services, CompiledDeployment compiled)
    {
        if (options.Pause is not { } pause)
        {
            return;
        }

        if (services.Control is null)
        {
            throw new DeploymentValidationException("Pause", $"the journal ({services.Journal.GetType().Name}) has no control channel (IDeploymentControl) to promote or abort through.");
        }

        var gated = compiled.Stages.Select((s, i) => (s, i)).Where(x => x.s.GateBefore).Select(x => x.i).ToList();
        if (gated.Count == 0)
        {
            throw new DeploymentValidationException("Pause", $"{StagePointRules.NoStage(compiled)}; pauses are {StagePointRules.Where}.");
        }

        if (pause.Stages.Where(s => !gated.Contains(s)).Select(s => (int?)s).FirstOrDefault() is { } bad)
        {
            throw new DeploymentValidationException("Pause", string.Create(CultureInfo.InvariantCulture,
                $"stage {bad} is not a gated stage of this deployment (gated: {string.Join(", ", gated)})."));
        }
    }
}
