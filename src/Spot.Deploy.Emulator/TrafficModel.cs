using System.Globalization;
using System.Text;

namespace Spot.Deploy.Emulator;

/// <summary>Where a share of the emulated traffic went: a group's instances of one image, behind a target group of a load balancer or served directly.</summary>
internal sealed record TrafficKey(string GroupId, string? GroupName, string ImageId, string? TargetGroupArn, string? LoadBalancerArn);

/// <summary>Requests and 5xx answers served, as real numbers (floored when reported, so counters stay whole and never go back).</summary>
internal struct TrafficTally
{
    public double Requests;

    public double Errors;
}

/// <summary>A group as the traffic sees it: its instances (a live history, terminated ones included) and the target groups it registers in.</summary>
internal sealed record PlannedGroup(SpotGroup Group, string? Name, IReadOnlyList<string> TargetGroupArns);

/// <summary>A load balancer's listeners, each with the weighted target groups of its default forward action.</summary>
internal sealed record PlannedLoadBalancer(string Arn, IReadOnlyList<IReadOnlyList<(string TargetGroupArn, int Weight)>> Listeners);

/// <summary>
/// Everything that decides where traffic goes, frozen at one moment: which groups exist and register where, the listeners'
/// forward weights, the images' error rates and health. Instances are not frozen — their lifecycles are a history the
/// group keeps — so within one plan the rates change only where an instance becomes healthy or leaves.
/// </summary>
internal sealed class TrafficPlan
{
    public required IReadOnlyList<PlannedGroup> Groups { get; init; }

    public required IReadOnlyList<PlannedLoadBalancer> LoadBalancers { get; init; }

    public required IReadOnlyDictionary<string, double> ErrorRates { get; init; }

    public required IReadOnlySet<string> NeverHealthyImages { get; init; }

    public required double RequestsPerInstancePerSecond { get; init; }

    public required TimeSpan HealthCheckDelay { get; init; }

    /// <summary>A text that differs whenever the plan routes traffic differently, to tell whether a new plan is needed.</summary>
    public string Signature()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"n={RequestsPerInstancePerSecond:R};d={HealthCheckDelay.Ticks};");
        foreach (var group in Groups)
        {
            text.Append("g:").Append(group.Group.Id).Append('=').Append(group.Name).Append('>').AppendJoin(',', group.TargetGroupArns).Append(';');
        }

        foreach (var balancer in LoadBalancers)
        {
            text.Append("lb:").Append(balancer.Arn);
            foreach (var listener in balancer.Listeners)
            {
                text.Append('|').AppendJoin(',', listener.Select(t => t.TargetGroupArn + "*" + t.Weight.ToString(CultureInfo.InvariantCulture)));
            }

            text.Append(';');
        }

        foreach (var (image, rate) in ErrorRates.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"e:{image}={rate:R};");
        }

        return text.Append("u:").AppendJoin(',', NeverHealthyImages.Order(StringComparer.Ordinal)).ToString();
    }

    /// <summary>
    /// Adds the traffic of [<paramref name="from"/>, <paramref name="to"/>) to <paramref name="totals"/>: the rates are constant
    /// between the moments an instance becomes healthy or leaves, so each such piece adds rate × duration.
    /// </summary>
    public void Integrate(DateTimeOffset from, DateTimeOffset to, Dictionary<TrafficKey, TrafficTally> totals)
    {
        if (to <= from)
        {
            return;
        }

        var cuts = new SortedSet<DateTimeOffset> { from, to };
        foreach (var instance in Groups.SelectMany(g => g.Group.Instances))
        {
            foreach (var moment in new[] { HealthyAt(instance), instance.TerminatedAt ?? DateTimeOffset.MaxValue })
            {
                if (moment > from && moment < to)
                {
                    cuts.Add(moment);
                }
            }
        }

        var start = from;
        foreach (var end in cuts.Skip(1))
        {
            var seconds = (end - start).Ticks / (double)TimeSpan.TicksPerSecond;
            foreach (var (key, rate) in RatesAt(start))
            {
                totals.TryGetValue(key, out var tally);
                tally.Requests += rate * seconds;
                tally.Errors += rate * seconds * (ErrorRates.TryGetValue(key.ImageId, out var errorRate) ? errorRate : 0);
                totals[key] = tally;
            }

            start = end;
        }
    }

    /// <summary>
    /// Requests per second by key at one moment. A group without target groups serves directly: each healthy instance
    /// <see cref="RequestsPerInstancePerSecond"/>. A load balancer receives that much per healthy instance behind it (in
    /// target groups its listeners forward to with a positive weight), shares it equally among its listeners, and each
    /// listener splits its share by forward weight among the target groups that have a healthy instance; a target group
    /// spreads its share evenly over its healthy instances. Traffic that no listener forwards is not modelled.
    /// </summary>
    public Dictionary<TrafficKey, double> RatesAt(DateTimeOffset at)
    {
        var rates = new Dictionary<TrafficKey, double>();
        void Add(TrafficKey key, double rate) => rates[key] = rates.GetValueOrDefault(key) + rate;

        var healthyByTargetGroup = new Dictionary<string, List<(PlannedGroup Group, SpotInstance Instance)>>(StringComparer.Ordinal);
        foreach (var group in Groups)
        {
            foreach (var instance in group.Group.Instances.Where(i => IsHealthyAt(i, at)))
            {
                if (group.TargetGroupArns.Count == 0)
                {
                    Add(new TrafficKey(group.Group.Id, group.Name, instance.ImageId, null, null), RequestsPerInstancePerSecond);
                }

                foreach (var arn in group.TargetGroupArns.Distinct(StringComparer.Ordinal))
                {
                    if (!healthyByTargetGroup.TryGetValue(arn, out var members))
                    {
                        healthyByTargetGroup[arn] = members = [];
                    }

                    members.Add((group, instance));
                }
            }
        }

        foreach (var balancer in LoadBalancers)
        {
            var listeners = balancer.Listeners
                .Select(l => l.Where(t => t.Weight > 0 && healthyByTargetGroup.ContainsKey(t.TargetGroupArn)).ToList())
                .Where(l => l.Count > 0)
                .ToList();
            var serving = listeners.SelectMany(l => l).SelectMany(t => healthyByTargetGroup[t.TargetGroupArn]).Select(m => m.Instance.Id).Distinct(StringComparer.Ordinal).Count();
            if (serving == 0)
            {
                continue;
            }

            var perListener = RequestsPerInstancePerSecond * serving / listeners.Count;
            foreach (var listener in listeners)
            {
                var totalWeight = listener.Sum(t => (double)t.Weight);
                foreach (var (arn, weight) in listener)
                {
                    var members = healthyByTargetGroup[arn];
                    var perInstance = perListener * weight / totalWeight / members.Count;
                    foreach (var (group, instance) in members)
                    {
                        Add(new TrafficKey(group.Group.Id, group.Name, instance.ImageId, arn, balancer.Arn), perInstance);
                    }
                }
            }
        }

        return rates;
    }

    private DateTimeOffset HealthyAt(SpotInstance instance) => instance.RunningAt + HealthCheckDelay;

    private bool IsHealthyAt(SpotInstance instance, DateTimeOffset at) =>
        at >= HealthyAt(instance) && instance.IsAliveAt(at) && !NeverHealthyImages.Contains(instance.ImageId);
}
