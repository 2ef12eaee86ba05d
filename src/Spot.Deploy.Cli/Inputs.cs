using System.CommandLine;
using System.Globalization;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Planning;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli;

/// <summary>The values of a plan or deploy command, checked for form (the library validates the rest).</summary>
internal sealed class RequestValues
{
    public string App { get; init; } = string.Empty;

    public string? Document { get; init; }

    /// <summary>The <see cref="Document"/> file, read and checked with the flags (before any target starts).</summary>
    public ElastigroupDocument? LoadedDocument { get; init; }

    public string? ImageId { get; init; }

    public IReadOnlyList<string> ImageOwners { get; init; } = [];

    public string? ImageNamePattern { get; init; }

    public string? ImageParameter { get; init; }

    public IReadOnlyList<PhaseStep> Phases { get; init; } = [];

    public CapacityRequest? Capacity { get; init; }

    public IReadOnlyList<BlueGreenLoadBalancer> LoadBalancers { get; init; } = [];

    public IReadOnlyList<int> TrafficShift { get; init; } = [];

    public bool DownsizeOld { get; init; }

    public bool Adopt { get; init; }

    public FailurePolicy OnFailure { get; init; }

    public string? StateDir { get; init; }

    /// <summary>True for <c>--state postgres</c>: the journal and lease in PostgreSQL (<see cref="StateStores"/>).</summary>
    public bool PostgresState { get; init; }

    public string? GroupId { get; init; }

    public int? BatchSize { get; init; }

    public TimeSpan? SteadyStateTimeout { get; init; }

    /// <summary><c>--poll-interval</c>: the longest pause between health polls, in seconds.</summary>
    public double? PollInterval { get; init; }

    /// <summary><c>--bake</c>, <c>--analysis</c> and <c>--background-analysis</c> (<see cref="AnalysisInputs"/>).</summary>
    public (TimeSpan? Bake, Strategies.Analysis? Analysis, Strategies.Analysis? Background) Bake { get; init; }

    public bool Emulator { get; init; }

    public OutputFormat Output { get; init; }

    /// <summary>True when <c>--output</c> was given (not its default): <c>plan</c> refuses it beside a <c>--format</c> that disagrees.</summary>
    public bool OutputGiven { get; init; }

    public int? GracePeriod { get; init; }

    public string? HealthCheckType { get; init; }

    public Endpoints Endpoints { get; init; } = new(null, null, null, null);
}

/// <summary>
/// Where the real-API commands send their calls when not to Spot and AWS (e.g. a running <c>spot-deploy emulator</c>), and
/// the <see cref="CredentialFlags"/> they sign them with (null: the environment's).
/// </summary>
internal sealed record Endpoints(Uri? Spot, Uri? Ec2, Uri? ElasticLoadBalancing, Uri? Ssm, Uri? CloudWatch = null, CredentialFlags? Credentials = null);

/// <summary>
/// The <c>--spot-url</c>, <c>--ec2-endpoint</c>, <c>--elb-endpoint</c>, <c>--ssm-endpoint</c> and <c>--cloudwatch-endpoint</c> flags,
/// and with them the <see cref="CredentialInputs"/>: every command that calls Spot or AWS has both.
/// </summary>
internal sealed class EndpointInputs
{
    private readonly Option<string?> _spot = new("--spot-url") { Description = "The Spot API base address (default: Spot's). E.g. the address 'spot-deploy emulator' prints." };
    private readonly Option<string?> _ec2 = new("--ec2-endpoint") { Description = "The EC2 endpoint (default: the region's)." };
    private readonly Option<string?> _elb = new("--elb-endpoint") { Description = "The ELBv2 endpoint (default: the region's)." };
    private readonly Option<string?> _ssm = new("--ssm-endpoint") { Description = "The SSM endpoint for --image-parameter (default: the region's)." };
    private readonly Option<string?> _cloudWatch = new("--cloudwatch-endpoint") { Description = "The CloudWatch endpoint for the analysis's cloudwatch checks (default: the region's)." };
    private readonly CredentialInputs _credentials;

