using System.Globalization;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies;

/// <summary>What a deployment does when a step fails.</summary>
public enum FailurePolicy
{
    /// <summary>Roll back at once to where the deployment started (default).</summary>
    RollBack,

    /// <summary>Stop and leave everything as it is for a person (status <see cref="DeploymentStatus.NeedsAttention"/>); resume or roll back later.</summary>
    Stop,
}

/// <summary>How deployments run. One instance can be shared by many deployments; do not change it while they run.</summary>
public sealed class DeploymentOptions
{
    /// <summary>What to do when a step fails (default <see cref="FailurePolicy.RollBack"/>).</summary>
    public FailurePolicy OnFailure { get; set; } = FailurePolicy.RollBack;

    /// <summary>How to wait for groups to become steady (adaptive polling, timeout per wait, optional target-group health).</summary>
    public SteadyStateOptions SteadyState { get; set; } = new();

    /// <summary>
    /// A rollback also brings back the older running revisions setup scaled to 0 (ours, default true) so a
    /// rollback ends exactly where the deployment started; false keeps them at 0 as the reference does.
    /// </summary>
    public bool RestoreScaledDownGroupsOnRollback { get; set; } = true;

    /// <summary>The check run before each gated stage (between phases, before traffic steps); null approves at once.</summary>
    public IDeploymentGate? Gate { get; set; }

    /// <summary>How long a gate may keep answering "wait" before the deployment fails (default 24 h).</summary>
    public TimeSpan GateTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long to watch the new version after each phase's steady state, before the next gated stage (the next canary
    /// phase, traffic step or swap); null (default) for no bake. During a bake the <see cref="BakeAnalysis"/> is measured.
    /// </summary>
    public TimeSpan? Bake { get; set; }

    /// <summary>
    /// The checks measured during each bake (every <see cref="Analysis.Interval"/>, one measurement per whole interval
    /// unless <see cref="Analysis.Count"/> says otherwise). Without <see cref="Bake"/>, a bake lasts Interval × Count.
    /// </summary>
    public Analysis? BakeAnalysis { get; set; }

    /// <summary>
    /// Pause before gated stages until a person promotes or aborts (see <see cref="PauseOptions"/>); null (default) never
    /// pauses. Needs a journal with a control channel (<see cref="DeploymentServices.Control"/>) and a strategy with gated
    /// stages (canary with two or more phases, Blue/Green).
    /// </summary>
    public PauseOptions? Pause { get; set; }

    /// <summary>
    /// Checks measured every <see cref="Analysis.Interval"/> through the whole deployment, beside its steps and bakes: from
    /// the end of the stage that brings the new version up (a canary's first phase, a Blue/Green's setup; where the first
    /// bake starts) until its last step before the clean-up is done. A failure stops the deployment where it is and rolls it back (per
    /// <see cref="OnFailure"/>), the reason naming the check and its values; an inconclusive result stops it for a person.
    /// Without <see cref="Analysis.Count"/> it measures until the deployment ends (consecutive successes do not end it).
    /// A resumed deployment starts it afresh. Its measurements are reported (<see cref="MeasurementEvent"/>) from its timer's
    /// thread, concurrently with the deployment's own events. Canary and Blue/Green only; null (default) for none.
    /// </summary>
    public Analysis? BackgroundAnalysis { get; set; }

    /// <summary>How long a Spot roll may take before it is stopped and the deployment fails (default 2 h).</summary>
    public TimeSpan RollTimeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Who holds the app lock, for the refusal message of a second deployment (default machine/process).</summary>
    public string? Owner { get; set; }

    /// <summary>Checks every value; called by every deployment before it starts.</summary>
    /// <exception cref="ArgumentException">A value is out of range (the message names it).</exception>
    /// <exception cref="DeploymentValidationException">The bake or background analysis is invalid (the message names the check and field).</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(OnFailure))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"OnFailure: unknown policy {(int)OnFailure}."), nameof(OnFailure));
        }

        if (SteadyState is null)
        {
            throw new ArgumentException("SteadyState must not be null.", nameof(SteadyState));
        }

        SteadyState.Validate();
        if (GateTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"GateTimeout must be positive (was {GateTimeout}).", nameof(GateTimeout));
        }

        if (Bake is { } bake && bake <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Bake must be positive (was {bake}).", nameof(Bake));
        }

        BakeAnalysis?.Validate();
        Pause?.Validate();
        if (BackgroundAnalysis is { } background)
        {
            background.Validate();
            if (background is { Count: null, ConsecutiveSuccessLimit: > 0 })
            {
                throw new DeploymentValidationException("BackgroundAnalysis.consecutiveSuccessLimit",
                    "a background analysis without a count measures until the deployment ends; give it a count to end it by consecutive successes.");
            }
        }

        if (RollTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"RollTimeout must be positive (was {RollTimeout}).", nameof(RollTimeout));
        }
    }
}
