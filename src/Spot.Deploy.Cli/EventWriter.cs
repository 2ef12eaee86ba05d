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
/// (virtual) time and the time since this run started (a deploy, a resume or a rollback), or one JSON object per line with
/// <c>"event"</c> naming its kind. Text names groups by name where an event has told it (the id until then).
/// </summary>
/// <param name="output">Where lines go.</param>
/// <param name="format">Text or JSON.</param>
/// <param name="time">The clock of the live status line's one-second redraw (default: the system's).</param>
internal sealed class EventWriter(TextWriter output, OutputFormat format, TimeProvider? time = null) : IProgress<DeploymentEvent>, IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    private readonly object _gate = new();
    private readonly Dictionary<string, (int, int, int)> _instances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private DateTimeOffset? _start;
    private bool _runStarted;
    private (string RollId, string Status, double Percent)? _lastRoll;
    private InstancesProgressEvent? _shown;
    private long _shownAt;
    private ITimer? _timer;
    private int _statusLength;
    private string? _stage;
    private int? _trafficPercent;

    /// <summary>
    /// Text on an interactive terminal: waits are shown on one status line rewritten in place (stage, n/m healthy,
    /// traffic, elapsed — redrawn every second while a wait is shown) instead of a line per change, and the wait's last
    /// poll is kept as a line when it ends; redirected output gets plain lines only.
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
            if (value is DeploymentStartedEvent or DeploymentResumedEvent)
            {
                // The clock counts from the start of this run: a deploy, or a resume of a journaled deployment.
                _start = value.Time;
                _runStarted = true;
                _instances.Clear();
                _lastRoll = null;
                _trafficPercent = null;
            }

            // A rollback command's first event is its RollbackStarted: its clock starts there.
            _start ??= value.Time;
            LearnName(value);

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
                if (_shown is { } shown && !string.Equals(shown.GroupId, live.GroupId, StringComparison.Ordinal))
                {
                    Settle();
                }

                _shown = live;
                _shownAt = _time.GetTimestamp();
                DrawStatus();
                _timer ??= _time.CreateTimer(_ => Redraw(), null, Tick, Tick);
                return;
            }

            Settle();

            if (format == OutputFormat.Json)
            {
                output.WriteLine(EventJson.Event(value));
            }
            else if (value is InstancesProgressEvent p && _instances.TryGetValue(p.GroupId, out var last) && last == (p.Healthy, p.Total, p.Target))
            {
                // Text: a poll that saw nothing new is not worth a line.
            }
            else if (value is RollProgressEvent roll && _lastRoll == (roll.RollId, roll.Status, roll.Percent))
            {
                // Text: the same roll progress again says nothing new.
            }
            else if (Describe(value) is { } text)
            {
                WriteLine(value, text);
                if (value is RollbackStartedEvent { AlreadyAsItShouldBe.Count: > 0 } rollback)
                {
                    WriteLine(value, "  already as it should be: " + string.Join(", ", rollback.AlreadyAsItShouldBe));
                }

                if (value is RollProgressEvent printed)
                {
                    _lastRoll = (printed.RollId, printed.Status, printed.Percent);
                }
            }

            if (value is GroupRenamedEvent renamed)
            {
                _names[renamed.GroupId] = renamed.NewName;
            }
        }
    }

    /// <summary>Stops the status line's redraw and clears it, keeping the wait's last poll as a line.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            Settle();
        }
    }

    /// <summary>One text line: <c>[time +elapsed] text</c>; a poll is remembered so the same numbers are not repeated.</summary>
    private void WriteLine(DeploymentEvent value, string text)
    {
        var since = _start is { } s ? value.Time - s : TimeSpan.Zero;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Prefix}[{value.Time:HH:mm:ss} +{Clock(since)}] {text}"));
        if (value is InstancesProgressEvent progress)
        {
            _instances[progress.GroupId] = (progress.Healthy, progress.Total, progress.Target);
        }
    }

    /// <summary>Names from the events that carry them (the rename's new name is learned after its line names the old one).</summary>
    private void LearnName(DeploymentEvent value)
    {
        var (id, name) = value switch
        {
            GroupCreatedEvent e => (e.GroupId, e.Name),
            CapacityChangedEvent e => (e.GroupId, e.Name),
            GroupDeletedEvent e => (e.GroupId, e.Name),
            GroupRenamedEvent e => (e.GroupId, e.OldName),
            InstancesProgressEvent e => (e.GroupId, e.GroupName),
            RollProgressEvent e => (e.GroupId, e.GroupName),
            _ => (null, null),
        };
        if (id is not null && !string.IsNullOrEmpty(name) && !string.Equals(id, name, StringComparison.Ordinal))
        {
            _names[id] = name;
        }
    }

    /// <summary>The group's name when an event told it, else its id.</summary>
    private string Name(string groupId) => _names.TryGetValue(groupId, out var name) ? name : groupId;

    /// <summary>The status line of the wait shown, its clock moved on by the time since its poll was reported.</summary>
    private void DrawStatus()
    {
        var live = _shown!;
        var elapsed = (_start is { } begun ? live.Time - begun : TimeSpan.Zero) + _time.GetElapsedTime(_shownAt);
        var traffic = _trafficPercent is { } percent ? string.Create(CultureInfo.InvariantCulture, $" · traffic {percent} % new") : string.Empty;
        WriteStatus(string.Create(CultureInfo.InvariantCulture,
            $"{Prefix}[+{Clock(elapsed)}] {_stage} · {Name(live.GroupId)} {live.Healthy}/{live.Target}{Units(live)} healthy ({live.Total} running, poll {live.Polls}){traffic}"));
    }

    private void Redraw()
    {
        lock (_gate)
        {
            if (_shown is not null && _timer is not null)
            {
                DrawStatus();
            }
        }
    }

    /// <summary>
    /// Ends the wait on the status line, if one is shown: the redraw stops, the line is cleared, and the wait's last poll
    /// is written as a permanent line (<c>web__4: 2/2 healthy (2 running)</c>) so the scrollback keeps it.
    /// </summary>
    private void Settle()
    {
        _timer?.Dispose();
        _timer = null;
        ClearStatus();
        if (_shown is { } shown)
        {
            _shown = null;
            WriteLine(shown, Describe(shown)!);
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
            Settle();
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
            Settle();
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

    private string? Describe(DeploymentEvent value) => value switch
    {
        DeploymentStartedEvent e => string.Create(CultureInfo.InvariantCulture, $"deployment {e.DeploymentId} started: {e.Strategy} of {e.AppName} to {e.ImageId}, {e.Stages} stage(s)"),
        DeploymentResumedEvent { StageName: { } name } e => string.Create(CultureInfo.InvariantCulture,
            $"resuming deployment {e.DeploymentId} at stage {e.StageIndex + 1}/{e.StageCount} \"{name}\" ({e.CompletedSteps} step(s) done before)"),
        DeploymentResumedEvent e => $"resuming deployment {e.DeploymentId}: every stage's steps are done, finishing it",
        StageStartedEvent e => string.Create(CultureInfo.InvariantCulture, $"stage {e.Index + 1}/{e.Count} \"{e.Name}\" started"),
        StageCompletedEvent e => string.Create(CultureInfo.InvariantCulture, $"stage {e.Index + 1}/{e.Count} \"{e.Name}\" done in {Clock(e.Elapsed)}"),
        StepStartedEvent e => $"  {e.Description}",
        StepCompletedEvent => null,
        GroupCreatedEvent e => $"  created group {e.Name} ({e.GroupId})",
        CapacityChangedEvent e => $"  group {e.Name} capacity -> {e.Capacity}",
        GroupRenamedEvent e => _names.TryGetValue(e.GroupId, out var old) ? $"  group {old} ({e.GroupId}) renamed to {e.NewName}" : $"  group {e.GroupId} renamed to {e.NewName}",
        GroupDeletedEvent e => $"  deleted group {e.Name} ({e.GroupId})",
        TrafficWeightsEvent e => string.Create(CultureInfo.InvariantCulture, $"  traffic: {e.PercentToNew} % to the new group (weights {e.NewWeight}/{e.OldWeight}) on {e.Routes} route(s)"),
        InstancesProgressEvent e => string.Create(CultureInfo.InvariantCulture, $"  {Name(e.GroupId)}: {e.Healthy}/{e.Target}{Units(e)} healthy ({e.Total} running)"),
        GateEvent e => $"  gate of \"{e.StageName}\": {e.Verdict}{(e.Reason is null ? string.Empty : " - " + e.Reason)}",
        MeasurementEvent e => string.Create(CultureInfo.InvariantCulture, $"  {e.Where}: {e.Check} #{e.Round} {e.Verdict.ToString().ToUpperInvariant()}{(e.DryRun ? " (dry run)" : string.Empty)} - {e.Detail}"),
        AnalysisCompletedEvent e => $"  {e.Where}: analysis {e.Verdict}{(e.Reason is null ? string.Empty : " - " + e.Reason)}",
        RollProgressEvent e => string.Create(CultureInfo.InvariantCulture, $"  roll {e.RollId} of {Name(e.GroupId)}: {e.Status} {e.Percent:0} %"),
        RollbackStartedEvent e when !_runStarted => string.Create(CultureInfo.InvariantCulture, $"rolling back deployment {e.DeploymentId}: {e.Steps} step(s) ({e.Reason})"),
        RollbackStartedEvent e => string.Create(CultureInfo.InvariantCulture, $"ROLLBACK of {e.DeploymentId} ({e.Steps} step(s)): {e.Reason}"),
        DeploymentWarningEvent e => $"  warning: {e.Message}",
        DeploymentFinishedEvent e => $"deployment {e.DeploymentId} {e.Status} after {Clock(e.Elapsed)}",
        _ => EventName(value),
    };
}
