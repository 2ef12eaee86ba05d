using System.Text.Json.Nodes;

namespace Spot.Deploy.Elastigroup;

// The instance types a group may launch and their weights: what a capacity in weight units is counted in.
public sealed partial class ElastigroupDocument
{
    /// <summary>
    /// Every instance type the group may launch, in document order without repeats: <c>compute.instanceTypes.ondemand</c>,
    /// then the entries of <c>onDemandTypes</c>, <c>spot</c> and <c>preferredSpot</c>. Empty when the document names none
    /// (for example when it uses <c>resourceRequirements</c>).
    /// </summary>
    /// <exception cref="ElastigroupDocumentException">A field, or a section on its path, has the wrong kind.</exception>
    public IReadOnlyList<string> InstanceTypes => GetInstanceTypes();

    /// <summary>
    /// <c>compute.instanceTypes.weights</c> as instance type → <c>weightedCapacity</c> (Spot's OpenAPI: "Custom weight for
    /// each instance type (only valid in weight capacity unit)"); null when there is no <c>weights</c> array. Whether the
    /// weights suit the capacity unit is the planner's rule, not checked here.
    /// </summary>
    /// <exception cref="ElastigroupDocumentException">
    /// <c>weights</c> is not an array, an entry is not an object with an <c>instanceType</c> and a whole-number
    /// <c>weightedCapacity</c>, or an instance type is listed twice.
    /// </exception>
    public IReadOnlyDictionary<string, int>? InstanceTypeWeights => GetInstanceTypeWeights();

    private List<string> GetInstanceTypes()
    {
        var types = new List<string>();
        void Add(string type)
        {
            if (!string.IsNullOrWhiteSpace(type) && !types.Contains(type, StringComparer.Ordinal))
            {
                types.Add(type);
            }
        }

        if (GetString("compute", "instanceTypes", "ondemand") is { } onDemand)
        {
            Add(onDemand);
        }

        foreach (var list in (string[])["onDemandTypes", "spot", "preferredSpot"])
        {
            ReadOnlySpan<string> names = ["compute", "instanceTypes", list];
            if (Find(names) is not { } node)
            {
                continue;
            }

            if (node is not JsonArray array)
            {
                throw WrongKind(node, PathTo(names), "an array");
            }

            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is { } entry)
                {
                    Add(AsString(entry, names, DocumentJson.Index(string.Empty, i)));
                }
            }
        }

        return types;
    }

    private Dictionary<string, int>? GetInstanceTypeWeights()
    {
        ReadOnlySpan<string> names = ["compute", "instanceTypes", "weights"];
        if (Find(names) is not { } node)
        {
            return null;
        }

        if (node is not JsonArray array)
        {
            throw WrongKind(node, PathTo(names), "an array");
        }

        var weights = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < array.Count; i++)
        {
            var elementPath = DocumentJson.Index(string.Empty, i);
            if (array[i] is not JsonObject entry)
            {
                throw WrongKind(array[i], PathTo(names) + elementPath, "an object with an instanceType and a weightedCapacity");
            }

            var type = entry["instanceType"] is { } typeNode
                ? AsString(typeNode, names, elementPath + ".instanceType")
                : throw Missing(PathTo(names) + elementPath, "instanceType");
            var weight = entry["weightedCapacity"] is { } weightNode
                ? WholeNumber(weightNode, PathTo(names) + elementPath + ".weightedCapacity")
                : throw Missing(PathTo(names) + elementPath, "weightedCapacity");
            if (!weights.TryAdd(type, weight))
            {
                var path = PathTo(names) + elementPath;
                throw new ElastigroupDocumentException(
                    $"{DocumentJson.Subject} lists the weight of {type} twice{DocumentJson.Where(path, null, null)}; give each instance type one weight.", path, null, null);
            }
        }

        return weights;
    }
}
