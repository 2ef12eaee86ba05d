using System.Reflection;
using System.Text.Json.Nodes;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Elastigroup.Tests.Client;

/// <summary>The public route table (<see cref="SpotApi"/>) is what the client really sends, and ids stay one path segment.</summary>
public sealed class SpotApiTests : IAsyncLifetime
{
    // Ids with characters that must be escaped, so every route also shows the escaping.
    private const string GroupId = "sig-1/a b";
    private const string RollId = "sbgd-2?x#y";

    private LoopbackServer _server = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        // One answer every call can read: a group for group calls, the roll RollId for roll calls.
        var item = new JsonObject { ["id"] = RollId, ["name"] = "app__3" }.ToJsonString();
        _server = await LoopbackServer.StartAsync(_ => new ScriptedResponse(200, Spot.Envelope("k", "[" + item + "]")));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private ElastigroupClient Client() => new(_http, Spot.Options(_server));

    /// <summary>Each client method, the table entry that describes it, and a call of it with <see cref="GroupId"/> and <see cref="RollId"/>.</summary>
    private static readonly Dictionary<string, (SpotApiCall Api, Func<IElastigroupClient, Task> Call)> Calls = new()
    {
        ["ListGroups"] = (SpotApi.ListGroups, c => c.ListGroupsAsync()),
        ["CreateGroup"] = (SpotApi.CreateGroup, c => c.CreateGroupAsync(ElastigroupDocument.Parse("""{"name":"app__3"}"""))),
        ["GetGroup"] = (SpotApi.GetGroup, c => c.GetGroupAsync(GroupId)),
        ["GetGroupDocument"] = (SpotApi.GetGroupDocument, c => c.GetGroupDocumentAsync(GroupId)),
        ["UpdateGroup"] = (SpotApi.UpdateGroup, c => c.UpdateGroupAsync(GroupId, new JsonObject { ["description"] = "d" })),
        ["RenameGroup"] = (SpotApi.RenameGroup, c => c.RenameGroupAsync(GroupId, "app__4")),
        ["SetImage"] = (SpotApi.SetImage, c => c.SetImageAsync(GroupId, LaunchImage.FromImageId("ami-2"))),
        ["DeleteGroup"] = (SpotApi.DeleteGroup, c => c.DeleteGroupAsync(GroupId)),
        ["UpdateCapacity"] = (SpotApi.UpdateCapacity, c => c.UpdateCapacityAsync(GroupId, 1, 2, 3)),
        ["GetGroupStatus"] = (SpotApi.GetGroupStatus, c => c.GetGroupStatusAsync(GroupId)),
        ["GetInstanceHealthiness"] = (SpotApi.GetInstanceHealthiness, c => c.GetInstanceHealthinessAsync(GroupId)),
        ["StartRoll"] = (SpotApi.StartRoll, c => c.StartRollAsync(GroupId, new RollRequest { BatchSizePercentage = 50 })),
        ["ListRolls"] = (SpotApi.ListRolls, c => c.ListRollsAsync(GroupId)),
        ["GetRoll"] = (SpotApi.GetRoll, c => c.GetRollAsync(GroupId, RollId)),
        ["GetRollStatus"] = (SpotApi.GetRollStatus, c => c.GetRollStatusAsync(GroupId, RollId)),
        ["StopRoll"] = (SpotApi.StopRoll, c => c.StopRollAsync(GroupId, RollId)),
        ["RollAction"] = (SpotApi.RollAction, c => c.RollActionAsync(GroupId, RollId, new RollActionRequest { ActionType = "DETACH_OLD" })),
        ["DetachInstances"] = (SpotApi.DetachInstances, c => c.DetachInstancesAsync(GroupId, new DetachInstancesRequest { InstancesToDetach = ["i-1"] })),
        ["ScaleUp"] = (SpotApi.ScaleUp, c => c.ScaleUpAsync(GroupId, 1)),
        ["ScaleDown"] = (SpotApi.ScaleDown, c => c.ScaleDownAsync(GroupId, 1)),
        ["StartCodeDeployBlueGreen"] = (SpotApi.StartCodeDeployBlueGreen, c => c.StartCodeDeployBlueGreenAsync(GroupId, new CodeDeployBlueGreenRequest { Timeout = 60 })),
        ["GetCodeDeployBlueGreen"] = (SpotApi.GetCodeDeployBlueGreen, c => c.GetCodeDeployBlueGreenAsync(GroupId)),
    };

