using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Spot.Deploy.Planning;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli;

/// <summary>
/// <c>history &lt;app&gt;</c> (an app's deployments, newest first) and <c>list --unfinished</c> (every app's unfinished
/// deployments, with the commands that go on from each), on the journal of <c>--state-dir</c> or PostgreSQL. Read-only.
/// </summary>
internal static class HistoryCommands
{
    public const int DefaultLimit = 50;

    public static Command History(TextWriter output, TextWriter error)
    {
        var command = new Command("history", "Show an app's deployments, newest first: strategy, image, status, who started it where, when, how long, and how it ended. Read-only.");
        var app = new Argument<string>("app") { Description = "The app (case-sensitive, as its deployments name it)." };
        var limit = new Option<int>("--limit") { Description = $"Show at most this many (1 to {DeploymentSummary.MaxHistoryLimit}; default {DefaultLimit}).", DefaultValueFactory = _ => DefaultLimit };
        var store = new StoreInputs(command, OutputOptions.Table);
        command.Arguments.Add(app);
        command.Options.Add(limit);
        command.SetAction((p, ct) => Cli.GuardAsync(error, () =>
        {
            // Every input is checked before the store is opened.
            var appName = p.GetValue(app)!;
            AppName.Validate(appName);
            var max = p.GetValue(limit);
            if (max is < 1 or > DeploymentSummary.MaxHistoryLimit)
            {
                throw new CliUsageException(string.Create(CultureInfo.InvariantCulture, $"--limit must be between 1 and {DeploymentSummary.MaxHistoryLimit}, got {max}"));
            }

            return HistoryAsync(appName, max, store.Read(p), output, ct);
        }));
        return command;
    }

    public static Command List(TextWriter output, TextWriter error)
    {
        var command = new Command("list", "With --unfinished: every app's unfinished deployments (running, interrupted or needing attention), oldest first, each with the commands that go on from it. Read-only.");
        var unfinished = new Option<bool>("--unfinished") { Description = "List the unfinished deployments of every app (required: for one app's deployments, use 'history <app>')." };
        var store = new StoreInputs(command, OutputOptions.Table);
        command.Options.Add(unfinished);
        command.SetAction((p, ct) => Cli.GuardAsync(error, () =>
        {
            if (!p.GetValue(unfinished))
            {
                throw new CliUsageException("list needs --unfinished (the unfinished deployments of every app); for the deployments of one app use 'spot-deploy history <app>'");
            }

            return UnfinishedAsync(store.Read(p), output, ct);
        }));
        return command;
    }

    /// <summary>
    /// For <c>status</c>: the app's unfinished deployment, if the journal holds one (at most one can start; the newest is
    /// shown if an older version left more), as a line with the commands that go on from it and as JSON.
    /// </summary>
    public static async Task<(string Line, JsonObject Json)?> UnfinishedOfAppAsync(IDeploymentJournal journal, string app, StoreChoice store, CancellationToken ct)
    {
        var records = await journal.ListByAppAsync(app, ct);
        if (records.LastOrDefault(r => r.IsUnfinished) is not { } record)
        {
            return null;
        }

        var summary = DeploymentSummary.Create(record);
        var line = string.Create(CultureInfo.InvariantCulture,
            $"  unfinished deployment {summary.Id} ({summary.Strategy} to {summary.ImageId ?? "-"}, started {HistoryTable.Time(summary.StartedAt)} by {summary.Runner ?? "unknown"}, {HistoryTable.Outcome(summary)}): no other deployment of {app} starts until it is finished; "
            + $"spot-deploy resume {summary.Id}{store.Flags} or spot-deploy rollback {summary.Id}{store.Flags}");
        var json = HistoryTable.Json(summary, store);
        if (DeploymentPause.Of(record) is { } pause)
        {
            line += Environment.NewLine + "  " + PausedLine(summary.Id, pause, store);
            json["pausedAt"] = pause.StageName;
        }

        return (line, json);
    }

