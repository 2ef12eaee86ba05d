using System.Globalization;
using System.Net;
using System.Xml.Linq;

namespace Spot.Deploy.Aws;

/// <summary>
/// Reading AWS query-protocol XML answers by local element name: the namespace differs between
/// services, API versions and emulators (answers have been seen with an older API version's namespace
/// than the one called), so it is never part of a match.
/// </summary>
internal static class QueryXml
{
    /// <summary>The first child element named <paramref name="localName"/>, or null.</summary>
    public static XElement? Child(this XElement parent, string localName)
    {
        foreach (var child in parent.Elements())
        {
            if (child.Name.LocalName == localName)
            {
                return child;
            }
        }

        return null;
    }

    /// <summary>Every child element named <paramref name="localName"/>, in document order.</summary>
    public static IEnumerable<XElement> Children(this XElement parent, string localName) =>
        parent.Elements().Where(child => child.Name.LocalName == localName);

    /// <summary>The element at a path of local names (<c>"TargetHealth", "State"</c>), or null.</summary>
    public static XElement? Path(this XElement parent, params ReadOnlySpan<string> localNames)
    {
        var current = parent;
        foreach (var name in localNames)
        {
            current = current.Child(name);
            if (current is null)
            {
                return null;
            }
        }

        return current;
    }

    /// <summary>The text of the child, or null when the child is absent.</summary>
    public static string? String(this XElement parent, string localName) => parent.Child(localName)?.Value;

    /// <summary>The text of the child, or null when absent or empty.</summary>
    public static string? NonEmptyString(this XElement parent, string localName) =>
        parent.String(localName) is { Length: > 0 } text ? text : null;

    /// <summary>The child as an invariant integer, or null when absent, empty or not a number.</summary>
    public static int? Int32(this XElement parent, string localName) =>
        int.TryParse(parent.String(localName)?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>The child as an invariant 64-bit integer, or null when absent, empty or not a number.</summary>
    public static long? Int64(this XElement parent, string localName) =>
        long.TryParse(parent.String(localName)?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>The child as <c>true</c>/<c>false</c> (any case), or null when absent or something else.</summary>
    public static bool? Boolean(this XElement parent, string localName) =>
        parent.String(localName)?.Trim() switch
        {
            { } text when text.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
            { } text when text.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
            _ => null,
        };

    /// <summary>
    /// The child as an ISO 8601 timestamp (<c>2021-09-29T11:04:43.305Z</c>, <c>2021-07-19T00:00:00Z</c>);
    /// a value without an offset is taken as UTC. Null when absent or unreadable.
    /// </summary>
    public static DateTimeOffset? Date(this XElement parent, string localName) =>
        ParseDate(parent.String(localName));

    /// <summary>Parses an AWS timestamp as <see cref="Date"/> does.</summary>
    public static DateTimeOffset? ParseDate(string? text) =>
        DateTimeOffset.TryParse(text?.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : null;

    /// <summary>The <c>member</c> elements of a query-protocol list (<c>&lt;Listeners&gt;&lt;member&gt;…</c>); empty when the list is absent.</summary>
    public static IEnumerable<XElement> Members(this XElement parent, string listName) =>
        parent.Child(listName)?.Children("member") ?? [];

    /// <summary>The texts of a query-protocol list of strings.</summary>
    public static IReadOnlyList<string> MemberStrings(this XElement parent, string listName) =>
        parent.Members(listName).Select(member => member.Value).ToArray();

    /// <summary>
    /// The <c>&lt;ActionResult&gt;</c> of an ELBv2 answer <c>&lt;ActionResponse&gt;&lt;ActionResult&gt;…</c>.
    /// A root that is itself the result element is accepted too.
    /// </summary>
    public static XElement Result(XElement root, string action)
    {
        ArgumentNullException.ThrowIfNull(root);
        var resultName = action + "Result";
        if (root.Name.LocalName == resultName)
        {
            return root;
        }

        return root.Child(resultName)
            ?? throw Malformed(AwsService.ElasticLoadBalancingV2, action, root, $"the answer <{root.Name.LocalName}> has no <{resultName}> element");
    }

    /// <summary>
    /// The request id of an answer: EC2 <c>requestId</c> at the root, ELBv2 <c>ResponseMetadata/RequestId</c>,
    /// error answers <c>RequestID</c> / <c>RequestId</c>. Null when there is none.
    /// </summary>
    public static string? RequestId(XElement root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return root.NonEmptyString("requestId")
            ?? root.Path("ResponseMetadata", "RequestId")?.Value
            ?? root.NonEmptyString("RequestID")
            ?? root.NonEmptyString("RequestId");
    }

    /// <summary>An exception for an answer that does not have the shape the model promises.</summary>
    public static AwsApiException Malformed(AwsService service, string action, XElement? root, string detail) =>
        new(HttpStatusCode.OK, "MalformedResponse", "The answer could not be read: " + detail + ".",
            root is null ? null : RequestId(root),
            AwsQueryTransport.SigningName(service), action);
}
