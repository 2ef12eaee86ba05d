using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli;

/// <summary>Deployment summaries as an aligned text table (with the commands that go on from unfinished ones) and as JSON objects.</summary>
internal static class HistoryTable
{
    public static string Text(IReadOnlyList<DeploymentSummary> summaries, bool withApp, StoreChoice store)
    {
        string[] header = withApp
            ? ["ID", "APP", "STRATEGY", "IMAGE", "STATUS", "RUNNER", "STARTED", "DURATION", "OUTCOME"]
            : ["ID", "STRATEGY", "IMAGE", "STATUS", "RUNNER", "STARTED", "DURATION", "OUTCOME"];
        var rows = new List<string[]> { header };
        foreach (var s in summaries)
        {
            var cells = new List<string> { s.Id };
            if (withApp)
            {
                cells.Add(s.AppName);
            }

            cells.AddRange([s.Strategy, s.ImageId ?? "-", s.Status.ToString(), s.Runner ?? "unknown", Time(s.StartedAt), Duration(s), Outcome(s)]);
            rows.Add([.. cells]);
        }

        var widths = Enumerable.Range(0, header.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            // The last column is not padded: no trailing spaces.
            text.AppendLine(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd());
        }

        foreach (var s in summaries.Where(s => s.IsUnfinished))
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"{s.Id} of {s.AppName} is unfinished ({s.Status}): look at the app (spot-deploy status {Cli.Quote(s.AppName)}{store.Flags}), then go on with one of");
            foreach (var next in Next(s, store))
            {
                text.AppendLine("  " + next);
            }
        }

        return text.ToString().TrimEnd();
    }

    public static JsonObject Json(DeploymentSummary s, StoreChoice store) => new()
    {
        ["id"] = s.Id,
        ["app"] = s.AppName,
        ["strategy"] = s.Strategy,
        ["image"] = s.ImageId,
        ["status"] = s.Status.ToString(),
        ["runner"] = s.Runner,
        ["startedAt"] = s.StartedAt,
        ["finishedAt"] = s.FinishedAt,
        ["durationSeconds"] = s.FinishedAt is { } end ? (end - s.StartedAt).TotalSeconds : null,
        ["lastError"] = s.LastError,
        ["entryCount"] = s.EntryCount,
        ["unfinished"] = s.IsUnfinished,
        ["next"] = s.IsUnfinished ? new JsonArray([.. Next(s, store).Select(c => (JsonNode)c)]) : null,
    };

    /// <summary>How it ended (or stands): the status in words, and the last error when there is one.</summary>
    public static string Outcome(DeploymentSummary s)
    {
        var status = s.Status switch
        {
            DeploymentStatus.Succeeded => "succeeded",
            DeploymentStatus.RolledBack => "rolled back",
            DeploymentStatus.Failed => "failed",
            DeploymentStatus.Abandoned => "abandoned",
            DeploymentStatus.NeedsAttention => "needs attention",
            DeploymentStatus.Running => "running, or interrupted",
            _ => s.Status.ToString(),
        };
        return s.LastError is { } error && s.Status != DeploymentStatus.Succeeded ? status + ": " + OneLine(error) : status;
    }

    public static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>From start to finish (<c>4m05s</c>), or <c>-</c> while unfinished.</summary>
    public static string Duration(DeploymentSummary s)
    {
        if (s.FinishedAt is not { } end)
        {
            return "-";
        }

        var d = end - s.StartedAt;
        return d.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalHours}h{d.Minutes:00}m")
            : d.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{d.Minutes}m{d.Seconds:00}s")
            : string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, d.Seconds)}s");
    }

    /// <summary>The exact commands that go on from an unfinished deployment, with the flags that name its journal.</summary>
    private static IEnumerable<string> Next(DeploymentSummary s, StoreChoice store) =>
    [
        $"spot-deploy resume {s.Id}{store.Flags}",
        $"spot-deploy rollback {s.Id}{store.Flags}",
        $"spot-deploy abandon {s.Id} --reason \"<what you checked>\"{store.Flags}",
    ];

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
