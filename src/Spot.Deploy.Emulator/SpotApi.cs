using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Spot.Deploy.Emulator;

/// <summary>
/// Spot's Elastigroup (AWS) routes as the real client calls them, with Spot's envelope
/// <c>{"request":{id,url,method,timestamp},"response":{"status":{code,message},"kind","items","count"}}</c>,
/// the real <c>kind</c> strings, and refusals as HTTP 400 with <c>response.errors[{code,message,field}]</c>.
/// Authentication, rate limiting and faults are the middleware's (<see cref="SpotDeployEmulator"/>); every
/// handler here reads its body first, then does all its work under <see cref="EmulatorState.Gate"/>.
/// </summary>
internal static class SpotApi
{
    private const string Groups = "/aws/ec2/group";
    private const string Group = Groups + "/{groupId}";
    private const string Capacity = Group + "/capacity";
    private const string Status = Group + "/status";
    private const string InstanceHealthiness = Group + "/instanceHealthiness";
    private const string Rolls = Group + "/roll";
    private const string Roll = Rolls + "/{rollId}";
    private const string RollStatus = Roll + "/status";
    private const string RollAction = Roll + "/action";
    private const string DetachInstances = Group + "/detachInstances";
    private const string ScaleUp = Group + "/scale/up";
    private const string ScaleDown = Group + "/scale/down";
    private const string CodeDeployBlueGreen = Group + "/codeDeploy/blueGreenDeployment";

    private const string GroupKind = "spotinst:aws:ec2:group";
    private const string CapacityKind = "spotinst:aws:ec2:group:capacity";
    private const string HealthinessKind = "spotinst:aws:ec2:group:instanceHealthiness";
    private const string RollKind = "spotinst:aws:ec2:group:roll";
    private const string RollStatusKind = "spotinst:aws:ec2:group:roll:status";
    private const string RollActionKind = "spotinst:aws:ec2:group:roll:action";
    private const string DetachKind = "spotinst:aws:ec2:detachInstances";
    private const string ScaleKind = "spotinst:aws:ec2:scale";
    private const string BlueGreenKind = "spotinst:aws:ec2:group:codeDeploy:blueGreenDeployment";

