using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies.Tests.Deployments;

/// <summary>Shared set-ups of the control-flow tests (gates, cancellation, stage by stage, recovery, concurrency, observability).</summary>
public abstract class ControlFlowTestBase : DeploymentTestBase
{
    /// <summary>The usual starting point: the running revision web__3 at 2/4/6 with 4 healthy instances.</summary>
    protected const string StartGroup = "web__3";

    protected static readonly string[] Deployed = [$"web__3 0/0/0 {OldImage} live=0", $"web__4 2/4/6 {NewImage} live=4"];

    protected static readonly string[] Started = [$"web__3 2/4/6 {OldImage} live=4"];

    protected string SeedRunningRevision() => SeedGroup(StartGroup, Cap(2, 4, 6));

    /// <summary>A Blue/Green set-up: one ALB, production listener on blue, stage listener on green, production group "web" at 1/2/3.</summary>
    protected BlueGreenSetup SeedBlueGreen(params int[] trafficShiftPercents)
    {
        var lb = State.SeedLoadBalancer("web-alb");
        var blue = State.SeedTargetGroup("web-blue");
        var green = State.SeedTargetGroup("web-green");
        var prod = State.SeedListener(lb, 443, blue);
        var stage = State.SeedListener(lb, 8443, green);
        SeedGroup("web", Cap(1, 2, 3), targetGroupArn: blue);
        var request = new BlueGreenDeploymentRequest { AppName = App, Document = Document(blue) };
        request.UseImage(NewImage);
        request.LoadBalancers.Add(new BlueGreenLoadBalancer(new ListenerRoute(prod), new ListenerRoute(stage)));
        if (trafficShiftPercents.Length > 0)
        {
            request.TrafficShiftPercents = trafficShiftPercents;
        }

        return new BlueGreenSetup(request, prod, stage, blue, green);
    }

    protected static CanaryDeploymentRequest CanaryRequestFor(string appName, params int[] percents)
    {
        var request = CanaryRequest(percents);
        request.AppName = appName;
        return request;
    }

    protected async Task<DeploymentRecord> RecordAsync(string deploymentId) =>
        (await Journal.LoadAsync(deploymentId))!;

    /// <summary>True when nobody holds the app's lock (it is taken and released at once).</summary>
    protected async Task<bool> IsUnlockedAsync(string appName = App)
    {
        try
        {
            await using var handle = await Lock.AcquireAsync(appName, "probe");
            return true;
        }
        catch (AppLockedException)
        {
            return false;
        }
    }

    /// <summary>The roll statuses in the emulator's snapshot.</summary>
    protected IReadOnlyList<string> RollStatuses() =>
        [.. FindRolls(State.Snapshot()).Select(r => r!["status"]!.GetValue<string>())];

    private static JsonArray FindRolls(JsonObject snapshot)
    {
        foreach (var (name, value) in snapshot)
        {
            if (name == "rolls" && value is JsonArray rolls)
            {
                return rolls;
            }

            if (value is JsonObject inner && FindRolls(inner) is { Count: > 0 } found)
            {
                return found;
            }
        }

        return [];
    }
}

public sealed record BlueGreenSetup(BlueGreenDeploymentRequest Request, string ProductionListener, string StageListener, string Blue, string Green);

/// <summary>A gate that records every question and answers from a function (approve by default).</summary>
internal sealed class RecordingGate : IDeploymentGate
{
    private readonly List<GateContext> _asked = [];
    private readonly Func<GateContext, GateDecision> _answer;

    public RecordingGate(Func<GateContext, GateDecision>? answer = null) => _answer = answer ?? (_ => GateDecision.Approve());

    public IReadOnlyList<GateContext> Asked
    {
        get
        {
            lock (_asked)
            {
                return [.. _asked];
            }
        }
    }

    public Task<GateDecision> CheckAsync(GateContext context, CancellationToken cancellationToken = default)
    {
        lock (_asked)
        {
            _asked.Add(context);
        }

        return Task.FromResult(_answer(context));
    }
}

/// <summary>One captured log record.</summary>
internal sealed record CapturedLog(string Category, LogLevel Level, EventId EventId, string Message, string? State, Exception? Exception)
{
    /// <summary>Everything the record would show anywhere: message, structured values, exception chain with stack.</summary>
    public string AllText => $"{Message}\n{State}\n{Exception}";
}

/// <summary>An <see cref="ILoggerProvider"/> that keeps every record in memory.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly List<CapturedLog> _logs = [];

    public IReadOnlyList<CapturedLog> Logs
    {
        get
        {
            lock (_logs)
            {
                return [.. _logs];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(CapturedLog log)
    {
        lock (_logs)
        {
            _logs.Add(log);
        }
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join("; ", pairs.Select(p => $"{p.Key}={p.Value}"))
                : state?.ToString();
            owner.Add(new CapturedLog(category, logLevel, eventId, formatter(state, exception), values, exception));
        }
    }
}

/// <summary>A logger factory over one provider (Microsoft.Extensions.Logging's LoggerFactory is not referenced here).</summary>
internal sealed class CapturingLoggerFactory(CapturingLoggerProvider provider) : ILoggerFactory
{
    public void AddProvider(ILoggerProvider provider)
    {
    }

    public ILogger CreateLogger(string categoryName) => provider.CreateLogger(categoryName);

    public void Dispose()
    {
    }
}
