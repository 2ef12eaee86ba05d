using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Planning;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli;

/// <summary>The <c>spot-deploy</c> commands, runnable in-process: <see cref="RunAsync"/> returns the exit code.</summary>
internal static class Cli
{
    private static readonly string[] Strategies = ["basic", "canary", "bluegreen", "roll"];

    /// <summary>Parses <paramref name="args"/> and runs the command; every line goes to <paramref name="output"/> or <paramref name="error"/>.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var root = BuildCommands(output, error);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
            {
                await error.WriteLineAsync("error: " + e.Message);
            }

            await error.WriteLineAsync("Run 'spot-deploy --help' for the commands and flags.");
            return ExitCodes.InvalidInput;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }

    private static RootCommand BuildCommands(TextWriter output, TextWriter error)
    {
        var root = new RootCommand("spot-deploy: deploy AMIs onto Spot Elastigroups (Basic, Canary, Blue/Green, Spot roll) with a journal, resume and rollback.");

        var demo = new Command("demo", "Run a Canary, a Blue/Green and a failing (rolled back) deployment against an embedded emulator and print a summary.");
        var realTime = new Option<bool>("--real-time") { Description = "Use the wall clock (instances boot in 3 s, healthy 2 s later) instead of the virtual clock." };
        var demoOutput = OutputOption(OutputOptions.Events);
        var scenario = new Option<string>("--scenario") { Description = "deployments (default: Canary, Blue/Green, a rolled-back Canary), analysis (a bad build failing its CloudWatch analysis) or all.", DefaultValueFactory = _ => "deployments" };
        scenario.AcceptOnlyFromAmong(Demo.Scenarios);
        demo.Options.Add(realTime);
        demo.Options.Add(demoOutput);
        demo.Options.Add(scenario);
        demo.SetAction((p, ct) => GuardAsync(error, () => Demo.RunAsync(new EventWriter(output, p.GetValue(demoOutput)), p.GetValue(realTime), p.GetValue(scenario)!, ct)));
        root.Subcommands.Add(demo);

        var plan = new Command("plan", "Dry run: resolve the image, read the app's groups and print the steps and API calls a deployment would make. Changes nothing.");
        var planStrategy = StrategyArgument();
        var planInputs = new RequestInputs(plan);
        var format = PlanFormatOption();
        var outFile = new Option<FileInfo?>("--out") { Description = "Write the plan to this file instead of the standard output." };
        plan.Arguments.Add(planStrategy);
        plan.Options.Add(format);
        plan.Options.Add(outFile);
        plan.SetAction((p, ct) => GuardAsync(error, () =>
        {
            var values = planInputs.Read(p, p.GetValue(planStrategy)!);
            return PlanAsync(p.GetValue(planStrategy)!, values, PlanFormat(p, format, values), p.GetValue(outFile), output, ct);
        }));
        root.Subcommands.Add(plan);

        var deploy = new Command("deploy", "Deploy an image: basic, canary, bluegreen or roll.");
        var deployStrategy = StrategyArgument();
        var deployInputs = new RequestInputs(deploy);
        var deployPause = new PauseInputs(deploy);
        deploy.Arguments.Add(deployStrategy);
        deploy.SetAction((p, ct) => GuardAsync(error, () => DeployAsync(p.GetValue(deployStrategy)!, deployInputs.Read(p, p.GetValue(deployStrategy)!), deployPause.Read(p), output, error, ct)));
        root.Subcommands.Add(deploy);

        foreach (var (name, description) in new[]
        {
            ("rollback", "Roll back a deployment from its journal (in --state-dir): the app returns to its state before it."),
            ("resume", "Resume an interrupted deployment from its journal (in --state-dir)."),
        })
        {
            var command = new Command(name, description);
            var id = new Argument<string>("deployment-id") { Description = "The deployment's id (printed when it started; journal file name)." };
            var stateDir = StateDirOption();
            var state = StateStores.StateOption();
            var format2 = OutputOption(OutputOptions.Events);
            var onFailure = OnFailureOption();
            var timeout = SteadyStateTimeoutOption();
            var poll = PollIntervalOption();
            command.Arguments.Add(id);
            command.Options.Add(stateDir);
            command.Options.Add(state);
            command.Options.Add(format2);
            command.Options.Add(onFailure);
            command.Options.Add(timeout);
            command.Options.Add(poll);
            var endpoints = new EndpointInputs(command);
            var rollback = name == "rollback";
            var document = new Option<string?>("--document") { Description = "resume: the Elastigroup document the deployment started with, needed when it has yet to create its group and the journal kept values of it out." };
            if (!rollback)
            {
                command.Options.Add(document);
            }

            // A resume bakes before the stages it still has to run when given the same --bake/--analysis again.
            var bakes = rollback ? null : new AnalysisInputs(command);
            var pauses = rollback ? null : new PauseInputs(command);

            command.SetAction((p, ct) => GuardAsync(error, () => RecoverAsync(rollback, p.GetValue(id)!, p.GetValue(stateDir), StateStores.IsPostgres(p.GetValue(state), p.GetValue(stateDir)), endpoints.Read(p),
                AnalysisInputs.Apply(Options(p.GetValue(onFailure), null, p.GetValue(timeout), p.GetValue(poll)), bakes, p), new EventWriter(output, p.GetValue(format2)), ct, rollback ? null : p.GetValue(document),
                pauses?.Read(p))));
            root.Subcommands.Add(command);
        }

        var abandon = new Command("abandon", "Declare an unfinished deployment over after a person has checked the app: it can no longer be resumed or rolled back, and the app can be deployed again. Changes nothing in Spot or AWS (needs no credentials); the journal keeps who and why.");
        var abandonId = new Argument<string>("deployment-id") { Description = "The unfinished deployment's id." };
        var reason = new Option<string>("--reason") { Description = "Why, for the journal: what you checked or did by hand (required; never a secret).", Required = true };
        var abandonStateDir = StateDirOption();
        var abandonState = StateStores.StateOption();
        var abandonOutput = OutputOption(OutputOptions.OneResult);
        abandon.Arguments.Add(abandonId);
        abandon.Options.Add(reason);
        abandon.Options.Add(abandonStateDir);
        abandon.Options.Add(abandonState);
        abandon.Options.Add(abandonOutput);
        root.Subcommands.Add(ControlCommands.Create(ControlAction.Promote, output, error));
        root.Subcommands.Add(ControlCommands.Create(ControlAction.Abort, output, error));
        abandon.SetAction((p, ct) => GuardAsync(error, () => AbandonAsync(p.GetValue(abandonId)!, p.GetValue(reason)!, p.GetValue(abandonStateDir), StateStores.IsPostgres(p.GetValue(abandonState), p.GetValue(abandonStateDir)),
            new EventWriter(output, p.GetValue(abandonOutput)), ct)));
        root.Subcommands.Add(abandon);

        root.Subcommands.Add(HistoryCommands.History(output, error));
        root.Subcommands.Add(HistoryCommands.List(output, error));

        var status = new Command("status", "Show an app's revisions (groups), their capacity, image and instance health, the routes of the listeners given, and its unfinished deployment if the journal holds one.");
        var statusApp = new Argument<string>("app") { Description = "The app (its groups' names start with it)." };
        var statusInputs = new RouteInputs(status);
        var statusEmulator = new Option<bool>("--emulator") { Description = "Show the app in a freshly seeded embedded emulator." };
        var statusOutput = OutputOption(OutputOptions.Status);
        var statusEndpoints = new EndpointInputs(status);
        var statusStateDir = StateDirOption();
        var statusState = StateStores.StateOption();
        status.Arguments.Add(statusApp);
        status.Options.Add(statusEmulator);
        status.Options.Add(statusOutput);
        status.Options.Add(statusStateDir);
        status.Options.Add(statusState);
        status.SetAction((p, ct) => GuardAsync(error, () => StatusAsync(p.GetValue(statusApp)!, statusInputs.Read(p), p.GetValue(statusEmulator), statusEndpoints.Read(p), new EventWriter(output, p.GetValue(statusOutput)),
            new StoreChoice(p.GetValue(statusStateDir), StateStores.IsPostgres(p.GetValue(statusState), p.GetValue(statusStateDir)), p.GetValue(statusOutput)), ct)));
        root.Subcommands.Add(status);

        var emulator = new Command("emulator", "Run the emulator in the foreground (real time) and print its addresses and credentials; stop with Ctrl+C.");
        var port = new Option<int>("--port") { Description = "The loopback port (0: any free port).", DefaultValueFactory = _ => 0 };
        var seedApp = RouteInputs.Many("--seed-app", "Also seed a running group of this app (2/2/4 on web-1.0); repeat for more apps.");
        var bootTime = new Option<double>("--boot-time") { Description = "Seconds an instance takes to boot (default 3).", DefaultValueFactory = _ => 3 };
        var healthDelay = new Option<double>("--health-delay") { Description = "Seconds a booted instance takes to report healthy (default 2).", DefaultValueFactory = _ => 2 };
        emulator.Options.Add(port);
        emulator.Options.Add(seedApp);
        emulator.Options.Add(bootTime);
        emulator.Options.Add(healthDelay);
        var rateLimit = new EmulatorRateLimitInputs(emulator);
        emulator.SetAction((p, ct) => GuardAsync(error, () => EmulatorAsync(p.GetValue(port), p.GetValue(seedApp) ?? [],
            Delay(p.GetValue(bootTime), "--boot-time"), Delay(p.GetValue(healthDelay), "--health-delay"), rateLimit.Read(p), output, ct)));
        root.Subcommands.Add(emulator);
        return root;
    }

    /// <summary>The <c>--output text|json</c> flag of a command that prints; <paramref name="description"/> says what it prints (<see cref="OutputOptions"/>).</summary>
    internal static Option<OutputFormat> OutputOption(string description)
    {
        // No default value factory: help would print it as "[default: Text]" beside "<text|json>"; unset reads as Text (the enum's first value).
        var option = new Option<OutputFormat>("--output") { Description = description, HelpName = "text|json" };
        option.CustomParser = r => ParseOutput(r, r.Tokens.Single().Value, "--output must be text or json");
        return option;
    }

    private static OutputFormat ParseOutput(System.CommandLine.Parsing.ArgumentResult r, string value, string message)
    {
        switch (value.ToUpperInvariant())
        {
            case "TEXT":
                return OutputFormat.Text;
            case "JSON":
                return OutputFormat.Json;
            default:
                r.AddError($"{message}, got '{value}'");
                return default;
        }
    }

    /// <summary><c>plan --format</c>: <c>svg</c> for the picture; <c>text</c> and <c>json</c> stay as aliases of <c>--output</c>.</summary>
    private static Option<string> PlanFormatOption()
    {
        var option = new Option<string>("--format")
        {
            Description = "svg: the plan as a picture (a capacity timeline). text and json still work, the same as --output text|json.",
            HelpName = "svg|text|json",
        };
        option.CustomParser = r =>
        {
            var value = r.Tokens.Single().Value.ToLowerInvariant();
            if (value is "svg" or "text" or "json")
            {
                return value;
            }

            r.AddError($"--format must be svg (or text or json, the same as --output), got '{r.Tokens.Single().Value}'");
            return "text";
        };
        return option;
    }

    /// <summary>What <c>plan</c> prints: <c>--format svg</c>, else <c>--output</c> (or its alias <c>--format text|json</c>); the two flags must agree when both are given.</summary>
    private static string PlanFormat(ParseResult parse, Option<string> format, RequestValues values)
    {
        var formatGiven = parse.GetResult(format) is { Implicit: false };
        var chosen = parse.GetValue(format) ?? "text";
        var output = values.Output == OutputFormat.Json ? "json" : "text";
        if (!formatGiven)
        {
            return output;
        }

        if (values.OutputGiven && (chosen == "svg" ? output == "json" : chosen != output))
        {
            throw new CliUsageException($"--output {output} and --format {chosen} disagree: give one of them (--format svg is the picture; --output text|json the plan)");
        }

        return chosen;
    }

    internal static Option<string?> StateDirOption() =>
        new("--state-dir") { Description = "Where the journal and locks live (default: ~/.spot-deploy)." };

    internal static Option<FailurePolicy> OnFailureOption()
    {
        var option = new Option<FailurePolicy>("--on-failure") { Description = "rollback (default) or stop (leave everything for a person).", HelpName = "rollback|stop" };
        // Unset reads as RollBack (the enum's first value); no default value factory, so help shows no "[default: RollBack]".
        option.CustomParser = r => r.Tokens.Single().Value.ToUpperInvariant() switch
        {
            "ROLLBACK" or "ROLL-BACK" => FailurePolicy.RollBack,
            "STOP" => FailurePolicy.Stop,
            _ => Fail(r, "--on-failure must be rollback or stop"),
        };
        return option;

        static FailurePolicy Fail(System.CommandLine.Parsing.ArgumentResult r, string message)
        {
            r.AddError(message);
            return default;
        }
    }

    internal static Option<int?> SteadyStateTimeoutOption() =>
        new("--steady-state-timeout") { Description = "Seconds to wait for a group to be healthy before the deployment fails (default 900)." };

    internal static Option<double?> PollIntervalOption() =>
        new("--poll-interval") { Description = "The longest pause, in seconds, between polls of a group's health (default 10; e.g. 0.5 against a fast emulator)." };

    private static DeploymentOptions Options(FailurePolicy onFailure, TimeSpan? defaultTimeout, int? timeoutSeconds, double? pollSeconds = null)
    {
        if (timeoutSeconds is < 1)
        {
            throw new CliUsageException("--steady-state-timeout must be a positive number of seconds");
        }

        if (pollSeconds is { } poll && (!double.IsFinite(poll) || poll < 0.05 || poll > 3600))
        {
            throw new CliUsageException("--poll-interval must be between 0.05 and 3600 seconds");
        }

        // No fixed owner: the lock (a lease, with --state postgres) then names this machine, process and deployment to anyone refused.
        var options = new DeploymentOptions { OnFailure = onFailure };
        var timeout = timeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : defaultTimeout;
        if (timeout is not null || pollSeconds is not null)
        {
            var steady = new SteadyStateOptions();
            steady.Timeout = timeout ?? steady.Timeout;
            if (pollSeconds is { } seconds)
            {
                steady.MaxPollInterval = TimeSpan.FromSeconds(seconds);
                steady.InitialPollInterval = TimeSpan.FromTicks(Math.Min(steady.InitialPollInterval.Ticks, steady.MaxPollInterval.Ticks));
            }

            options.SteadyState = steady;
        }

        return options;
    }

    private static Argument<string> StrategyArgument()
    {
        var argument = new Argument<string>("strategy") { Description = "basic, canary, bluegreen or roll." };
        argument.AcceptOnlyFromAmong(Strategies);
        return argument;
    }

    /// <summary>Runs a command, turning its failures into the documented exit codes and messages.</summary>
    internal static async Task<int> GuardAsync(TextWriter error, Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (Exception e) when (StateStores.LeaseLost(e) is { } lost)
        {
            await error.WriteLineAsync("lease lost: " + lost.Message + " This runner stopped and sent no further change.");
            return ExitCodes.LeaseLost;
        }
        catch (CliUsageException e)
        {
            await error.WriteLineAsync("error: " + e.Message);
            return ExitCodes.InvalidInput;
        }
        catch (DeploymentValidationException e)
        {
            await error.WriteLineAsync("invalid input: " + e.Message);
            return ExitCodes.InvalidInput;
        }
        catch (ElastigroupDocumentException e)
        {
            // Malformed JSON, repeated keys, invalid UTF-8, too large or too deep: the message says where, in one line.
            await error.WriteLineAsync("invalid input: " + e.Message);
            return ExitCodes.InvalidInput;
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync("invalid input: " + e.Message);
            return ExitCodes.InvalidInput;
        }
        catch (DeploymentDocumentException e)
        {
            await error.WriteLineAsync("document needed: " + e.Message + (e.IsDocumentMissing ? " Pass it with --document FILE." : string.Empty));
            return ExitCodes.InvalidInput;
        }
        catch (AppLockedException e)
        {
            await error.WriteLineAsync("locked: " + e.Message);
            return ExitCodes.Locked;
        }
        catch (DeploymentStateException e)
        {
            // An unfinished, newer or finished deployment stands in the way: nothing was changed, and asking again changes
            // nothing until a person acts on it, so it is invalid input (3), not a lock that frees itself (4).
            await error.WriteLineAsync("refused: " + e.Message);
            return ExitCodes.InvalidInput;
        }
        catch (DeploymentFailedException e)
        {
            await error.WriteLineAsync((e.Status == DeploymentStatus.RolledBack ? "failed and rolled back: " : "failed, needs attention: ") + e.Message);
            return e.Status == DeploymentStatus.RolledBack ? ExitCodes.RolledBack : ExitCodes.NeedsAttention;
        }
        catch (OperationCanceledException e)
        {
            await error.WriteLineAsync(e is DeploymentCanceledException canceled ? "canceled: " + canceled.Message : "canceled before anything was changed.");
            return ExitCodes.NeedsAttention;
        }
        catch (FileNotFoundException e)
        {
            await error.WriteLineAsync("error: " + e.Message);
            return ExitCodes.InvalidInput;
        }
        catch (Exception e)
        {
            // Anything else (an API or network error outside a deployment's own handling): a person must look.
            await error.WriteLineAsync($"error ({e.GetType().Name}): {e.Message}");
            return ExitCodes.NeedsAttention;
        }
    }

    // ---- plan / deploy ----

    private static async Task<int> PlanAsync(string strategy, RequestValues values, string format, FileInfo? outFile, TextWriter output, CancellationToken ct)
    {
        await using var target = await Target.OpenAsync(strategy, values, ct);
        await using var deployment = CreateDeployment(strategy, values, target);
        var preview = await deployment.PlanAsync(ct);
        var currentTargets = new Dictionary<string, int>(StringComparer.Ordinal);
        if (format == "svg")
        {
            foreach (var group in await target.Services.Spot.ListGroupsAsync(values.App, ct))
            {
                if (group.Id is { } id && group.Capacity?.Target is { } groupTarget)
                {
                    currentTargets[id] = groupTarget;
                }
            }
        }

        var text = format switch
        {
            "json" => EventJson.Result(EventJson.Plan(preview)),
            "svg" => PlanSvg.Render(preview, currentTargets),
            _ => preview.ToString(),
        };
        if (outFile is null)
        {
            await output.WriteLineAsync(text);
        }
        else
        {
            await File.WriteAllTextAsync(outFile.FullName, text, ct);
            await output.WriteLineAsync($"wrote {outFile.FullName}");
        }

        return ExitCodes.Success;
    }

    private static async Task<int> DeployAsync(string strategy, RequestValues values, PauseChoice pause, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var pauseOptions = pause.Options(strategy);
        using var writer = new EventWriter(output, values.Output);
        await using var target = await Target.OpenAsync(strategy, values, ct);
        if (target.Sandbox is { } sandbox)
        {
            writer.Message($"embedded emulator (virtual clock): {sandbox.Groups(values.App)[0]} seeded on {Sandbox.ImageV1}; {Sandbox.ImageV2} is healthy, {Sandbox.BrokenImage} never is");
        }

        await using var deployment = CreateDeployment(strategy, values, target);
        deployment.Options.Pause = pauseOptions;
        var reporter = new PauseReporter(writer, pause, target.Services.Control, NextCommands.StateFlags(values.StateDir, values.PostgresState), Console.In);
        if (reporter.Notice is { } notice)
        {
            writer.Message(notice);
        }

        var clock = new ElapsedTracker(reporter);
        try
        {
            var result = await deployment.RunAsync(clock, ct);
            writer.Result(ResultJson("deploy", result.DeploymentId, result.Status, ExitCodes.Success, result.GroupName, result.Elapsed, null),
                $"OK: {result}");
            return ExitCodes.Success;
        }
        catch (DeploymentFailedException e) when (StateStores.LeaseLost(e) is null)
        {
            var code = e.Status == DeploymentStatus.RolledBack ? ExitCodes.RolledBack : ExitCodes.NeedsAttention;
            var next = code == ExitCodes.RolledBack || e.DeploymentId is null ? [] : Next(e.DeploymentId, values, target);
            writer.Result(ResultJson("deploy", e.DeploymentId, e.Status, code, null, clock.Elapsed, e.Message, next: next),
                code == ExitCodes.RolledBack ? $"FAILED and rolled back: {e.Message}" : string.Join(Environment.NewLine, [$"FAILED, needs attention: {e.Message}", .. next]));
            return code;
        }
        catch (DeploymentCanceledException e) when (e.DeploymentId is { } canceled)
        {
            var next = Next(canceled, values, target);
            writer.Result(ResultJson("deploy", canceled, DeploymentStatus.NeedsAttention, ExitCodes.NeedsAttention, null, clock.Elapsed, e.Message, next: next),
                string.Join(Environment.NewLine, [$"CANCELED: {e.Message}", .. next]));
            return ExitCodes.NeedsAttention;
        }
        catch (UnfinishedDeploymentException e)
        {
            await error.WriteLineAsync(Unfinished(e, values));
            return ExitCodes.InvalidInput;
        }
    }

    private static IReadOnlyList<string> Next(string id, RequestValues values, Target target) =>
        NextCommands.For(id, NextCommands.StateFlags(values.StateDir, values.PostgresState), NextCommands.EndpointFlags(values.Endpoints), target.Sandbox is not null);

    /// <summary>The refusal of a deploy over an unfinished deployment, with the three exact commands that go on from it.</summary>
    internal static string Unfinished(UnfinishedDeploymentException e, RequestValues values)
    {
        var id = e.DeploymentId ?? "<deployment-id>";
        var state = NextCommands.StateFlags(values.StateDir, values.PostgresState);
        var flags = NextCommands.EndpointFlags(values.Endpoints);
        var how = e.Status == DeploymentStatus.Running
            ? "Running, but no process holds the app's lock: it was interrupted (a crash, a kill)"
            : e.Status?.ToString();
        var started = e.StartedAt?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return string.Join(Environment.NewLine,
            $"refused: app '{e.AppName}' has an unfinished deployment, {id} ({e.Strategy}, started {started}, {how}).",
            "A new deployment would start from the groups and routes it left half-changed, and resuming it later would undo the new one;",
            "nothing was started and nothing was changed. Finish its story first, then deploy again. Look at the app (spot-deploy status), then either",
            $"  spot-deploy resume {id}{state}{flags}",
            $"  spot-deploy rollback {id}{state}{flags}",
            $"  spot-deploy abandon {id} --reason \"<what you checked>\"{state}",
            "(abandon once a person has put the app right by hand: it changes nothing in Spot or AWS).");
    }

    /// <summary>A command-line value as typed into a shell: quoted when it holds anything but plain path characters.</summary>
    internal static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:@%+=,~".Contains(c, StringComparison.Ordinal))
            ? value
            : "\"" + value.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static JsonObject ResultJson(string command, string? id, DeploymentStatus status, int exitCode, string? group, TimeSpan? elapsed, string? error, bool alreadyFinished = false, IReadOnlyList<string>? next = null) => new()
    {
        ["command"] = command,
        ["nextCommands"] = new JsonArray([.. (next ?? []).Where(l => l.StartsWith("  spot-deploy ", StringComparison.Ordinal)).Select(l => (JsonNode)l.Trim())]),
        ["deploymentId"] = id,
        ["status"] = status.ToString(),
        ["exitCode"] = exitCode,
        ["groupName"] = group,
        ["elapsedSeconds"] = elapsed?.TotalSeconds,
        ["error"] = error,
        ["alreadyFinished"] = alreadyFinished,
    };

    private static Deployment CreateDeployment(string strategy, RequestValues v, Target target)
    {
        // Virtual time: a wait that times out does so at once, so a never-healthy image fails fast.
        var options = Options(v.OnFailure, target.Sandbox is not null ? TimeSpan.FromMinutes(5) : null, (int?)v.SteadyStateTimeout?.TotalSeconds, v.PollInterval);
        AnalysisInputs.Apply(options, v.Bake);

        var services = target.Services;
        switch (strategy)
        {
            case "roll":
                var roll = new SpotRollDeploymentRequest { AppName = v.App, GroupId = v.GroupId ?? target.Sandbox?.SeededGroupId(v.App), Image = Image(v, target) };
                if (v.BatchSize is { } batch)
                {
                    roll.BatchSizePercentage = batch;
                }

                if (v.GracePeriod is { } grace)
                {
                    roll.GracePeriodSeconds = grace;
                }

                roll.HealthCheckType = v.HealthCheckType;

                return new SpotRollDeployment(services, roll, options);
            case "basic":
                var basic = Fill(new BasicDeploymentRequest(), v, target);
                basic.AdoptUnversionedGroup = v.Adopt;
                return new BasicDeployment(services, basic, options);
            case "canary":
                var canary = Fill(new CanaryDeploymentRequest(), v, target);
                canary.AdoptUnversionedGroup = v.Adopt;
                foreach (var phase in v.Phases)
                {
                    canary.Phases.Add(new CanaryPhase(phase));
                }

                return new CanaryDeployment(services, canary, options);
            case "bluegreen":
                var blueGreen = Fill(new BlueGreenDeploymentRequest(), v, target);
                foreach (var lb in v.LoadBalancers)
                {
                    blueGreen.LoadBalancers.Add(lb);
                }

                if (blueGreen.LoadBalancers.Count == 0 && target.Sandbox is { } sandbox)
                {
                    blueGreen.LoadBalancers.Add(sandbox.Routes);
                }

                blueGreen.DownsizeOldGroup = v.DownsizeOld;
                if (v.TrafficShift.Count > 0)
                {
                    blueGreen.TrafficShiftPercents = [.. v.TrafficShift];
                }

                return new BlueGreenDeployment(services, blueGreen, options);
            default:
                throw new CliUsageException($"unknown strategy '{strategy}' (basic, canary, bluegreen or roll)");
        }
    }

    private static T Fill<T>(T request, RequestValues v, Target target) where T : DeploymentRequest
    {
        request.AppName = v.App;
        request.Image = Image(v, target);
        request.Capacity = v.Capacity ?? CapacityRequest.SameAsRunning();
        if (v.Document is { } path)
        {
            request.Document = v.LoadedDocument ?? Preflight.LoadDocument(path);
        }
        else if (target.Sandbox is { } sandbox)
        {
            request.Document = Sandbox.Document(v.App, sandbox.BlueTargetGroup);
        }

        return request;
    }

    private static AmiQuery? Image(RequestValues v, Target target)
    {
        if (v.ImageId is { } id)
        {
            return new AmiQuery { ImageId = id };
        }

        if (v.ImageParameter is { } parameter)
        {
            return new AmiQuery { Parameter = parameter };
        }

        if (v.ImageNamePattern is { } pattern)
        {
            var query = new AmiQuery { NamePattern = pattern };
            foreach (var owner in v.ImageOwners.Count > 0 ? v.ImageOwners : ["self"])
            {
                query.Owners.Add(owner);
            }

            return query;
        }

        return target.Sandbox is not null
            ? new AmiQuery { ImageId = Sandbox.ImageV2 }
            : throw new CliUsageException("an image is required: --image ami-..., --image-parameter NAME or --image-name-pattern (with --image-owner)");
    }

    // ---- rollback / resume ----

    private static async Task<int> RecoverAsync(bool rollback, string id, string? stateDir, bool postgres, Endpoints endpoints, DeploymentOptions options, EventWriter writer, CancellationToken ct,
        string? documentPath = null, PauseChoice? pause = null)
    {
        using var live = writer; // stops the live status line's clock however the command ends
        if (documentPath is not null && !File.Exists(documentPath))
        {
            throw new CliUsageException($"--document: no such file '{documentPath}'");
        }

        ElastigroupDocument? document;
        try
        {
            document = documentPath is null ? null : ElastigroupDocument.LoadFile(documentPath);
        }
        catch (ElastigroupDocumentException e)
        {
            throw new CliUsageException("--document: " + e.Message);
        }

        await using var target = await Target.OpenRealAsync(stateDir, postgres, endpoints, ct);
        if (await target.Services.Journal.LoadAsync(id, ct) is null)
        {
            throw new CliUsageException($"there is no deployment '{id}' in {StateStores.Describe(stateDir, postgres)}");
        }

        // A Blue/Green rollback or resume changes routes through ELBv2: check its credentials before the first change.
        if (string.Equals((await target.Services.Journal.LoadAsync(id, ct))?.Strategy, nameof(DeploymentStrategy.BlueGreen), StringComparison.OrdinalIgnoreCase))
        {
            await target.RequireAwsCredentialsAsync(ct);
        }

        // A resume pauses again where the journal shows it paused; --pause/--approve pause it before later stages too.
        var strategy = (await target.Services.Journal.LoadAsync(id, ct))?.Strategy;
        options.Pause = (pause ?? PauseChoice.None).Options(string.Equals(strategy, nameof(DeploymentStrategy.SpotRoll), StringComparison.OrdinalIgnoreCase) ? "roll" : strategy?.ToLowerInvariant() ?? string.Empty);
        var reporter = new PauseReporter(writer, pause ?? PauseChoice.None, target.Services.Control, NextCommands.StateFlags(stateDir, postgres), Console.In);
        if (reporter.Notice is { } notice)
        {
            writer.Message(notice);
        }

        var recovery = new DeploymentRecovery(target.Services, options);
        var command = rollback ? "rollback" : "resume";
        var clock = new ElapsedTracker(rollback ? writer : reporter);
        try
        {
            var result = rollback ? await recovery.RollbackAsync(id, clock, ct)
                : document is not null ? await recovery.ResumeAsync(id, document, clock, ct)
                : await recovery.ResumeAsync(id, clock, ct);
            var text = result.AlreadyFinished ? AlreadyFinished(result, rollback) : $"OK: {result}";
            writer.Result(ResultJson(command, result.DeploymentId, result.Status, ExitCodes.Success, result.GroupName, result.Elapsed, null, result.AlreadyFinished), text);
            return ExitCodes.Success;
        }
        catch (DeploymentDriftException e)
        {
            // The report is one line per difference, each with what to do; nothing was changed.
            writer.Result(ResultJson(command, e.DeploymentId ?? id, e.Status, ExitCodes.NeedsAttention, null, null, e.Message),
                $"NEEDS ATTENTION (the app is not as the journal left it; nothing was changed):{Environment.NewLine}{e.Message}");
            return ExitCodes.NeedsAttention;
        }
        catch (DeploymentFailedException e) when (StateStores.LeaseLost(e) is null)
        {
            var code = e.Status == DeploymentStatus.RolledBack ? ExitCodes.RolledBack : ExitCodes.NeedsAttention;
            IReadOnlyList<string> next = code == ExitCodes.RolledBack ? [] : NextCommands.For(e.DeploymentId ?? id, NextCommands.StateFlags(stateDir, postgres), NextCommands.EndpointFlags(endpoints), emulator: false);
            writer.Result(ResultJson(command, e.DeploymentId ?? id, e.Status, code, null, clock.Elapsed, e.Message, next: next), string.Join(Environment.NewLine, [$"FAILED ({e.Status}): {e.Message}", .. next]));
            return code;
        }
        catch (DeploymentCanceledException e)
        {
            var next = NextCommands.For(e.DeploymentId ?? id, NextCommands.StateFlags(stateDir, postgres), NextCommands.EndpointFlags(endpoints), emulator: false);
            writer.Result(ResultJson(command, e.DeploymentId ?? id, DeploymentStatus.NeedsAttention, ExitCodes.NeedsAttention, null, clock.Elapsed, e.Message, next: next),
                string.Join(Environment.NewLine, [$"CANCELED: {e.Message}", .. next]));
            return ExitCodes.NeedsAttention;
        }
    }

    /// <summary>The line for a resume or rollback of a deployment that had finished already (a finished deployment is not an error).</summary>
    private static string AlreadyFinished(DeploymentResult result, bool rollback) => result.Status switch
    {
        DeploymentStatus.Succeeded => $"already finished: deployment {result.DeploymentId} of {result.AppName} had succeeded ({result.GroupName} runs it); nothing to resume.",
        DeploymentStatus.RolledBack when rollback => $"already finished: deployment {result.DeploymentId} of {result.AppName} was rolled back already; nothing to do.",
        DeploymentStatus.RolledBack => $"already finished: deployment {result.DeploymentId} of {result.AppName} was rolled back; nothing to resume (deploy again to try its image).",
        DeploymentStatus.Abandoned => $"already finished: deployment {result.DeploymentId} of {result.AppName} was abandoned; nothing to resume.",
        _ => $"already finished: deployment {result.DeploymentId} of {result.AppName} is {result.Status}; nothing to do.",
    };

    // ---- abandon ----

    private static async Task<int> AbandonAsync(string id, string reason, string? stateDir, bool postgres, EventWriter writer, CancellationToken ct)
    {
        var services = Target.JournalOnly(stateDir, postgres);
        if (await services.Journal.LoadAsync(id, ct) is null)
        {
            throw new CliUsageException($"there is no deployment '{id}' in {StateStores.Describe(stateDir, postgres)}");
        }

        var who = $"{Environment.UserName} on {Environment.MachineName} (spot-deploy abandon)";
        var result = await new DeploymentRecovery(services, new DeploymentOptions { Owner = who }).AbandonAsync(id, reason, ct);
        writer.Result(ResultJson("abandon", result.DeploymentId, result.Status, ExitCodes.Success, null, result.Elapsed, null),
            $"OK: deployment {result.DeploymentId} ({result.Strategy}) of {result.AppName} is abandoned by {who}; nothing was changed in Spot or AWS. "
            + $"It can no longer be resumed or rolled back; {result.AppName} can be deployed again.");
        return ExitCodes.Success;
    }

    // ---- status ----

    private static async Task<int> StatusAsync(string app, IReadOnlyList<BlueGreenLoadBalancer> routes, bool emulator, Endpoints endpoints, EventWriter writer, StoreChoice store, CancellationToken ct)
    {
        if (emulator && (store.StateDir is not null || store.Postgres))
        {
            throw new CliUsageException("--state-dir and --state postgres are not used with --emulator: its journal lives and dies with the command");
        }

        await using var target = emulator ? await Target.OpenSandboxAsync(app, revision: true, ct) : await Target.OpenRealAsync(store.StateDir, store.Postgres, endpoints, ct);
        if (!emulator && routes.Count > 0)
        {
            await target.RequireAwsCredentialsAsync(ct);
        }

        var spot = target.Services.Spot;
        var groups = (await spot.ListGroupsAsync(app, ct))
            .Where(g => g.Name is { } n && n.StartsWith(app, StringComparison.Ordinal))
            .OrderBy(g => g.Name, StringComparer.Ordinal)
            .ToList();
        var result = new JsonObject { ["command"] = "status", ["app"] = app };
        var lines = new List<string> { $"app {app}: {groups.Count} group(s)" };
        var array = new JsonArray();
        foreach (var g in groups)
        {
            var health = g.Id is null ? [] : await spot.GetInstanceHealthinessAsync(g.Id, ct);
            var healthy = health.Count(h => h.IsHealthy);
            var c = g.Capacity;
            var image = g.Compute?.LaunchSpecification?.ImageId;
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"  {g.Name} ({g.Id}) capacity {c?.Minimum}/{c?.Target}/{c?.Maximum} image {image} instances {healthy}/{health.Count} healthy"));
            array.Add(new JsonObject
            {
                ["id"] = g.Id,
                ["name"] = g.Name,
                ["capacity"] = c is null ? null : new JsonObject { ["minimum"] = c.Minimum, ["target"] = c.Target, ["maximum"] = c.Maximum, ["unit"] = c.Unit ?? Capacity.InstanceUnit },
                ["image"] = image,
                ["instances"] = health.Count,
                ["healthy"] = healthy,
            });
        }

        result["groups"] = array;
        var routeArray = new JsonArray();
        if (target.Services.Aws is { } aws)
        {
            var all = routes.Count == 0 && target.Sandbox is { } sandbox ? [sandbox.Routes] : routes;
            foreach (var lb in all)
            {
                foreach (var (role, route) in new[] { ("production", lb.Production), ("stage", lb.Stage) })
                {
                    var forward = await aws.Traffic.ResolveForwardAsync(new RouteRef(route.ListenerArn, route.RuleArn), ct);
                    var weights = string.Join(", ", forward.TargetGroups.Select(t => $"{t.TargetGroupArn}={t.Weight?.ToString(CultureInfo.InvariantCulture) ?? "1"}"));
                    lines.Add($"  {role} {route.RuleArn ?? route.ListenerArn} -> {weights}");
                    routeArray.Add(EventJson.Route(role, route.ListenerArn, route.RuleArn, forward.TargetGroups.Select(t => (t.TargetGroupArn, t.Weight ?? 1))));
                }
            }
        }

        result["routes"] = routeArray;
        var unfinished = await HistoryCommands.UnfinishedOfAppAsync(target.Services.Journal, app, store, ct);
        if (unfinished is { } found)
        {
            lines.Add(found.Line);
        }

        result["unfinished"] = unfinished?.Json;
        writer.Result(result, string.Join(Environment.NewLine, lines));
        return ExitCodes.Success;
    }

    // ---- emulator ----

    private static TimeSpan Delay(double seconds, string flag) =>
        double.IsFinite(seconds) && seconds is >= 0 and <= 3600
            ? TimeSpan.FromSeconds(seconds)
            : throw new CliUsageException($"{flag} must be between 0 and 3600 seconds");

    private static async Task<int> EmulatorAsync(int port, string[] seedApps, TimeSpan bootTime, TimeSpan healthDelay, Action<Spot.Deploy.Emulator.EmulatorOptions> configure, TextWriter output, CancellationToken ct)
    {
        await using var sandbox = await Sandbox.StartAsync(realTime: true, port, bootTime, healthDelay, configure, ct);
        foreach (var seedApp in seedApps)
        {
            sandbox.SeedApp(seedApp, new Capacity(2, 2, 4), sandbox.BlueTargetGroup, revision: false);
        }

        var o = sandbox.Emulator.Options;
        await output.WriteLineAsync($"Spot API:        {sandbox.Emulator.SpotBaseAddress}");
        await output.WriteLineAsync($"EC2 endpoint:    {sandbox.Emulator.Ec2Endpoint}");
        await output.WriteLineAsync($"ELBv2 endpoint:  {sandbox.Emulator.ElasticLoadBalancingEndpoint}");
        await output.WriteLineAsync($"SSM endpoint:    {sandbox.Emulator.SystemsManagementEndpoint}");
        await output.WriteLineAsync($"CloudWatch:      {sandbox.Emulator.CloudWatchEndpoint}");
        await output.WriteLineAsync($"Metrics:         {sandbox.Emulator.MetricsEndpoint} (Prometheus text format)");
        await output.WriteLineAsync($"Call log:        {sandbox.Emulator.CallLogAddress} (GET with the Spot token)");
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"instances boot in {bootTime.TotalSeconds} s and are healthy {healthDelay.TotalSeconds} s later"));
        await output.WriteLineAsync($"Stats:           {sandbox.Emulator.StatsEndpoint}");
        if (EmulatorRateLimitInputs.Describe(o) is { } limit)
        {
            await output.WriteLineAsync(limit);
        }
        await output.WriteLineAsync($"SPOTINST_TOKEN={o.SpotToken}  SPOTINST_ACCOUNT={o.AccountId}  (emulator-only credentials)");
        await output.WriteLineAsync($"AWS region {o.Region}; any access key is accepted{(o.AwsAccessKeyId is null ? string.Empty : " (" + o.AwsAccessKeyId + ")")}");
        await output.WriteLineAsync($"images: {Sandbox.ImageV1} web-1.0, {Sandbox.ImageV2} web-2.0, {Sandbox.BrokenImage} web-3.0 (never healthy)");
        await output.WriteLineAsync($"SSM parameter {Sandbox.ImageParameter}: version 1 = {Sandbox.ImageV1}, version 2 (label prod) = {Sandbox.ImageV2}");
        await output.WriteLineAsync($"routes: production {sandbox.Routes.Production.ListenerArn} -> {sandbox.BlueTargetGroup}");
        await output.WriteLineAsync($"        stage      {sandbox.Routes.Stage.ListenerArn} -> {sandbox.GreenTargetGroup}");
        await output.WriteLineAsync("Press Ctrl+C to stop.");
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
            await output.WriteLineAsync("emulator stopped");
        }

        return ExitCodes.Success;
    }
}

