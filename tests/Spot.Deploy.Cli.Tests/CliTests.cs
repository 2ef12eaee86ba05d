using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli.Tests;

/// <summary>The spot-deploy commands run in-process against the embedded emulator on its virtual clock.</summary>
public sealed class CliTests
{
    private const string Broken = Sandbox.BrokenImage;

    private static Task<CliRun> RunAsync(params string[] args) => CliRun.RunAsync(args);

    [Fact]
    public async Task Demo_RunsCanaryBlueGreenAndARolledBackDeployment_AndExitsZero()
    {
        var run = await RunAsync("demo");

        run.ExitCode.Should().Be(ExitCodes.Success, run.Output + run.Error);
        var summary = run.Output[run.Output.IndexOf("SUMMARY", StringComparison.Ordinal)..];
        summary.Should().Contain($"Canary of api to {Sandbox.ImageV2}: Succeeded (expected Succeeded)")
            .And.Contain($"BlueGreen of web to {Sandbox.ImageV2}: Succeeded (expected Succeeded)")
            .And.Contain($"Canary of api to {Broken}: RolledBack (expected RolledBack)")
            .And.Contain("demo OK");
        run.Output.Should().Contain("traffic: 50 % to the new group").And.Contain("ROLLBACK of ");

        // The app ends as the demo says: api on web-2.0 (the broken deployment left nothing), web swapped to web-2.0.
        var sandbox = run.Sandboxes.Single();
        sandbox.Groups("api").Should().Equal($"api__1 0/0/0 {Sandbox.ImageV1} live=0", $"api__2 2/4/4 {Sandbox.ImageV2} live=4");
        sandbox.Groups("web").Should().Equal($"web 2/2/4 {Sandbox.ImageV2} live=2", $"web__STAGE 2/2/4 {Sandbox.ImageV1} live=2");
        summary.Should().Contain("after:  api__1 0/0/0");
    }

    [Fact]
    public async Task Demo_JsonOutput_EveryLineIsAnObject_AndTheResultListsTheThreeOutcomes()
    {
        var run = await RunAsync("demo", "--output", "json");

        run.ExitCode.Should().Be(ExitCodes.Success);
        var objects = run.Lines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        objects.Should().OnlyContain(o => o["event"] != null);
        objects.Count(o => (string?)o["event"] == "DeploymentStarted").Should().Be(3);
        var result = objects[^1];
        ((string?)result["event"]).Should().Be("Result");
        ((bool?)result["ok"]).Should().BeTrue();
        result["deployments"]!.AsArray().Select(d => $"{d!["strategy"]} {d["status"]}").Should().Equal(
            "Canary Succeeded", "BlueGreen Succeeded", "Canary RolledBack");
    }

    [Fact]
    public async Task Demo_AnalysisScenario_ABadBuildFailsItsCloudWatchCheckAtTheFirstPhase_AndIsRolledBack()
    {
        var run = await RunAsync("demo", "--scenario", "analysis");

        run.ExitCode.Should().Be(ExitCodes.Success, run.Output + run.Error);
        run.Output.Should().Contain("passes its health checks but answers 50 % of requests with a 5xx")
            .And.Contain("bake after phase 1 of 2 (25 %): 5xx-ratio #1 FAIL - ").And.Contain("ROLLBACK of ");
        var summary = run.Output[run.Output.IndexOf("SUMMARY", StringComparison.Ordinal)..];
        summary.Should().Contain($"Canary of shop to {Sandbox.BadBuildImage}: RolledBack (expected RolledBack)")
            .And.MatchRegex(@"analysis: check '5xx-ratio' saw 0\.\d+ \(threshold < 0\.05\): Failed, rolled back")
            .And.Contain("demo OK");
        summary.Should().NotContain("Canary of api", "only the analysis scenario ran");
        var sandbox = run.Sandboxes.Single();
        sandbox.Groups("shop").Should().Equal($"shop__1 2/4/4 {Sandbox.ImageV1} live=4");
        sandbox.Emulator.Calls.All.Should().Contain(c => c.Service == "monitoring" && c.Action == "GetMetricData" && c.Status == 200);
    }

