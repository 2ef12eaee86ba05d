namespace Spot.Deploy.Strategies;

/// <summary>What a person (or a program) decides for a paused deployment.</summary>
public enum ControlAction
{
    /// <summary>Go on: run the stage the deployment is paused before.</summary>
    Promote,

    /// <summary>Stop: the deployment fails and follows <see cref="DeploymentOptions.OnFailure"/> (rolled back by default).</summary>
    Abort,
}

/// <summary>
/// A decision for one pause of one deployment, as stored in its control channel (<see cref="IDeploymentControl"/>).
/// The store sets <see cref="Sequence"/> and <see cref="RequestedAt"/>; the first decision for a stage wins.
/// </summary>
public sealed class ControlRequest
{
    /// <summary>The longest <see cref="RequestedBy"/> and <see cref="Reason"/> accepted.</summary>
    public const int MaxTextLength = 256;

    /// <summary>Creates a request.</summary>
    /// <param name="action">Promote or abort.</param>
    /// <param name="stage">The stage the deployment is paused before (1 or more: the setup is never paused), as <see cref="GateContext.StageIndex"/> and <see cref="PausedEvent.StageIndex"/> give it.</param>
    /// <param name="requestedBy">Who decided, such as <c>alice@laptop</c> (1 to 256 characters, no control characters, never a secret).</param>
    /// <param name="reason">Why, or null (at most 256 characters, no control characters, never a secret).</param>
    /// <exception cref="ArgumentException">A value is out of range (the message names it).</exception>
    public ControlRequest(ControlAction action, int stage, string requestedBy, string? reason = null)
        : this(action, stage, requestedBy, reason, 0, default)
    {
    }

    private ControlRequest(ControlAction action, int stage, string requestedBy, string? reason, long sequence, DateTimeOffset requestedAt)
    {
        if (!Enum.IsDefined(action))
        {
            throw new ArgumentException($"Unknown control action {(int)action}.", nameof(action));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(stage, 1);
        if (string.IsNullOrWhiteSpace(requestedBy) || requestedBy.Length > MaxTextLength || requestedBy.Any(char.IsControl))
        {
            throw new ArgumentException($"requestedBy (who decided, such as user@machine) must be 1 to {MaxTextLength} characters without control characters.", nameof(requestedBy));
        }

        if (reason is not null && (reason.Length > MaxTextLength || reason.Any(char.IsControl)))
        {
            throw new ArgumentException($"The reason must be at most {MaxTextLength} characters without control characters.", nameof(reason));
        }

        Action = action;
        Stage = stage;
        RequestedBy = requestedBy;
        Reason = string.IsNullOrWhiteSpace(reason) ? null : reason;
        Sequence = sequence;
        RequestedAt = requestedAt;
    }

    /// <summary>Promote or abort.</summary>
    public ControlAction Action { get; }

    /// <summary>The stage the decision is for.</summary>
    public int Stage { get; }

    /// <summary>Who decided.</summary>
    public string RequestedBy { get; }

    /// <summary>Why, or null.</summary>
    public string? Reason { get; }

    /// <summary>The request's place in the deployment's control channel (1, 2, …); 0 before it is stored.</summary>
    public long Sequence { get; }

    /// <summary>When the store recorded it (the store's clock); default before it is stored.</summary>
    public DateTimeOffset RequestedAt { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Action} of stage {Stage} by {RequestedBy}{(Reason is null ? string.Empty : ": " + Reason)}";

    /// <summary>The request as stored: numbered and timed.</summary>
    internal ControlRequest Stamp(long sequence, DateTimeOffset time) => new(Action, Stage, RequestedBy, Reason, sequence, time);
}