/// <summary>Where a command runs: the real APIs (credentials from the flags and environment, <see cref="CredentialResolver"/>) or a seeded embedded emulator.</summary>
internal sealed class Target : IAsyncDisposable
{
    private readonly IAsyncDisposable? _owned;
    private readonly IDisposable[] _clients;
    private string? _awsProfile;

    private Target(DeploymentServices services, Sandbox? sandbox, IAsyncDisposable? owned, params IDisposable[] clients)
    {
        Services = services;
        Sandbox = sandbox;
        _owned = owned;
        _clients = clients;
    }

    public DeploymentServices Services { get; }

    public Sandbox? Sandbox { get; }

    /// <summary>Basic and Canary deploy revisions (<c>app__N</c>); Blue/Green and roll work on the group named <c>app</c>.</summary>
    public static async Task<Target> OpenAsync(string strategy, RequestValues values, CancellationToken ct)
    {
        if (values.Emulator)
        {
            return await OpenSandboxAsync(values.App, revision: strategy is "basic" or "canary", ct);
        }

        // Every plan and deployment resolves its AMI through EC2: no credentials is invalid input, found before anything is read.
        var target = await OpenRealAsync(values.StateDir, values.PostgresState, values.Endpoints, ct);
        try
        {
            await target.RequireAwsCredentialsAsync(ct);
        }
        catch
        {
            await target.DisposeAsync();
            throw;
        }

        return target;
    }

