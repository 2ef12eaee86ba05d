using System.CommandLine;
using Spot.Deploy.Planning;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli;

/// <summary>
/// <c>--bake DURATION</c> and <c>--analysis FILE</c>: watch the new version after each phase (canary) or before each
/// traffic step and the swap (Blue/Green), measuring the file's checks (docs/analysis.md); <c>--background-analysis FILE</c>:
/// checks (the same schema) measured through the whole deployment. Read and validated before anything in the cloud
/// changes (exit 3).
/// </summary>
internal sealed class AnalysisInputs
{
    private readonly Option<string?> _bake = new("--bake") { Description = "How long to watch the new version before each next phase or traffic step, e.g. 10m (default: no bake; with --analysis: interval x count)." };
    private readonly Option<string?> _analysis = new("--analysis") { Description = "A JSON file of checks measured during each bake (http, prometheus, newVsOld; see docs/analysis.md)." };
    private readonly Option<string?> _background = new("--background-analysis")
    {
        Description = "A JSON file of checks (same schema as --analysis) measured through the whole deployment, from the end of the stage that brings the new version up; a failure rolls it back.",
    };

    public AnalysisInputs(Command command)
    {
        command.Options.Add(_bake);
        command.Options.Add(_analysis);
        command.Options.Add(_background);
    }

    public (TimeSpan? Bake, Analysis? Analysis, Analysis? Background) Read(ParseResult parse)
    {
        TimeSpan? bake = null;
        if (parse.GetValue(_bake) is { } text)
        {
            bake = Refused(() => Durations.Parse(text, "--bake"));
        }

        return (bake, ReadFile(parse.GetValue(_analysis), "--analysis"), ReadFile(parse.GetValue(_background), "--background-analysis"));
    }

    /// <summary>Applies a command's <c>--bake</c>/<c>--analysis</c> (when it has them) to <paramref name="options"/>.</summary>
    public static DeploymentOptions Apply(DeploymentOptions options, AnalysisInputs? inputs, ParseResult parse)
    {
        if (inputs is not null)
        {
            Apply(options, inputs.Read(parse));
        }

        return options;
    }

    /// <summary>Applies the values to a deployment's options.</summary>
    public static void Apply(DeploymentOptions options, (TimeSpan? Bake, Analysis? Analysis, Analysis? Background) values)
    {
        options.Bake = values.Bake;
        options.BakeAnalysis = values.Analysis;
        options.BackgroundAnalysis = values.Background;
    }

    private static Analysis? ReadFile(string? file, string flag)
    {
        if (file is null)
        {
            return null;
        }

        if (!File.Exists(file))
        {
            throw new CliUsageException($"{flag}: no such file '{file}'");
        }

        return Refused(() => AnalysisJson.Read(File.ReadAllText(file)), flag + " " + file + ": ");
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
