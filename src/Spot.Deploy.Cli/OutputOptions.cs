namespace Spot.Deploy.Cli;

/// <summary>What <c>--output</c> prints, per kind of command: the description <c>--help</c> shows (docs/cli.md, "JSON output").</summary>
internal static class OutputOptions
{
    /// <summary>deploy, resume, rollback, demo: events as they happen, then the result.</summary>
    public const string Events = "text (default: one line per event, then the outcome) or json (one JSON object per line: each event, then a Result object).";

    /// <summary>plan.</summary>
    public const string Plan = "text (default: the stages, steps and API calls) or json (one Result object: stages, steps, API calls as objects).";

    /// <summary>status.</summary>
    public const string Status = "text (default: a line per group and route) or json (one Result object: groups, routes, the unfinished deployment).";

    /// <summary>history, list.</summary>
    public const string Table = "text (default: a table) or json (one Result object with the deployments).";

    /// <summary>abandon, promote, abort.</summary>
    public const string OneResult = "text (default: one line) or json (one Result object).";
}