    /// <summary>Maps every Spot route onto <paramref name="app"/>, serving <paramref name="emulator"/>'s state.</summary>
    internal static void Map(WebApplication app, SpotDeployEmulator emulator)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(emulator);
        var state = emulator.State;
        Route(app, state, "GET", Groups, GroupKind, _ => state.SpotListGroups());
        Route(app, state, "POST", Groups, GroupKind, c => One(state.SpotCreateGroup(c.Body)));
        Route(app, state, "GET", Group, GroupKind, c => One(state.SpotGetGroup(c.GroupId)));
        Route(app, state, "PUT", Group, GroupKind, c => One(state.SpotUpdateGroup(c.GroupId, c.Body)));
        Route(app, state, "DELETE", Group, kind: null, c =>
        {
            state.SpotDeleteGroup(c.GroupId);
            return null;
        });
        Route(app, state, "PUT", Capacity, CapacityKind, c => One(state.SpotUpdateCapacity(c.GroupId, c.Body)));
        Route(app, state, "GET", Status, GroupKind, c => state.SpotGroupStatus(c.GroupId));
        Route(app, state, "GET", InstanceHealthiness, HealthinessKind, c => state.SpotInstanceHealthiness(c.GroupId));
        Route(app, state, "PUT", Rolls, RollKind, c =>
        {
            state.SpotStartRoll(c.GroupId, c.Body);
            return [];
        });
        Route(app, state, "GET", Rolls, RollKind, c => state.SpotListRolls(c.GroupId, Limit(c), Ascending(c)));
        Route(app, state, "PUT", Roll, RollKind, c =>
        {
            state.SpotStopRoll(c.GroupId, c.RollId, c.Body);
            return [];
        });
        Route(app, state, "GET", RollStatus, RollStatusKind, c => One(state.SpotRollStatus(c.GroupId, c.RollId)));
        Route(app, state, "POST", RollAction, RollActionKind, c => One(state.SpotRollAction(c.GroupId, c.RollId, c.Body)));
        Route(app, state, "PUT", DetachInstances, DetachKind, c =>
        {
            state.SpotDetachInstances(c.GroupId, c.Body);
            return [];
        });
        Route(app, state, "PUT", ScaleUp, ScaleKind, c => One(state.SpotScale(c.GroupId, up: true, c.QueryValue("adjustment"))));
        Route(app, state, "PUT", ScaleDown, ScaleKind, c => One(state.SpotScale(c.GroupId, up: false, c.QueryValue("adjustment"))));
        Route(app, state, "POST", CodeDeployBlueGreen, BlueGreenKind, c => One(state.SpotStartBlueGreen(c.GroupId, c.Body)));
        Route(app, state, "GET", CodeDeployBlueGreen, BlueGreenKind, c => state.SpotListBlueGreen(c.GroupId));
    }

    /// <summary>What a handler gets: route values, the parsed body (null for none), the query.</summary>
    private sealed record SpotCall(string GroupId, string RollId, JsonNode? Body, IQueryCollection Query)
    {
        public string? QueryValue(string name) => Query.TryGetValue(name, out var value) ? value.ToString() : null;
    }

    private static JsonArray One(JsonNode item) => new(item);

    private static void Route(WebApplication app, EmulatorState state, string method, string pattern, string? kind, Func<SpotCall, JsonArray?> handler) =>
        app.MapMethods(pattern, [method], (RequestDelegate)(context => HandleAsync(context, state, kind, handler)));

    private static async Task HandleAsync(HttpContext context, EmulatorState state, string? kind, Func<SpotCall, JsonArray?> handler)
    {
        int status;
        JsonObject response;
        DateTimeOffset now;
        try
        {
            var body = HttpMethods.IsGet(context.Request.Method) ? null : await ReadBodyAsync(context).ConfigureAwait(false);
            var call = new SpotCall(RouteValue(context, "groupId"), RouteValue(context, "rollId"), body, context.Request.Query);
            JsonArray? items;
            lock (state.Gate)
            {
                now = state.Now;
                items = handler(call);
            }

            status = 200;
            response = new JsonObject { ["status"] = new JsonObject { ["code"] = 200, ["message"] = "OK" } };
            if (kind is not null)
            {
                response["kind"] = kind;
            }

            if (items is not null)
            {
                response["items"] = items;
                response["count"] = items.Count;
            }
        }
        catch (SpotRequestException e)
        {
            now = state.Options.TimeProvider.GetUtcNow();
            status = 400;
            var error = new JsonObject { ["code"] = e.Code, ["message"] = e.Message };
            if (e.Field is not null)
            {
                error["field"] = e.Field;
            }

            response = new JsonObject
            {
                ["status"] = new JsonObject { ["code"] = status, ["message"] = "Bad Request" },
                ["errors"] = new JsonArray(error),
            };
        }

        var envelope = new JsonObject
        {
            ["request"] = new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString(),
                ["url"] = context.Request.Path.Value + context.Request.QueryString.Value,
                ["method"] = context.Request.Method,
                ["timestamp"] = SpotDocuments.ZuluTimestamp(now),
            },
            ["response"] = response,
        };
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(envelope.ToJsonString(SpotDocuments.WriteOptions), context.RequestAborted).ConfigureAwait(false);
    }

    private static string RouteValue(HttpContext context, string name) => context.Request.RouteValues[name] as string ?? string.Empty;

    /// <summary>The body as JSON (null when empty); anything that is not strict JSON is refused.</summary>
    private static async Task<JsonNode?> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        if (buffer.Length == 0)
        {
            return null;
        }

        try
        {
            // JsonDocument checks the whole text (repeated names included) before any node is built.
            using var document = JsonDocument.Parse(buffer.ToArray(), SpotDocuments.ParseOptions);
            return JsonNode.Parse(buffer.ToArray(), nodeOptions: null, SpotDocuments.ParseOptions);
        }
        catch (JsonException e)
        {
            throw SpotRequestException.Validation("body", "The body is not valid JSON: " + e.Message);
        }
    }

    private static int? Limit(SpotCall call)
    {
        var text = call.QueryValue("limit");
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit > 0
            ? limit
            : throw SpotRequestException.Validation("limit", "limit must be a whole number of at least 1.");
    }

    private static bool Ascending(SpotCall call) =>
        call.QueryValue("sort") is { } sort && sort.EndsWith(":ASC", StringComparison.OrdinalIgnoreCase);
}
