namespace Spot.Deploy.Strategies;

/// <summary>
/// A caller-supplied check run before a gated stage (the next canary phase, the next traffic step, the swap):
/// approve, abort (the deployment fails and follows <see cref="DeploymentOptions.OnFailure"/>), or wait and ask again.
/// Implement it (a PowerShell class can), or wrap a function in <see cref="DeploymentGate"/>.
/// </summary>
public interface IDeploymentGate
{
    /// <summary>Decides whether the stage may run.</summary>
    /// <param name="context">Where the deployment is.</param>
    /// <param name="cancellationToken">Cancelled when the deployment is.</param>
    /// <returns>The decision.</returns>
    Task<GateDecision> CheckAsync(GateContext context, CancellationToken cancellationToken = default);
}

/// <summary>A gate made of a function, for C# callers: <c>new DeploymentGate((context, ct) =&gt; …)</c>.</summary>
public sealed class DeploymentGate : IDeploymentGate
{
    private readonly Func<GateContext, CancellationToken, Task<GateDecision>> _check;

    /// <summary>Wraps a function.</summary>
    /// <param name="check">The check.</param>
    public DeploymentGate(Func<GateContext, CancellationToken, Task<GateDecision>> check)
    {
        ArgumentNullException.ThrowIfNull(check);
        _check = check;
    }

    /// <inheritdoc />
    public Task<GateDecision> CheckAsync(GateContext context, CancellationToken cancellationToken = default) => _check(context, cancellationToken);
}

/// <summary>What a gate decided.</summary>
public enum GateVerdict
{
    /// <summary>Go on with the stage.</summary>
    Approve,

    /// <summary>Stop the deployment as failed.</summary>
    Abort,

    /// <summary>Ask again after <see cref="GateDecision.RecheckAfter"/>.</summary>
    Wait,
}

/// <summary>A gate's answer.</summary>
public sealed class GateDecision
{
    private GateDecision(GateVerdict verdict, string? reason, TimeSpan recheckAfter)
    {
        Verdict = verdict;
        Reason = reason;
        RecheckAfter = recheckAfter;
    }

    /// <summary>The verdict.</summary>
    public GateVerdict Verdict { get; }

    /// <summary>Why (shown in events, logs and the failure message).</summary>
    public string? Reason { get; }

    /// <summary>For <see cref="GateVerdict.Wait"/>: when to ask again.</summary>
    public TimeSpan RecheckAfter { get; }

    /// <summary>Go on.</summary>
    /// <param name="reason">Optional note, such as who approved.</param>
    public static GateDecision Approve(string? reason = null) => new(GateVerdict.Approve, reason, TimeSpan.Zero);

    /// <summary>Fail the deployment.</summary>
    /// <param name="reason">Why; part of the failure message.</param>
    public static GateDecision Abort(string reason) => new(GateVerdict.Abort, reason, TimeSpan.Zero);

    /// <summary>Ask again after <paramref name="recheckAfter"/> (at least one second).</summary>
    /// <param name="recheckAfter">The pause before the next check.</param>
    /// <param name="reason">Optional note, such as "error rate 2.1 % above 1 %".</param>
    public static GateDecision Wait(TimeSpan recheckAfter, string? reason = null) =>
        new(GateVerdict.Wait, reason, recheckAfter < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : recheckAfter);

    /// <inheritdoc />
    public override string ToString() => Reason is null ? Verdict.ToString() : $"{Verdict}: {Reason}";
}

/// <summary>Where a deployment is when its gate is asked.</summary>
/// <param name="DeploymentId">The deployment.</param>
/// <param name="AppName">The app.</param>
/// <param name="Strategy">The strategy.</param>
/// <param name="StageIndex">The stage about to run (0 is the setup).</param>
/// <param name="StageName">Its name, such as <c>phase 2 of 3 (50 %)</c> or <c>swap</c>.</param>
/// <param name="Attempt">1 for the first question, then one more for each "wait".</param>
/// <param name="Waited">How long the gate has kept the stage waiting so far.</param>
public sealed record GateContext(string DeploymentId, string AppName, DeploymentStrategy Strategy, int StageIndex, string StageName, int Attempt, TimeSpan Waited);