    public static TheoryData<string> ClientMethods => [.. Calls.Keys];

    private static IEnumerable<string> InterfaceMethods() =>
        typeof(IElastigroupClient).GetMethods().Select(m => m.Name[..^"Async".Length]);

    [Fact]
    public void Table_HasOneEntryPerClientMethod_NamedAfterIt()
    {
        var entries = typeof(SpotApi).GetProperties(BindingFlags.Public | BindingFlags.Static)
            .Where(p => p.PropertyType == typeof(SpotApiCall))
            .Select(p => p.Name);

        entries.Should().BeEquivalentTo(InterfaceMethods());
        Calls.Keys.Should().BeEquivalentTo(InterfaceMethods(), "every client method is checked against the wire below");
        Calls.Should().OnlyContain(c => ReferenceEquals(c.Value.Api, typeof(SpotApi).GetProperty(c.Key)!.GetValue(null)));
    }

    [Theory]
    [MemberData(nameof(ClientMethods))]
    public async Task ClientMethod_SendsTheMethodAndPathTheTableGives(string method)
    {
        var (api, call) = Calls[method];

        await call(Client());

        var request = _server.Requests.Should().ContainSingle("{0} makes one request when the answer names what it asked for", method).Subject;
        request.Method.Should().Be(api.Method);
        request.RawPath.Should().Be(api.Path(api.HasGroupId ? GroupId : null, api.HasRollId ? RollId : null));
    }

    [Fact]
    public void Table_GivesTheRoutesSpotDocuments()
    {
        string[] expected =
        [
            "GET /aws/ec2/group", "POST /aws/ec2/group",
            "GET /aws/ec2/group/{groupId}", "GET /aws/ec2/group/{groupId}", "PUT /aws/ec2/group/{groupId}", "PUT /aws/ec2/group/{groupId}",
            "PUT /aws/ec2/group/{groupId}", "DELETE /aws/ec2/group/{groupId}", "PUT /aws/ec2/group/{groupId}/capacity",
            "GET /aws/ec2/group/{groupId}/status", "GET /aws/ec2/group/{groupId}/instanceHealthiness",
            "PUT /aws/ec2/group/{groupId}/roll", "GET /aws/ec2/group/{groupId}/roll", "GET /aws/ec2/group/{groupId}/roll",
            "GET /aws/ec2/group/{groupId}/roll/{rollId}/status", "PUT /aws/ec2/group/{groupId}/roll/{rollId}",
            "POST /aws/ec2/group/{groupId}/roll/{rollId}/action", "PUT /aws/ec2/group/{groupId}/detachInstances",
            "PUT /aws/ec2/group/{groupId}/scale/up", "PUT /aws/ec2/group/{groupId}/scale/down",
            "POST /aws/ec2/group/{groupId}/codeDeploy/blueGreenDeployment", "GET /aws/ec2/group/{groupId}/codeDeploy/blueGreenDeployment",
        ];

        Calls.Values.Select(c => c.Api.ToString()).Should().Equal(expected);
    }

    [Fact]
    public void Descriptor_ComparesByMethodAndTemplate()
    {
        SpotApi.RenameGroup.Should().Be(SpotApi.UpdateGroup);
        (SpotApi.SetImage == SpotApi.UpdateGroup).Should().BeTrue();
        SpotApi.GetRoll.GetHashCode().Should().Be(SpotApi.ListRolls.GetHashCode());
        SpotApi.UpdateGroup.Should().NotBe(SpotApi.UpdateCapacity);
        SpotApi.GetGroup.Should().NotBe(SpotApi.DeleteGroup);
        SpotApi.UpdateCapacity.Method.Should().Be("PUT");
        SpotApi.UpdateCapacity.Template.Should().Be("/aws/ec2/group/{groupId}/capacity");
        (SpotApi.ListGroups.HasGroupId, SpotApi.ListGroups.HasRollId).Should().Be((false, false));
        (SpotApi.GetGroup.HasGroupId, SpotApi.GetGroup.HasRollId).Should().Be((true, false));
        (SpotApi.RollAction.HasGroupId, SpotApi.RollAction.HasRollId).Should().Be((true, true));
    }

