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
    /// The longest pause between polls; never exceeded. Default 20 s, the fixed interval of the reference
    /// system, so polling is never sparser (nor, once backed off, more frequent) than it.
    /// </summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How much the pause grows after each poll that brings no new healthy instance. Default 1.5.</summary>
    public double BackoffFactor { get; set; } = 1.5;

    /// <summary>
    /// Also require every instance to be <c>healthy</c> in every target group passed to the wait (ELBv2
    /// DescribeTargetHealth); needs a <see cref="Spot.Deploy.Aws.TrafficRouter"/>. Default false (Spot's
    /// own health only, as the reference system).
    /// </summary>
    public bool RequireTargetGroupHealth { get; set; }

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
