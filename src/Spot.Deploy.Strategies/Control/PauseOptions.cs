using System.Globalization;

namespace Spot.Deploy.Strategies;

/// <summary>
/// Where and how a deployment pauses for a person (<see cref="DeploymentOptions.Pause"/>): before each gated stage (the
/// next canary phase, each Blue/Green traffic step and the swap), after its bake and gate, it journals a <c>paused</c>
/// note, reports a <see cref="PausedEvent"/> and polls its control channel (<see cref="IDeploymentControl"/>) until it is
/// promoted or aborted, or the <see cref="Timeout"/> applies the <see cref="DefaultVerdict"/>.
/// </summary>
public sealed class PauseOptions
{
    /// <summary>The stages to pause before, by index (as <see cref="GateContext.StageIndex"/>); empty (default) for every gated stage.</summary>
    public IList<int> Stages { get; } = [];

    /// <summary>How long a pause waits for a decision before <see cref="DefaultVerdict"/> applies; null (default) waits until someone decides.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>The verdict when <see cref="Timeout"/> passes without a decision (default <see cref="ControlAction.Abort"/>).</summary>
    public ControlAction DefaultVerdict { get; set; } = ControlAction.Abort;

    /// <summary>How often the control channel is read while paused, on the deployment's clock (default 5 s).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>True when the deployment pauses before <paramref name="stage"/> (a gated stage).</summary>
    /// <param name="stage">The stage index.</param>
    /// <returns>Whether it pauses there.</returns>
    public bool PausesBefore(int stage) => Stages.Count == 0 || Stages.Contains(stage);

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentException">A value is out of range (the message names it).</exception>
    public void Validate()
    {
        if (Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Pause.Timeout must be positive (was {timeout}).", nameof(Timeout));
        }

        if (!Enum.IsDefined(DefaultVerdict))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Pause.DefaultVerdict: unknown action {(int)DefaultVerdict}."), nameof(DefaultVerdict));
        }

        if (PollInterval < TimeSpan.FromMilliseconds(10) || PollInterval > TimeSpan.FromHours(1))
        {
            throw new ArgumentException($"Pause.PollInterval must be between 10 ms and 1 h (was {PollInterval}).", nameof(PollInterval));
        }

        if (Stages.Where(s => s < 1).Select(s => (int?)s).FirstOrDefault() is { } bad)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Pause.Stages: stage {bad} is not a gated stage (the setup, stage 0, is never paused)."), nameof(Stages));
        }
    }
}
