using System.Globalization;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies;

/// <summary>
/// Waits until an Elastigroup is steady: for a target of 0, no instances; for a target t &gt; 0, exactly t
/// instances <c>HEALTHY</c> in Spot and t instances in the group — and, when asked, every one of them
/// <c>healthy</c> in every given target group. Polls adaptively: at once, then after
/// <see cref="SteadyStateOptions.InitialPollInterval"/>, backing off by
/// <see cref="SteadyStateOptions.BackoffFactor"/> up to <see cref="SteadyStateOptions.MaxPollInterval"/>, and
/// back to the initial pause whenever the healthy count grows.
/// </summary>
public sealed class SteadyStateWaiter
{
    private readonly IElastigroupClient _spot;
    private readonly TrafficRouter? _traffic;
    private readonly TimeProvider _timeProvider;
    private readonly object _learnGate = new();
    private (TimeSpan Low, TimeSpan High)? _readiness;

    /// <summary>Creates a waiter that checks Spot's health only.</summary>
    /// <param name="spot">The Elastigroup client.</param>
    /// <param name="timeProvider">The clock for pauses, the timeout and measurements.</param>
    public SteadyStateWaiter(IElastigroupClient spot, TimeProvider timeProvider)
        : this(spot, null, timeProvider)
    {
    }

    /// <summary>Creates a waiter that can also check target-group health.</summary>
    /// <param name="spot">The Elastigroup client.</param>
    /// <param name="traffic">The ELBv2 router for <see cref="SteadyStateOptions.RequireTargetGroupHealth"/>, or null.</param>
    /// <param name="timeProvider">The clock for pauses, the timeout and measurements.</param>
    public SteadyStateWaiter(IElastigroupClient spot, TrafficRouter? traffic, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(spot);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _spot = spot;
        _traffic = traffic;
        _timeProvider = timeProvider;
    }

    /// <summary>
    /// Polls the group until it is steady. Every poll reads <c>GET /aws/ec2/group/{groupId}/status</c> and,
    /// for a target above 0, <c>GET /aws/ec2/group/{groupId}/instanceHealthiness</c>; with
    /// <see cref="SteadyStateOptions.RequireTargetGroupHealth"/>, once Spot is steady, ELBv2
    /// <c>DescribeTargetHealth</c> of each target group. An <see cref="InstancesProgressEvent"/> is reported
    /// after every poll.
    /// </summary>
    /// <param name="groupId">The group.</param>
    /// <param name="target">The number of healthy instances to wait for (0: wait until the group is empty).</param>
    /// <param name="targetGroupArns">The group's target groups, for <see cref="SteadyStateOptions.RequireTargetGroupHealth"/>.</param>
    /// <param name="options">How to wait; default <see cref="SteadyStateOptions"/>.</param>
    /// <param name="progress">Receives an event after every poll, or null.</param>
    /// <param name="cancellationToken">Stops the wait at once.</param>
    /// <returns>What the last poll saw, how many polls were made and how long it took.</returns>
    /// <exception cref="SteadyStateTimeoutException">The group was not steady within <see cref="SteadyStateOptions.Timeout"/>.</exception>
    /// <exception cref="OperationCanceledException">The wait was cancelled.</exception>
    /// <exception cref="InvalidOperationException">Target-group health is required but there is no router or no target group.</exception>
    public Task<SteadyStateResult> WaitAsync(
        string groupId,
        int target,
        IReadOnlyList<string>? targetGroupArns = null,
        SteadyStateOptions? options = null,
        IProgress<DeploymentEvent>? progress = null,
        CancellationToken cancellationToken = default) =>
        WaitForCapacityAsync(groupId, target, InstanceWeights.Instances, targetGroupArns, options, progress, cancellationToken);

