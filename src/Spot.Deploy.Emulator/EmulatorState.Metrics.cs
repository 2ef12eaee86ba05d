namespace Spot.Deploy.Emulator;

/// <summary>Requests served and 5xx answers given, counted since the emulator started.</summary>
/// <param name="Requests">Every request served.</param>
/// <param name="Errors">The requests answered with a 5xx status.</param>
public sealed record TrafficCount(long Requests, long Errors);

// The traffic model: each healthy instance is worth EmulatorOptions.RequestsPerInstancePerSecond of traffic, routed
// through listeners' forward weights to target groups, and an image's error rate turns a share of it into 5xx answers.
// Nothing runs in the background: the traffic of any time span is integrated when read, from the instances' lifecycles
// and the routing plans in force (a new plan is recorded whenever routing changes, so the past never changes and the
// counters only grow).
public sealed partial class EmulatorState
{
    private readonly Dictionary<string, double> _imageErrorRates = new(StringComparer.Ordinal);
    private readonly List<(DateTimeOffset Start, TrafficPlan Plan, string Signature)> _trafficPlans = [];

    /// <summary>
    /// A bad build: from now on this share of the requests that instances of the image serve are answered with a 5xx
    /// status (counted in <c>HTTPCode_Target_5XX_Count</c> and <c>spot_deploy_emulator_errors_total</c>). 0 undoes it.
    /// </summary>
    /// <param name="imageId">The AMI id.</param>
    /// <param name="errorRate">The share, 0 to 1.</param>
    public void SetImageErrorRate(string imageId, double errorRate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(imageId);
        if (!(errorRate is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(errorRate), errorRate, "An error rate is between 0 and 1.");
        }

        lock (Gate)
        {
            _imageErrorRates[imageId] = errorRate;
            CaptureTraffic();
        }
    }

    /// <summary>The traffic a group's instances have served so far (of one image, when given), behind load balancers or directly.</summary>
    /// <param name="groupId">The group id (a deleted group's traffic stays counted).</param>
    /// <param name="imageId">Only instances of this AMI; all when null.</param>
    public TrafficCount GetGroupTraffic(string groupId, string? imageId = null)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        return Count(key => key.GroupId == groupId && (imageId is null || key.ImageId == imageId));
    }

    /// <summary>The traffic a target group has received so far through load balancer listeners (the <c>RequestCount</c> of its CloudWatch metrics).</summary>
    /// <param name="targetGroupArn">The target group's ARN.</param>
    public TrafficCount GetTargetGroupTraffic(string targetGroupArn)
    {
        ArgumentNullException.ThrowIfNull(targetGroupArn);
        return Count(key => key.TargetGroupArn == targetGroupArn);
    }

    /// <summary>
    /// Records the routing in force now, if it differs from the last recorded one. Called under <see cref="Gate"/> after
    /// every change that can move traffic (seeding, mutating API calls) and before every read.
    /// </summary>
    internal void CaptureTraffic()
    {
        lock (Gate)
        {
            foreach (var group in _spotGroups.Values)
            {
                AdvanceSpotGroup(group);
            }

            var plan = new TrafficPlan
            {
                Groups = [.. _spotGroups.Values.OrderBy(g => g.Sequence).Select(g => new PlannedGroup(g, SpotDocuments.AsString(g.Document["name"]), SpotDocuments.TargetGroupArns(g.Document)))],
                LoadBalancers = [.. _loadBalancers.Select(lb => new PlannedLoadBalancer(lb.Arn, [.. _listeners.Where(l => l.LoadBalancerArn == lb.Arn).Select(l => ForwardWeights(l.DefaultActions))]))],
                ErrorRates = new Dictionary<string, double>(_imageErrorRates, StringComparer.Ordinal),
                NeverHealthyImages = new HashSet<string>(_neverHealthyImages, StringComparer.Ordinal),
                RequestsPerInstancePerSecond = Options.RequestsPerInstancePerSecond,
                HealthCheckDelay = Options.HealthCheckDelay,
            };
            var signature = plan.Signature();
            if (_trafficPlans.Count > 0 && _trafficPlans[^1].Signature == signature)
            {
                return;
            }

            var now = Now;
            if (_trafficPlans.Count > 0 && _trafficPlans[^1].Start >= now)
            {
                _trafficPlans.RemoveAt(_trafficPlans.Count - 1);
            }

            _trafficPlans.Add((now, plan, signature));
        }
    }

    /// <summary>Everything served up to <paramref name="at"/> (at most now), by key, as real numbers.</summary>
    internal Dictionary<TrafficKey, TrafficTally> TrafficTotalsAt(DateTimeOffset at)
    {
        lock (Gate)
        {
            CaptureTraffic();
            var end = at < Now ? at : Now;
            var totals = new Dictionary<TrafficKey, TrafficTally>();
            for (var i = 0; i < _trafficPlans.Count && _trafficPlans[i].Start < end; i++)
            {
                var until = i + 1 < _trafficPlans.Count && _trafficPlans[i + 1].Start < end ? _trafficPlans[i + 1].Start : end;
                _trafficPlans[i].Plan.Integrate(_trafficPlans[i].Start, until, totals);
            }

            return totals;
        }
    }

    /// <summary>A real-valued count as a counter reports it: whole, and never less than an earlier reading.</summary>
    internal static long Whole(double value) => (long)Math.Floor(value + 1e-6);

    private TrafficCount Count(Func<TrafficKey, bool> selected)
    {
        var totals = TrafficTotalsAt(DateTimeOffset.MaxValue).Where(t => selected(t.Key)).Select(t => t.Value).ToList();
        return new TrafficCount(Whole(totals.Sum(t => t.Requests)), Whole(totals.Sum(t => t.Errors)));
    }

    /// <summary>The target groups and weights of the forward actions (a plain <c>TargetGroupArn</c> weighs 1, as ELBv2 reports it).</summary>
    private static List<(string TargetGroupArn, int Weight)> ForwardWeights(IEnumerable<QueryNode> actions)
    {
        var weights = new List<(string TargetGroupArn, int Weight)>();
        foreach (var action in actions.Where(a => a.Text("Type") == "forward"))
        {
            var tuples = action["ForwardConfig"]?.ListOf("TargetGroups") ?? [];
            if (tuples.Count == 0 && action.Text("TargetGroupArn") is { Length: > 0 } arn)
            {
                weights.Add((arn, 1));
            }

            foreach (var tuple in tuples)
            {
                if (tuple.Text("TargetGroupArn") is { Length: > 0 } tupleArn)
                {
                    weights.Add((tupleArn, int.TryParse(tuple.Text("Weight"), System.Globalization.CultureInfo.InvariantCulture, out var weight) ? weight : 1));
                }
            }
        }

        return weights;
    }
}
