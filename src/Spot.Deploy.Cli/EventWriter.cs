using System.Globalization;
using System.Text.Json.Nodes;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli;

/// <summary>How results and events are written: text lines for people, one JSON object per line for machines.</summary>
internal enum OutputFormat
{
    Text,
    Json,
}

/// <summary>
/// Writes deployment events as they happen (synchronously, so lines never interleave): a readable line with the
/// (virtual) time and the time since the deployment started, or one JSON object per line with <c>"event"</c> naming its kind.
/// </summary>
internal sealed class EventWriter(TextWriter output, OutputFormat format) : IProgress<DeploymentEvent>
{
    private readonly object _gate = new();
    private readonly Dictionary<string, (int, int, int)> _instances = new(StringComparer.Ordinal);
    private DateTimeOffset? _start;
    private int _statusLength;
    private string? _stage;
    private int? _trafficPercent;

    /// <summary>
    /// Text on an interactive terminal: waits are shown on one status line rewritten in place (stage, n/m healthy,
    /// traffic, elapsed) instead of a line per change; redirected output gets plain lines only.
    /// </summary>
    public bool Live { get; init; } = format == OutputFormat.Text && ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;

    public TextWriter Output => output;

    public OutputFormat Format => format;

    /// <summary>A prefix for every text line (e.g. the demo's deployment label).</summary>
    public string Prefix { get; set; } = string.Empty;

    public void Report(DeploymentEvent value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            if (value is DeploymentStartedEvent)
            {
                _start = value.Time;
                _instances.Clear();
                _trafficPercent = null;
            }

            if (value is StageStartedEvent stage)
            {
                _stage = stage.Name;
            }

            if (value is TrafficWeightsEvent weights)
            {
                _trafficPercent = weights.PercentToNew;
            }

            if (Live && value is InstancesProgressEvent live)
            {
                var elapsed = _start is { } begun ? live.Time - begun : TimeSpan.Zero;
                var traffic = _trafficPercent is { } percent ? string.Create(CultureInfo.InvariantCulture, $" · traffic {percent} % new") : string.Empty;
                WriteStatus(string.Create(CultureInfo.InvariantCulture,
                    $"{Prefix}[+{Clock(elapsed)}] {_stage} · {live.GroupId} {live.Healthy}/{live.Target}{Units(live)} healthy ({live.Total} running, poll {live.Polls}){traffic}"));
                return;
            }

            ClearStatus();

            if (format == OutputFormat.Json)
            {
                output.WriteLine(EventJson.Event(value));
            }
            else if (value is InstancesProgressEvent p && _instances.TryGetValue(p.GroupId, out var last) && last == (p.Healthy, p.Total, p.Target))
            {
                // Text: a poll that saw nothing new is not worth a line.
            }
            else if (Describe(value) is { } text)
            {
                var since = _start is { } s ? value.Time - s : TimeSpan.Zero;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Prefix}[{value.Time:HH:mm:ss} +{Clock(since)}] {text}"));
                if (value is InstancesProgressEvent progress)
                {
                    _instances[progress.GroupId] = (progress.Healthy, progress.Total, progress.Target);
                }
            }
        }
    }

    /// <summary>Nothing for instances (as always); <c> weight units</c> for a group counted in weights.</summary>
    private static string Units(InstancesProgressEvent e) =>
        string.Equals(e.Unit, "weight", StringComparison.Ordinal) ? " weight units" : string.Empty;

    private void WriteStatus(string text)
    {
        var padding = _statusLength > text.Length ? new string(' ', _statusLength - text.Length) : string.Empty;
        output.Write("\r" + text + padding);
        output.Flush();
        _statusLength = text.Length;
    }

    private void ClearStatus()
    {
        if (_statusLength > 0)
        {
            output.Write("\r" + new string(' ', _statusLength) + "\r");
            _statusLength = 0;
        }
    }

    /// <summary>Writes a free line: text as is, or <c>{"schema":1,"event":"Message","text":…}</c> in JSON (<see cref="EventJson"/>).</summary>
    public void Message(string text)
    {
        lock (_gate)
        {
            ClearStatus();
            if (format == OutputFormat.Json)
            {
                output.WriteLine(EventJson.Message(text));
            }
            else
            {
                output.WriteLine(Prefix + text);
            }
        }
    }

    /// <summary>Writes a final object (JSON) or its text form.</summary>
    public void Result(JsonObject result, string text)
    {
        lock (_gate)
        {
            ClearStatus();
            if (format == OutputFormat.Json)
            {
                output.WriteLine(EventJson.Result(result));
            }
            else
            {
                output.WriteLine(text);
            }
        }
    }

    internal static string EventName(DeploymentEvent value)
    {
        var name = value.GetType().Name;
        return name.EndsWith("Event", StringComparison.Ordinal) ? name[..^"Event".Length] : name;
    }

    internal static string Clock(TimeSpan t) =>
        string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00}");

    private static string? Describe(DeploymentEvent value) => value switch
    {
        DeploymentStartedEvent e => string.Create(CultureInfo.InvariantCulture, $"deployment {e.DeploymentId} started: {e.Strategy} of {e.AppName} to {e.ImageId}, {e.Stages} stage(s)"),
        StageStartedEvent e => string.Create(CultureInfo.InvariantCulture, $"stage {e.Index + 1}/{e.Count} \"{e.Name}\" started"),
        StageCompletedEvent e => string.Create(CultureInfo.InvariantCulture, $"stage {e.Index + 1}/{e.Count} \"{e.Name}\" done in {Clock(e.Elapsed)}"),
        StepStartedEvent e => $"  {e.Description}",
        StepCompletedEvent => null,
        GroupCreatedEvent e => $"  created group {e.Name} ({e.GroupId})",
        CapacityChangedEvent e => $"  group {e.Name} capacity -> {e.Capacity}",
        GroupRenamedEvent e => $"  group {e.GroupId} renamed to {e.NewName}",
        GroupDeletedEvent e => $"  deleted group {e.Name} ({e.GroupId})",
        TrafficWeightsEvent e => string.Create(CultureInfo.InvariantCulture, $"  traffic: {e.PercentToNew} % to the new group (weights {e.NewWeight}/{e.OldWeight}) on {e.Routes} route(s)"),
        InstancesProgressEvent e => string.Create(CultureInfo.InvariantCulture, $"  {e.GroupId}: {e.Healthy}/{e.Target}{Units(e)} healthy ({e.Total} running)"),
        GateEvent e => $"  gate of \"{e.StageName}\": {e.Verdict}{(e.Reason is null ? string.Empty : " - " + e.Reason)}",
        MeasurementEvent e => string.Create(CultureInfo.InvariantCulture, $"  {e.Where}: {e.Check} #{e.Round} {e.Verdict.ToString().ToUpperInvariant()}{(e.DryRun ? " (dry run)" : string.Empty)} - {e.Detail}"),
        AnalysisCompletedEvent e => $"  {e.Where}: analysis {e.Verdict}{(e.Reason is null ? string.Empty : " - " + e.Reason)}",
        RollProgressEvent e => string.Create(CultureInfo.InvariantCulture, $"  roll {e.RollId} of {e.GroupId}: {e.Status} {e.Percent:0} %"),
        RollbackStartedEvent e => string.Create(CultureInfo.InvariantCulture, $"ROLLBACK of {e.DeploymentId} ({e.Steps} step(s)): {e.Reason}"),
        DeploymentWarningEvent e => $"  warning: {e.Message}",
        DeploymentFinishedEvent e => $"deployment {e.DeploymentId} {e.Status} after {Clock(e.Elapsed)}",
        _ => EventName(value),
    };
}
