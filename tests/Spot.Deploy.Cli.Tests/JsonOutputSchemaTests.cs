using System.Text.Json.Nodes;
using Json.Schema;
using Spot.Deploy.Strategies;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Cli.Tests;

/// <summary>
/// Every command's <c>--output json</c> follows docs/output.schema.json, line by line (schema 1); the schema rejects
/// the shapes it replaced; <c>--output</c> and <c>--format</c> are checked and named in lower case.
/// </summary>
public sealed class JsonOutputSchemaTests : IDisposable
{
    /// <summary>The commands that print, each covered below; a new one must be added here (and to the schema).</summary>
    private static readonly string[] Printing = ["demo", "plan", "deploy", "rollback", "resume", "abandon", "promote", "abort", "history", "list", "status"];

    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(PublicApiListing.RepositoryRoot(), "docs", "output.schema.json"))));

    private readonly string _stateDir = Directory.CreateTempSubdirectory("spot-deploy-schema-").FullName;

    public void Dispose() => Directory.Delete(_stateDir, recursive: true);

    /// <summary>Every line is a JSON object valid against the schema, with schema 1; the last is the Result. Returns the lines.</summary>
    internal static IReadOnlyList<JsonObject> AssertFollowsSchema(string output, string because)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Should().NotBeEmpty(because);
        var objects = new List<JsonObject>();
        foreach (var line in lines)
        {
            var node = JsonNode.Parse(line)!.AsObject();
            Errors(node).Should().BeEmpty($"{because}: {line}");
            ((int?)node["schema"]).Should().Be(1);
            objects.Add(node);
        }

        ((string?)objects[^1]["event"]).Should().Be("Result", because);
        return objects;
    }

    /// <summary>The schema's errors for <paramref name="node"/>: empty when valid.</summary>
    internal static IReadOnlyList<string> Errors(JsonNode node)
    {
        var result = Schema.Value.Evaluate(node, new EvaluationOptions { OutputFormat = Json.Schema.OutputFormat.List });
        return result.IsValid
            ? []
            : [.. (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key} {e.Value}")).DefaultIfEmpty("invalid")];
    }

    /// <summary>A canary needs its phases; the other strategies take none.</summary>
    private static string[] Phases(string strategy) => strategy == "canary" ? ["--phase", "50", "--phase", "100"] : [];

    [Fact]
    public async Task EveryCommandThatPrints_HasOneOutputFlag_WithLowerCaseValues_AndIsCoveredHere()
    {
        var help = (await CliRun.RunAsync("--help")).Output;
        var commands = help.Split('\n').SkipWhile(l => l.Trim() != "Commands:").Skip(1).TakeWhile(l => l.Trim().Length > 0)
            .Select(l => l.Trim().Split(' ')[0]).ToList();
        var withOutput = new List<string>();
        foreach (var command in commands)
        {
            var text = (await CliRun.RunAsync(command, "--help")).Output;
            if (text.Contains("--output <text|json>", StringComparison.Ordinal))
            {
                withOutput.Add(command);
            }

            text.Should().NotContain("[default: Text]").And.NotContain("[default: RollBack]").And.NotContainAny("<Json", "<Text", "<RollBack");
            if (command is "status" or "history" or "list" or "abandon" or "promote" or "abort" or "plan")
            {
                text.Should().NotContain("one line per event", "{0} prints one object, not events", command);
            }
        }

        withOutput.Should().BeEquivalentTo(Printing, "every command that prints has --output text|json and a schema test here");
        (await CliRun.RunAsync("deploy", "--help")).Output.Should().Contain("--on-failure <rollback|stop>");
        (await CliRun.RunAsync("plan", "--help")).Output.Should().Contain("--format <svg|text|json>");
    }

    [Theory]
    [InlineData("plan", "basic", "--app", "web", "--emulator")]
    [InlineData("deploy", "basic", "--app", "web", "--emulator")]
    [InlineData("status", "web", "--emulator")]
    [InlineData("history", "web")]
    [InlineData("list", "--unfinished")]
    [InlineData("demo")]
    public async Task AnUnknownOutputValue_IsInvalidInput(params string[] args)
    {
        var run = await CliRun.RunAsync([.. args, "--output", "yaml"]);

        run.ExitCode.Should().Be(ExitCodes.InvalidInput);
        run.Error.Should().Contain("--output must be text or json, got 'yaml'");
        run.Sandboxes.Should().BeEmpty();
    }

    [Theory]
    [InlineData("json", "text")]
    [InlineData("text", "json")]
    [InlineData("json", "svg")]
    public async Task Plan_OutputAndFormatThatDisagree_AreInvalidInput_NamingBoth(string output, string format)
    {
        var run = await CliRun.RunAsync("plan", "basic", "--app", "web", "--emulator", "--output", output, "--format", format);

        run.ExitCode.Should().Be(ExitCodes.InvalidInput, run.Output);
        run.Error.Should().Contain($"--output {output} and --format {format} disagree");
    }

    [Theory]
    [InlineData("basic")]
    [InlineData("canary")]
    [InlineData("bluegreen")]
    [InlineData("roll")]
    public async Task Plan_OutputJson_FollowsTheSchema_AndFormatJsonIsTheSame(string strategy)
    {
        var output = await CliRun.RunAsync(["plan", strategy, "--app", "web", "--emulator", .. Phases(strategy), "--output", "JSON"]);
        var format = await CliRun.RunAsync(["plan", strategy, "--app", "web", "--emulator", .. Phases(strategy), "--format", "json"]);
        var both = await CliRun.RunAsync(["plan", strategy, "--app", "web", "--emulator", .. Phases(strategy), "--format", "json", "--output", "json"]);

        output.ExitCode.Should().Be(ExitCodes.Success, output.Error);
        var plan = AssertFollowsSchema(output.Output, "plan --output json").Single();
        format.Output.Should().Be(output.Output);
        both.Output.Should().Be(output.Output);
        var calls = plan["steps"]!.AsArray().SelectMany(s => s!["apiCalls"]!.AsArray()).ToList();
        calls.Should().OnlyContain(c => c!["service"] != null && (c["route"] != null) != (c["action"] != null));
        if (strategy == "bluegreen")
        {
            var modify = calls.First(c => (string?)c!["action"] == "ModifyListener")!;
            ((string?)modify["target"]).Should().StartWith("arn:aws:elasticloadbalancing:");
            ((string?)modify["parameters"]!["forward"]![0]!["targetGroupArn"]).Should().StartWith("arn:aws:elasticloadbalancing:");
        }
    }

    [Fact]
    public async Task Plan_FormatSvg_StillDrawsThePicture()
    {
        var run = await CliRun.RunAsync("plan", "canary", "--app", "web", "--emulator", "--phase", "100", "--format", "svg", "--output", "text");

        run.ExitCode.Should().Be(ExitCodes.Success, run.Error);
        run.Output.Should().StartWith("<svg");
    }

    [Theory]
    [InlineData("canary", "ami-0000000000000bbb2", ExitCodes.Success)]
    [InlineData("bluegreen", "ami-0000000000000bbb2", ExitCodes.Success)]
    [InlineData("roll", "ami-0000000000000bbb2", ExitCodes.Success)]
    [InlineData("canary", "ami-0000000000000ccc3", ExitCodes.RolledBack)]
    public async Task Deploy_OutputJson_FollowsTheSchema_WithElapsedSecondsAfterARollbackToo(string strategy, string image, int code)
    {
        var run = await CliRun.RunAsync(["deploy", strategy, "--app", "web", "--emulator", "--image", image, .. Phases(strategy), "--output", "json"]);

        run.ExitCode.Should().Be(code, run.Error);
        var lines = AssertFollowsSchema(run.Output, $"deploy {strategy}");
        var result = lines[^1];
        ((string?)result["command"]).Should().Be("deploy");
        ((double?)result["elapsedSeconds"]).Should().BePositive("a deployment that ran has an elapsed time, rolled back or not");
        if (code == ExitCodes.RolledBack)
        {
            lines.Should().Contain(l => (string?)l["event"] == "RollbackStarted");
            lines.Where(l => (string?)l["event"] == "CapacityChanged").Should().OnlyContain(l => l["capacity"]!["target"] != null);
        }
    }

    [Fact]
    public async Task Demo_OutputJson_FollowsTheSchema()
    {
        var run = await CliRun.RunAsync("demo", "--scenario", "all", "--output", "json");

        run.ExitCode.Should().Be(ExitCodes.Success, run.Error);
        var lines = AssertFollowsSchema(run.Output, "demo");
        lines.Should().Contain(l => (string?)l["event"] == "Measurement", "the analysis scenario measures");
    }

    [Fact]
    public async Task Status_OutputJson_FollowsTheSchema()
    {
        var run = await CliRun.RunAsync("status", "web", "--emulator", "--output", "json");

        run.ExitCode.Should().Be(ExitCodes.Success, run.Error);
        var status = AssertFollowsSchema(run.Output, "status").Single();
        status["routes"]!.AsArray().Should().HaveCount(2);
    }

    [Fact]
    public async Task JournalCommands_OutputJson_FollowTheSchema()
    {
        var journal = new FileDeploymentJournal(Path.Combine(_stateDir, "journal"));
        await journal.CreateAsync(new DeploymentRecord { Id = "web-1", AppName = "web", Strategy = "Canary" });
        await journal.AppendAsync("web-1", JournalEntry.Note("stage-2", "paused", new JsonObject { ["stage"] = 2, ["name"] = "phase 2 of 3 (50 %)" }));
        await journal.CreateAsync(new DeploymentRecord { Id = "api-1", AppName = "api", Strategy = "Canary" });
        await journal.AppendAsync("api-1", JournalEntry.Note("stage-1", "paused", new JsonObject { ["stage"] = 1, ["name"] = "phase 1 of 2 (50 %)" }));
        var state = new[] { "--state-dir", _stateDir, "--output", "json" };

        string[][] runs =
        [
            ["history", "web"],
            ["list", "--unfinished"],
            ["promote", "web-1"],
            ["abort", "api-1", "--reason", "too slow"],
            ["abandon", "web-1", "--reason", "checked by hand"],
            ["history", "web"],
        ];
        foreach (var args in runs)
        {
            var run = await CliRun.RunAsync([.. args, .. state]);
            run.ExitCode.Should().Be(ExitCodes.Success, string.Join(' ', args) + ": " + run.Error);
            var result = AssertFollowsSchema(run.Output, args[0]).Single();
            ((string?)result["command"]).Should().Be(args[0]);
        }
    }

    [Fact]
    public async Task TheSchema_RejectsTheOldShapes_AndWhatItDoesNotName()
    {
        var run = await CliRun.RunAsync("plan", "basic", "--app", "web", "--emulator", "--output", "json");
        var plan = JsonNode.Parse(run.Output)!.AsObject();
        Errors(plan).Should().BeEmpty();

        JsonObject Changed(Action<JsonObject> change)
        {
            var copy = plan.DeepClone().AsObject();
            change(copy);
            return copy;
        }

        Errors(Changed(p => p["plannedCapacity"] = "min 2, target 2, max 4")).Should().NotBeEmpty("a capacity is an object");
        Errors(Changed(p => p["steps"]![0]!["apiCalls"]![0] = "POST /aws/ec2/group (name web__2)")).Should().NotBeEmpty("an API call is an object");
        Errors(Changed(p => p.Remove("schema"))).Should().NotBeEmpty("every line carries its schema version");
        Errors(Changed(p => p["schema"] = 2)).Should().NotBeEmpty("this is schema 1");
        Errors(Changed(p => p["surprise"] = true)).Should().NotBeEmpty("every field is documented");
        Errors(Changed(p => p["command"] = "plot")).Should().NotBeEmpty("an unknown command has no Result");
        Errors(JsonNode.Parse("""{"schema":1,"event":"Result","command":"status","app":"web","groups":[],"routes":[{"role":"production","listenerArn":"arn:l","ruleArn":null,"forward":"arn:tg=1"}],"unfinished":null}""")!)
            .Should().NotBeEmpty("a route's forward is a list of objects");
        Errors(JsonNode.Parse("""{"schema":1,"event":"Teleported","time":"2026-12-05T00:00:00Z"}""")!).Should().NotBeEmpty("an unknown event kind");
        Errors(JsonNode.Parse("""{"schema":1,"event":"Message","text":"hello"}""")!).Should().BeEmpty();
    }
}
