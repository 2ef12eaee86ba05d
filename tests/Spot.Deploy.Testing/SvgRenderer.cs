using System.Diagnostics;

namespace Spot.Deploy.Testing;

/// <summary>Renders an SVG file with librsvg's <c>rsvg-convert</c> (a real renderer, as browsers and GNOME use) into pixels.</summary>
public static class SvgRenderer
{
    /// <summary>Renders <paramref name="svgFile"/> at its own size and decodes the PNG; fails with rsvg-convert's message when it refuses the file.</summary>
    public static async Task<PngImage> RenderAsync(string svgFile, CancellationToken cancellationToken = default)
    {
        Prerequisites.Require(Prerequisite.Rsvg);
        var png = Path.Combine(Path.GetTempPath(), $"spot-deploy-render-{Guid.NewGuid():N}.png");
        try
        {
            using var process = Process.Start(new ProcessStartInfo("rsvg-convert", ["--format", "png", "--output", png, svgFile])
            {
                RedirectStandardError = true,
                UseShellExecute = false,
            }) ?? throw new InvalidOperationException("rsvg-convert did not start.");
            var error = await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"rsvg-convert refused {svgFile} (exit {process.ExitCode}): {error.Trim()}");
            }

            return PngImage.Decode(await File.ReadAllBytesAsync(png, cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            File.Delete(png);
        }
    }
}
