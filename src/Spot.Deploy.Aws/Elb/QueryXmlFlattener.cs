using System.Globalization;
using System.Xml.Linq;

namespace Spot.Deploy.Aws;

/// <summary>
/// Turns an element of an ELBv2 XML answer back into <c>query</c>-protocol request parameters, without
/// knowing its shape: the answer's structures, lists and maps use the same names the request does.
/// </summary>
/// <remarks>
/// Rules (botocore's query serializer, in reverse): an element without child elements is a value,
/// <c>Prefix=text</c> (an empty element gives <c>Prefix=</c>, which is also how an empty list is sent);
/// children all named <c>member</c> are a list, <c>Prefix.member.N…</c>; children all named <c>entry</c>
/// holding a <c>key</c> are a map, <c>Prefix.entry.N.key</c> / <c>Prefix.entry.N.value…</c>; anything else
/// is a structure, <c>Prefix.Child…</c>. Namespaces are ignored; document order is kept.
/// </remarks>
internal static class QueryXmlFlattener
{
    /// <summary>Adds the members of the structure <paramref name="structure"/> under <paramref name="prefix"/> (<c>DefaultActions.member.1</c>).</summary>
    public static void FlattenMembers(XElement structure, string prefix, QueryParameters output)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(output);
        foreach (var child in structure.Elements())
        {
            FlattenValue(child, Join(prefix, child.Name.LocalName), output);
        }
    }

    /// <summary>The members of <paramref name="structure"/> as parameters relative to it (<c>Type</c>, <c>ForwardConfig.TargetGroups.member.1.Weight</c> …).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Flatten(XElement structure)
    {
        var output = new QueryParameters();
        FlattenMembers(structure, string.Empty, output);
        return output.ToList();
    }

    private static void FlattenValue(XElement value, string path, QueryParameters output)
    {
        var children = value.Elements().ToList();
        if (children.Count == 0)
        {
            output.Add(path, value.Value);
        }
        else if (children.TrueForAll(child => child.Name.LocalName == "member"))
        {
            for (var index = 0; index < children.Count; index++)
            {
                FlattenValue(children[index], QueryParameters.Member(path, index + 1), output);
            }
        }
        else if (children.TrueForAll(child => child.Name.LocalName == "entry" && child.Child("key") is not null))
        {
            for (var index = 0; index < children.Count; index++)
            {
                var entry = string.Create(CultureInfo.InvariantCulture, $"{path}.entry.{index + 1}");
                output.Add(entry + ".key", children[index].Child("key")!.Value);
                if (children[index].Child("value") is { } entryValue)
                {
                    FlattenValue(entryValue, entry + ".value", output);
                }
            }
        }
        else
        {
            FlattenMembers(value, path, output);
        }
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;
}
