using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spot.Deploy.Elastigroup;

namespace Spot.Deploy.Strategies.Tests.Deployments;

/// <summary>The Spot group documents of the repository's test data, and one written to hold secrets in many places.</summary>
internal static class TestDocuments
{
    /// <summary>The Python SDK's group documents (TestData/spot-fixtures, linked from the Elastigroup tests with their NOTICE) and ours.</summary>
    public static readonly string[] Names =
    [
        "spot-fixtures/sdkpy-aws-group-create-request.json",
        "spot-fixtures/sdkpy-group-response-envelope.json",
        "spot-fixtures/sdkpy-beanstalk-import-response.json",
        "documents/secrets-in-many-places.json",
    ];

    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", name);

    /// <summary>A create request or group is loaded as it is; a Spot response's group is <c>response.items[0]</c>.</summary>
    public static ElastigroupDocument Load(string name)
    {
        var text = File.ReadAllText(PathOf(name));
        return JsonNode.Parse(text)!["response"] is { } response
            ? ElastigroupDocument.FromGroup((JsonObject)response["items"]![0]!.DeepClone())
            : ElastigroupDocument.Parse(text);
    }

    /// <summary>True for a file holding a group document: a create request <c>{"group": …}</c> or a Spot response of kind group.</summary>
    public static bool IsGroupDocument(string path)
    {
        var root = JsonNode.Parse(File.ReadAllText(path));
        return root?["group"] is JsonObject || (string?)root?["response"]?["kind"] == "spotinst:aws:ec2:group";
    }
}

/// <summary>One value the journal must not hold: where it is in the group, and the value.</summary>
internal sealed record SensitiveValue(string Path, IReadOnlyList<object> Segments, string Name, JsonNode Value)
{
    /// <summary>The marker the journal holds instead, computed here from its definition (SHA-256 of the string's UTF-8, or of the compact JSON).</summary>
    public string ExpectedMarker =>
        "redacted:sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            Value.GetValueKind() == JsonValueKind.String ? Value.GetValue<string>() : Value.ToJsonString())));
}

