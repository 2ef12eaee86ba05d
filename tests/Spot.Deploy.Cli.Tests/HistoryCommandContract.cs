using System.Text.Json.Nodes;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Cli.Tests;

/// <summary>
/// <c>history</c> and <c>list --unfinished</c>, text and JSON, over three real deployments (succeeded, rolled back,
/// unfinished) journaled in one store; run once per store.
/// </summary>
public abstract class HistoryCommandContract
{
    private static readonly string[] JsonFields =
        ["schema", "event", "command", "app", "limit", "state", "deployments"];

    private static readonly string[] DeploymentFields =
        ["id", "app", "strategy", "image", "status", "runner", "startedAt", "finishedAt", "durationSeconds", "lastError", "entryCount", "unfinished", "next"];

    internal abstract HistoryDeployments Deployments { get; }

    /// <summary>The flags naming the store, as given and as repeated in printed commands.</summary>
    protected abstract string[] StoreFlags { get; }

    /// <summary>Where the store is, as the heading names it.</summary>
    protected abstract string StoreDescription { get; }

    private protected virtual Task<CliRun> RunAsync(params string[] args) => CliRun.RunAsync([.. args, .. StoreFlags]);

    [ContractFact]
    public async Task History_Text_IsAnAlignedTableNewestFirst_WithOutcomes_AndTheCommandsForTheUnfinishedOne()
    {
        var d = Deployments;

        var run = await RunAsync("history", "web");

        run.ExitCode.Should().Be(ExitCodes.Success, run.Error);
        var lines = run.Output.Split('\n');
        lines[0].Should().Be($"deployments of web in {StoreDescription}, newest first (3 shown, --limit 50):");
        var header = lines[1];
        header.Should().MatchRegex("^ID +STRATEGY +IMAGE +STATUS +RUNNER +STARTED +DURATION +OUTCOME$");
        var rows = lines[2..5];
        rows.Select(r => r.Split(' ')[0]).Should().Equal(d.Unfinished, d.RolledBack, d.Succeeded);
        foreach (var column in new[] { "STRATEGY", "IMAGE", "STATUS", "RUNNER", "STARTED", "DURATION", "OUTCOME" })
        {
            rows.Should().OnlyContain(r => r.Length > header.IndexOf(column, StringComparison.Ordinal) && r[header.IndexOf(column, StringComparison.Ordinal) - 1] == ' '
                && r[header.IndexOf(column, StringComparison.Ordinal)] != ' ', $"column {column} is aligned");
        }

        Cell(header, rows[0], "STATUS").Should().Be("NeedsAttention");
        Cell(header, rows[1], "STATUS").Should().Be("RolledBack");
        Cell(header, rows[2], "STATUS").Should().Be("Succeeded");
        rows.Select(r => Cell(header, r, "STRATEGY")).Should().OnlyContain(s => s == "Canary");
        rows.Select(r => Cell(header, r, "IMAGE")).Should().Equal(Sandbox.BrokenImage, Sandbox.BrokenImage, Sandbox.ImageV2);
        rows.Select(r => Cell(header, r, "RUNNER")).Should().OnlyContain(s => s == HistoryDeployments.Runner);
        rows.Select(r => Cell(header, r, "STARTED")).Should().OnlyContain(s => System.Text.RegularExpressions.Regex.IsMatch(s, @"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$"));
        Cell(header, rows[0], "DURATION").Should().Be("-");
        Cell(header, rows[1], "DURATION").Should().MatchRegex(@"^(\d+h)?(\d+m)?\d+s$|^\d+h\d\dm$");
        rows[0][header.IndexOf("OUTCOME", StringComparison.Ordinal)..].Should().StartWith("needs attention: ");
        rows[1][header.IndexOf("OUTCOME", StringComparison.Ordinal)..].Should().StartWith("rolled back: ").And.Contain("healthy");
        rows[2][header.IndexOf("OUTCOME", StringComparison.Ordinal)..].Should().Be("succeeded");
        var flags = string.Join(' ', StoreFlags);
        run.Lines.Should().Contain($"spot-deploy resume {d.Unfinished} {flags}")
            .And.Contain($"spot-deploy rollback {d.Unfinished} {flags}")
            .And.Contain($"spot-deploy abandon {d.Unfinished} --reason \"<what you checked>\" {flags}");
        run.Output.Should().NotContain(d.SpotToken).And.NotContain($"resume {d.RolledBack}");
    }