    public static async Task<Target> OpenSandboxAsync(string app, bool revision, CancellationToken ct)
    {
        var sandbox = await Sandbox.StartAsync(realTime: false, cancellationToken: ct);
        if (!string.IsNullOrWhiteSpace(app))
        {
            sandbox.SeedApp(app, new Capacity(2, 2, 4), sandbox.BlueTargetGroup, revision);
        }

        return new Target(sandbox.Services, sandbox, sandbox);
    }

    /// <summary>
    /// The journal and locks of <paramref name="stateDir"/> without Spot or AWS: for commands that change nothing there
    /// (<c>abandon</c>). The Spot client is a stand-in that refuses every call, so none can be made by mistake.
    /// </summary>
    public static DeploymentServices JournalOnly(string? stateDir, bool postgres)
    {
        // The command's process ends with it: the PostgreSQL store's connections close then.
        var (journal, appLock, _) = StateStores.Open(stateDir, postgres);
        return new DeploymentServices(DispatchProxy.Create<IElastigroupClient, NoSpotCalls>(), null, journal, appLock);
    }

    public static Task<Target> OpenRealAsync(string? stateDir, bool postgres, Endpoints endpoints, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();

        // Credentials first: an unknown profile or an unreadable token file is exit 3 before the state is opened or anything is called.
        var credentials = CredentialResolver.Resolve(endpoints.Credentials ?? CredentialFlags.None);
        var (journal, appLock, owned) = StateStores.Open(stateDir, postgres);
        var spotOptions = credentials.Spot;
        if (endpoints.Spot is { } spotUrl)
        {
            spotOptions.BaseAddress = spotUrl;
        }

        var spot = new ElastigroupClient(spotOptions);
        var awsOptions = credentials.Aws;
        awsOptions.Ec2Endpoint = endpoints.Ec2;
        awsOptions.ElasticLoadBalancingEndpoint = endpoints.ElasticLoadBalancing;
        awsOptions.SystemsManagementEndpoint = endpoints.Ssm;
        awsOptions.CloudWatchEndpoint = endpoints.CloudWatch;
        var aws = new AwsConnection(awsOptions);
        var services = new DeploymentServices(spot, aws, journal, appLock);
        var target = owned is null ? new Target(services, null, null, spot, aws) : new Target(services, null, null, spot, aws, owned);
        target._awsProfile = credentials.Profile;
        return Task.FromResult(target);
    }

    /// <summary>
    /// Refuses (exit 3) when no AWS credentials can be found; a profile (<c>--profile</c>, <c>AWS_PROFILE</c>) had its
    /// credentials checked when the target opened.
    /// </summary>
    public Task RequireAwsCredentialsAsync(CancellationToken ct) => _awsProfile is null ? Preflight.RequireAwsCredentialsAsync(ct) : Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        if (_owned is not null)
        {
            await _owned.DisposeAsync();
        }
    }
}

/// <summary>The Spot client of a command that makes no Spot call: any call is a bug, refused before it leaves the process.</summary>
internal class NoSpotCalls : DispatchProxy
{
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        throw new InvalidOperationException($"This command makes no Spot API call, but {targetMethod?.Name} was called.");
}
