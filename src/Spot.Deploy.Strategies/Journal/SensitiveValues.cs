using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spot.Deploy.Strategies;

/// <summary>
/// Which values of a group's create body the journal never holds, and what it holds instead: a marker with the value's
/// SHA-256 (<c>redacted:sha256:&lt;64 hex&gt;</c>). A value is sensitive when
/// <list type="bullet">
/// <item>its property's name, lower-cased without <c>_</c>, <c>-</c> and <c>.</c>, contains <c>key</c>, <c>secret</c>,
/// <c>token</c>, <c>password</c>, <c>passwd</c>, <c>passphrase</c>, <c>credential</c>, <c>pem</c>, <c>cert</c> or
/// <c>authorization</c> — except the names <c>keyPair</c>, <c>keyName</c> (an EC2 key pair's name), <c>tagKey</c>,
/// <c>key</c> (the key of a tag, label or attribute) and <c>kmsKeyId</c> (the id of a KMS key, not key material);</item>
/// <item>its property is a script: <c>userData</c> or <c>shutdownScript</c> (scripts commonly hold passwords);</item>
/// <item>it is a string holding a PEM private key (<c>-----BEGIN … PRIVATE KEY</c>), under any name.</item>
/// </list>
/// A sensitive property's whole value is replaced (an object or array as one value); a null stays null. A false
/// positive only costs a digest in the journal (and a resume before the create asks for the document); a false
/// negative leaks, so the exceptions are names Spot documents use for identifiers, and none of them is a name
/// <see cref="JournalSecrets"/> refuses.
/// </summary>
internal static class SensitiveValues
{
    /// <summary>What a kept-out value is journaled as: this prefix, then the SHA-256 of the value in lower-case hex.</summary>
    public const string MarkerPrefix = "redacted:sha256:";

    /// <summary>The prefix of a digest of a whole body or of user data: <c>sha256:&lt;64 hex&gt;</c>.</summary>
    public const string DigestPrefix = "sha256:";

    private static readonly string[] NameFragments =
        ["key", "secret", "token", "password", "passwd", "passphrase", "credential", "pem", "cert", "authorization"];

    private static readonly HashSet<string> ScriptNames = new(["userdata", "shutdownscript"], StringComparer.Ordinal);

    private static readonly HashSet<string> IdentifierNames = new(["keypair", "keyname", "tagkey", "key", "kmskeyid"], StringComparer.Ordinal);

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <summary>True when a property of this name holds a value the journal must not hold (see the class remarks).</summary>
    public static bool IsSensitiveName(string propertyName)
    {
        var name = propertyName.Replace("_", string.Empty, StringComparison.Ordinal)
            .Replace("-", string.Empty, StringComparison.Ordinal)
            .Replace(".", string.Empty, StringComparison.Ordinal)
            .ToLowerInvariant();
        return ScriptNames.Contains(name)
            || (!IdentifierNames.Contains(name) && NameFragments.Any(f => name.Contains(f, StringComparison.Ordinal)));
    }

    /// <summary>True when the text holds a PEM private key (<c>-----BEGIN RSA PRIVATE KEY-----</c>, <c>… OPENSSH PRIVATE KEY …</c>, PGP …).</summary>
    public static bool LooksLikePrivateKey(string text) =>
        text.Contains("-----BEGIN ", StringComparison.Ordinal) && text.Contains("PRIVATE KEY", StringComparison.Ordinal);

    /// <summary>
    /// A copy of <paramref name="body"/> with every sensitive value replaced by its marker, and the JSON paths replaced
    /// (<c>$.thirdPartiesIntegration.rancher.accessKey</c>), in document order. <paramref name="body"/> is not changed.
    /// </summary>
    public static (JsonObject Journaled, IReadOnlyList<string> KeptOut) Redact(JsonObject body)
    {
        var copy = (JsonObject)body.DeepClone();
        var keptOut = new List<string>();
        RedactObject(copy, "$", keptOut);
        return (copy, keptOut);
    }

    /// <summary>The marker a value is journaled as.</summary>
    public static string Marker(JsonNode value) => MarkerPrefix + Hex(ValueBytes(value));

