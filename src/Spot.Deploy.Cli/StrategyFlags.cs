using System.CommandLine;
using System.CommandLine.Parsing;

namespace Spot.Deploy.Cli;

/// <summary>
/// Which flags of <c>plan</c>/<c>deploy</c> apply to which strategy: a flag given for a strategy that would ignore it is
/// refused (exit 3) naming the flag and the strategies it applies to, instead of being silently dropped.
/// </summary>
internal static class StrategyFlags
{
    private static readonly string[] Revisions = ["basic", "canary"];
    private static readonly string[] Gated = ["basic", "canary", "bluegreen"];
    private static readonly string[] NewGroup = ["basic", "canary", "bluegreen"];

    private static readonly Dictionary<string, string[]> AppliesTo = new(StringComparer.Ordinal)
    {
        ["--phase"] = ["canary"],
        ["--adopt"] = Revisions,
        ["--document"] = NewGroup,
        ["--capacity"] = NewGroup,
        ["--traffic-shift"] = ["bluegreen"],
        ["--downsize-old"] = ["bluegreen"],
        ["--production-listener"] = ["bluegreen"],
        ["--production-rule"] = ["bluegreen"],
        ["--stage-listener"] = ["bluegreen"],
        ["--stage-rule"] = ["bluegreen"],
        ["--group-id"] = ["roll"],
        ["--batch-size"] = ["roll"],
        ["--grace-period"] = ["roll"],
        ["--health-check-type"] = ["roll"],
        ["--bake"] = Gated,
        ["--analysis"] = Gated,
        ["--background-analysis"] = ["basic", "canary", "bluegreen", "roll"],
        ["--pause"] = Gated,
        ["--approve"] = Gated,
        ["--pause-timeout"] = Gated,
        ["--pause-default"] = Gated,
    };

    /// <summary>The strategies <paramref name="flag"/> applies to, or null when it applies to all.</summary>
    internal static IReadOnlyList<string>? StrategiesOf(string flag) => AppliesTo.GetValueOrDefault(flag);

    /// <summary>Throws <see cref="CliUsageException"/> for the first flag typed on the command line that <paramref name="strategy"/> ignores.</summary>
    public static void Check(ParseResult parse, string strategy)
    {
        foreach (var option in parse.CommandResult.Children.OfType<OptionResult>().Where(o => !o.Implicit))
        {
            if (AppliesTo.TryGetValue(option.Option.Name, out var strategies) && !strategies.Contains(strategy, StringComparer.Ordinal))
            {
                throw new CliUsageException($"{option.Option.Name} does not apply to {strategy} (only to {string.Join(", ", strategies)}): remove it");
            }
        }
    }
}
