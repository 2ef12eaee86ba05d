using System.Text.Json;
using System.Text.Json.Nodes;
using Spot.Deploy.Planning;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli;

/// <summary>
/// The JSON lines the tool writes with <c>--output json</c>: each one object with <c>"schema"</c> (the version of
/// docs/output.schema.json it follows) and <c>"event"</c> (its kind: an event's, <c>Message</c> or <c>Result</c>).
/// Within a schema version fields are only ever added; a removal, rename or change of meaning makes a new version.
/// </summary>
internal static class EventJson
{
    /// <summary>The version every line carries as <c>"schema"</c>.</summary>
    public const int SchemaVersion = 1;

    internal static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>A line: <c>schema</c>, <c>event</c>, then the fields of <paramref name="body"/> (moved, not copied).</summary>
    public static string Line(string kind, JsonObject body)
    {
        var line = new JsonObject { ["schema"] = SchemaVersion, ["event"] = kind };
        foreach (var (key, item) in body.ToList())
        {
            body.Remove(key);
            line[key] = item;
        }

        return line.ToJsonString(Options);
    }

    /// <summary>A deployment event: its record's properties in camelCase, with a capacity as an object (<see cref="Capacity(Planning.Capacity)"/>).</summary>
    public static string Event(DeploymentEvent value)
    {
        var node = JsonSerializer.SerializeToNode(value, value.GetType(), Options)!.AsObject();
        if (value is CapacityChangedEvent changed)
        {
            node["capacity"] = Capacity(changed.Capacity);
        }

        return Line(EventWriter.EventName(value), node);
    }

    /// <summary>A free line of text (<c>{"event":"Message","text":…}</c>).</summary>
    public static string Message(string text) => Line("Message", new JsonObject { ["text"] = text });

    /// <summary>The final object of a command.</summary>
    public static string Result(JsonObject result) => Line("Result", result);

    /// <summary>A capacity as everywhere in the output: <c>{"minimum":2,"target":2,"maximum":4,"unit":"instance"}</c>.</summary>
    public static JsonObject Capacity(Capacity capacity) => new()
    {
        ["minimum"] = capacity.Minimum,
        ["target"] = capacity.Target,
        ["maximum"] = capacity.Maximum,
        ["unit"] = capacity.Unit,
    };

    /// <summary>
    /// One API call of a plan: <c>service</c>, <c>method</c> and <c>route</c> (Spot) or <c>action</c> (AWS), <c>target</c>,
    /// <c>parameters</c>, <c>polled</c>, <c>details</c> (what it sends or waits for, in words) and <c>text</c> (the line the text plan prints).
    /// </summary>
    public static JsonObject ApiCall(PreviewApiCall call) => new()
    {
        ["service"] = call.Service,
        ["method"] = call.Method,
        ["route"] = call.Route,
        ["action"] = call.Action,
        ["target"] = call.Target,
        ["parameters"] = JsonSerializer.SerializeToNode(call.Parameters, Options),
        ["polled"] = call.Polled,
        ["details"] = call.Details,
        ["text"] = call.Text,
    };

    /// <summary>The Result object of <c>plan --output json</c>.</summary>
    public static JsonObject Plan(DeploymentPreview preview) => new()
    {
        ["command"] = "plan",
        ["strategy"] = preview.Strategy.ToString(),
        ["app"] = preview.AppName,
        ["image"] = preview.ImageId,
        ["newGroupName"] = preview.NewGroupName,
        ["plannedCapacity"] = preview.PlannedCapacity is { } capacity ? Capacity(capacity) : null,
        ["capacitySource"] = preview.CapacitySource?.ToString(),
        ["stages"] = new JsonArray([.. preview.Stages.Select(s => (JsonNode)s)]),
        ["keptOutOfJournal"] = new JsonArray([.. preview.KeptOutOfJournal.Select(p => (JsonNode)p)]),
        ["warnings"] = new JsonArray([.. preview.Warnings.Select(w => (JsonNode)w)]),
        ["steps"] = new JsonArray([.. preview.Steps.Select(s => (JsonNode)new JsonObject
        {
            ["stepId"] = s.StepId,
            ["stage"] = s.Stage,
            ["description"] = s.Description,
            ["cleanup"] = s.IsCleanup,
            ["apiCalls"] = new JsonArray([.. s.Calls.Select(c => (JsonNode)ApiCall(c))]),
        })]),
    };

    /// <summary>A route as <c>status</c> shows it: the listener, the rule (null: the default action) and the target groups it forwards to with their weights.</summary>
    public static JsonObject Route(string role, string listenerArn, string? ruleArn, IEnumerable<(string TargetGroupArn, int Weight)> forward) => new()
    {
        ["role"] = role,
        ["listenerArn"] = listenerArn,
        ["ruleArn"] = ruleArn,
        ["forward"] = new JsonArray([.. forward.Select(t => (JsonNode)new JsonObject { ["targetGroupArn"] = t.TargetGroupArn, ["weight"] = t.Weight })]),
    };
}
