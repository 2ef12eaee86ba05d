using System.CommandLine;
using Spot.Deploy.Planning;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli;

/// <summary>
/// <c>--bake DURATION</c> and <c>--analysis FILE</c>: watch the new version after each phase (canary) or before each
/// traffic step and the swap (Blue/Green), measuring the file's checks (docs/analysis.md). Read and validated before
/// anything in the cloud changes (exit 3).
/// </summary>
internal sealed class AnalysisInputs
{
    private readonly Option<string?> _bake = new("--bake") { Description = "How long to watch the new version before each next phase or traffic step, e.g. 10m (default: no bake; with --analysis: interval x count)." };
    private readonly Option<string?> _analysis = new("--analysis") { Description = "A JSON file of checks measured during each bake (http, prometheus, newVsOld; see docs/analysis.md)." };

    public AnalysisInputs(Command command)
    {
        command.Options.Add(_bake);
        command.Options.Add(_analysis);
    }

    public (TimeSpan? Bake, Analysis? Analysis) Read(ParseResult parse)
    {
        TimeSpan? bake = null;
        if (parse.GetValue(_bake) is { } text)
        {
            bake = Refused(() => Durations.Parse(text, "--bake"));
        }

        Analysis? analysis = null;
        if (parse.GetValue(_analysis) is { } file)
        {
            if (!File.Exists(file))
            {
                throw new CliUsageException($"--analysis: no such file '{file}'");
            }

            analysis = Refused(() => AnalysisJson.Read(File.ReadAllText(file)), "--analysis " + file + ": ");
        }

        return (bake, analysis);
    }

    /// <summary>Applies a command's <c>--bake</c>/<c>--analysis</c> (when it has them) to <paramref name="options"/>.</summary>
    public static DeploymentOptions Apply(DeploymentOptions options, AnalysisInputs? inputs, ParseResult parse)
    {
        if (inputs is not null)
        {
            var (bake, analysis) = inputs.Read(parse);
            Apply(options, bake, analysis);
        }

        return options;
    }

    /// <summary>Applies the values to a deployment's options.</summary>
    public static void Apply(DeploymentOptions options, TimeSpan? bake, Analysis? analysis)
    {
        options.Bake = bake;
        options.BakeAnalysis = analysis;
    }

    private static T Refused<T>(Func<T> read, string prefix = "")
    {
        try
        {
            return read();
        }
        catch (DeploymentValidationException e)
        {
            throw new CliUsageException(prefix + e.Message);
        }
    }
}