    [Fact]
    public async Task Demo_AllScenarios_JsonResultCarriesTheAnalysisVerdict()
    {
        var run = await RunAsync("demo", "--scenario", "all", "--output", "json");

        run.ExitCode.Should().Be(ExitCodes.Success, run.Output + run.Error);
        var result = JsonNode.Parse(run.Lines[^1])!.AsObject();
        result["deployments"]!.AsArray().Select(d => $"{d!["app"]} {d["status"]}").Should().Equal("api Succeeded", "web Succeeded", "api RolledBack", "shop RolledBack");
        var analysis = result["deployments"]![3]!["analysis"]!;
        ((string?)analysis["check"]).Should().Be("5xx-ratio");
        ((string?)analysis["verdict"]).Should().Be("Failed");
        analysis["values"]!.AsArray().Should().ContainSingle().Which!.GetValue<string>().Should().EndWith("(threshold < 0.05)");
        result["deployments"]![0]!["analysis"].Should().BeNull();
    }

    [Fact]
    public async Task Plan_PrintsTheStepsAndApiCalls_AndChangesNothing()
    {
        var run = await RunAsync("plan", "canary", "--app", "web", "--emulator", "--phase", "25", "--phase", "100");

        run.ExitCode.Should().Be(ExitCodes.Success, run.Error);
        run.Output.Should().Contain("Canary deployment of web, image " + Sandbox.ImageV2)
            .And.Contain("1. setup").And.Contain("create group web__2").And.Contain("2. phase 1 of 2 (25 %)").And.Contain("PUT /aws/ec2/group");
        var sandbox = run.Sandboxes.Single();
        sandbox.Emulator.Calls.All.Should().NotBeEmpty("the plan reads the groups and the image");
        sandbox.Emulator.Calls.Mutating.Should().BeEmpty();
        sandbox.Groups("web").Should().Equal($"web__1 2/2/4 {Sandbox.ImageV1} live=2");
    }

    [Fact]
    public async Task Plan_Json_HasTheStepsWithTheirApiCalls()
    {
        var run = await RunAsync("plan", "basic", "--app", "web", "--emulator", "--format", "json", "--capacity", "1/3/5");

        run.ExitCode.Should().Be(ExitCodes.Success, run.Error);
        var plan = JsonNode.Parse(run.Output)!.AsObject();
        ((string?)plan["strategy"]).Should().Be("Basic");
        ((int?)plan["schema"]).Should().Be(1);
        ((string?)plan["event"]).Should().Be("Result");
        ((string?)plan["command"]).Should().Be("plan");
        plan["plannedCapacity"]!.ToJsonString().Should().Be("""{"minimum":1,"target":3,"maximum":5,"unit":"instance"}""");
        plan["steps"]!.AsArray().Should().NotBeEmpty().And.OnlyContain(s => s!["apiCalls"]!.AsArray().Count > 0);
        var create = plan["steps"]![0]!["apiCalls"]![0]!;
        ((string?)create["service"]).Should().Be("Spot");
        ((string?)create["method"]).Should().Be("POST");
        ((string?)create["route"]).Should().Be("/aws/ec2/group");
        ((string?)create["parameters"]!["imageId"]).Should().Be(Sandbox.ImageV2);
        run.Sandboxes.Single().Emulator.Calls.Mutating.Should().BeEmpty();
    }

    [Fact]
    public async Task DeployCanary_Emulator_Succeeds_AndTheNewRevisionServes()
    {
        var run = await RunAsync("deploy", "canary", "--app", "web", "--emulator", "--phase", "25", "--phase", "100");

        run.ExitCode.Should().Be(ExitCodes.Success, run.Output + run.Error);
        run.Output.Should().Contain("stage 2/3 \"phase 1 of 2 (25 %)\" started").And.Contain("OK: Canary deployment");
        run.Sandboxes.Single().Groups("web").Should().Equal($"web__1 0/0/0 {Sandbox.ImageV1} live=0", $"web__2 2/2/4 {Sandbox.ImageV2} live=2");
    }

    [Fact]
    public async Task DeployBlueGreen_Emulator_WithTrafficShift_Succeeds()
    {
        var run = await RunAsync("deploy", "bluegreen", "--app", "web", "--emulator", "--traffic-shift", "10,50,100", "--downsize-old");

        run.ExitCode.Should().Be(ExitCodes.Success, run.Output + run.Error);
        run.Output.Should().Contain("traffic: 10 % to the new group").And.Contain("traffic: 50 % to the new group");
        run.Sandboxes.Single().Groups("web").Should().Equal($"web 2/2/4 {Sandbox.ImageV2} live=2", $"web__STAGE 0/0/0 {Sandbox.ImageV1} live=0");
    }

    [Fact]
    public async Task DeployRoll_Emulator_Succeeds()
    {
        var run = await RunAsync("deploy", "roll", "--app", "web", "--emulator", "--batch-size", "50");

        run.ExitCode.Should().Be(ExitCodes.Success, run.Output + run.Error);
        run.Output.Should().Contain("finished 100 %");
        run.Sandboxes.Single().Groups("web").Should().Equal($"web 2/2/4 {Sandbox.ImageV2} live=2");
    }