    /// <summary>
    /// <see cref="WaitAsync"/> for a group whose capacity is counted in <paramref name="weights"/>' unit. In weight units
    /// the healthy capacity is the sum of the <c>HEALTHY</c> instances' weights (each instance's type, from the group
    /// status, looked up in <paramref name="weights"/>); the group is steady when that reaches <paramref name="target"/>
    /// and the group holds less than one instance more than the target needs (Spot launches whole instances). Every poll
    /// then reads both the healthiness and the status. In instance units this is <see cref="WaitAsync"/>.
    /// </summary>
    /// <param name="groupId">The group.</param>
    /// <param name="target">The healthy capacity to wait for, in the group's unit (0: wait until the group is empty).</param>
    /// <param name="weights">The group's unit and weights (from its document: <c>GET /aws/ec2/group/{groupId}</c>).</param>
    /// <param name="targetGroupArns">The group's target groups, for <see cref="SteadyStateOptions.RequireTargetGroupHealth"/>.</param>
    /// <param name="options">How to wait; default <see cref="SteadyStateOptions"/>.</param>
    /// <param name="progress">Receives an event after every poll (numbers in the group's unit), or null.</param>
    /// <param name="cancellationToken">Stops the wait at once.</param>
    /// <returns>What the last poll saw (in the group's unit), how many polls were made and how long it took.</returns>
    /// <exception cref="SteadyStateTimeoutException">The group was not steady within <see cref="SteadyStateOptions.Timeout"/>.</exception>
    /// <exception cref="OperationCanceledException">The wait was cancelled.</exception>
    /// <exception cref="InvalidOperationException">
    /// Target-group health is required but there is no router or no target group; or an instance's type has no weight.
    /// </exception>
    public async Task<SteadyStateResult> WaitForCapacityAsync(
        string groupId,
        int target,
        InstanceWeights weights,
        IReadOnlyList<string>? targetGroupArns = null,
        SteadyStateOptions? options = null,
        IProgress<DeploymentEvent>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentOutOfRangeException.ThrowIfNegative(target);
        options ??= new SteadyStateOptions();
        options.Validate();
        var checkTargetGroups = options.RequireTargetGroupHealth && target > 0;
        if (checkTargetGroups && (_traffic is null || targetGroupArns is null || targetGroupArns.Count == 0))
        {
            // Silently skipping the gate would report a group steady that the load balancer does not serve.
            throw new InvalidOperationException("RequireTargetGroupHealth needs a TrafficRouter and at least one target group ARN.");
        }

        var started = _timeProvider.GetTimestamp();
        var polls = 0;
        var previousHealthy = -1;
        var growth = false;
        var lastNotReady = TimeSpan.Zero;
        var interval = options.InitialPollInterval;
        var due = new Queue<TimeSpan>();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var observation = await PollAsync(groupId, target, weights, checkTargetGroups ? targetGroupArns : null, cancellationToken).ConfigureAwait(false);
            polls++;
            progress?.Report(new InstancesProgressEvent(_timeProvider.GetUtcNow(), groupId, observation.Healthy, observation.Total, target, polls) { Unit = weights.Unit });
            var elapsed = _timeProvider.GetElapsedTime(started);
            if (observation.Steady)
            {
                if (growth && options.LearnReadinessTime)
                {
                    Learn(lastNotReady, elapsed);
                }

                return new SteadyStateResult(observation.Healthy, observation.Total, polls, elapsed);
            }

            if (elapsed >= options.Timeout)
            {
                throw new SteadyStateTimeoutException(groupId, target, observation.Healthy, observation.Total, polls, elapsed, observation.Details, weights.Unit);
            }

            if (!observation.SpotSteady)
            {
                lastNotReady = elapsed;
            }

            if (polls == 1 && target > 0 && observation.Healthy < target && observation.Total <= target)
            {
                // A wait for new instances: none can be ready before a boot and a health check, so there is no
                // point in polling every 2 s. Look when readiness is due if it was learned, else every MaxPollInterval.
                growth = true;
                interval = options.MaxPollInterval;
                if (options.LearnReadinessTime && LearnedReadiness() is { } learned)
                {
                    due.Enqueue((learned.Low + learned.High) / 2);
                    due.Enqueue(learned.High);
                }
            }
            else if (previousHealthy >= 0 && observation.Healthy > previousHealthy)
            {
                // More instances became healthy: the rest are likely close behind, so look again soon.
                due.Clear();
                interval = options.InitialPollInterval;
            }

            previousHealthy = observation.Healthy;
            TimeSpan pause;
            while (due.Count > 0 && due.Peek() <= elapsed)
            {
                due.Dequeue();
            }

            if (due.Count > 0)
            {
                pause = due.Dequeue() - elapsed;
                interval = options.InitialPollInterval;
            }
            else
            {
                pause = interval;
                interval = Grow(interval, options);
            }

            // The last pause ends exactly at the deadline, so the final poll happens at the timeout itself.
            var remaining = options.Timeout - elapsed;
            await Task.Delay(pause < remaining ? pause : remaining, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The interval, in time since the capacity change, in which new instances became healthy in the waits so
    /// far: the intersection of the waits' intervals (each from the last poll that saw too few to the poll that
    /// saw enough), or the latest one when they disagree. Null before the first wait for new instances.
    /// </summary>
    internal (TimeSpan Low, TimeSpan High)? LearnedReadiness()
    {
        lock (_learnGate)
        {
            return _readiness;
        }
    }

    private void Learn(TimeSpan low, TimeSpan high)
    {
        lock (_learnGate)
        {
            if (_readiness is { } known && low < known.High && high > known.Low)
            {
                _readiness = (low > known.Low ? low : known.Low, high < known.High ? high : known.High);
            }
            else
            {
                _readiness = (low, high);
            }
        }
    }

    private static TimeSpan Grow(TimeSpan interval, SteadyStateOptions options)
    {
        var milliseconds = interval.TotalMilliseconds * options.BackoffFactor;

        // Whole milliseconds, as timers count: the pauses actually taken are the ones computed here.
        return milliseconds >= options.MaxPollInterval.TotalMilliseconds
            ? options.MaxPollInterval
            : TimeSpan.FromMilliseconds(Math.Floor(milliseconds));
    }

    private async Task<Observation> PollAsync(string groupId, int target, InstanceWeights weights, IReadOnlyList<string>? targetGroupArns, CancellationToken cancellationToken)
    {
        if (target == 0)
        {
            var remaining = await _spot.GetGroupStatusAsync(groupId, cancellationToken).ConfigureAwait(false);
            return new Observation(0, remaining.Count, remaining.Count == 0, remaining.Count == 0, null);
        }

        var health = await _spot.GetInstanceHealthinessAsync(groupId, cancellationToken).ConfigureAwait(false);
        if (weights.IsWeighted)
        {
            // The healthiness list names no instance type: the status does, so a weighted poll reads both.
            var instances = await _spot.GetGroupStatusAsync(groupId, cancellationToken).ConfigureAwait(false);
            var capacity = WeightedCapacity.Of(groupId, instances, health, weights);
            var steady = capacity.IsSteadyAt(target);
            return await CheckTargetGroupsAsync(capacity.Healthy, capacity.Total, steady, capacity.HealthyIds, targetGroupArns, cancellationToken).ConfigureAwait(false);
        }

        var healthyIds = health.Where(h => h.IsHealthy).Select(h => h.InstanceId ?? string.Empty).ToArray();
        if (healthyIds.Length < target)
        {
            // Too few healthy: not steady whatever the group's status says, so that call is saved.
            return new Observation(healthyIds.Length, health.Count, false, false, null);
        }

        var status = await _spot.GetGroupStatusAsync(groupId, cancellationToken).ConfigureAwait(false);
        var spotSteady = healthyIds.Length == target && status.Count == target;
        return await CheckTargetGroupsAsync(healthyIds.Length, status.Count, spotSteady, healthyIds, targetGroupArns, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Once Spot is steady, and when asked, every healthy instance must be healthy in every target group too.</summary>
    private async Task<Observation> CheckTargetGroupsAsync(
        int healthy, int total, bool spotSteady, IReadOnlyList<string> healthyIds, IReadOnlyList<string>? targetGroupArns, CancellationToken cancellationToken)
    {
        if (!spotSteady || targetGroupArns is null)
        {
            return new Observation(healthy, total, spotSteady, spotSteady, null);
        }

        foreach (var targetGroupArn in targetGroupArns)
        {
            var targetHealth = await _traffic!.GetHealthAsync(targetGroupArn, healthyIds, cancellationToken).ConfigureAwait(false);
            if (!targetHealth.IsHealthy)
            {
                var unhealthy = string.Join(", ", targetHealth.Unhealthy.Select(t => $"{t.TargetId} {t.State}"));
                var details = string.Create(CultureInfo.InvariantCulture, $"Spot reports every instance healthy, but target group '{targetGroupArn}' does not: {unhealthy}");
                return new Observation(healthy, total, false, true, details);
            }
        }

        return new Observation(healthy, total, true, true, null);
    }

    /// <param name="Healthy">Instances HEALTHY in Spot (in weight units: their weights' sum).</param>
    /// <param name="Total">Instances in the group (from the status, or the health list when the status was not read; in weight units: their weights' sum).</param>
    /// <param name="Steady">Steady, target groups included.</param>
    /// <param name="SpotSteady">Steady as far as Spot says (the learned readiness is Spot's).</param>
    /// <param name="Details">Why target groups are not ready, or null.</param>
    private readonly record struct Observation(int Healthy, int Total, bool Steady, bool SpotSteady, string? Details);
}
