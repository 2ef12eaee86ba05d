using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Spot.Deploy.Aws.Tests;

/// <summary>
/// A botocore service model (TestData/aws/*.service-2.json) used as the oracle for request parameters:
/// every parameter name must resolve, segment by segment, to a member of the operation's input shape,
/// following the protocol's serialization rules.
/// </summary>
/// <remarks>
/// <c>query</c> (ELBv2): a member's wire name is its <c>locationName</c> or its name; lists are
/// <c>Name.member.N</c> (<c>Name.N</c> when flattened); maps <c>Name.entry.N.key</c> / <c>.value</c>.
/// <c>ec2</c> (EC2): a member's wire name is its <c>queryName</c>, else its <c>locationName</c> with the first
/// letter upper-cased, else its name; lists are always <c>Name.N</c> (a list member's own
/// <c>locationName</c>, such as <c>item</c>, only names XML answer elements).
/// </remarks>
internal sealed class BotocoreModel
{
    private static readonly ConcurrentDictionary<string, BotocoreModel> Cache = new(StringComparer.Ordinal);

    private readonly JsonObject _shapes;
    private readonly JsonObject _operations;

    private BotocoreModel(JsonObject root)
    {
        _shapes = root["shapes"]!.AsObject();
        _operations = root["operations"]!.AsObject();
        Protocol = root["metadata"]!["protocol"]!.GetValue<string>();
    }

    public static BotocoreModel Elbv2 => Load("elbv2-2015-12-01.service-2.json");

    public static BotocoreModel Ec2 => Load("ec2-2016-11-15.DescribeImages.service-2.json");

    /// <summary><c>query</c> or <c>ec2</c>.</summary>
    public string Protocol { get; }

    public static BotocoreModel Load(string fileName) =>
        Cache.GetOrAdd(fileName, name => new BotocoreModel(JsonNode.Parse(File.ReadAllText(TestData.Path("aws", name)))!.AsObject()));

    public string InputShape(string operation) =>
        _operations[operation]?["input"]?["shape"]?.GetValue<string>() ?? throw new ArgumentException($"No operation {operation} in the model.", nameof(operation));

    /// <summary>Every problem with a request's parameters: unknown paths, wrong value types, missing required members.</summary>
    public IReadOnlyList<string> Problems(string operation, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var problems = new List<string>();
        var list = parameters.ToList();
        var input = InputShape(operation);
        foreach (var (name, value) in list)
        {
            if (ResolveProblem(input, name, value) is { } problem)
            {
                problems.Add($"{operation} {name}={value}: {problem}");
            }
        }

        foreach (var required in Shape(input)["required"]?.AsArray().Select(r => r!.GetValue<string>()) ?? [])
        {
            var wire = WireName(Shape(input)["members"]![required]!.AsObject(), required);
            if (!list.Exists(p => p.Key == wire || p.Key.StartsWith(wire + ".", StringComparison.Ordinal)))
            {
                problems.Add($"{operation}: required member {wire} is missing");
            }
        }

        return problems;
    }

