using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spot.Deploy.Elastigroup.Tests.Documents;

/// <summary>
/// Strict comparison of JSON trees for tests. Two trees are equal only when every value has the same kind, objects
/// have the same property names with equal values, arrays are equal element by element, strings are equal ordinally,
/// and numbers have the same raw text (<c>1.50</c> differs from <c>1.5</c>, <c>"80"</c> from <c>80</c>). Unlike
/// <see cref="JsonNode.DeepEquals(JsonNode?, JsonNode?)"/>, no number is ever compared by value.
/// </summary>
internal static class JsonTree
{
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    /// <summary>Parses text for a comparison, refusing repeated property names (which would hide a difference).</summary>
    public static JsonNode? Parse(string json) => JsonNode.Parse(json, nodeOptions: null, Strict);

    /// <summary>Equal trees; property order within objects does not matter.</summary>
    public static bool AreEqual(JsonNode? expected, JsonNode? actual) => FindDifference(expected, actual) is null;

    /// <summary>Equal trees with properties in the same order in every object.</summary>
    public static bool AreEqualInOrder(JsonNode? expected, JsonNode? actual) =>
        FindDifference(expected, actual, orderSensitive: true) is null;

    /// <summary>
    /// Null when the trees are equal, otherwise a description of the first difference with its path, for assertion
    /// messages: <c>FindDifference(a, b).Should().BeNull()</c>.
    /// </summary>
    public static string? FindDifference(JsonNode? expected, JsonNode? actual, bool orderSensitive = false, string path = "$")
    {
        var expectedKind = KindOf(expected);
        var actualKind = KindOf(actual);
        if (expectedKind != actualKind)
        {
            return $"{path}: expected {Describe(expected)}, found {Describe(actual)}";
        }

        switch (expectedKind)
        {
            case JsonValueKind.Object:
                return CompareObjects(expected!.AsObject(), actual!.AsObject(), orderSensitive, path);
            case JsonValueKind.Array:
                var expectedArray = expected!.AsArray();
                var actualArray = actual!.AsArray();
                if (expectedArray.Count != actualArray.Count)
                {
                    return string.Create(CultureInfo.InvariantCulture, $"{path}: expected {expectedArray.Count} elements, found {actualArray.Count}");
                }

                for (var i = 0; i < expectedArray.Count; i++)
                {
                    var difference = FindDifference(expectedArray[i], actualArray[i], orderSensitive, string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]"));
                    if (difference is not null)
                    {
                        return difference;
                    }
                }

                return null;
            case JsonValueKind.String:
                return string.Equals(expected!.GetValue<string>(), actual!.GetValue<string>(), StringComparison.Ordinal)
                    ? null
                    : $"{path}: expected {Describe(expected)}, found {Describe(actual)}";
            case JsonValueKind.Number:
                return string.Equals(RawNumber(expected!), RawNumber(actual!), StringComparison.Ordinal)
                    ? null
                    : $"{path}: expected {Describe(expected)}, found {Describe(actual)}";
            default:
                // true, false, null: the kind is the value.
                return null;
        }
    }

    /// <summary>
    /// The text with every whitespace character outside strings removed, nothing else changed: the compact form of the
    /// original bytes, to compare saved output with byte for byte.
    /// </summary>
    public static string Minify(string json)
    {
        var text = new System.Text.StringBuilder(json.Length);
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (inString)
            {
                text.Append(c);
                if (c == '\\')
                {
                    text.Append(json[++i]);
                }
                else if (c == '"')
                {
                    inString = false;
                }
            }
            else if (c == '"')
            {
                inString = true;
                text.Append(c);
            }
            else if (c is not (' ' or '\t' or '\r' or '\n'))
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    /// <summary>The number's text as parsed (<c>1e3</c> stays <c>1e3</c>), or its JSON form when created in code.</summary>
    public static string RawNumber(JsonNode number) =>
        number.AsValue().TryGetValue<JsonElement>(out var element) ? element.GetRawText() : number.ToJsonString();

    private static string? CompareObjects(JsonObject expected, JsonObject actual, bool orderSensitive, string path)
    {
        foreach (var (name, _) in expected)
        {
            if (!actual.ContainsKey(name))
            {
                return $"{path}: property \"{name}\" is missing";
            }
        }

        foreach (var (name, _) in actual)
        {
            if (!expected.ContainsKey(name))
            {
                return $"{path}: unexpected property \"{name}\"";
            }
        }

        if (orderSensitive)
        {
            var expectedNames = expected.Select(p => p.Key).ToArray();
            var actualNames = actual.Select(p => p.Key).ToArray();
            for (var i = 0; i < expectedNames.Length; i++)
            {
                if (!string.Equals(expectedNames[i], actualNames[i], StringComparison.Ordinal))
                {
                    return string.Create(
                        CultureInfo.InvariantCulture,
                        $"{path}: property order differs at position {i}: expected \"{expectedNames[i]}\", found \"{actualNames[i]}\" (expected order: {string.Join(", ", expectedNames)}; found: {string.Join(", ", actualNames)})");
                }
            }
        }

        foreach (var (name, value) in expected)
        {
            var difference = FindDifference(value, actual[name], orderSensitive, $"{path}.{name}");
            if (difference is not null)
            {
                return difference;
            }
        }

        return null;
    }

    private static JsonValueKind KindOf(JsonNode? node) => node?.GetValueKind() ?? JsonValueKind.Null;

    private static string Describe(JsonNode? node) => KindOf(node) switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "string " + node!.ToJsonString(),
        JsonValueKind.Number => "number " + RawNumber(node!),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => "null",
    };
}
