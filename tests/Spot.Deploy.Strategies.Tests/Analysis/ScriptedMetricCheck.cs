namespace Spot.Deploy.Strategies.Tests.Analysis;

/// <summary>
/// A check whose value follows the virtual clock: good until <see cref="BadFrom"/>, then <see cref="BadValue"/> (or no
/// data when that is null). Every read is recorded with its virtual time and the context it saw.
/// </summary>
internal sealed class ScriptedMetricCheck : MetricCheck
{
    private readonly object _gate = new();
    private readonly List<Read> _reads = [];
    private DateTimeOffset? _badFrom;

    public ScriptedMetricCheck(string name = "errors")
    {
        Name = name;
        Threshold = Strategies.Threshold.Parse("< 0.05");
    }

    public double GoodValue { get; init; } = 0.01;

    /// <summary>The value from <see cref="BadFrom"/> on; null reads "no data".</summary>
    public double? BadValue { get; init; } = 0.3;

    public DateTimeOffset? BadFrom
    {
        get
        {
            lock (_gate)
            {
                return _badFrom;
            }
        }
        set
        {
            lock (_gate)
            {
                _badFrom = value;
            }
        }
    }

    public IReadOnlyList<Read> Reads
    {
        get
        {
            lock (_gate)
            {
                return [.. _reads];
            }
        }
    }

    public override Task<MetricReading> ReadAsync(AnalysisContext context, CancellationToken cancellationToken = default)
    {
        var now = context.TimeProvider.GetUtcNow();
        lock (_gate)
        {
            _reads.Add(new Read(now, context.Phase, context.Percent, context.NewGroupName));
            var bad = _badFrom is { } from && now >= from;
            return Task.FromResult(!bad ? MetricReading.Of(GoodValue) : BadValue is { } value ? MetricReading.Of(value) : MetricReading.None("no data"));
        }
    }

    internal sealed record Read(DateTimeOffset At, string Phase, int? Percent, string? NewGroupName);
}
