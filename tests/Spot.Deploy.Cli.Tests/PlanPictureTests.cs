using Spot.Deploy.Cli;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Cli.Tests;

/// <summary>
/// The plan pictures in docs/images are what the documented commands write today, and a real renderer (librsvg) draws
/// them as described: the Blue/Green traffic on its own 0–100 % axis, the Spot roll as batches.
/// </summary>
public sealed class PlanPictureTests
{
    // The plot area of SvgChart: x from 60 to 700, y 50 at the top of a scale and 310 at 0.
    private const int Right = 700, Top = 50, Bottom = 310;

    public static TheoryData<string, string[]> Pictures => new()
    {
        { "canary-plan.svg", ["plan", "canary", "--app", "web", "--emulator", "--phase", "25", "--phase", "50", "--phase", "100"] },
        { "bluegreen-plan.svg", ["plan", "bluegreen", "--app", "web", "--emulator", "--traffic-shift", "10,25,50,100", "--downsize-old"] },
        { "roll-plan.svg", ["plan", "roll", "--app", "web", "--emulator", "--batch-size", "50"] },
    };

    [Theory]
    [MemberData(nameof(Pictures))]
    public async Task CommittedPicture_IsWhatTheDocumentedCommandWrites(string picture, string[] command)
    {
        var run = await CliRun.RunAsync([.. command, "--format", "svg"]);

        run.ExitCode.Should().Be(ExitCodes.Success, run.Error);
        var committed = await File.ReadAllTextAsync(Path.Combine(PublicApiListing.RepositoryRoot(), "docs", "images", picture));
        run.Output.TrimEnd().Should().Be(committed.TrimEnd(),
            $"docs/images/{picture} must be regenerated with `spot-deploy {string.Join(' ', command)} --format svg --out docs/images/{picture}`");
    }

    [RequiresFact(Prerequisite.Rsvg)]
    public async Task BlueGreen_Rendered_TrafficOnItsOwnPercentAxis_EveryPointDrawn()
    {
        var image = await RenderAsync("bluegreen-plan.svg");
        var traffic = Points("bluegreen-plan.svg", "traffic to new (%)");

        image.Width.Should().Be(990, "the right-hand axis and its labels need room before the legend");
        image.HasColorNear(Right + 12, Top, "#1f77b4").Should().BeTrue("the right-hand axis is labelled (100 %)");
        traffic[^1].Y.Should().Be(Top, "100 % traffic is the top of its own axis");
        traffic.Select(p => p.Y).Should().Contain(Bottom - (260 * 25 / 100), "25 % is a quarter of the way up, not 25 instances");
        // Drawn in this order, each over the ones before: a point a later series passes through is that series' colour.
        (string Series, string Color)[] drawn = [("previous groups (target)", "#d62728"), ("new group (target)", "#2ca02c"), ("traffic to new (%)", "#1f77b4")];
        for (var i = 0; i < drawn.Length; i++)
        {
            var later = drawn.Skip(i + 1).SelectMany(d => Points("bluegreen-plan.svg", d.Series)).ToHashSet();
            foreach (var point in Points("bluegreen-plan.svg", drawn[i].Series).Where(p => !later.Contains(p)))
            {
                image.HasColorNear(point.X, point.Y, drawn[i].Color).Should().BeTrue($"'{drawn[i].Series}' is drawn through {point}");
            }
        }
    }

    private static IReadOnlyList<(int X, int Y)> Points(string picture, string series)
    {
        var svg = System.Xml.Linq.XDocument.Load(Path.Combine(PublicApiListing.RepositoryRoot(), "docs", "images", picture));
        var line = svg.Descendants().Single(e => e.Name.LocalName == "polyline" && (string?)e.Attribute("data-series") == series);
        return [.. ((string)line.Attribute("points")!).Split(' ').Select(p => p.Split(','))
            .Select(p => ((int)Math.Round(double.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture)), (int)Math.Round(double.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture))))];
    }

    [RequiresFact(Prerequisite.Rsvg)]
    public async Task Roll_Rendered_AsBatches_OldImageToZero_NewImageToAll()
    {
        var image = await RenderAsync("roll-plan.svg");

        image.HasColorNear(60, Top, "#d62728").Should().BeTrue("before the first batch every instance runs the old image");
        image.HasColorNear(Right, Bottom, "#d62728").Should().BeTrue("after the last batch none does");
        image.HasColorNear(Right, Top, "#2ca02c").Should().BeTrue("after the last batch every instance runs the new image");
        image.HasColorNear(380, 180, "#2ca02c").Should().BeTrue("after batch 1 of 2 half the instances are replaced");
    }

    [RequiresFact(Prerequisite.Rsvg)]
    public async Task Canary_Rendered_NewGroupRisesAsThePreviousFalls()
    {
        var image = await RenderAsync("canary-plan.svg");

        image.HasColorNear(60, Top, "#d62728").Should().BeTrue();
        image.HasColorNear(Right, Top, "#2ca02c").Should().BeTrue();
        image.HasColorNear(Right, Bottom, "#d62728").Should().BeTrue();
        image.HasColorNear(Right + 12, Top, "#1f77b4").Should().BeFalse("a canary has no traffic axis");
    }

    private static Task<PngImage> RenderAsync(string picture) =>
        SvgRenderer.RenderAsync(Path.Combine(PublicApiListing.RepositoryRoot(), "docs", "images", picture));
}