    [ContractFact]
    public async Task History_Json_IsOneResultObject_WithStructuredDeployments()
    {
        var d = Deployments;

        var run = await RunAsync("history", "web", "--output", "json");

        run.ExitCode.Should().Be(ExitCodes.Success, run.Error);
        run.Lines.Should().ContainSingle();
        var result = JsonNode.Parse(run.Lines[0])!.AsObject();
        result.Select(p => p.Key).Should().Equal(JsonFields);
        ((string?)result["event"]).Should().Be("Result");
        ((string?)result["command"]).Should().Be("history");
        ((int)result["limit"]!).Should().Be(50);
        var deployments = result["deployments"]!.AsArray().Select(n => n!.AsObject()).ToList();
        deployments.Should().OnlyContain(o => o.Select(p => p.Key).SequenceEqual(DeploymentFields));
        deployments.Select(o => (string?)o["id"]).Should().Equal(d.Unfinished, d.RolledBack, d.Succeeded);
        deployments.Select(o => (string?)o["status"]).Should().Equal("NeedsAttention", "RolledBack", "Succeeded");
        deployments.Select(o => (bool)o["unfinished"]!).Should().Equal(true, false, false);
        deployments.Should().OnlyContain(o => (string?)o["runner"] == HistoryDeployments.Runner && (string?)o["app"] == "web" && (string?)o["strategy"] == "Canary");
        ((string?)deployments[2]["image"]).Should().Be(Sandbox.ImageV2);
        deployments[0]["finishedAt"].Should().BeNull();
        deployments[0]["durationSeconds"].Should().BeNull();
        ((string?)deployments[1]["lastError"]).Should().NotBeNullOrEmpty();
        deployments[2]["lastError"].Should().BeNull();
        ((double)deployments[1]["durationSeconds"]!).Should().BeGreaterThan(0);
        (DateTimeOffset.Parse((string)deployments[1]["finishedAt"]!, System.Globalization.CultureInfo.InvariantCulture)
            - DateTimeOffset.Parse((string)deployments[1]["startedAt"]!, System.Globalization.CultureInfo.InvariantCulture)).TotalSeconds
            .Should().BeApproximately((double)deployments[1]["durationSeconds"]!, 0.001);
        ((long)deployments[1]["entryCount"]!).Should().BeGreaterThan(2);
        var flags = string.Join(' ', StoreFlags);
        deployments[0]["next"]!.AsArray().Select(n => (string?)n).Should().Equal(
            $"spot-deploy resume {d.Unfinished} {flags}", $"spot-deploy rollback {d.Unfinished} {flags}", $"spot-deploy abandon {d.Unfinished} --reason \"<what you checked>\" {flags}");
        deployments[1]["next"].Should().BeNull();
        run.Output.Should().NotContain(d.SpotToken);
    }

    [ContractFact]
    public async Task History_Limit_ShowsTheNewest()
    {
        var run = await RunAsync("history", "web", "--limit", "2", "--output", "json");

        run.ExitCode.Should().Be(ExitCodes.Success, run.Error);
        JsonNode.Parse(run.Lines[0])!["deployments"]!.AsArray().Select(n => (string?)n!["id"]).Should().Equal(Deployments.Unfinished, Deployments.RolledBack);
    }

    [ContractFact]
    public async Task History_AppWithoutDeployments_SaysSo()
    {
        var text = await RunAsync("history", "api");
        var json = await RunAsync("history", "api", "--output", "json");

        text.ExitCode.Should().Be(ExitCodes.Success, text.Error);
        text.Lines.Should().Equal($"no deployments of api in {StoreDescription}.");
        json.ExitCode.Should().Be(ExitCodes.Success, json.Error);
        JsonNode.Parse(json.Lines[0])!["deployments"]!.AsArray().Should().BeEmpty();
    }

    [ContractFact]
    public async Task ListUnfinished_Text_NamesTheAppAndTheCommands_Json_TheSameDeployment()
    {
        var d = Deployments;

        var text = await RunAsync("list", "--unfinished");
        var json = await RunAsync("list", "--unfinished", "--output", "json");

        text.ExitCode.Should().Be(ExitCodes.Success, text.Error);
        var lines = text.Output.Split('\n');
        lines[0].Should().Be($"1 unfinished deployment(s) in {StoreDescription}, oldest first:");
        lines[1].Should().MatchRegex("^ID +APP +STRATEGY +IMAGE +STATUS +RUNNER +STARTED +DURATION +OUTCOME$");
        lines[2].Should().MatchRegex($"^{d.Unfinished} +web +Canary +{Sandbox.BrokenImage} +NeedsAttention +{HistoryDeployments.Runner} +");
        var flags = string.Join(' ', StoreFlags);
        text.Lines.Should().Contain($"spot-deploy resume {d.Unfinished} {flags}").And.Contain($"spot-deploy rollback {d.Unfinished} {flags}");
        json.ExitCode.Should().Be(ExitCodes.Success, json.Error);
        var result = JsonNode.Parse(json.Lines.Single())!;
        ((string?)result["command"]).Should().Be("list");
        result["deployments"]!.AsArray().Select(n => (string?)n!["id"]).Should().Equal(d.Unfinished);
    }

    /// <summary>The text of a row under a column of the header (columns are separated by at least two spaces).</summary>
    private static string Cell(string header, string row, string column)
    {
        var start = header.IndexOf(column, StringComparison.Ordinal);
        var end = row.IndexOf("  ", start, StringComparison.Ordinal);
        return (end < 0 ? row[start..] : row[start..end]).Trim();
    }
}
