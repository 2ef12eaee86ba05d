using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli;

/// <summary>
/// <c>promote &lt;id&gt;</c> and <c>abort &lt;id&gt;</c>: decide for a deployment paused by <c>--pause</c>/<c>--approve</c>,
/// from any process, through the control channel of its store (never its journal: only the paused run writes that).
/// Changes nothing in Spot or AWS; the paused run acts on the decision at its next poll.
/// </summary>
internal static class ControlCommands
{
    public static Command Create(ControlAction action, TextWriter output, TextWriter error)
    {
        var verb = action == ControlAction.Promote ? "promote" : "abort";
        var command = new Command(verb, action == ControlAction.Promote
            ? "Promote a paused deployment: it runs the stage it waits before (within its poll interval). Changes nothing in Spot or AWS itself."
            : "Abort a paused deployment: it fails and is rolled back (or stops, per its --on-failure). Changes nothing in Spot or AWS itself.");
        var id = new Argument<string>("deployment-id") { Description = "The paused deployment's id (printed when it paused)." };
        var reason = new Option<string?>("--reason") { Description = "Why, for the journal and the failure message (at most 256 characters; never a secret)." };
        var store = new StoreInputs(command, OutputOptions.OneResult);
        command.Arguments.Add(id);
        command.Options.Add(reason);
        command.SetAction((p, ct) => Cli.GuardAsync(error, () =>
        {
            var deploymentId = p.GetValue(id)!;
            var why = p.GetValue(reason);
            if (why is { } text && (text.Length > ControlRequest.MaxTextLength || text.Any(char.IsControl)))
            {
                throw new CliUsageException(string.Create(CultureInfo.InvariantCulture, $"--reason must be at most {ControlRequest.MaxTextLength} characters without control characters"));
            }

            return DecideAsync(action, deploymentId, why, store.Read(p), output, ct);
        }));
        return command;
    }

    private static async Task<int> DecideAsync(ControlAction action, string id, string? reason, StoreChoice store, TextWriter output, CancellationToken ct)
    {
        var verb = action == ControlAction.Promote ? "promote" : "abort";
        var (journal, _, owned) = StateStores.Open(store.StateDir, store.Postgres);
        try
        {
            var control = journal as IDeploymentControl ?? throw new InvalidOperationException($"The journal {journal.GetType().Name} has no control channel.");
            var record = await journal.LoadAsync(id, ct)
                ?? throw new DeploymentControlException($"there is no deployment '{id}' in {StateStores.Describe(store.StateDir, store.Postgres)}; nothing was recorded", id, ControlRefusal.UnknownDeployment);
            if (!record.IsUnfinished)
            {
                throw new DeploymentControlException($"deployment {id} of {record.AppName} is finished ({record.Status}); there is nothing to {verb} and nothing was recorded", id, ControlRefusal.FinishedDeployment);
            }

            var pause = DeploymentPause.Of(record)
                ?? throw new DeploymentControlException($"deployment {id} of {record.AppName} is not paused (it pauses only before a stage, with --pause or --approve); nothing was recorded. Try again once it says PAUSED.", id, ControlRefusal.NotPaused);
            var before = (await control.ReadAsync(id, ct)).FirstOrDefault(r => r.Stage == pause.StageIndex);
            var who = RunnerName.FromEnvironment() ?? $"{Environment.UserName}@{Environment.MachineName}";
            var decision = await control.RequestAsync(id, new ControlRequest(action, pause.StageIndex, who, reason), ct);
            var again = before is not null;
            var what = string.Create(CultureInfo.InvariantCulture,
                $"{(again ? "already recorded" : "recorded")}: {verb} of deployment {id} ({record.AppName}) before \"{pause.StageName}\" by {decision.RequestedBy}{(decision.Reason is null ? string.Empty : " - " + decision.Reason)} (request #{decision.Sequence}, {decision.RequestedAt:yyyy-MM-dd HH:mm:ss'Z'}). ");
            var text = what + (action == ControlAction.Promote ? "The paused run goes on at its next poll." : "The paused run fails at its next poll and is rolled back (or stops, per its --on-failure).");
            new EventWriter(output, store.Output).Result(new JsonObject
            {
                ["command"] = verb,
                ["deploymentId"] = id,
                ["appName"] = record.AppName,
                ["stage"] = pause.StageIndex,
                ["stageName"] = pause.StageName,
                ["requestedBy"] = decision.RequestedBy,
                ["reason"] = decision.Reason,
                ["sequence"] = decision.Sequence,
                ["requestedAt"] = decision.RequestedAt,
                ["alreadyRecorded"] = again,
            }, text);
            return ExitCodes.Success;
        }
        finally
        {
            owned?.Dispose();
        }
    }
}