    /// <summary>The line of a paused deployment: where it waits, and the two commands that decide.</summary>
    public static string PausedLine(string id, DeploymentPause pause, StoreChoice store) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{id} is paused at \"{pause.StageName}\" since {HistoryTable.Time(pause.Since)}, waiting for promote/abort: spot-deploy promote {id}{store.Flags} or spot-deploy abort {id} --reason \"<why>\"{store.Flags}");

    /// <summary>For <c>list --unfinished</c>: the paused ones among the summaries, read from their journals.</summary>
    private static async Task<IReadOnlyList<string>> PausedLinesAsync(IReadOnlyList<DeploymentSummary> summaries, StoreChoice store, CancellationToken ct)
    {
        if (summaries.Count == 0)
        {
            return [];
        }

        var (journal, _, owned) = StateStores.Open(store.StateDir, store.Postgres);
        try
        {
            var lines = new List<string>();
            foreach (var summary in summaries)
            {
                if (await journal.LoadAsync(summary.Id, ct) is { } record && DeploymentPause.Of(record) is { } pause)
                {
                    lines.Add(PausedLine(summary.Id, pause, store));
                }
            }

            return lines;
        }
        finally
        {
            owned?.Dispose();
        }
    }

    private static async Task<int> HistoryAsync(string app, int limit, StoreChoice store, TextWriter output, CancellationToken ct)
    {
        var summaries = await WithHistoryAsync(store, history => history.GetHistoryAsync(app, limit, ct));
        var where = StateStores.Describe(store.StateDir, store.Postgres);
        var text = summaries.Count == 0
            ? $"no deployments of {app} in {where}."
            : string.Create(CultureInfo.InvariantCulture, $"deployments of {app} in {where}, newest first ({summaries.Count} shown, --limit {limit}):")
                + Environment.NewLine + HistoryTable.Text(summaries, withApp: false, store);
        new EventWriter(output, store.Output).Result(new JsonObject
        {
            ["command"] = "history",
            ["app"] = app,
            ["limit"] = limit,
            ["state"] = store.Postgres ? StateStores.Postgres : StateStores.Files,
            ["deployments"] = new JsonArray([.. summaries.Select(s => (JsonNode)HistoryTable.Json(s, store))]),
        }, text);
        return ExitCodes.Success;
    }

    private static async Task<int> UnfinishedAsync(StoreChoice store, TextWriter output, CancellationToken ct)
    {
        var summaries = await WithHistoryAsync(store, history => history.GetUnfinishedAsync(ct));
        var where = StateStores.Describe(store.StateDir, store.Postgres);
        var paused = await PausedLinesAsync(summaries, store, ct);
        var text = summaries.Count == 0
            ? $"no unfinished deployments in {where}."
            : string.Create(CultureInfo.InvariantCulture, $"{summaries.Count} unfinished deployment(s) in {where}, oldest first:")
                + Environment.NewLine + HistoryTable.Text(summaries, withApp: true, store)
                + string.Concat(paused.Select(line => Environment.NewLine + line));
        new EventWriter(output, store.Output).Result(new JsonObject
        {
            ["command"] = "list",
            ["unfinished"] = true,
            ["state"] = store.Postgres ? StateStores.Postgres : StateStores.Files,
            ["deployments"] = new JsonArray([.. summaries.Select(s => (JsonNode)HistoryTable.Json(s, store))]),
        }, text);
        return ExitCodes.Success;
    }

    private static async Task<IReadOnlyList<DeploymentSummary>> WithHistoryAsync(StoreChoice store, Func<IDeploymentHistory, Task<IReadOnlyList<DeploymentSummary>>> query)
    {
        var (journal, _, owned) = StateStores.Open(store.StateDir, store.Postgres);
        try
        {
            // Every store the tool opens keeps a history; a journal without one would be a bug here, not bad input.
            var history = journal as IDeploymentHistory ?? throw new InvalidOperationException($"The journal {journal.GetType().Name} keeps no history.");
            return await query(history);
        }
        finally
        {
            owned?.Dispose();
        }
    }
}

/// <summary>Which journal a read-only command reads, the flags that name it again in a printed command, and the output format.</summary>
internal sealed record StoreChoice(string? StateDir, bool Postgres, OutputFormat Output)
{
    /// <summary>The flags to repeat in a printed command: <c> --state postgres</c>, <c> --state-dir DIR</c>, or nothing for the default directory.</summary>
    public string Flags => Postgres ? " --state postgres" : StateDir is { } dir ? " --state-dir " + Cli.Quote(dir) : string.Empty;
}

/// <summary>The <c>--state</c>, <c>--state-dir</c> and <c>--output</c> flags of <c>history</c> and <c>list</c>.</summary>
internal sealed class StoreInputs
{
    private readonly Option<string?> _stateDir = Cli.StateDirOption();
    private readonly Option<string> _state = StateStores.StateOption();
    private readonly Option<OutputFormat> _output;

    /// <param name="command">The command the flags are added to.</param>
    /// <param name="output">What its <c>--output</c> prints (<see cref="OutputOptions"/>).</param>
    public StoreInputs(Command command, string output)
    {
        _output = Cli.OutputOption(output);
        command.Options.Add(_stateDir);
        command.Options.Add(_state);
        command.Options.Add(_output);
    }

    /// <summary>The choice, refused when <c>--state-dir</c> names no directory: a typo must not read as "no deployments".</summary>
    public StoreChoice Read(ParseResult parse)
    {
        var stateDir = parse.GetValue(_stateDir);
        var postgres = StateStores.IsPostgres(parse.GetValue(_state), stateDir);
        if (stateDir is not null && !Directory.Exists(stateDir))
        {
            throw new CliUsageException($"--state-dir: no such directory '{stateDir}'");
        }

        return new StoreChoice(stateDir, postgres, parse.GetValue(_output));
    }
}
