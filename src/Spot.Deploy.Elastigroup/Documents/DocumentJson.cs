using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spot.Deploy.Elastigroup;

/// <summary>Small JSON helpers shared by the document types: paths, kinds, raw numbers, writer settings.</summary>
internal static class DocumentJson
{
    public const string TargetGroupType = "TARGET_GROUP";

    public const string Subject = "The Elastigroup document";

    /// <summary>UTF-8 that throws on unpaired surrogates instead of writing U+FFFD, which would change the data.</summary>
    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // The default encoder escapes '+', '&', '<', '>', '\'' and every non-ASCII character (base64 user data would come
    // back with "\u002B"). The output is a JSON request body or file, never embedded in HTML, so the relaxed encoder
    // is safe here and keeps the text as the user wrote it. "\n" keeps indented output the same on every OS.
    public static readonly JsonWriterOptions CompactWriter = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    public static readonly JsonWriterOptions IndentedWriter = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = true,
        NewLine = "\n",
    };

    /// <summary>"an object", "a string", "null"… for messages.</summary>
    public static string KindOf(JsonNode? node) => node is null ? "null" : node.GetValueKind() switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    /// <summary>
    /// The number exactly as written when the value was parsed (<c>1.50</c>, <c>1e3</c>); for a value created in code,
    /// its JSON form.
    /// </summary>
    public static string RawNumber(JsonValue value) =>
        value.TryGetValue<JsonElement>(out var element) ? element.GetRawText() : value.ToJsonString();

    /// <summary>Appends a property to a path: <c>.name</c>, or <c>['odd name']</c> when the name is not a plain identifier.</summary>
    public static string Property(string path, string name)
    {
        var plain = name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '$');
        return plain
            ? path + "." + name
            : path + "['" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "']";
    }

    /// <summary>Appends an array index to a path: <c>[3]</c>.</summary>
    public static string Index(string path, int index) =>
        path + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    /// <summary>" (at $.a, line 3, column 5)", or the parts that are known.</summary>
    public static string Where(string? path, long? line, long? column)
    {
        var parts = new List<string>(3);
        if (path is not null)
        {
            parts.Add("at " + path);
        }

        if (line is not null)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"line {line}"));
        }

        if (column is not null)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"column {column}"));
        }

        return parts.Count == 0 ? string.Empty : " (" + string.Join(", ", parts) + ")";
    }
}