    public EndpointInputs(Command command)
    {
        _credentials = new CredentialInputs(command);
        command.Options.Add(_spot);
        command.Options.Add(_ec2);
        command.Options.Add(_elb);
        command.Options.Add(_ssm);
        command.Options.Add(_cloudWatch);
    }

    public Endpoints Read(ParseResult parse) => new(
        Absolute(parse.GetValue(_spot), "--spot-url"),
        Absolute(parse.GetValue(_ec2), "--ec2-endpoint"),
        Absolute(parse.GetValue(_elb), "--elb-endpoint"),
        Absolute(parse.GetValue(_ssm), "--ssm-endpoint"),
        Absolute(parse.GetValue(_cloudWatch), "--cloudwatch-endpoint"),
        _credentials.Read(parse));

    private static Uri? Absolute(string? text, string flag) =>
        text is null ? null
        : Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri
        : throw new CliUsageException($"{flag} must be an absolute http(s) address, got '{text}'");
}

/// <summary>The production/stage listener and rule flags, one of each per load balancer, in order.</summary>
internal sealed class RouteInputs
{
    private readonly Option<string[]> _productionListener = Many("--production-listener", "The production listener ARN (repeat once per ALB).");
    private readonly Option<string[]> _productionRule = Many("--production-rule", "The production rule ARN of each ALB, in the order of the listeners ('default' or omitted: the listener's default action).");
    private readonly Option<string[]> _stageListener = Many("--stage-listener", "The stage listener ARN (repeat once per ALB).");
    private readonly Option<string[]> _stageRule = Many("--stage-rule", "The stage rule ARN of each ALB ('default' or omitted: the listener's default action).");

    public RouteInputs(Command command)
    {
        command.Options.Add(_productionListener);
        command.Options.Add(_productionRule);
        command.Options.Add(_stageListener);
        command.Options.Add(_stageRule);
    }

    internal static Option<string[]> Many(string name, string description) =>
        new(name) { Description = description, AllowMultipleArgumentsPerToken = false, Arity = ArgumentArity.ZeroOrMore };

    public IReadOnlyList<BlueGreenLoadBalancer> Read(ParseResult parse)
    {
        var productionListeners = parse.GetValue(_productionListener) ?? [];
        var stageListeners = parse.GetValue(_stageListener) ?? [];
        var productionRules = parse.GetValue(_productionRule) ?? [];
        var stageRules = parse.GetValue(_stageRule) ?? [];
        if (productionListeners.Length != stageListeners.Length)
        {
            throw new CliUsageException(string.Create(CultureInfo.InvariantCulture,
                $"give one --stage-listener per --production-listener (got {productionListeners.Length} production and {stageListeners.Length} stage)"));
        }

        if (productionRules.Length > productionListeners.Length || stageRules.Length > stageListeners.Length)
        {
            throw new CliUsageException("more --production-rule/--stage-rule values than listeners: give at most one rule per listener, in the same order");
        }

        return [.. productionListeners.Select((listener, i) => new BlueGreenLoadBalancer(
            new ListenerRoute(listener, Rule(productionRules, i)),
            new ListenerRoute(stageListeners[i], Rule(stageRules, i))))];

        static string? Rule(string[] rules, int i) =>
            i < rules.Length && !string.Equals(rules[i], "default", StringComparison.OrdinalIgnoreCase) ? rules[i] : null;
    }
}