    [Fact]
    public async Task Deploy_NeverHealthyImage_IsRolledBack_AndExitsOne()
    {
        var run = await RunAsync("deploy", "canary", "--app", "web", "--emulator", "--image", Broken, "--phase", "50", "--phase", "100");

        run.ExitCode.Should().Be(ExitCodes.RolledBack, run.Output + run.Error);
        run.Output.Should().Contain("FAILED and rolled back");
        run.Sandboxes.Single().Groups("web").Should().Equal($"web__1 2/2/4 {Sandbox.ImageV1} live=2");
    }

    [Fact]
    public async Task Deploy_OnFailureStop_LeavesTheDeploymentForAPerson_AndExitsTwo()
    {
        var run = await RunAsync("deploy", "canary", "--app", "web", "--emulator", "--image", Broken, "--phase", "50", "--phase", "100", "--on-failure", "stop");

        run.ExitCode.Should().Be(ExitCodes.NeedsAttention, run.Output + run.Error);
        run.Output.Should().Contain("needs attention");
        run.Sandboxes.Single().Groups("web").Should().Contain(g => g.StartsWith("web__2 ", StringComparison.Ordinal), "nothing was rolled back");
    }

    [Theory]
    [InlineData("deploy", "canary", "--app", "web", "--emulator", "--phase", "250")]
    [InlineData("deploy", "canary", "--app", "web", "--emulator", "--phase", "count:x")]
    [InlineData("deploy", "canary", "--app", "web", "--emulator")]
    [InlineData("deploy", "basic", "--app", "web", "--emulator", "--capacity", "1/2")]
    [InlineData("deploy", "basic", "--app", "web", "--emulator", "--capacity", "3/2/1")]
    [InlineData("deploy", "basic", "--app", "web", "--emulator", "--image", "web-2.0")]
    [InlineData("deploy", "basic", "--app", "web", "--emulator", "--document", "/no/such/file.json")]
    [InlineData("deploy", "bluegreen", "--app", "web", "--emulator", "--traffic-shift", "10,x")]
    [InlineData("deploy", "bluegreen", "--app", "web", "--emulator", "--production-listener", "arn:l1")]
    [InlineData("deploy", "roll", "--app", "web", "--emulator", "--batch-size", "0")]
    [InlineData("deploy", "sideways", "--app", "web", "--emulator")]
    [InlineData("deploy", "canary", "--emulator", "--phase", "100")]
    [InlineData("deploy", "canary", "--app", "web", "--emulator", "--phase", "100", "--on-failure", "maybe")]
    [InlineData("deploy", "canary", "--app", "web", "--emulator", "--phase", "100", "--bogus")]
    public async Task BadInput_ExitsThree_BeforeAnyMutatingCall(params string[] args)
    {
        var run = await RunAsync(args);

        run.ExitCode.Should().Be(ExitCodes.InvalidInput, run.Output + run.Error);
        run.Error.Should().NotBeEmpty();
        run.Sandboxes.SelectMany(s => s.Emulator.Calls.Mutating).Should().BeEmpty();
        run.Sandboxes.Where(s => s.Emulator.State.Groups.Count != 1).Should().BeEmpty("no group was created");
    }

    [Fact]
    public async Task Deploy_JsonOutput_ParsesLineByLine_AndEndsWithTheResult()
    {
        var run = await RunAsync("deploy", "canary", "--app", "web", "--emulator", "--phase", "50", "--phase", "100", "--output", "json");

        run.ExitCode.Should().Be(ExitCodes.Success, run.Error);
        var objects = run.Lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        objects.Select(o => o.GetProperty("event").GetString()).Should().Contain(["Message", "DeploymentStarted", "StageStarted", "CapacityChanged", "InstancesProgress", "DeploymentFinished"]);
        objects.Where(o => o.GetProperty("event").GetString() == "StageStarted").Select(o => o.GetProperty("name").GetString())
            .Should().Equal("setup", "phase 1 of 2 (50 %)", "phase 2 of 2 (100 %)");
        var result = objects[^1];
        result.GetProperty("event").GetString().Should().Be("Result");
        result.GetProperty("status").GetString().Should().Be("Succeeded");
        result.GetProperty("exitCode").GetInt32().Should().Be(0);
        result.GetProperty("groupName").GetString().Should().Be("web__2");
    }

