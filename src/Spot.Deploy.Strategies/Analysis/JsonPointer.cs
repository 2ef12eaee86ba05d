using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies;

/// <summary>RFC 6901 JSON Pointers (<c>/data/errorRate</c>, <c>/items/0/value</c>; <c>~1</c> is '/', <c>~0</c> is '~') read as a number.</summary>
internal static class JsonPointer
{
    public static void Validate(string field, string pointer)
    {
        if (pointer.Length > 0 && pointer[0] != '/')
        {
            throw new DeploymentValidationException(field, $"'{pointer}' is not a JSON Pointer: it starts with '/', such as /data/errorRate.");
        }
    }

    /// <summary>The number at <paramref name="pointer"/> (a JSON number, a numeric string, or true/false as 1/0), or null and why not.</summary>
    public static (double? Value, string Why) ReadNumber(string json, string pointer)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return (null, "the answer is not JSON");
        }

        foreach (var token in pointer.Length == 0 ? [] : pointer[1..].Split('/'))
        {
            var name = token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = node switch
            {
                JsonObject o => o[name],
                JsonArray a when int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => null,
            };
            if (node is null)
            {
                return (null, $"nothing at {pointer}");
            }
        }

        return node is JsonValue value ? Number(value, pointer) : (null, $"{pointer} is not a number");
    }

    private static (double? Value, string Why) Number(JsonValue value, string pointer)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.Number:
                return (value.GetValue<double>(), string.Empty);
            case JsonValueKind.True:
                return (1, string.Empty);
            case JsonValueKind.False:
                return (0, string.Empty);
            case JsonValueKind.String when double.TryParse(value.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                return (parsed, string.Empty);
            default:
                return (null, $"{pointer} is not a number");
        }
    }
}
