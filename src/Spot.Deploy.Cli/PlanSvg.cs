using System.Globalization;
using Spot.Deploy.Planning;
using Spot.Deploy.Strategies;
using Series = Spot.Deploy.Cli.SvgChart.Series;

namespace Spot.Deploy.Cli;

/// <summary>
/// A hand-written SVG of a plan's capacity timeline: after each step, the new group's target and the sum of the other
/// groups' targets (previous, production, older), and for Blue/Green the percent of traffic sent to the new group on its
/// own 0–100 % axis; a Spot roll is drawn batch by batch (instances on the old and on the new image).
/// </summary>
internal static class PlanSvg
{
    /// <param name="preview">The plan.</param>
    /// <param name="currentTargets">The running groups' targets by id: where a step does not say what it scales from.</param>
    internal static IReadOnlyList<Series> Timeline(DeploymentPreview preview, IReadOnlyDictionary<string, int> currentTargets)
    {
        var steps = preview.PlanSteps;
        var others = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            var group = step switch
            {
                ScaleGroupStep scale => scale.Group,
                DeleteGroupStep delete => delete.Group,
                RenameGroupStep rename => rename.Group,
                _ => null,
            };
            if (group is not null && group.Role != GroupRole.New)
            {
                var from = step is ScaleGroupStep { From: { } f } ? f.Target
                    : group.Id is { } id && currentTargets.TryGetValue(id, out var current) ? current
                    : 0;
                others.TryAdd(Key(group), from);
            }
        }

        var newTarget = 0;
        var traffic = 0;
        var newValues = new List<double> { 0 };
        var oldValues = new List<double> { others.Values.Sum() };
        var trafficValues = new List<double> { 0 };
        foreach (var step in steps)
        {
            switch (step)
            {
                case CreateGroupStep create:
                    newTarget = create.Capacity.Target;
                    break;
                case ScaleGroupStep scale when scale.Group.Role == GroupRole.New:
                    newTarget = scale.To.Target;
                    break;
                case ScaleGroupStep scale:
                    others[Key(scale.Group)] = scale.To.Target;
                    break;
                case DeleteGroupStep delete when delete.Group.Role != GroupRole.New:
                    others[Key(delete.Group)] = 0;
                    break;
                case ShiftTrafficStep shift:
                    traffic = shift.Weights.Percent;
                    break;
                case SwapRoutesStep:
                    traffic = 100;
                    break;
                default:
                    break;
            }

            newValues.Add(newTarget);
            oldValues.Add(others.Values.Sum());
            trafficValues.Add(traffic);
        }

        var series = new List<Series>
        {
            new("previous groups (target)", "#d62728", oldValues, false),
            new("new group (target)", "#2ca02c", newValues, false),
        };
        if (preview.Strategy == DeploymentStrategy.BlueGreen)
        {
            series.Add(new Series("traffic to new (%)", "#1f77b4", trafficValues, true));
        }

        return series;

        static string Key(GroupRef group) => group.Id ?? group.Name;
    }

    public static string Render(DeploymentPreview preview, IReadOnlyDictionary<string, int> currentTargets)
    {
        ArgumentNullException.ThrowIfNull(preview);
        var title = $"{preview.Strategy} of {preview.AppName} to {preview.ImageId}";
        if (preview.PlanSteps.OfType<RollGroupStep>().FirstOrDefault(r => !r.Reverse) is { } roll)
        {
            var heading = string.Create(CultureInfo.InvariantCulture,
                $"{title}: instances by batch ({roll.BatchCount} batch(es) of {roll.InstancesPerBatch}, {roll.BatchSizePercentage} % of {roll.Instances})");
            return SvgChart.Render(new SvgChart.Chart(title, heading, "batch (each: launch, healthy within the grace period, then the old ones detached)", "instances", RollTimeline(roll)));
        }

        return SvgChart.Render(new SvgChart.Chart(title, title + ": capacity by step", "step", "instances (target)", Timeline(preview, currentTargets)));
    }

    /// <summary>A Spot roll, batch by batch: the instances still on the old image and those already on the new one.</summary>
    internal static IReadOnlyList<Series> RollTimeline(RollGroupStep roll)
    {
        var old = new List<double> { roll.Instances };
        var replaced = new List<double> { 0 };
        for (var batch = 1; batch <= roll.BatchCount; batch++)
        {
            var done = Math.Min(roll.Instances, batch * roll.InstancesPerBatch);
            replaced.Add(done);
            old.Add(roll.Instances - done);
        }

        return
        [
            new Series("instances on the old image", "#d62728", old, false),
            new Series("instances on the new image", "#2ca02c", replaced, false),
        ];
    }
}
