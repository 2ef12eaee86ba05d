using System.Globalization;
using System.Security;
using System.Text;

namespace Spot.Deploy.Cli;

/// <summary>
/// A hand-written SVG line chart: x is a step (or batch) number, the left axis counts instances, and series marked as
/// percent are drawn on their own labelled 0–100 % axis on the right. One <c>polyline</c> and one legend <c>rect</c> per
/// series. The plot area is 640 × 260 at (60, 50), so a value's y is 50 at the top of its scale and 310 at 0.
/// </summary>
internal static class SvgChart
{
    internal const double Left = 60, Top = 50, Width = 640, Height = 260;

    internal sealed record Series(string Name, string Color, IReadOnlyList<double> Values, bool Percent);

    internal sealed record Chart(string Title, string Heading, string XLabel, string YLabel, IReadOnlyList<Series> Series);

    public static string Render(Chart chart)
    {
        var series = chart.Series;
        var points = series[0].Values.Count;
        var hasPercent = series.Any(s => s.Percent);
        var maxCapacity = Math.Max(1, series.Where(s => !s.Percent).SelectMany(s => s.Values).DefaultIfEmpty(0).Max());
        double X(int i) => Left + (points <= 1 ? 0 : i * Width / (points - 1));
        double Y(double v, bool percent) => Top + Height - (v / (percent ? 100 : maxCapacity) * Height);
        var legendLeft = Left + Width + (hasPercent ? 70 : 20);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{F(legendLeft + 220)}\" height=\"{F(Top + Height + 60)}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"  <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"  <title>{Escape(chart.Title)}</title>\n");
        svg.Append(CultureInfo.InvariantCulture, $"  <text x=\"{F(Left)}\" y=\"24\" font-size=\"15\">{Escape(chart.Heading)}</text>\n");

        // Left axis: instances, a tick at every whole number up to 10, else at fifths of the largest value.
        foreach (var tick in CapacityTicks(maxCapacity))
        {
            var y = Y(tick, percent: false);
            svg.Append(CultureInfo.InvariantCulture, $"  <line class=\"grid\" x1=\"{F(Left)}\" y1=\"{F(y)}\" x2=\"{F(Left + Width)}\" y2=\"{F(y)}\" stroke=\"#e4e4e4\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"  <text class=\"tick-left\" x=\"{F(Left - 8)}\" y=\"{F(y + 4)}\" text-anchor=\"end\">{F(tick)}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"  <line x1=\"{F(Left)}\" y1=\"{F(Top + Height)}\" x2=\"{F(Left + Width)}\" y2=\"{F(Top + Height)}\" stroke=\"#444\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"  <line x1=\"{F(Left)}\" y1=\"{F(Top)}\" x2=\"{F(Left)}\" y2=\"{F(Top + Height)}\" stroke=\"#444\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"  <text class=\"axis-left\" transform=\"translate({F(Left - 40)},{F(Top + (Height / 2))}) rotate(-90)\" text-anchor=\"middle\">{Escape(chart.YLabel)}</text>\n");
        if (hasPercent)
        {
            var right = Left + Width;
            var color = series.First(s => s.Percent).Color;
            svg.Append(CultureInfo.InvariantCulture, $"  <line x1=\"{F(right)}\" y1=\"{F(Top)}\" x2=\"{F(right)}\" y2=\"{F(Top + Height)}\" stroke=\"{color}\"/>\n");
            for (var percent = 0; percent <= 100; percent += 25)
            {
                var y = Y(percent, percent: true);
                svg.Append(CultureInfo.InvariantCulture, $"  <line x1=\"{F(right)}\" y1=\"{F(y)}\" x2=\"{F(right + 5)}\" y2=\"{F(y)}\" stroke=\"{color}\"/>\n");
                svg.Append(CultureInfo.InvariantCulture, $"  <text class=\"tick-right\" x=\"{F(right + 8)}\" y=\"{F(y + 4)}\" fill=\"{color}\">{percent} %</text>\n");
            }

            svg.Append(CultureInfo.InvariantCulture, $"  <text class=\"axis-right\" transform=\"translate({F(right + 58)},{F(Top + (Height / 2))}) rotate(90)\" text-anchor=\"middle\" fill=\"{color}\">traffic to the new group (%)</text>\n");
        }

        for (var i = 0; i < points; i++)
        {
            svg.Append(CultureInfo.InvariantCulture, $"  <text x=\"{F(X(i))}\" y=\"{F(Top + Height + 18)}\" text-anchor=\"middle\">{i}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"  <text x=\"{F(Left + (Width / 2))}\" y=\"{F(Top + Height + 40)}\" text-anchor=\"middle\">{Escape(chart.XLabel)}</text>\n");
        for (var s = 0; s < series.Count; s++)
        {
            var item = series[s];
            var coordinates = string.Join(" ", item.Values.Select((v, i) => $"{F(X(i))},{F(Y(v, item.Percent))}"));
            var dash = item.Percent ? " stroke-dasharray=\"6 3\"" : string.Empty;
            svg.Append(CultureInfo.InvariantCulture, $"  <polyline class=\"series\" data-series=\"{Escape(item.Name)}\" fill=\"none\" stroke=\"{item.Color}\" stroke-width=\"2\"{dash} points=\"{coordinates}\"/>\n");
            var legendY = Top + (s * 22);
            svg.Append(CultureInfo.InvariantCulture, $"  <rect class=\"legend\" x=\"{F(legendLeft)}\" y=\"{F(legendY)}\" width=\"14\" height=\"14\" fill=\"{item.Color}\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"  <text x=\"{F(legendLeft + 20)}\" y=\"{F(legendY + 12)}\">{Escape(item.Name)}</text>\n");
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>The left axis's ticks: every whole number up to 10, else 0 and five equal steps to the largest value.</summary>
    internal static IReadOnlyList<double> CapacityTicks(double max) =>
        max <= 10
            ? [.. Enumerable.Range(0, (int)Math.Ceiling(max) + 1).Select(i => (double)i)]
            : [.. Enumerable.Range(0, 6).Select(i => Math.Round(max * i / 5))];

    private static string F(double d) => d.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Escape(string text) => SecurityElement.Escape(text) ?? string.Empty;
}
