using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Emulator.Tests.Spot;

/// <summary>
/// One emulator per test on a fake clock, driven by the real <see cref="ElastigroupClient"/> on the same
/// clock (no retries, no client-side limiter, one-hour attempt timeout, so nothing waits on real time),
/// plus raw HTTP for what the client deliberately never sends.
/// </summary>
public abstract class SpotEmulatorTestBase : IAsyncLifetime
{
    private readonly HttpClient _raw = new();

    protected VirtualClock Clock { get; } = new();

    protected SpotDeployEmulator Emulator { get; private set; } = null!;

    protected ElastigroupClient Client { get; private set; } = null!;

    protected EmulatorState State => Emulator.State;

    public async Task InitializeAsync()
    {
        var options = new EmulatorOptions { TimeProvider = Clock };
        Configure(options);
        Emulator = await SpotDeployEmulator.StartAsync(options);
        Client = CreateClient();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        _raw.Dispose();
        await Emulator.DisposeAsync();
    }

    /// <summary>Changes the emulator's options before it starts.</summary>
    protected virtual void Configure(EmulatorOptions options)
    {
    }

    protected ElastigroupClient CreateClient(string? token = null) => new(new ElastigroupClientOptions
    {
        BaseAddress = Emulator.SpotBaseAddress,
        Token = token ?? Emulator.Options.SpotToken,
        AccountId = Emulator.Options.AccountId,
        TimeProvider = Clock,
        AttemptTimeout = TimeSpan.FromHours(1),
        MaxRetries = 0,
        RequestsPerMinutePerRoute = 0,
    });

    /// <summary>Moves the emulator's clock.</summary>
    protected void Advance(double seconds) => Clock.Advance(TimeSpan.FromSeconds(seconds));

    /// <summary>A call the client would never make (or whose raw answer matters): status and parsed envelope.</summary>
    protected async Task<(int Status, JsonObject Envelope, string Text)> SendRawAsync(HttpMethod method, string path, string? body = null, string? query = null)
    {
        var uri = new Uri(Emulator.SpotBaseAddress, path.TrimStart('/') + "?accountId=" + Emulator.Options.AccountId + (query is null ? string.Empty : "&" + query));
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Emulator.Options.SpotToken);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await _raw.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonNode.Parse(text)!.AsObject(), text);
    }

    /// <summary>The live (pending or running) instances of a group, as the emulator holds them.</summary>
    protected IReadOnlyList<SpotInstanceInfo> Live(string groupId) =>
        State.GetInstances(groupId).Where(i => i.State != "terminated").ToList();
}

/// <summary>Group documents for tests.</summary>
internal static class SpotGroups
{
    /// <summary>A minimal group Spot accepts, with optional target groups.</summary>
    public static JsonObject Group(string name, int minimum, int target, int maximum, string imageId = "ami-11111111", params string[] targetGroupArns)
    {
        var launchSpecification = new JsonObject { ["imageId"] = imageId, ["healthCheckType"] = "TARGET_GROUP" };
        if (targetGroupArns.Length > 0)
        {
            var balancers = new JsonArray();
            foreach (var arn in targetGroupArns)
            {
                balancers.Add(new JsonObject { ["name"] = arn.Split('/')[^2], ["arn"] = arn, ["type"] = "TARGET_GROUP" });
            }

            launchSpecification["loadBalancersConfig"] = new JsonObject { ["loadBalancers"] = balancers };
        }

        return new JsonObject
        {
            ["name"] = name,
            ["region"] = "us-east-1",
            ["capacity"] = new JsonObject { ["minimum"] = minimum, ["maximum"] = maximum, ["target"] = target },
            ["strategy"] = new JsonObject { ["risk"] = 100, ["availabilityVsCost"] = "balanced" },
            ["compute"] = new JsonObject
            {
                ["product"] = "Linux/UNIX",
                ["instanceTypes"] = new JsonObject { ["ondemand"] = "m5.large", ["spot"] = new JsonArray("m5.large", "m5a.large") },
                ["availabilityZones"] = new JsonArray(new JsonObject { ["name"] = "us-east-1a" }, new JsonObject { ["name"] = "us-east-1b" }),
                ["launchSpecification"] = launchSpecification,
            },
        };
    }

    public static ElastigroupDocument Document(string name, int minimum, int target, int maximum, string imageId = "ami-11111111") =>
        ElastigroupDocument.FromGroup(Group(name, minimum, target, maximum, imageId));
}

/// <summary>Test data from the source tree (the csproj copies nothing): walks up to the folder holding <c>Spot.Deploy.sln</c>.</summary>
internal static class SpotFixtures
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Spot.Deploy.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("No folder holding Spot.Deploy.sln above " + AppContext.BaseDirectory);
    });

    /// <summary>The text of a real Spot payload (<c>tests/Spot.Deploy.Elastigroup.Tests/TestData/spot-fixtures/</c>, Apache-2.0, see its NOTICE.md).</summary>
    public static string Read(string name) =>
        File.ReadAllText(Path.Combine(Root.Value, "tests", "Spot.Deploy.Elastigroup.Tests", "TestData", "spot-fixtures", name));
}

/// <summary>Compares JSON trees exactly: property order and number text (<c>0.8</c> vs <c>0.80</c>, <c>"80"</c> vs <c>80</c>) count.</summary>
internal static class ExactJson
{
    /// <summary>Null when equal, else the path and both sides of the first difference.</summary>
    public static string? Difference(JsonNode? expected, JsonNode? actual, string path = "$")
    {
        switch (expected)
        {
            case JsonObject expectedObject when actual is JsonObject actualObject:
                var expectedNames = expectedObject.Select(p => p.Key).ToList();
                var actualNames = actualObject.Select(p => p.Key).ToList();
                if (!expectedNames.SequenceEqual(actualNames, StringComparer.Ordinal))
                {
                    return $"{path}: properties [{string.Join(",", expectedNames)}] vs [{string.Join(",", actualNames)}]";
                }

                foreach (var name in expectedNames)
                {
                    if (Difference(expectedObject[name], actualObject[name], path + "." + name) is { } difference)
                    {
                        return difference;
                    }
                }

                return null;
            case JsonArray expectedArray when actual is JsonArray actualArray:
                if (expectedArray.Count != actualArray.Count)
                {
                    return $"{path}: {expectedArray.Count} elements vs {actualArray.Count}";
                }

                for (var i = 0; i < expectedArray.Count; i++)
                {
                    if (Difference(expectedArray[i], actualArray[i], $"{path}[{i}]") is { } difference)
                    {
                        return difference;
                    }
                }

                return null;
            default:
                var expectedText = expected?.ToJsonString() ?? "null";
                var actualText = actual?.ToJsonString() ?? "null";
                return (expected is JsonObject or JsonArray) || (actual is JsonObject or JsonArray) || expectedText != actualText
                    ? $"{path}: expected {expectedText}, found {actualText}"
                    : null;
        }
    }
}