    [Fact]
    public async Task Deploy_JsonOutput_OfAFailure_EndsWithARolledBackResult()
    {
        var run = await RunAsync("deploy", "canary", "--app", "web", "--emulator", "--image", Broken, "--phase", "100", "--output", "json");

        run.ExitCode.Should().Be(ExitCodes.RolledBack);
        var result = JsonNode.Parse(run.Lines[^1])!;
        ((string?)result["status"]).Should().Be("RolledBack");
        ((int?)result["exitCode"]).Should().Be(1);
        run.Lines.Select(l => (string?)JsonNode.Parse(l)!["event"]).Should().Contain("RollbackStarted");
    }

    [Fact]
    public async Task PlanSvg_BlueGreen_IsWellFormed_WithOnePolylineAndLegendPerSeries()
    {
        var file = Path.Combine(Path.GetTempPath(), $"spot-deploy-plan-{Guid.NewGuid():N}.svg");
        try
        {
            var run = await RunAsync("plan", "bluegreen", "--app", "web", "--emulator", "--traffic-shift", "10,50,100", "--downsize-old", "--format", "svg", "--out", file);

            run.ExitCode.Should().Be(ExitCodes.Success, run.Error);
            XNamespace svg = "http://www.w3.org/2000/svg";
            var doc = XDocument.Load(file);
            doc.Root!.Name.Should().Be(svg + "svg");
            var lines = doc.Descendants(svg + "polyline").ToList();
            lines.Select(l => (string?)l.Attribute("data-series")).Should().Equal("previous groups (target)", "new group (target)", "traffic to new (%)");
            doc.Descendants(svg + "rect").Where(r => (string?)r.Attribute("class") == "legend").Should().HaveCount(3);
            var pointCounts = lines.Select(l => ((string)l.Attribute("points")!).Split(' ').Length).Distinct().ToList();
            pointCounts.Should().ContainSingle().Which.Should().BeGreaterThan(3);
            run.Sandboxes.Single().Emulator.Calls.Mutating.Should().BeEmpty();
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task PlanSvg_Canary_HasTwoSeries_AndTheTimelineEndsOnTheNewGroup()
    {
        var run = await RunAsync("plan", "canary", "--app", "web", "--emulator", "--phase", "50", "--phase", "100", "--format", "svg");

        run.ExitCode.Should().Be(ExitCodes.Success, run.Error);
        var doc = XDocument.Parse(run.Output);
        var lines = doc.Descendants().Where(e => e.Name.LocalName == "polyline").ToList();
        lines.Should().HaveCount(2);

        // y of each point (50 = the top: the largest target, 2; 310 = 0): the running web__1 (target 2) goes to 0,
        // the new group from 0 to 2 through 1 (50 %).
        static IReadOnlyList<string> Ys(XElement line) => [.. ((string)line.Attribute("points")!).Split(' ').Select(p => p.Split(',')[1])];
        var previous = Ys(lines[0]);
        var next = Ys(lines[1]);
        previous[0].Should().Be("50");
        previous[^1].Should().Be("310");
        next[0].Should().Be("310");
        next.Should().Contain("180");
        next[^1].Should().Be("50");
    }

    [Fact]
    public async Task Status_ShowsRevisionsCapacityHealthAndRoutes()
    {
        var run = await RunAsync("status", "web", "--emulator", "--output", "json");

        run.ExitCode.Should().Be(ExitCodes.Success, run.Error);
        var status = JsonNode.Parse(run.Lines[^1])!;
        var group = status["groups"]!.AsArray().Single()!;
        ((string?)group["name"]).Should().Be("web__1");
        group["capacity"]!.ToJsonString().Should().Be("""{"minimum":2,"target":2,"maximum":4,"unit":"instance"}""");
        ((int?)group["healthy"]).Should().Be(2);
        status["routes"]!.AsArray().Select(r => (string?)r!["role"]).Should().Equal("production", "stage");
        var production = status["routes"]![0]!;
        ((string?)production["listenerArn"]).Should().StartWith("arn:aws:elasticloadbalancing:");
        production["ruleArn"].Should().BeNull("the default action");
        ((int?)production["forward"]![0]!["weight"]).Should().Be(1);
        ((string?)production["forward"]![0]!["targetGroupArn"]).Should().Be(run.Sandboxes.Single().BlueTargetGroup);
    }

    [Fact]
    public async Task Help_ListsTheCommands()
    {
        var run = await RunAsync("--help");

        run.ExitCode.Should().Be(0);
        run.Output.Should().Contain("demo").And.Contain("plan").And.Contain("deploy").And.Contain("rollback").And.Contain("resume").And.Contain("status").And.Contain("emulator");
    }

    [Fact]
    public void FlagParsers_ReadPhasesPercentsAndCapacity()
    {
        InputsParse.Phase("count:2").Should().Be(Planning.PhaseStep.Count(2));
        InputsParse.Phase("25%").Should().Be(Planning.PhaseStep.Percent(25));
        RequestInputs.ParsePercents("10, 25,100").Should().Equal(10, 25, 100);
        RequestInputs.ParseCapacity("same").Should().BeNull();
    }

    [Fact]
    public void UnfinishedRefusal_NamesTheThreeCommands_WithTheStateDirAsGiven_QuotedWhenNeeded()
    {
        var refused = new UnfinishedDeploymentException("web-20261122T101500Z-1a2b3c4d", "web", DeploymentStatus.Running, "Canary",
            new DateTimeOffset(2026, 11, 22, 10, 15, 0, TimeSpan.Zero));

        var withSpaces = Cli.Unfinished(refused, new RequestValues { App = "web", StateDir = "/var/lib/spot deploy" });
        var plain = Cli.Unfinished(refused, new RequestValues { App = "web" });

        withSpaces.Should().Contain("(Canary, started 2026-11-22 10:15:00Z, Running, but no process holds the app's lock: it was interrupted")
            .And.Contain("  spot-deploy resume web-20261122T101500Z-1a2b3c4d --state-dir \"/var/lib/spot deploy\"")
            .And.Contain("  spot-deploy rollback web-20261122T101500Z-1a2b3c4d --state-dir \"/var/lib/spot deploy\"")
            .And.Contain("  spot-deploy abandon web-20261122T101500Z-1a2b3c4d --reason \"<what you checked>\" --state-dir \"/var/lib/spot deploy\"");
        plain.Should().Contain("  spot-deploy resume web-20261122T101500Z-1a2b3c4d" + Environment.NewLine).And.NotContain("--state-dir");
    }

    [Fact]
    public async Task Abandon_WithoutAReason_IsInvalidInput()
    {
        var run = await RunAsync("abandon", "web-20261122T101500Z-1a2b3c4d");

        run.ExitCode.Should().Be(ExitCodes.InvalidInput);
        run.Error.Should().Contain("--reason");
    }
}

internal static class InputsParse
{
    public static Planning.PhaseStep Phase(string text) => RequestInputs.ParsePhase(text);
}

public sealed class LiveStatusLineTests
{
    [Fact]
    public void Live_WaitsAreOneStatusLineRewrittenInPlace_ThenClearedBeforeTheNextLine()
    {
        using var output = new StringWriter();
        var writer = new EventWriter(output, OutputFormat.Text) { Live = true };
        var t0 = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

        writer.Report(new DeploymentStartedEvent(t0, "d1", "web", DeploymentStrategy.Canary, 3, "ami-1"));
        writer.Report(new StageStartedEvent(t0, 1, 3, "phase 1 of 2 (50 %)"));
        writer.Report(new InstancesProgressEvent(t0.AddSeconds(10), "sig-1", 0, 1, 2, 1));
        writer.Report(new InstancesProgressEvent(t0.AddSeconds(20), "sig-1", 1, 2, 2, 2));
        writer.Report(new StepStartedEvent(t0.AddSeconds(20), "s3", "scale group web__1 to (min 1, target 1, max 1)"));

        var text = output.ToString();
        text.Should().Contain("\r[+").And.Contain("phase 1 of 2 (50 %) · sig-1 0/2 healthy (1 running, poll 1)").And.Contain("sig-1 1/2 healthy (2 running, poll 2)");
        var statusLines = text.Split('\n').Where(l => l.Contains("healthy (", StringComparison.Ordinal)).ToList();
        statusLines.Should().ContainSingle("both polls rewrite the same terminal line");
        var afterClear = statusLines[0][(statusLines[0].LastIndexOf('\r') + 1)..];
        afterClear.Should().StartWith("[12:00:20", "the status line is blanked and the next event's line starts at column 0");
        statusLines[0].Should().Contain("\r" + new string(' ', 10));
    }

    [Fact]
    public void NotLive_WritesPlainLinesOnly()
    {
        using var output = new StringWriter();
        var writer = new EventWriter(output, OutputFormat.Text);
        var t0 = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

        writer.Live.Should().BeFalse("a StringWriter is not an interactive terminal");
        writer.Report(new InstancesProgressEvent(t0, "sig-1", 0, 1, 2, 1));

        output.ToString().Should().NotContain("\r");
    }
}
