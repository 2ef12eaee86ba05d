using System.Globalization;
using System.Text.Json.Nodes;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>Asks the caller's gate (<see cref="DeploymentOptions.Gate"/>) before a gated stage: approve, abort, or wait and ask again.</summary>
internal static class Gates
{
    public static async Task PassAsync(DeploymentRun run, int stage, CancellationToken cancellationToken)
    {
        var gate = run.Options.Gate;
        if (gate is null)
        {
            return;
        }

        var time = run.Services.TimeProvider;
        var name = run.Compiled.Stages[stage].Name;
        var started = time.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            var waited = time.GetElapsedTime(started);
            run.AtGate = $"the gate before {name}";
            var decision = await gate.CheckAsync(new GateContext(run.Id, run.Compiled.AppName, run.Compiled.Strategy, stage, name, attempt, waited), cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The gate returned no decision.");
            DeploymentLog.Gate(run.Logger, run.Id, name, decision.Verdict, attempt, decision.Reason);
            run.Report(new GateEvent(time.GetUtcNow(), name, attempt, decision.Verdict, decision.Reason));
            await run.NoteAsync("stage-" + stage.ToString(CultureInfo.InvariantCulture), "gate",
                new JsonObject { ["verdict"] = decision.Verdict.ToString(), ["reason"] = decision.Reason, ["attempt"] = attempt }, cancellationToken).ConfigureAwait(false);
            switch (decision.Verdict)
            {
                case GateVerdict.Approve:
                    run.AtGate = null;
                    return;
                case GateVerdict.Abort:
                    throw new DeploymentGateAbortedException(name, decision.Reason);
                default:
                    if (waited + decision.RecheckAfter > run.Options.GateTimeout)
                    {
                        throw new TimeoutException($"The gate before {name} kept the deployment waiting longer than GateTimeout ({run.Options.GateTimeout}).");
                    }

                    await Task.Delay(decision.RecheckAfter, time, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }
}
