using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Emulator.Tests.Conformance;

/// <summary>Every JSON answer the emulator sends for the Spot routes validates against Spot's OpenAPI schemas.</summary>
public sealed class SpotSchemaConformanceTests : IAsyncLifetime
{
    private readonly VirtualClock _time = new() { AutoAdvanceLimit = TimeSpan.FromMinutes(5) };
    private SpotDeployEmulator _emulator = null!;
    private readonly HttpClient _http = new();
    private readonly JsonArray _answers = [];

    public async Task InitializeAsync() => _emulator = await SpotDeployEmulator.StartAsync(new EmulatorOptions { TimeProvider = _time });

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
    }

    private async Task<JsonNode> CallAsync(string name, string pathFile, HttpMethod method, string path, string? body = null, string query = "")
    {
        using var request = new HttpRequestMessage(method, new Uri(_emulator.SpotBaseAddress, path.TrimStart('/') + "?accountId=" + _emulator.Options.AccountId + query));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _emulator.Options.SpotToken);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).Should().Be(200, $"{name}: {text}");
        var json = JsonNode.Parse(text)!;
        _answers.Add(new JsonObject
        {
            ["name"] = name,
            ["pathFile"] = pathFile,
            ["method"] = method.Method.ToLowerInvariant(),
            ["status"] = 200,
            ["body"] = json.DeepClone(),
        });
        return json;
    }

    private static string Fixture(string name) =>
        File.ReadAllText(Path.Combine(PublicApiListing.RepositoryRoot(), "tests", "Spot.Deploy.Elastigroup.Tests", "TestData", "spot-fixtures", name));

    [RequiresFact(Prerequisite.Node)]
    public async Task EverySpotRoute_AnswersWhatTheOpenApiSchemasDescribe()
    {
        var created = await CallAsync("create", "groups.yaml", HttpMethod.Post, "/aws/ec2/group", Fixture("sdkpy-aws-group-create-request.json"));
        var id = (string)created["response"]!["items"]![0]!["id"]!;
        await CallAsync("list", "groups.yaml", HttpMethod.Get, "/aws/ec2/group");
        await CallAsync("get", "group.yaml", HttpMethod.Get, $"/aws/ec2/group/{id}");
        await CallAsync("update", "group.yaml", HttpMethod.Put, $"/aws/ec2/group/{id}", """{"group":{"description":"updated"}}""");
        await CallAsync("capacity", "capacity.yaml", HttpMethod.Put, $"/aws/ec2/group/{id}/capacity", """{"capacity":{"minimum":1,"maximum":4,"target":2}}""");
        _time.Advance(TimeSpan.FromMinutes(5));
        var status = await CallAsync("status", "status.yaml", HttpMethod.Get, $"/aws/ec2/group/{id}/status");
        var instance = (string)status["response"]!["items"]![0]!["instanceId"]!;
        await CallAsync("detach", "detach-instances.yaml", HttpMethod.Put, $"/aws/ec2/group/{id}/detachInstances", $$"""{"instancesToDetach":["{{instance}}"],"shouldTerminateInstances":true,"shouldDecrementTargetCapacity":false}""");
        _time.Advance(TimeSpan.FromMinutes(5));
        await CallAsync("healthiness", "instanceHealthiness.yaml", HttpMethod.Get, $"/aws/ec2/group/{id}/instanceHealthiness");
        await CallAsync("scale up", "scale-up.yaml", HttpMethod.Put, $"/aws/ec2/group/{id}/scale/up", query: "&adjustment=1");
        await CallAsync("scale down", "scale-down.yaml", HttpMethod.Put, $"/aws/ec2/group/{id}/scale/down", query: "&adjustment=1");
        await CallAsync("roll start", "elastigroup-deployments.yaml", HttpMethod.Put, $"/aws/ec2/group/{id}/roll", """{"batchSizePercentage":50,"gracePeriod":60,"healthCheckType":"NONE"}""");
        var rolls = await CallAsync("roll list", "elastigroup-deployments.yaml", HttpMethod.Get, $"/aws/ec2/group/{id}/roll");
        var rollId = (string)rolls["response"]!["items"]![0]!["id"]!;
        await CallAsync("roll status", "elastigroup-deployment-status.yaml", HttpMethod.Get, $"/aws/ec2/group/{id}/roll/{rollId}/status");
        await CallAsync("roll stop", "elastigroup-stop-deployment.yaml", HttpMethod.Put, $"/aws/ec2/group/{id}/roll/{rollId}", """{"roll":{"status":"STOPPED"}}""");
        await CallAsync("roll action", "elastigroup-deployment-action.yaml", HttpMethod.Post, $"/aws/ec2/group/{id}/roll/{rollId}/action", """{"actionType":"DETACH_OLD","drainingTimeout":30}""");
        await CallAsync("codeDeploy start", "blueGreenDeployment.yaml", HttpMethod.Post, $"/aws/ec2/group/{id}/codeDeploy/blueGreenDeployment", Fixture("sdkpy-codedeploy-bg-request.json"));
        await CallAsync("codeDeploy get", "blueGreenDeployment.yaml", HttpMethod.Get, $"/aws/ec2/group/{id}/codeDeploy/blueGreenDeployment");
        await CallAsync("delete", "group.yaml", HttpMethod.Delete, $"/aws/ec2/group/{id}");

        var input = new JsonObject { ["specRoot"] = ConformanceNode.SpotSpecRoot, ["answers"] = _answers };
        var (code, output, error) = await ConformanceNode.Runner.RunAsync("validate-spot.mjs", input.ToJsonString());

        code.Should().BeOneOf([0, 1], error);
        var results = JsonNode.Parse(output)!.AsArray();
        results.Should().HaveCount(_answers.Count);
        var invalid = results.Where(r => !(bool)r!["valid"]!).Select(r => r!.ToJsonString()).ToList();
        invalid.Should().BeEmpty();
        code.Should().Be(0);
    }

    [RequiresFact(Prerequisite.Node)]
    public async Task Validator_RejectsAnAnswerThatBreaksTheSchema()
    {
        var input = new JsonObject
        {
            ["specRoot"] = ConformanceNode.SpotSpecRoot,
            ["answers"] = new JsonArray(new JsonObject
            {
                ["name"] = "broken",
                ["pathFile"] = "instanceHealthiness.yaml",
                ["method"] = "get",
                ["status"] = 200,
                ["body"] = JsonNode.Parse("""{"response":{"status":{"code":200},"items":[{"instanceId":"i-1","healthStatus":"SOMETIMES"}]}}"""),
            }),
        };

        var (code, output, _) = await ConformanceNode.Runner.RunAsync("validate-spot.mjs", input.ToJsonString());

        code.Should().Be(1, "a validator that accepts everything proves nothing");
        output.Should().Contain("healthStatus");
    }
}
