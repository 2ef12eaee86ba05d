using System.CommandLine;
using Spot.Deploy.Planning;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli;

/// <summary>What <c>--pause</c>, <c>--approve</c>, <c>--pause-timeout</c> and <c>--pause-default</c> asked for.</summary>
/// <param name="Pause">Pause before each gated stage (also true for --approve).</param>
/// <param name="Approve">Ask on an interactive terminal at each pause.</param>
/// <param name="Timeout">How long a pause waits, or null.</param>
/// <param name="DefaultVerdict">The verdict at the timeout.</param>
internal sealed record PauseChoice(bool Pause, bool Approve, TimeSpan? Timeout, ControlAction DefaultVerdict)
{
    public static PauseChoice None { get; } = new(false, false, null, ControlAction.Abort);

    /// <summary>The flag that asked for a pause, for refusals.</summary>
    public string Flag => Approve ? "--approve" : "--pause";

    /// <summary>The deployment's pause options, or null; refused (exit 3, naming the flag) for strategies that have no stage to pause before.</summary>
    public PauseOptions? Options(string strategy)
    {
        if (!Pause)
        {
            return null;
        }

        if (strategy is "roll")
        {
            throw new CliUsageException($"{Flag} is for basic, canary and bluegreen deployments: a {strategy} deployment has no stage to pause before");
        }

        return new PauseOptions { Timeout = Timeout, DefaultVerdict = DefaultVerdict };
    }
}

/// <summary>
/// <c>--pause</c> (wait before each next phase, traffic step or swap until <c>spot-deploy promote|abort &lt;id&gt;</c>),
/// <c>--approve</c> (ask on an interactive terminal; a pause otherwise), <c>--pause-timeout DURATION</c> and
/// <c>--pause-default promote|abort</c>. Checked before anything in the cloud changes (exit 3).
/// </summary>
internal sealed class PauseInputs
{
    private readonly Option<bool> _pause = new("--pause") { Description = "Pause before each next canary phase, Blue/Green traffic step and the swap until 'spot-deploy promote <id>' or 'spot-deploy abort <id>' (from any terminal)." };
    private readonly Option<bool> _approve = new("--approve") { Description = "Ask 'promote …? [y/N]' at each pause on an interactive terminal; without one (redirected input, CI) the same as --pause." };
    private readonly Option<string?> _timeout = new("--pause-timeout") { Description = "How long a pause waits for promote or abort, e.g. 30m (default: until someone decides); then --pause-default applies." };
    private readonly Option<string?> _default = new("--pause-default") { Description = "promote or abort (default): the verdict when --pause-timeout passes." };

    public PauseInputs(Command command)
    {
        command.Options.Add(_pause);
        command.Options.Add(_approve);
        command.Options.Add(_timeout);
        command.Options.Add(_default);
    }

    public PauseChoice Read(ParseResult parse)
    {
        var pause = parse.GetValue(_pause);
        var approve = parse.GetValue(_approve);
        if (pause && approve)
        {
            throw new CliUsageException("--pause and --approve are alternatives: --approve pauses too when it cannot ask");
        }

        TimeSpan? timeout = null;
        if (parse.GetValue(_timeout) is { } text)
        {
            try
            {
                timeout = Durations.Parse(text, "--pause-timeout");
            }
            catch (DeploymentValidationException e)
            {
                throw new CliUsageException(e.Message);
            }
        }

        var verdict = ControlAction.Abort;
        if (parse.GetValue(_default) is { } value)
        {
            verdict = value switch
            {
                "promote" => ControlAction.Promote,
                "abort" => ControlAction.Abort,
                _ => throw new CliUsageException($"--pause-default must be promote or abort, got '{value}'"),
            };
        }

        if (!pause && !approve && (timeout is not null || parse.GetValue(_default) is not null))
        {
            throw new CliUsageException((timeout is not null ? "--pause-timeout" : "--pause-default") + " needs --pause or --approve");
        }

        return new PauseChoice(pause || approve, approve, timeout, verdict);
    }
}
