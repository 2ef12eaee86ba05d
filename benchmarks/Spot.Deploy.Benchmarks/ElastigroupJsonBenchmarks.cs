using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using JsonTextReader = Newtonsoft.Json.JsonTextReader;
using Formatting = Newtonsoft.Json.Formatting;
using Newtonsoft.Json.Linq;
using Spot.Deploy.Elastigroup;

namespace Spot.Deploy.Benchmarks;

/// <summary>
/// Spot's list envelope of 1,000 realistic groups parsed into typed groups, and one create body
/// serialized from a user's document: ours against a Newtonsoft.Json JObject baseline.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ElastigroupJsonBenchmarks
{
    private byte[] _listEnvelope = [];
    private ElastigroupDocument _document = null!;
    private JObject _documentJObject = null!;

    [GlobalSetup]
    public void Setup()
    {
        var fixtures = Path.Combine(RepositoryRoot(), "tests", "Spot.Deploy.Elastigroup.Tests", "TestData", "spot-fixtures");
        var group = JsonNode.Parse(File.ReadAllText(Path.Combine(fixtures, "sdkpy-group-response-envelope.json")))!["response"]!["items"]![0]!.AsObject();
        var createRequest = JsonNode.Parse(File.ReadAllText(Path.Combine(fixtures, "sdkpy-aws-group-create-request.json")))!["group"]!.AsObject();

        // A realistic group: the real response item, enriched with the real create request's sections.
        foreach (var (key, value) in createRequest)
        {
            if (!group.ContainsKey(key))
            {
                group[key] = value?.DeepClone();
            }
        }

        var random = new Random(20261121);
        var items = new JsonArray();
        for (var i = 0; i < 1000; i++)
        {
            var copy = group.DeepClone().AsObject();
            copy["id"] = "sig-" + i.ToString("x8", CultureInfo.InvariantCulture);
            copy["name"] = "app" + (i % 50).ToString(CultureInfo.InvariantCulture) + "__" + (i / 50 + 1).ToString(CultureInfo.InvariantCulture);
            var target = random.Next(0, 10);
            copy["capacity"] = new JsonObject { ["minimum"] = 0, ["maximum"] = target + 2, ["target"] = target, ["unit"] = "instance" };
            items.Add(copy);
        }

        var envelope = new JsonObject
        {
            ["request"] = new JsonObject { ["id"] = "0d1d5e1e-1111-4c6e-9f0e-123456789abc", ["url"] = "/aws/ec2/group?accountId=act-1", ["method"] = "GET", ["timestamp"] = "2026-11-21T12:00:00.000Z" },
            ["response"] = new JsonObject
            {
                ["status"] = new JsonObject { ["code"] = 200, ["message"] = "OK" },
                ["kind"] = "spotinst:aws:ec2:group",
                ["items"] = items,
                ["count"] = 1000,
            },
        };
        _listEnvelope = JsonSerializer.SerializeToUtf8Bytes(envelope);

        var createText = File.ReadAllText(Path.Combine(fixtures, "sdkpy-aws-group-create-request.json"));
        _document = ElastigroupDocument.Parse(createText);
        _documentJObject = JObject.Parse(createText);

        // Both sides must see the same groups.
        if (ParseListOurs() != ParseListJObject())
        {
            throw new InvalidOperationException("The two parsers disagree.");
        }
    }


    [Benchmark(Baseline = true)]
    [BenchmarkCategory("ParseList")]
    public long ParseListJObject()
    {
        using var reader = new JsonTextReader(new StreamReader(new MemoryStream(_listEnvelope), Encoding.UTF8));
        var root = JObject.Load(reader);
        long sum = 0;
        foreach (var item in (JArray)root["response"]!["items"]!)
        {
            sum += ((string?)item["id"])!.Length + ((string?)item["name"])!.Length + (int)item["capacity"]!["target"]!;
        }

        return sum;
    }

    [Benchmark]
    [BenchmarkCategory("ParseList")]
    public long ParseListOurs()
    {
        var envelope = JsonSerializer.Deserialize(_listEnvelope, SpotJsonContext.Default.SpotEnvelopeElastigroupGroup)!;
        long sum = 0;
        foreach (var group in envelope.Items)
        {
            sum += group.Id!.Length + group.Name!.Length + group.Capacity!.Target!.Value;
        }

        return sum;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("CreateBody")]
    public byte[] CreateBodyJObject()
    {
        var body = (JObject)_documentJObject.DeepClone();
        var group = (JObject)body["group"]!;
        group.Remove("id");
        group.Remove("createdAt");
        group.Remove("updatedAt");
        group["name"] = "app__8";
        var capacity = (JObject?)group["capacity"] ?? new JObject();
        capacity["minimum"] = 0;
        capacity["target"] = 0;
        capacity["maximum"] = 0;
        group["capacity"] = capacity;
        group["compute"]!["launchSpecification"]!["imageId"] = "ami-0123456789abcdef0";
        return Encoding.UTF8.GetBytes(body.ToString(Formatting.None));
    }

    [Benchmark]
    [BenchmarkCategory("CreateBody")]
    public byte[] CreateBodyOurs()
    {
        var body = _document.ToCreateBody("app__8", "ami-0123456789abcdef0");
        return JsonSerializer.SerializeToUtf8Bytes(body.ToRequestBody());
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Spot.Deploy.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Spot.Deploy.sln not found");
    }
}