    /// <summary>Every wire path of a shape with list indexes and map entries as <c>N</c>, e.g. <c>ForwardConfig.TargetGroups.member.N.Weight</c>.</summary>
    public IReadOnlySet<string> LeafPaths(string shapeName)
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        CollectLeafPaths(shapeName, string.Empty, paths, depth: 0);
        return paths;
    }

    /// <summary>
    /// An XML element as an answer in the query protocol would hold it, with every member of the shape
    /// present: lists with two members, maps with two entries, enums at their first value.
    /// </summary>
    public XElement ExampleXml(string shapeName, XName elementName) => Example(shapeName, elementName, "x", depth: 0);

    private XElement Example(string shapeName, XName elementName, string seed, int depth)
    {
        var shape = Shape(shapeName);
        var ns = elementName.Namespace;
        var element = new XElement(elementName);
        switch (Type(shape))
        {
            case "structure":
                foreach (var (memberName, member) in shape["members"]!.AsObject())
                {
                    if (depth < 8)
                    {
                        element.Add(Example(member!["shape"]!.GetValue<string>(), ns + WireName(member.AsObject(), memberName), seed + "-" + memberName, depth + 1));
                    }
                }

                break;
            case "list":
                for (var index = 1; index <= 2; index++)
                {
                    element.Add(Example(shape["member"]!["shape"]!.GetValue<string>(), ns + "member", seed + index.ToString(CultureInfo.InvariantCulture), depth + 1));
                }

                break;
            case "map":
                for (var index = 1; index <= 2; index++)
                {
                    var suffix = index.ToString(CultureInfo.InvariantCulture);
                    element.Add(new XElement(ns + "entry",
                        Example(shape["key"]!["shape"]!.GetValue<string>(), ns + "key", seed + "-key" + suffix, depth + 1),
                        Example(shape["value"]!["shape"]!.GetValue<string>(), ns + "value", seed + "-value" + suffix, depth + 1)));
                }

                break;
            default:
                element.Value = ExampleScalar(shape, seed);
                break;
        }

        return element;
    }

    private static string ExampleScalar(JsonObject shape, string seed) => Type(shape) switch
    {
        "integer" or "long" => (shape["min"]?.GetValue<long>() is { } min && min > 7 ? min : 7).ToString(CultureInfo.InvariantCulture),
        "boolean" => "true",
        "timestamp" => "2020-01-02T03:04:05Z",
        _ => shape["enum"]?.AsArray().First()!.GetValue<string>() ?? seed,
    };

    private void CollectLeafPaths(string shapeName, string prefix, SortedSet<string> paths, int depth)
    {
        var shape = Shape(shapeName);
        switch (Type(shape))
        {
            case "structure":
                foreach (var (memberName, member) in shape["members"]!.AsObject())
                {
                    if (depth < 8)
                    {
                        CollectLeafPaths(member!["shape"]!.GetValue<string>(), Join(prefix, WireName(member.AsObject(), memberName)), paths, depth + 1);
                    }
                }

                break;
            case "list":
                var listPrefix = Protocol == "ec2" || shape["flattened"]?.GetValue<bool>() == true ? prefix + ".N" : prefix + ".member.N";
                CollectLeafPaths(shape["member"]!["shape"]!.GetValue<string>(), listPrefix, paths, depth + 1);
                break;
            case "map":
                paths.Add(prefix + ".entry.N.key");
                CollectLeafPaths(shape["value"]!["shape"]!.GetValue<string>(), prefix + ".entry.N.value", paths, depth + 1);
                break;
            default:
                paths.Add(prefix);
                break;
        }
    }

    private string? ResolveProblem(string inputShape, string name, string value)
    {
        var segments = name.Split('.');
        var shapeName = inputShape;
        var index = 0;
        while (true)
        {
            var shape = Shape(shapeName);
            var type = Type(shape);
            if (index == segments.Length)
            {
                return type switch
                {
                    "structure" or "list" or "map" => value.Length == 0 ? null : $"{shapeName} is a {type}, not a value",
                    _ => ScalarProblem(shapeName, shape, value),
                };
            }

            var segment = segments[index];
            switch (type)
            {
                case "structure":
                    var match = shape["members"]!.AsObject().FirstOrDefault(m => WireName(m.Value!.AsObject(), m.Key) == segment);
                    if (match.Key is null)
                    {
                        return $"{shapeName} has no member {segment}";
                    }

                    shapeName = match.Value!["shape"]!.GetValue<string>();
                    index++;
                    break;
                case "list":
                    if (Protocol == "query" && shape["flattened"]?.GetValue<bool>() != true)
                    {
                        if (segment != "member")
                        {
                            return $"{shapeName} is a list: expected 'member', got '{segment}'";
                        }

                        index++;
                    }

                    if (!IsIndex(segments, index))
                    {
                        return $"{shapeName} is a list: expected an index from 1";
                    }

                    shapeName = shape["member"]!["shape"]!.GetValue<string>();
                    index++;
                    break;
                case "map":
                    if (segment != "entry" || !IsIndex(segments, index + 1) || index + 2 >= segments.Length)
                    {
                        return $"{shapeName} is a map: expected 'entry.N.key' or 'entry.N.value'";
                    }

                    var part = segments[index + 2];
                    if (part is not ("key" or "value"))
                    {
                        return $"{shapeName} is a map: expected key or value, got '{part}'";
                    }

                    shapeName = shape[part]!["shape"]!.GetValue<string>();
                    index += 3;
                    break;
                default:
                    return $"{shapeName} is a {type} and has no member {segment}";
            }
        }
    }

    private static string? ScalarProblem(string shapeName, JsonObject shape, string value)
    {
        switch (Type(shape))
        {
            case "integer" or "long":
                if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
                {
                    return $"{shapeName} needs an integer";
                }

                if ((shape["min"] is { } min && number < min.GetValue<long>()) || (shape["max"] is { } max && number > max.GetValue<long>()))
                {
                    return $"{shapeName} is out of range";
                }

                return null;
            case "boolean":
                return value is "true" or "false" ? null : $"{shapeName} needs true or false";
            case "string":
                return shape["enum"] is JsonArray values && !values.Any(v => v!.GetValue<string>() == value) ? $"{shapeName} does not list '{value}'" : null;
            default:
                return null;
        }
    }

    private static bool IsIndex(string[] segments, int index) =>
        index < segments.Length && int.TryParse(segments[index], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1;

    private string WireName(JsonObject member, string memberName)
    {
        if (Protocol == "ec2")
        {
            if (member["queryName"]?.GetValue<string>() is { } queryName)
            {
                return queryName;
            }

            if (member["locationName"]?.GetValue<string>() is { Length: > 0 } location)
            {
                return char.ToUpperInvariant(location[0]) + location[1..];
            }

            return memberName;
        }

        return member["locationName"]?.GetValue<string>() ?? memberName;
    }

    private JsonObject Shape(string name) => _shapes[name]?.AsObject() ?? throw new InvalidOperationException($"No shape {name} in the model.");

    private static string Type(JsonObject shape) => shape["type"]!.GetValue<string>();

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;
}
