using System.Text.Json.Nodes;

namespace Spot.Deploy.Strategies;

/// <summary>
/// A last line of defence against secrets in journals. Journals are plain files that outlive the process,
/// get copied into tickets and attached to bug reports, so a Spot token or AWS key written there leaks
/// long after the deployment. Callers are meant to journal only ids, names and numbers; this check refuses
/// any JSON whose property names look like a credential, so a mistake fails loudly in tests instead of
/// leaking silently in production. It matches names, not values: a secret under an innocent name passes.
/// A property whose value is null or a redaction marker (<c>redacted:sha256:</c> and 64 hex digits) passes too: it holds
/// nothing, or its value was replaced before journaling, as the orchestrators do with a group's create body
/// (docs/journal-and-lock.md, "Secrets").
/// </summary>
public static class JournalSecrets
{
    // Compared after lower-casing and removing '_', '-' and '.', so "access_key" and "X-Auth-Token" match too.
    private static readonly string[] Fragments = ["token", "secret", "password", "authorization", "accesskey"];

    /// <summary>True when a property name looks like it holds a credential (contains token, secret, password, authorization or accessKey, ignoring case, '_', '-' and '.').</summary>
    /// <param name="propertyName">The JSON property name.</param>
    /// <returns>Whether the name is refused.</returns>
    public static bool IsSecretLikeName(string propertyName)
    {
        ArgumentNullException.ThrowIfNull(propertyName);
        var normalized = propertyName.Replace("_", string.Empty, StringComparison.Ordinal)
            .Replace("-", string.Empty, StringComparison.Ordinal)
            .Replace(".", string.Empty, StringComparison.Ordinal);
        return Fragments.Any(f => normalized.Contains(f, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Finds the first secret-like property whose value is neither null nor a redaction marker, searching objects and arrays recursively.</summary>
    /// <param name="node">The JSON to search, or null.</param>
    /// <returns>The JSON path of the property (such as <c>$.aws.secretAccessKey</c>), or null when there is none.</returns>
    public static string? FindSecretPath(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    if (IsSecretLikeName(name) && value is not null && !SensitiveValues.IsMarker(value))
                    {
                        return value.GetPath();
                    }

                    if (FindSecretPath(value) is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (FindSecretPath(item) is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>Throws when <paramref name="node"/> holds a secret-like property. The message names the path, never the value.</summary>
    /// <param name="node">The JSON to check, or null.</param>
    /// <param name="what">What is checked, for the message (such as <c>entry data of step 'scale-1'</c>).</param>
    /// <exception cref="DeploymentJournalException">A secret-like property was found.</exception>
    public static void EnsureNone(JsonNode? node, string what)
    {
        if (FindSecretPath(node) is { } path)
        {
            throw new DeploymentJournalException(
                $"Refusing to journal {what}: property '{path}' looks like a secret (token, secret, password, authorization or access key). Journals must never hold credentials.");
        }
    }
}
