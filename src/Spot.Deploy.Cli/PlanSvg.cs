using System.Globalization;
using System.Security;
using System.Text;
using Spot.Deploy.Planning;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli;

/// <summary>
/// A hand-written SVG of a plan's capacity timeline: after each step, the new group's target and the sum of the other
/// groups' targets (previous, production, older), and for Blue/Green the percent of traffic sent to the new group.
/// One <c>polyline</c> and one legend <c>rect</c> per series.
/// </summary>
internal static class PlanSvg
{
    internal sealed record Series(string Name, string Color, IReadOnlyList<double> Values, bool Percent);

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
        var series = Timeline(preview, currentTargets);
        const double Left = 60, Top = 50, Width = 640, Height = 260;
        var points = series[0].Values.Count;
        var maxCapacity = Math.Max(1, series.Where(s => !s.Percent).SelectMany(s => s.Values).Max());
        double X(int i) => Left + (points <= 1 ? 0 : i * Width / (points - 1));
        double Y(double v, bool percent) => Top + Height - (v / (percent ? 100 : maxCapacity) * Height);
        static string F(double d) => d.ToString("0.#", CultureInfo.InvariantCulture);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{F(Left + Width + 220)}\" height=\"{F(Top + Height + 60)}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"  <title>{Escape($"{preview.Strategy} of {preview.AppName} to {preview.ImageId}")}</title>\n");
        svg.Append(CultureInfo.InvariantCulture, $"  <text x=\"{F(Left)}\" y=\"24\" font-size=\"15\">{Escape($"{preview.Strategy} of {preview.AppName} to {preview.ImageId}: capacity by step")}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"  <line x1=\"{F(Left)}\" y1=\"{F(Top + Height)}\" x2=\"{F(Left + Width)}\" y2=\"{F(Top + Height)}\" stroke=\"#444\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"  <line x1=\"{F(Left)}\" y1=\"{F(Top)}\" x2=\"{F(Left)}\" y2=\"{F(Top + Height)}\" stroke=\"#444\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"  <text x=\"{F(Left - 8)}\" y=\"{F(Top + 4)}\" text-anchor=\"end\">{F(maxCapacity)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"  <text x=\"{F(Left - 8)}\" y=\"{F(Top + Height + 4)}\" text-anchor=\"end\">0</text>\n");
        for (var i = 0; i < points; i++)
        {
            svg.Append(CultureInfo.InvariantCulture, $"  <text x=\"{F(X(i))}\" y=\"{F(Top + Height + 18)}\" text-anchor=\"middle\">{i}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"  <text x=\"{F(Left + (Width / 2))}\" y=\"{F(Top + Height + 40)}\" text-anchor=\"middle\">step</text>\n");
        for (var s = 0; s < series.Count; s++)
        {
            var item = series[s];
            var coordinates = string.Join(" ", item.Values.Select((v, i) => $"{F(X(i))},{F(Y(v, item.Percent))}"));
            svg.Append(CultureInfo.InvariantCulture, $"  <polyline class=\"series\" data-series=\"{Escape(item.Name)}\" fill=\"none\" stroke=\"{item.Color}\" stroke-width=\"2\" points=\"{coordinates}\"/>\n");
            var legendY = Top + (s * 22);
            svg.Append(CultureInfo.InvariantCulture, $"  <rect class=\"legend\" x=\"{F(Left + Width + 20)}\" y=\"{F(legendY)}\" width=\"14\" height=\"14\" fill=\"{item.Color}\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"  <text x=\"{F(Left + Width + 40)}\" y=\"{F(legendY + 12)}\">{Escape(item.Name)}</text>\n");
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static string Escape(string text) => SecurityElement.Escape(text) ?? string.Empty;
}