/// <summary>The flags of plan and deploy.</summary>
internal sealed class RequestInputs
{
    private readonly Option<string> _app = new("--app") { Description = "The app's name (its groups are named after it).", Required = true };
    private readonly Option<string?> _document = new("--document") { Description = "The Elastigroup document (JSON file: a group, or {\"group\": …})." };
    private readonly Option<string?> _image = new("--image") { Description = "The AMI id (ami-…)." };
    private readonly Option<string[]> _imageOwner = RouteInputs.Many("--image-owner", "An owner for the image search (repeatable; default: self).");
    private readonly Option<string?> _imageNamePattern = new("--image-name-pattern") { Description = "Name pattern of the image search (newest match wins), e.g. 'web-*'." };
    private readonly Option<string?> _imageParameter = new("--image-parameter") { Description = "An SSM parameter holding the AMI id: NAME, NAME:VERSION or NAME:LABEL (e.g. /images/web:prod)." };
    private readonly Option<string[]> _phase = RouteInputs.Many("--phase", "A canary phase: a percent (25, 25%) or count:N (repeat, in order; the last must reach 100 %).");
    private readonly Option<string?> _capacity = new("--capacity") { Description = "min/target/max of the new group, or 'same' (default: same as the running group)." };
    private readonly Option<string?> _trafficShift = new("--traffic-shift") { Description = "Blue/Green: percents of traffic to the new group, in order, e.g. 10,25,50,100 (default: a hard swap)." };
    private readonly Option<bool> _downsizeOld = new("--downsize-old") { Description = "Blue/Green: scale the old production group to 0 after the swap." };
    private readonly Option<bool> _adopt = new("--adopt") { Description = "basic, canary: adopt a running group named exactly like the app as the previous revision (revision 0); it is kept afterwards." };
    private readonly Option<FailurePolicy> _onFailure = Cli.OnFailureOption();
    private readonly Option<string?> _stateDir = Cli.StateDirOption();
    private readonly Option<string> _state = StateStores.StateOption();
    private readonly Option<string?> _groupId = new("--group-id") { Description = "roll: the group to roll (default: the group named after the app)." };
    private readonly Option<int?> _batchSize = new("--batch-size") { Description = "roll: batch size in percent (1-100; default 20)." };
    private readonly Option<int?> _gracePeriod = new("--grace-period") { Description = "roll: seconds Spot waits for a new instance to become healthy (default 600)." };
    private readonly Option<string?> _healthCheckType = HealthCheckTypeOption();
    private readonly Option<int?> _timeout = Cli.SteadyStateTimeoutOption();
    private readonly Option<double?> _pollInterval = Cli.PollIntervalOption();
    private readonly Option<bool> _emulator = new("--emulator") { Description = "Run against an embedded emulator seeded with the app (2/2/4 on web-1.0) on a virtual clock." };
    private readonly Option<OutputFormat> _output;
    private readonly RouteInputs _routes;
    private readonly EndpointInputs _endpoints;
    private readonly AnalysisInputs _bakes;

    public RequestInputs(Command command)
    {
        _output = Cli.OutputOption(command.Name == "plan" ? OutputOptions.Plan : OutputOptions.Events);
        foreach (var option in new Option[] { _app, _document, _image, _imageOwner, _imageNamePattern, _imageParameter, _phase, _capacity, _trafficShift, _downsizeOld, _adopt, _onFailure, _stateDir, _state, _groupId, _batchSize, _gracePeriod, _healthCheckType, _timeout, _pollInterval, _emulator, _output })
        {
            command.Options.Add(option);
        }

        _routes = new RouteInputs(command);
        _endpoints = new EndpointInputs(command);
        _bakes = new AnalysisInputs(command);
    }