    /// <summary>True for a string that is a well-formed marker.</summary>
    public static bool IsMarker(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String && IsHexDigest(value.GetValue<string>(), MarkerPrefix);

    /// <summary><c>sha256:&lt;hex&gt;</c> of the compact JSON text of <paramref name="body"/> (no escaping beyond what JSON requires).</summary>
    public static string Digest(JsonNode body) => DigestPrefix + Hex(JsonBytes(body));

    /// <summary><c>sha256:&lt;hex&gt;</c> of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static string Digest(string text) => DigestPrefix + Hex(Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// Where two journaled (redacted) bodies differ, as JSON paths with what differs, in document order; never values.
    /// </summary>
    public static IReadOnlyList<(string Path, string What)> Differences(JsonNode? started, JsonNode? given)
    {
        var found = new List<(string, string)>();
        Compare(started, given, "$", found);
        return found;
    }

    /// <summary>The path of a property: <c>$.a.b</c>, or <c>$['a b']</c> for a name that is not letters, digits and <c>_</c>.</summary>
    public static string Property(string path, string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? path + "." + name
            : path + "['" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "']";

    private static string Index(string path, int index) => string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]");

    private static void RedactObject(JsonObject obj, string path, List<string> keptOut)
    {
        foreach (var name in obj.Select(p => p.Key).ToList())
        {
            var value = obj[name];
            var childPath = Property(path, name);
            if (value is not null && (IsSensitiveName(name) || IsPrivateKeyString(value)))
            {
                obj[name] = Marker(value);
                keptOut.Add(childPath);
            }
            else
            {
                RedactNode(value, childPath, keptOut);
            }
        }
    }

    private static void RedactNode(JsonNode? node, string path, List<string> keptOut)
    {
        switch (node)
        {
            case JsonObject obj:
                RedactObject(obj, path, keptOut);
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } item && IsPrivateKeyString(item))
                    {
                        array[i] = Marker(item);
                        keptOut.Add(Index(path, i));
                    }
                    else
                    {
                        RedactNode(array[i], Index(path, i), keptOut);
                    }
                }

                break;
        }
    }

    private static bool IsPrivateKeyString(JsonNode node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String && LooksLikePrivateKey(value.GetValue<string>());

    private static void Compare(JsonNode? started, JsonNode? given, string path, List<(string, string)> found)
    {
        switch (started, given)
        {
            case (JsonObject a, JsonObject b):
                foreach (var (name, value) in a)
                {
                    if (b.TryGetPropertyValue(name, out var other))
                    {
                        Compare(value, other, Property(path, name), found);
                    }
                    else
                    {
                        found.Add((Property(path, name), "not in the given document"));
                    }
                }

                foreach (var (name, _) in b.Where(p => !a.ContainsKey(p.Key)))
                {
                    found.Add((Property(path, name), "not in the document the deployment started with"));
                }

                break;
            case (JsonArray a, JsonArray b) when a.Count == b.Count:
                for (var i = 0; i < a.Count; i++)
                {
                    Compare(a[i], b[i], Index(path, i), found);
                }

                break;
            case (JsonArray a, JsonArray b):
                found.Add((path, string.Create(CultureInfo.InvariantCulture, $"{b.Count} items; the deployment started with {a.Count}")));
                break;
            default:
                if (!JsonNode.DeepEquals(started, given))
                {
                    found.Add((path, IsMarker(started) && IsMarker(given) ? "a value kept out of the journal differs" : "differs"));
                }

                break;
        }
    }

    private static byte[] ValueBytes(JsonNode value) =>
        value is JsonValue scalar && scalar.GetValueKind() == JsonValueKind.String
            ? Encoding.UTF8.GetBytes(scalar.GetValue<string>())
            : JsonBytes(value);

    private static byte[] JsonBytes(JsonNode node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            node.WriteTo(writer);
        }

        return buffer.ToArray();
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static bool IsHexDigest(string text, string prefix) =>
        text.Length == prefix.Length + 64
        && text.StartsWith(prefix, StringComparison.Ordinal)
        && !text.AsSpan(prefix.Length).ContainsAnyExcept(LowerHex);
}