/// <summary>
/// The sensitive values of a group, found by walking it with the library's rule, and every form in which one could
/// end up in a journal file: the value itself, as a JSON string (escaped either way), its lines (a PEM body), the text
/// a base64 userData decodes to, and the base64 of a plain-text user data.
/// </summary>
internal sealed class SensitiveInput
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private SensitiveInput(List<SensitiveValue> values, HashSet<string> clear)
    {
        Values = values;
        ClearStrings = clear;
    }

    public IReadOnlyList<SensitiveValue> Values { get; }

    /// <summary>The strings of the group that are not sensitive (the journal holds them).</summary>
    public IReadOnlySet<string> ClearStrings { get; }

    public static SensitiveInput Of(JsonObject group)
    {
        var values = new List<SensitiveValue>();
        var clear = new HashSet<string>(StringComparer.Ordinal);
        Walk(group, "$", [], values, clear);
        return new SensitiveInput(values, clear);
    }

    /// <summary>
    /// What to search the journal files for. A string that also stands in the clear elsewhere in the group (the SDK
    /// document's nomad aclToken "123" is also its elasticBeanstalk environmentId) cannot be told apart there: it is
    /// left out here and counted in <paramref name="skipped"/>; its marker is still checked.
    /// </summary>
    public IReadOnlyList<string> Needles(out IReadOnlyList<string> skipped, string? plainUserData = null)
    {
        var needles = new HashSet<string>(StringComparer.Ordinal);
        var skip = new List<string>();
        foreach (var value in Values)
        {
            foreach (var text in Strings(value.Value))
            {
                if (ClearStrings.Contains(text))
                {
                    skip.Add(value.Path);
                    continue;
                }

                AddForms(needles, text);
                if (IsUserData(value.Name) && Decoded(text) is { } script)
                {
                    AddForms(needles, script);
                }
            }
        }

        if (plainUserData is not null)
        {
            AddForms(needles, plainUserData);
            AddForms(needles, Convert.ToBase64String(Encoding.UTF8.GetBytes(plainUserData)));
        }

        skipped = skip;
        return [.. needles];
    }

    /// <summary>The value at a path of segments (names and indexes), or null.</summary>
    public static JsonNode? At(JsonNode? root, IReadOnlyList<object> segments)
    {
        var node = root;
        foreach (var segment in segments)
        {
            node = segment is int i ? (node is JsonArray a && i < a.Count ? a[i] : null) : (node as JsonObject)?[(string)segment];
        }

        return node;
    }

    /// <summary>Every needle found in the files of <paramref name="directory"/> (recursively), as "file: needle".</summary>
    public static IReadOnlyList<string> FindIn(string directory, IReadOnlyList<string> needles)
    {
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            var text = Encoding.UTF8.GetString(File.ReadAllBytes(file));
            found.AddRange(needles.Where(n => text.Contains(n, StringComparison.Ordinal)).Select(n => $"{Path.GetFileName(file)}: {n}"));
        }

        return found;
    }

    private static void Walk(JsonNode? node, string path, List<object> segments, List<SensitiveValue> values, HashSet<string> clear)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    var childPath = path + "." + name;
                    List<object> childSegments = [.. segments, name];
                    if (value is not null && (SensitiveValues.IsSensitiveName(name) || IsPrivateKey(value)))
                    {
                        values.Add(new SensitiveValue(childPath, childSegments, name, value));
                    }
                    else
                    {
                        Walk(value, childPath, childSegments, values, clear);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var childPath = path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]";
                    List<object> childSegments = [.. segments, i];
                    if (array[i] is { } item && IsPrivateKey(item))
                    {
                        values.Add(new SensitiveValue(childPath, childSegments, string.Empty, item));
                    }
                    else
                    {
                        Walk(array[i], childPath, childSegments, values, clear);
                    }
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                clear.Add(value.GetValue<string>());
                break;
        }
    }

    private static bool IsPrivateKey(JsonNode node) =>
        node.GetValueKind() == JsonValueKind.String && SensitiveValues.LooksLikePrivateKey(node.GetValue<string>());

    private static bool IsUserData(string name) => string.Equals(name, "userData", StringComparison.OrdinalIgnoreCase);

    /// <summary>The string leaves of a value (itself when it is one) and, for an object or array, its JSON text too.</summary>
    private static IEnumerable<string> Strings(JsonNode value)
    {
        switch (value)
        {
            case JsonValue scalar when scalar.GetValueKind() == JsonValueKind.String:
                yield return scalar.GetValue<string>();
                break;
            case JsonValue scalar:
                yield return scalar.ToJsonString();
                break;
            default:
                yield return value.ToJsonString();
                foreach (var leaf in Leaves(value))
                {
                    yield return leaf;
                }

                break;
        }
    }

    private static IEnumerable<string> Leaves(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => Leaves(p.Value)),
        JsonArray array => array.SelectMany(Leaves),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => [value.GetValue<string>()],
        _ => [],
    };

    private static string? Decoded(string base64)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// The JSON string token, quotes included, in both escapings (always: even "KEY" is unmistakable as a whole
    /// token); the raw text and the escaped text without quotes when 8 characters or longer; and every line of 8
    /// or more characters (a PEM body, a script's line).
    /// </summary>
    private static void AddForms(HashSet<string> needles, string text)
    {
        var strict = JsonSerializer.Serialize(text);
        var relaxed = JsonSerializer.Serialize(text, Relaxed);
        needles.Add(strict);
        needles.Add(relaxed);
        if (text.Length >= 8)
        {
            needles.Add(text);
            needles.Add(strict[1..^1]);
            needles.Add(relaxed[1..^1]);
        }

        foreach (var line in text.Split('\n').Select(l => l.Trim()).Where(l => l.Length >= 8))
        {
            needles.Add(line);
            needles.Add(JsonSerializer.Serialize(line)[1..^1]);
        }
    }
}
