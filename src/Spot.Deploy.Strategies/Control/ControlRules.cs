using System.Globalization;

namespace Spot.Deploy.Strategies;

/// <summary>The rules every control channel shares: which requests are stored, which return an earlier decision, which are refused.</summary>
internal static class ControlRules
{
    /// <summary>
    /// Decides a request against the deployment's record (null: unknown) and its stored requests: returns the decision
    /// already stored for the stage (same action: idempotent, <c>IsNew</c> false), or the request to store (numbered after
    /// the last), or throws the refusal.
    /// </summary>
    public static (ControlRequest Decision, bool IsNew) Decide(string deploymentId, DeploymentRecord? record, IReadOnlyList<ControlRequest> stored, ControlRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (record is null)
        {
            throw new DeploymentControlException($"There is no deployment '{deploymentId}' to {Verb(request.Action)}; nothing was recorded.", deploymentId, ControlRefusal.UnknownDeployment);
        }

        if (!record.IsUnfinished)
        {
            throw new DeploymentControlException(
                $"Deployment {deploymentId} of {record.AppName} is finished ({record.Status}); there is nothing to {Verb(request.Action)} and nothing was recorded.",
                deploymentId, ControlRefusal.FinishedDeployment);
        }

        if (stored.FirstOrDefault(r => r.Stage == request.Stage) is { } first)
        {
            return first.Action == request.Action
                ? (first, false)
                : throw AlreadyDecided(deploymentId, request, first);
        }

        if (stored.FirstOrDefault(r => r.Action == ControlAction.Abort) is { } abort)
        {
            throw AlreadyDecided(deploymentId, request, abort);
        }

        return (request.Stamp(stored.Count == 0 ? 1 : stored[^1].Sequence + 1, now), true);
    }

    /// <summary>The decision for a stage: the first request stored for it, or null.</summary>
    public static ControlRequest? DecisionFor(IReadOnlyList<ControlRequest> stored, int stage) => stored.FirstOrDefault(r => r.Stage == stage);

    public static string Verb(ControlAction action) => action == ControlAction.Promote ? "promote" : "abort";

    private static DeploymentControlException AlreadyDecided(string deploymentId, ControlRequest request, ControlRequest first) =>
        new(string.Create(CultureInfo.InvariantCulture,
                $"Deployment {deploymentId}: cannot {Verb(request.Action)} stage {request.Stage}: {first.RequestedBy} already chose to {Verb(first.Action)} stage {first.Stage} at {first.RequestedAt:yyyy-MM-dd HH:mm:ss'Z'}{(first.Reason is null ? string.Empty : " (" + first.Reason + ")")}; the first decision wins and nothing was recorded."),
            deploymentId, ControlRefusal.AlreadyDecided, first);
}
