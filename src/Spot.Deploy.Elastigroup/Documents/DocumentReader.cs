using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spot.Deploy.Elastigroup;

/// <summary>
/// Reads document text strictly and explains what is wrong with it: where (JSON path, line, column) and why.
/// </summary>
/// <remarks>
/// <para>
/// Comments and trailing commas are rejected rather than skipped: neither is JSON, and a skipped comment could not be
/// written back, so saving would silently change the user's file.
/// </para>
/// <para>
/// The text is first walked with a <see cref="Utf8JsonReader"/> that tracks the path, because
/// <see cref="JsonDocument"/> reports a repeated property name without any line or path, reports syntax errors
/// without a path, and accepts strings that it cannot write back unchanged (invalid UTF-8 becomes U+FFFD; an escaped
/// unpaired surrogate such as <c>"\ud800"</c> loads but throws when written). Only text that passes is turned into nodes.
/// </para>
/// </remarks>
internal static class DocumentReader
{
    private const int MaxDepth = ElastigroupDocument.MaxDepth;

    // One level more than documents may have, so the walk below finds a too-deep document first and says where.
    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = MaxDepth + 1,
    };

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = MaxDepth + 1,
        AllowDuplicateProperties = false,
    };

    /// <summary>Reads a stream to its end, refusing it as soon as it holds more than <see cref="ElastigroupDocument.MaxSizeBytes"/>.</summary>
    public static byte[] ReadBounded(Stream stream, string? source, long? knownLength)
    {
        if (knownLength > ElastigroupDocument.MaxSizeBytes)
        {
            throw TooLarge(source, knownLength.Value);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > ElastigroupDocument.MaxSizeBytes)
            {
                throw TooLarge(source, knownLength ?? buffer.Length + read);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>Reads document text given as a string. A leading U+FEFF (byte order mark) is ignored.</summary>
    public static (JsonObject Group, bool IsWrapped) ReadText(string json, string? source)
    {
        var text = json.AsSpan();
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        byte[] utf8;
        try
        {
            var length = DocumentJson.StrictUtf8.GetByteCount(text);
            if (length > ElastigroupDocument.MaxSizeBytes)
            {
                throw TooLarge(source, length);
            }

            utf8 = new byte[length];
            DocumentJson.StrictUtf8.GetBytes(text, utf8);
        }
        catch (EncoderFallbackException ex)
        {
            var (line, column) = LocateInText(text, ex.Index);
            throw new ElastigroupDocumentException(
                $"{Subject(source)} holds an unpaired surrogate character{DocumentJson.Where(null, line, column)}: it is not valid Unicode and could not be sent or saved unchanged.",
                null,
                line,
                column,
                ex);
        }

        return ReadUtf8(utf8, source);
    }

    /// <summary>Reads document text given as UTF-8. A leading UTF-8 byte order mark is ignored.</summary>
    public static (JsonObject Group, bool IsWrapped) ReadUtf8(ReadOnlySpan<byte> utf8, string? source)
    {
        if (utf8.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        if (utf8.Length > ElastigroupDocument.MaxSizeBytes)
        {
            throw TooLarge(source, utf8.Length);
        }

        Validate(utf8, source);

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(utf8, nodeOptions: null, DocumentOptions);
        }
        catch (JsonException ex)
        {
            // Validate has seen the same text; this is a safety net, not an expected path.
            throw new ElastigroupDocumentException($"{Subject(source)} is not valid JSON: {ex.Message}", null, null, null, ex);
        }

        return Unwrap(root, source);
    }

    /// <summary>Accepts <c>{"group": {…}}</c> (wrapped) or a bare group object.</summary>
    private static (JsonObject Group, bool IsWrapped) Unwrap(JsonNode? root, string? source)
    {
        if (root is not JsonObject rootObject)
        {
            throw new ElastigroupDocumentException(
                $"{Subject(source)} must be a JSON object, either the group itself or {{\"group\": {{…}}}}, but it is {DocumentJson.KindOf(root)}{DocumentJson.Where("$", null, null)}.",
                "$",
                null,
                null);
        }

        if (!rootObject.TryGetPropertyValue("group", out var group))
        {
            return (rootObject, false);
        }

        if (group is not JsonObject groupObject)
        {
            throw new ElastigroupDocumentException(
                $"{Subject(source)} has a \"group\" property that is {DocumentJson.KindOf(group)}{DocumentJson.Where("$.group", null, null)}: it must be an object, the Elastigroup itself.",
                "$.group",
                null,
                null);
        }

        foreach (var (name, _) in rootObject)
        {
            if (name != "group")
            {
                var path = DocumentJson.Property("$", name);
                throw new ElastigroupDocumentException(
                    $"{Subject(source)} has a \"group\" property and also \"{name}\"{DocumentJson.Where(path, null, null)}: a wrapped document {{\"group\": {{…}}}} must hold nothing else.",
                    path,
                    null,
                    null);
            }
        }

        return (groupObject, true);
    }

    private static void Validate(ReadOnlySpan<byte> utf8, string? source)
    {
        if (utf8.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new ElastigroupDocumentException(
                $"{Subject(source)} is empty: expected a JSON object, either the group itself or {{\"group\": {{…}}}}.",
                null,
                null,
                null);
        }

        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        var frames = new List<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        var frame = frames[^1];
                        var name = ReadString(ref reader, frames, utf8, source);
                        frame.Property = name;
                        if (!frame.Names!.Add(name))
                        {
                            var path = PathOf(frames);
                            var (line, column) = Locate(utf8, reader.TokenStartIndex);
                            throw new ElastigroupDocumentException(
                                $"{Subject(source)} repeats the property \"{name}\"{DocumentJson.Where(path, line, column)}: a property may appear only once in an object, otherwise it is unclear which value counts.",
                                path,
                                line,
                                column);
                        }

                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        NextValue(frames);
                        if (frames.Count == MaxDepth)
                        {
                            throw TooDeep(utf8, reader.TokenStartIndex, PathOf(frames), source);
                        }

                        frames.Add(new Frame(reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    case JsonTokenType.String:
                        NextValue(frames);
                        ReadString(ref reader, frames, utf8, source);
                        break;
                    default:
                        NextValue(frames);
                        break;
                }
            }
        }
        catch (JsonException ex)
        {
            var unclosed = frames.Count > 0 && utf8[(int)reader.BytesConsumed..].Trim(" \t\r\n"u8).IsEmpty;
            throw SyntaxError(utf8, ex, frames.Count == 0 ? null : PathOf(frames), unclosed, source);
        }
    }

    private static ElastigroupDocumentException TooLarge(string? source, long length) =>
        new(
            string.Create(CultureInfo.InvariantCulture,
                $"{Subject(source)} is {length} bytes, more than the {ElastigroupDocument.MaxSizeBytes} bytes (1 MiB) a group document may have: it is sent to Spot and kept in the deployment's journal. Real group documents are a few kilobytes (EC2 user data is at most 16 KB)."),
            null,
            null,
            null);

    private static ElastigroupDocumentException TooDeep(ReadOnlySpan<byte> utf8, long offset, string path, string? source)
    {
        var (line, column) = Locate(utf8, offset);
        return new ElastigroupDocumentException(
            string.Create(CultureInfo.InvariantCulture,
                $"{Subject(source)} nests objects and arrays more than {MaxDepth} levels deep{DocumentJson.Where(path, line, column)}: the deployment's journal nests the document further and could not store it. Real group documents nest fewer than 10 levels."),
            path,
            line,
            column);
    }

    /// <summary>Decodes a string or property name, which proves it can be written back unchanged.</summary>
    private static string ReadString(ref Utf8JsonReader reader, List<Frame> frames, ReadOnlySpan<byte> utf8, string? source)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            var path = PathOf(frames);
            var (line, column) = Locate(utf8, reader.TokenStartIndex);
            throw new ElastigroupDocumentException(
                $"{Subject(source)} holds a string that is not valid Unicode{DocumentJson.Where(path, line, column)}: it contains invalid UTF-8 or an unpaired surrogate escape, and could not be sent or saved unchanged.",
                path,
                line,
                column,
                ex);
        }
    }

    private static ElastigroupDocumentException SyntaxError(ReadOnlySpan<byte> utf8, JsonException ex, string? path, bool unclosed, string? source)
    {
        long? line = null;
        long? column = null;
        string reason;
        if (ex.LineNumber is long zeroBasedLine && ex.BytePositionInLine is long bytePosition)
        {
            var offset = LineStart(utf8, zeroBasedLine) + bytePosition;
            (line, column) = Locate(utf8, offset);
            reason = unclosed
                ? "the text ends before every object and array in it is closed."
                : Explain(utf8, offset) ?? WithoutPosition(ex.Message);
        }
        else
        {
            reason = WithoutPosition(ex.Message);
        }

        var near = path is null ? string.Empty : " near " + path;
        var where = line is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" at line {line}, column {column}");
        return new ElastigroupDocumentException(
            $"{Subject(source)} is not valid JSON{where}{near}: {reason}",
            path,
            line,
            column,
            ex);
    }

    /// <summary>Plain words for the mistakes people make in hand-edited files.</summary>
    private static string? Explain(ReadOnlySpan<byte> utf8, long offset)
    {
        if (offset < 0 || offset >= utf8.Length)
        {
            return null;
        }

        var at = utf8[(int)offset];
        if (at == (byte)'/')
        {
            return "comments are not allowed: JSON has none, and they could not be kept when the document is saved.";
        }

        if (at is (byte)'}' or (byte)']')
        {
            var before = utf8[..(int)offset].TrimEnd(" \t\r\n"u8);
            if (!before.IsEmpty && before[^1] == (byte)',')
            {
                return $"a trailing comma before '{(char)at}' is not allowed.";
            }
        }

        return null;
    }

    /// <summary>System.Text.Json appends " LineNumber: 0 | BytePositionInLine: 7." (0-based); we report 1-based positions ourselves.</summary>
    private static string WithoutPosition(string message)
    {
        var index = message.LastIndexOf(" LineNumber:", StringComparison.Ordinal);
        return index > 0 ? message[..index] : message;
    }

    private static long LineStart(ReadOnlySpan<byte> utf8, long zeroBasedLine)
    {
        var start = 0;
        for (long line = 0; line < zeroBasedLine; line++)
        {
            var next = utf8[start..].IndexOf((byte)'\n');
            if (next < 0)
            {
                break;
            }

            start += next + 1;
        }

        return start;
    }

    /// <summary>1-based line and column (UTF-16 characters, as editors count) of a byte offset.</summary>
    private static (long Line, long Column) Locate(ReadOnlySpan<byte> utf8, long offset)
    {
        var before = utf8[..(int)Math.Clamp(offset, 0, utf8.Length)];
        var lineStart = before.LastIndexOf((byte)'\n') + 1;
        return (before.Count((byte)'\n') + 1, Encoding.UTF8.GetCharCount(before[lineStart..]) + 1);
    }

    private static (long Line, long Column) LocateInText(ReadOnlySpan<char> text, int index)
    {
        var before = text[..Math.Clamp(index, 0, text.Length)];
        var lineStart = before.LastIndexOf('\n') + 1;
        return (before.Count('\n') + 1, before.Length - lineStart + 1);
    }

    private static void NextValue(List<Frame> frames)
    {
        if (frames.Count > 0 && frames[^1].IsArray)
        {
            frames[^1].Index++;
        }
    }

    private static string PathOf(List<Frame> frames)
    {
        var path = "$";
        foreach (var frame in frames)
        {
            if (frame.IsArray && frame.Index >= 0)
            {
                path = DocumentJson.Index(path, frame.Index);
            }
            else if (!frame.IsArray && frame.Property is not null)
            {
                path = DocumentJson.Property(path, frame.Property);
            }
        }

        return path;
    }

    private static string Subject(string? source) =>
        source is null ? DocumentJson.Subject : $"{DocumentJson.Subject} '{source}'";

    /// <summary>An object or array being read: where in it the reader is, and the names seen so far.</summary>
    private sealed class Frame(bool isArray)
    {
        public bool IsArray { get; } = isArray;

        public int Index { get; set; } = -1;

        public string? Property { get; set; }

        public HashSet<string>? Names { get; } = isArray ? null : new HashSet<string>(StringComparer.Ordinal);
    }
}
