namespace Spot.Deploy.Strategies;

/// <summary>
/// How <see cref="SteadyStateWaiter"/> waits: a plain options class with documented defaults, checked by
/// <see cref="Validate"/> when a wait starts.
/// </summary>
public sealed class SteadyStateOptions
{
    /// <summary>How long one wait may take before it fails with <see cref="SteadyStateTimeoutException"/>. Default 15 min.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The first pause between polls, and the pause again whenever the healthy count grows (readiness is
    /// near). Default 2 s.
    /// </summary>
    public TimeSpan InitialPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The longest pause between polls, and the pause of a wait for new instances while none has become
    /// healthy yet (they need at least a boot and a health check). Default 10 s: half the reference system's
    /// fixed 20 s, so the first wait of a deployment lags readiness by at most 10 s.
    /// </summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Learn how long new instances take to become healthy from each wait for new instances, and in the next
    /// such wait of the same <see cref="SteadyStateWaiter"/> (the next phase of a deployment) look only when
    /// readiness is due: in the middle of the learned interval, then at its end (then as usual). Default true.
    /// </summary>
    public bool LearnReadinessTime { get; set; } = true;

    /// <summary>How much the pause grows after each poll that brings no new healthy instance. Default 1.5.</summary>
    public double BackoffFactor { get; set; } = 1.5;

    /// <summary>
    /// Also require every instance to be <c>healthy</c> in every target group passed to the wait (ELBv2
    /// DescribeTargetHealth); needs a <see cref="Spot.Deploy.Aws.TrafficRouter"/>. Default false (Spot's
    /// own health only, as the reference system).
    /// </summary>
    public bool RequireTargetGroupHealth { get; set; }

    /// <summary>A copy with every setting kept but <see cref="RequireTargetGroupHealth"/> off (for a wait with no target group).</summary>
    internal SteadyStateOptions WithoutTargetGroupHealth()
    {
        var copy = (SteadyStateOptions)MemberwiseClone();
        copy.RequireTargetGroupHealth = false;
        return copy;
    }

    /// <summary>Checks the settings and names the first bad one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void Validate()
    {
        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "Timeout must be positive.");
        }

        if (InitialPollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(InitialPollInterval), InitialPollInterval, "InitialPollInterval must be positive.");
        }

        if (MaxPollInterval < InitialPollInterval)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPollInterval), MaxPollInterval, $"MaxPollInterval must be at least InitialPollInterval ({InitialPollInterval}).");
        }

        if (!double.IsFinite(BackoffFactor) || BackoffFactor < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BackoffFactor), BackoffFactor, "BackoffFactor must be a finite number of at least 1 (1: a fixed interval).");
        }
    }
}
