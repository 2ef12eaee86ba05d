using System.Globalization;

namespace Spot.Deploy.Emulator;

/// <summary>What an injected fault does to a call.</summary>
public enum FaultKind
{
    /// <summary>Answer with <see cref="FaultRule.Status"/> (500, 503 …) and the service's error body.</summary>
    HttpError,

    /// <summary>Spot: HTTP 429 with X-RateLimit-* headers and a body without <c>errors</c>.</summary>
    RateLimited,

    /// <summary>AWS: the throttling error (EC2 <c>RequestLimitExceeded</c>/503, ELBv2 <c>Throttling</c>/400).</summary>
    Throttling,

    /// <summary>Answer normally after <see cref="FaultRule.Delay"/> (on the emulator's clock).</summary>
    Latency,

    /// <summary>Never answer (until the client gives up): a timeout.</summary>
    Timeout,

    /// <summary>Close the connection without an answer.</summary>
    DropConnection,

    /// <summary>Do the work, then never answer: the change happened but the client cannot know (the hardest case).</summary>
    TimeoutAfterApplying,
}

/// <summary>
/// A fault: which calls it hits (service, method, path or action, the n-th matching call, or a seeded
/// probability) and what it does. Unset criteria match everything.
/// </summary>
public sealed class FaultRule
{
    /// <summary><c>spot</c>, <c>ec2</c> or <c>elasticloadbalancing</c>; null matches any.</summary>
    public string? Service { get; set; }

    /// <summary>HTTP method; null matches any.</summary>
    public string? Method { get; set; }

    /// <summary>A substring of the path (e.g. <c>/capacity</c>); null matches any.</summary>
    public string? PathContains { get; set; }

    /// <summary>The AWS action (e.g. <c>ModifyListener</c>); null matches any.</summary>
    public string? Action { get; set; }

    /// <summary>Only mutating calls (Spot non-GET, AWS non-Describe) when true.</summary>
    public bool MutatingOnly { get; set; }

    /// <summary>Hit only the n-th matching call (1-based); null hits every matching call (subject to <see cref="Probability"/>).</summary>
    public int? NthCall { get; set; }

    /// <summary>How many matching calls to hit in all (e.g. a storm of 5 × 429); null = unlimited.</summary>
    public int? Times { get; set; }

    /// <summary>Chance of hitting a matching call, drawn from the emulator's seeded random; 1 = always.</summary>
    public double Probability { get; set; } = 1;

    /// <summary>What the fault does.</summary>
    public FaultKind Kind { get; set; } = FaultKind.HttpError;

    /// <summary>Status of <see cref="FaultKind.HttpError"/>. Default 500.</summary>
    public int Status { get; set; } = 500;

    /// <summary>Delay of <see cref="FaultKind.Latency"/>; the reset of <see cref="FaultKind.RateLimited"/> (default 2 s).</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(2);

    private int _hits;

    internal int Matched;

    /// <summary>How many calls this rule has hit so far.</summary>
    public int HitCount => Volatile.Read(ref _hits);

    internal void Hit() => Interlocked.Increment(ref _hits);

    private readonly List<(int Count, TaskCompletionSource Done)> _appliedWaiters = [];
    private int _applied;

    /// <summary>
    /// Completes once <paramref name="count"/> calls have met this rule's fault: the error or rate limit answered,
    /// the connection dropped, the latency begun, or the answer withheld (<see cref="FaultKind.Timeout"/>; for
    /// <see cref="FaultKind.TimeoutAfterApplying"/>, once the call has been applied). Lets a test act while a
    /// faulted call is in flight without polling or sleeping.
    /// </summary>
    /// <param name="count">How many calls; default 1.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the faults have been applied.</returns>
    public Task WaitUntilAppliedAsync(int count = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        lock (_appliedWaiters)
        {
            if (_applied >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _appliedWaiters.Add((count, done));
            return done.Task.WaitAsync(cancellationToken);
        }
    }

    internal void Applied()
    {
        List<TaskCompletionSource> ready;
        lock (_appliedWaiters)
        {
            _applied++;
            ready = [.. _appliedWaiters.Where(w => w.Count <= _applied).Select(w => w.Done)];
            _appliedWaiters.RemoveAll(w => w.Count <= _applied);
        }

        foreach (var done in ready)
        {
            done.TrySetResult();
        }
    }

    /// <summary>For example <c>HttpError 503 on spot PUT /capacity (2nd call)</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"{Kind}{(Kind == FaultKind.HttpError ? " " + Status : string.Empty)} on {Service ?? "*"} {Method ?? "*"} {PathContains ?? Action ?? "*"}{(NthCall is { } n ? $" (call {n})" : string.Empty)}");
}

/// <summary>The faults in force. Add rules before or during a test; they apply to calls as they arrive.</summary>
public sealed class FaultInjector
{
    private readonly List<FaultRule> _rules = [];
    private readonly Random _random;

    internal FaultInjector(int seed) => _random = new Random(seed);

    /// <summary>The rules, oldest first.</summary>
    public IReadOnlyList<FaultRule> Rules
    {
        get
        {
            lock (_rules)
            {
                return [.. _rules];
            }
        }
    }

    /// <summary>Adds a rule.</summary>
    public FaultRule Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        lock (_rules)
        {
            _rules.Add(rule);
        }

        return rule;
    }

    /// <summary>Removes every rule.</summary>
    public void Clear()
    {
        lock (_rules)
        {
            _rules.Clear();
        }
    }

    /// <summary>The first rule that hits this call, counting matches deterministically.</summary>
    internal FaultRule? Match(string service, string method, string path, string? action, bool isMutating)
    {
        lock (_rules)
        {
            foreach (var rule in _rules)
            {
                if ((rule.Service is not null && !rule.Service.Equals(service, StringComparison.OrdinalIgnoreCase)) ||
                    (rule.Method is not null && !rule.Method.Equals(method, StringComparison.OrdinalIgnoreCase)) ||
                    (rule.PathContains is not null && !path.Contains(rule.PathContains, StringComparison.Ordinal)) ||
                    (rule.Action is not null && !string.Equals(rule.Action, action, StringComparison.Ordinal)) ||
                    (rule.MutatingOnly && !isMutating))
                {
                    continue;
                }

                rule.Matched++;
                if (rule.Times is { } times && rule.HitCount >= times)
                {
                    continue;
                }

                if (rule.NthCall is { } nth && rule.Matched != nth)
                {
                    continue;
                }

                if (rule.Probability < 1 && _random.NextDouble() >= rule.Probability)
                {
                    continue;
                }

                rule.Hit();
                return rule;
            }
        }

        return null;
    }
}