    [Theory]
    [InlineData("sig-1", "/aws/ec2/group/sig-1")]
    [InlineData("a/b", "/aws/ec2/group/a%2Fb")]
    [InlineData("../x", "/aws/ec2/group/..%2Fx")]
    [InlineData("...", "/aws/ec2/group/...")]
    [InlineData(".a", "/aws/ec2/group/.a")]
    [InlineData("%2E%2E", "/aws/ec2/group/%252E%252E")]
    [InlineData("a b?c#d&e", "/aws/ec2/group/a%20b%3Fc%23d%26e")]
    [InlineData("é😀", "/aws/ec2/group/%C3%A9%F0%9F%98%80")]
    [InlineData(" a ", "/aws/ec2/group/%20a%20")]
    public void Path_EscapesEveryIdAsOneSegment(string groupId, string expected)
    {
        SpotApi.GetGroup.Path(groupId).Should().Be(expected);
    }

    [Fact]
    public void Path_FillsBothIds()
    {
        SpotApi.GetRollStatus.Path("sig-1", "sbgd/2").Should().Be("/aws/ec2/group/sig-1/roll/sbgd%2F2/status");
        SpotApi.ListGroups.Path().Should().Be("/aws/ec2/group");
    }

    public static TheoryData<string> UnsafeIds => ["", " ", "\t", ".", "..", "a\nb", "\0", "a\u007Fb", "a\u0085b"];

    [Theory]
    [MemberData(nameof(UnsafeIds))]
    public void Path_UnsafeGroupId_IsRefusedNamingTheParameter(string groupId)
    {
        var act = () => SpotApi.GetRollStatus.Path(groupId, "sbgd-1");

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("groupId");
    }

    [Theory]
    [MemberData(nameof(UnsafeIds))]
    public void Path_UnsafeRollId_IsRefusedNamingTheParameter(string rollId)
    {
        var act = () => SpotApi.GetRollStatus.Path("sig-1", rollId);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("rollId");
    }

    [Fact]
    public void Path_UnpairedSurrogate_IsRefused()
    {
        // Built here, not in theory data: the test runner's serialization would repair the strings.
        foreach (var id in new[] { "a" + '\uD800' + "b", '\uDC00'.ToString(), "sig-" + '\uDE00' + '\uD83D' })
        {
            FluentActions.Invoking(() => SpotApi.GetRollStatus.Path(id, "sbgd-1")).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("groupId");
            FluentActions.Invoking(() => SpotApi.GetRollStatus.Path("sig-1", id)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("rollId");
        }
    }

    [Fact]
    public void Path_MissingOrExtraId_IsRefusedNamingTheParameter()
    {
        FluentActions.Invoking(() => SpotApi.GetGroup.Path()).Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("groupId");
        FluentActions.Invoking(() => SpotApi.StopRoll.Path("sig-1")).Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("rollId");
        FluentActions.Invoking(() => SpotApi.ListGroups.Path("sig-1")).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("groupId");
        FluentActions.Invoking(() => SpotApi.GetGroup.Path("sig-1", "sbgd-1")).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("rollId");
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("")]
    [InlineData("a\r\nb")]
    public async Task DotOrControlIds_AreNeverSent(string id)
    {
        var client = Client();
        Func<Task>[] calls =
        [
            () => client.GetGroupAsync(id),
            () => client.GetGroupDocumentAsync(id),
            () => client.DeleteGroupAsync(id),
            () => client.UpdateGroupAsync(id, new JsonObject()),
            () => client.RenameGroupAsync(id, "app__4"),
            () => client.SetImageAsync(id, LaunchImage.FromImageId("ami-2")),
            () => client.UpdateCapacityAsync(id, 0, 0, 0),
            () => client.ScaleUpAsync(id, 1),
            () => client.ListRollsAsync(id),
            () => client.GetRollStatusAsync("sig-1", id),
            () => client.StopRollAsync("sig-1", id),
            () => client.RollActionAsync("sig-1", id, new RollActionRequest()),
        ];

        foreach (var call in calls)
        {
            await call.Should().ThrowAsync<ArgumentException>();
        }

        _server.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData("...")]
    [InlineData("a/b")]
    [InlineData("../..")]
    [InlineData("%2E%2E")]
    [InlineData("a?b#c")]
    [InlineData("é")]
    public async Task OddIds_ReachTheServerAsOneSegment(string id)
    {
        await Client().GetGroupAsync(id);

        var request = _server.Requests.Should().ContainSingle().Subject;
        request.RawPath.Should().Be(SpotApi.GetGroup.Path(id));
        request.RawPath.Split('/').Should().HaveCount(5);
        Uri.UnescapeDataString(request.RawPath.Split('/')[4]).Should().Be(id);
    }
}
