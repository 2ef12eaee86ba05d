using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Spot.Deploy.Emulator.Tests.Spot;

/// <summary><c>GET /emulator/calls</c>: the call log of an emulator running as its own process, read over HTTP.</summary>
public sealed class CallLogApiTests : SpotEmulatorTestBase
{
    private readonly HttpClient _http = new();

    [Fact]
    public async Task CallLog_AfterReadsAndAChange_ListsThemInOrderAndNotItself()
    {
        var id = State.SeedGroup(SpotGroups.Group("app__1", 2, 2, 5));
        await Client.GetGroupAsync(id);
        await Client.UpdateCapacityAsync(id, 1, 1, 5);

        var all = await ReadAsync(null);
        var after = await ReadAsync(all[0]!["sequence"]!.GetValue<long>());

        all.Select(c => (c!["method"]!.GetValue<string>(), c["mutating"]!.GetValue<bool>(), c["status"]!.GetValue<int>()))
            .Should().Equal(("GET", false, 200), ("PUT", true, 200));
        all[1]!["path"]!.GetValue<string>().Should().Be("/aws/ec2/group/" + id + "/capacity");
        all[1]!["service"]!.GetValue<string>().Should().Be("spot");
        after.Should().ContainSingle().Which!["method"]!.GetValue<string>().Should().Be("PUT");
        Emulator.Calls.All.Should().HaveCount(2, "reading the log is not logged");
    }

    [Fact]
    public async Task CallLog_WithoutTheSpotToken_Refused()
    {
        using var response = await _http.GetAsync(Emulator.CallLogAddress);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    private async Task<JsonArray> ReadAsync(long? after)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Emulator.CallLogAddress + (after is { } a ? "?after=" + a : string.Empty));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Emulator.Options.SpotToken);
        using var response = await _http.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["calls"]!.AsArray();
    }
}