    /// <summary>Reads and checks the flags for <paramref name="strategy"/>: a flag it would ignore is refused.</summary>
    public RequestValues Read(ParseResult parse, string strategy)
    {
        StrategyFlags.Check(parse, strategy);
        var image = parse.GetValue(_image);
        if (image is not null && !image.StartsWith("ami-", StringComparison.Ordinal))
        {
            throw new CliUsageException($"--image must be an AMI id (ami-…), got '{image}'");
        }

        var imageParameter = parse.GetValue(_imageParameter);
        if (imageParameter is not null)
        {
            if (image is not null || parse.GetValue(_imageNamePattern) is not null)
            {
                throw new CliUsageException("--image-parameter cannot be combined with --image or --image-name-pattern: give one way to find the image");
            }

            try
            {
                new Spot.Deploy.Aws.AmiQuery { Parameter = imageParameter }.Validate();
            }
            catch (ArgumentException e)
            {
                throw new CliUsageException("--image-parameter: " + e.Message);
            }
        }

        var document = parse.GetValue(_document);
        if (document is not null && !File.Exists(document))
        {
            throw new CliUsageException($"--document: no such file '{document}'");
        }

        var batch = parse.GetValue(_batchSize);
        if (batch is < 1 or > 100)
        {
            throw new CliUsageException("--batch-size must be between 1 and 100");
        }

        var gracePeriod = parse.GetValue(_gracePeriod);
        if (gracePeriod is < 0)
        {
            throw new CliUsageException("--grace-period must be a number of seconds, 0 or more");
        }

        var healthCheckType = parse.GetValue(_healthCheckType);
        if (healthCheckType is not null && !SpotRollPlanner.HealthCheckTypes.Contains(healthCheckType, StringComparer.Ordinal))
        {
            throw new CliUsageException($"--health-check-type '{healthCheckType}' is not one Spot accepts: {string.Join(", ", SpotRollPlanner.HealthCheckTypes)} (upper case, as Spot compares them)");
        }

        var timeout = parse.GetValue(_timeout);
        if (timeout is < 1)
        {
            throw new CliUsageException("--steady-state-timeout must be a positive number of seconds");
        }

        return new RequestValues
        {
            App = parse.GetValue(_app)!,
            Document = document,
            LoadedDocument = document is null ? null : Preflight.LoadDocument(document),
            ImageId = image,
            ImageOwners = parse.GetValue(_imageOwner) ?? [],
            ImageNamePattern = parse.GetValue(_imageNamePattern),
            ImageParameter = imageParameter,
            Phases = [.. (parse.GetValue(_phase) ?? []).Select(ParsePhase)],
            Capacity = ParseCapacity(parse.GetValue(_capacity)),
            LoadBalancers = _routes.Read(parse),
            TrafficShift = ParsePercents(parse.GetValue(_trafficShift)),
            DownsizeOld = parse.GetValue(_downsizeOld),
            Adopt = parse.GetValue(_adopt),
            OnFailure = parse.GetValue(_onFailure),
            StateDir = parse.GetValue(_stateDir),
            PostgresState = StateStores.IsPostgres(parse.GetValue(_state), parse.GetValue(_stateDir)),
            GroupId = parse.GetValue(_groupId),
            BatchSize = batch,
            GracePeriod = gracePeriod,
            HealthCheckType = healthCheckType,
            SteadyStateTimeout = timeout is { } t ? TimeSpan.FromSeconds(t) : null,
            PollInterval = parse.GetValue(_pollInterval),
            Bake = _bakes.Read(parse),
            Emulator = parse.GetValue(_emulator),
            Output = parse.GetValue(_output),
            OutputGiven = parse.GetResult(_output) is { Implicit: false },
            Endpoints = _endpoints.Read(parse),
        };
    }

    private static Option<string?> HealthCheckTypeOption()
    {
        return new Option<string?>("--health-check-type")
        {
            Description = "roll: the health check of the new instances (default: the group's own). Spot's values, upper case: "
                + string.Join(", ", SpotRollPlanner.HealthCheckTypes) + ".",
            HelpName = "type",
        };
    }

    internal static PhaseStep ParsePhase(string text)
    {
        var t = text.Trim();
        if (t.StartsWith("count:", StringComparison.OrdinalIgnoreCase))
        {
            return int.TryParse(t["count:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
                ? PhaseStep.Count(count)
                : throw new CliUsageException($"--phase '{text}': count:N needs a positive whole number");
        }

        return int.TryParse(t.TrimEnd('%'), NumberStyles.None, CultureInfo.InvariantCulture, out var percent) && percent is > 0 and <= 100
            ? PhaseStep.Percent(percent)
            : throw new CliUsageException($"--phase '{text}': use a percent from 1 to 100 (e.g. 25) or count:N");
    }

    internal static CapacityRequest? ParseCapacity(string? text)
    {
        if (text is null || string.Equals(text, "same", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var parts = text.Split('/');
        var numbers = new int[3];
        if (parts.Length != 3 || !parts.Select((p, i) => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i])).All(ok => ok))
        {
            throw new CliUsageException($"--capacity '{text}': use min/target/max (e.g. 1/2/4) or 'same'");
        }

        return CapacityRequest.Fixed(numbers[0], numbers[1], numbers[2]);
    }

    internal static IReadOnlyList<int> ParsePercents(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        return [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(p =>
            int.TryParse(p.TrimEnd('%'), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 100
                ? n
                : throw new CliUsageException($"--traffic-shift '{text}': use percents from 1 to 100 separated by commas, e.g. 10,25,50,100"))];
    }
}
