using System.Buffers.Binary;
using System.IO.Compression;

namespace Spot.Deploy.Testing;

/// <summary>
/// The pixels of a PNG file, for tests that look at what a real renderer drew: 8-bit RGB or RGBA, not interlaced (what
/// <c>rsvg-convert</c> writes). The image data is inflated with .NET's <see cref="ZLibStream"/> and unfiltered per the PNG
/// specification's five row filters.
/// </summary>
public sealed class PngImage
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];
    private readonly byte[] _pixels;
    private readonly int _channels;

    private PngImage(int width, int height, int channels, byte[] pixels)
    {
        Width = width;
        Height = height;
        _channels = channels;
        _pixels = pixels;
    }

    /// <summary>The width in pixels.</summary>
    public int Width { get; }

    /// <summary>The height in pixels.</summary>
    public int Height { get; }

    /// <summary>The colour at (<paramref name="x"/>, <paramref name="y"/>), as red, green, blue and alpha.</summary>
    public (byte R, byte G, byte B, byte A) this[int x, int y]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(x);
            ArgumentOutOfRangeException.ThrowIfNegative(y);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(x, Width);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Height);
            var i = ((y * Width) + x) * _channels;
            return (_pixels[i], _pixels[i + 1], _pixels[i + 2], _channels == 4 ? _pixels[i + 3] : (byte)255);
        }
    }

    /// <summary>True when some pixel within <paramref name="radius"/> of (x, y) has a colour within 40 per channel of <paramref name="hex"/> (<c>#1f77b4</c>).</summary>
    public bool HasColorNear(int x, int y, string hex, int radius = 3)
    {
        ArgumentNullException.ThrowIfNull(hex);
        var r = Convert.ToByte(hex.Substring(1, 2), 16);
        var g = Convert.ToByte(hex.Substring(3, 2), 16);
        var b = Convert.ToByte(hex.Substring(5, 2), 16);
        for (var dy = -radius; dy <= radius; dy++)
        {
            for (var dx = -radius; dx <= radius; dx++)
            {
                var (px, py) = (x + dx, y + dy);
                if (px < 0 || py < 0 || px >= Width || py >= Height)
                {
                    continue;
                }

                var c = this[px, py];
                if (c.A > 128 && Math.Abs(c.R - r) <= 40 && Math.Abs(c.G - g) <= 40 && Math.Abs(c.B - b) <= 40)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Decodes a PNG file's bytes.</summary>
    /// <exception cref="InvalidDataException">Not a PNG this reader handles (the message says why).</exception>
    public static PngImage Decode(byte[] png)
    {
        ArgumentNullException.ThrowIfNull(png);
        if (png.Length < 8 || !png.AsSpan(0, 8).SequenceEqual(Signature))
        {
            throw new InvalidDataException("Not a PNG file (no signature).");
        }

        int width = 0, height = 0, channels = 0;
        using var data = new MemoryStream();
        for (var at = 8; at + 8 <= png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var body = png.AsSpan(at + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(body);
                    height = BinaryPrimitives.ReadInt32BigEndian(body[4..]);
                    var (depth, color, interlace) = (body[8], body[9], body[12]);
                    channels = color switch { 2 => 3, 6 => 4, _ => 0 };
                    if (depth != 8 || channels == 0 || interlace != 0)
                    {
                        throw new InvalidDataException($"Only 8-bit RGB/RGBA non-interlaced PNGs are read (depth {depth}, colour type {color}, interlace {interlace}).");
                    }

                    break;
                case "IDAT":
                    data.Write(body);
                    break;
            }

            at += 12 + length;
        }

        data.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(data, CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }

        return new PngImage(width, height, channels, Unfilter(inflated.ToArray(), width, height, channels));
    }

    private static byte[] Unfilter(byte[] raw, int width, int height, int channels)
    {
        var stride = width * channels;
        if (raw.Length < height * (stride + 1))
        {
            throw new InvalidDataException("The image data is shorter than its header says.");
        }

        var pixels = new byte[height * stride];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            var source = raw.AsSpan((y * (stride + 1)) + 1, stride);
            var row = pixels.AsSpan(y * stride, stride);
            var up = y == 0 ? new byte[stride] : pixels.AsSpan((y - 1) * stride, stride).ToArray();
            for (var i = 0; i < stride; i++)
            {
                int left = i >= channels ? row[i - channels] : 0;
                int above = up[i];
                int corner = i >= channels ? up[i - channels] : 0;
                row[i] = (byte)(source[i] + filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => above,
                    3 => (left + above) / 2,
                    4 => Paeth(left, above, corner),
                    _ => throw new InvalidDataException($"Unknown row filter {filter}."),
                });
            }
        }

        return pixels;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var (pa, pb, pc) = (Math.Abs(p - a), Math.Abs(p - b), Math.Abs(p - c));
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
