using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Spot.Deploy.Emulator;

/// <summary>A CloudWatch refusal: the query protocol's error code (the JSON protocol's <c>x-amzn-query-error</c>) and HTTP status.</summary>
internal sealed class CloudWatchRefusal(string code, string message, int status = 400) : Exception(message)
{
    public string Code { get; } = code;

    public int Status { get; } = status;
}

/// <summary>
/// CloudWatch (signing name <c>monitoring</c>, API version 2010-08-01) under <see cref="SpotDeployEmulator.CloudWatchPrefix"/>, in
/// both wire protocols AWS's SDKs use today: the query protocol (form <c>POST</c> with <c>Action</c>, XML answers) and
/// AWS JSON 1.0 (<c>X-Amz-Target: GraniteServiceVersion20100801.&lt;Action&gt;</c>, JSON answers, timestamps as epoch
/// seconds, errors with CloudWatch's query error code in <c>x-amzn-query-error</c>). Both are parsed into one JSON tree,
/// handled by <see cref="CloudWatchOperations"/>, and written back in the protocol of the request.
/// </summary>
internal static class CloudWatchApi
{
    /// <summary>The JSON protocol's target prefix (CloudWatch's Smithy service name).</summary>
    internal const string TargetPrefix = "GraniteServiceVersion20100801.";

    internal static readonly XNamespace Namespace = "http://monitoring.amazonaws.com/doc/2010-08-01/";

    /// <summary>Error codes of the query protocol → the JSON protocol's error shape names (codes not listed keep their name).</summary>
    private static readonly Dictionary<string, string> JsonErrorShapes = new(StringComparer.Ordinal)
    {
        ["InvalidParameterValue"] = "InvalidParameterValueException",
        ["InvalidParameterCombination"] = "InvalidParameterCombinationException",
        ["MissingParameter"] = "MissingRequiredParameterException",
        ["InvalidNextToken"] = "InvalidNextToken",
        ["ResourceNotFound"] = "ResourceNotFound",
        ["InvalidFormat"] = "InvalidFormatFault",
    };

    internal static void Map(WebApplication app, SpotDeployEmulator emulator)
    {
        RequestDelegate handler = context => HandleAsync(context, emulator);
        app.MapPost(SpotDeployEmulator.CloudWatchPrefix, handler);
    }

    /// <summary>The action of a JSON-protocol request (from <c>X-Amz-Target</c>), or null for a query-protocol one.</summary>
    internal static string? JsonActionOf(HttpRequest request)
    {
        var target = request.Headers["X-Amz-Target"].ToString();
        return target.StartsWith(TargetPrefix, StringComparison.Ordinal) ? target[TargetPrefix.Length..] : null;
    }

    /// <summary>Writes an error in the protocol of the request.</summary>
    internal static Task WriteErrorAsync(HttpContext context, int status, string code, string message)
    {
        var requestId = Guid.NewGuid().ToString();
        context.Response.StatusCode = status;
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        var type = status >= 500 ? "Receiver" : "Sender";
        if (JsonActionOf(context.Request) is not null)
        {
            context.Response.ContentType = "application/x-amz-json-1.0";
            context.Response.Headers["x-amzn-query-error"] = code + ";" + type;
            var body = new JsonObject
            {
                ["__type"] = "com.amazonaws.cloudwatch#" + JsonErrorShapes.GetValueOrDefault(code, code),
                ["message"] = message,
            };
            return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
        }

        context.Response.ContentType = "text/xml";
        var error = new XElement(Namespace + "ErrorResponse",
            new XElement(Namespace + "Error", new XElement(Namespace + "Type", type), new XElement(Namespace + "Code", code), new XElement(Namespace + "Message", message)),
            new XElement(Namespace + "RequestId", requestId));
        return context.Response.WriteAsync(error.ToString(SaveOptions.DisableFormatting), Encoding.UTF8, context.RequestAborted);
    }

    private static async Task HandleAsync(HttpContext context, SpotDeployEmulator emulator)
    {
        var jsonAction = JsonActionOf(context.Request);
        string action;
        JsonObject input;
        if (jsonAction is not null)
        {
            action = jsonAction;
            try
            {
                input = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false) as JsonObject ?? [];
            }
            catch (System.Text.Json.JsonException)
            {
                await WriteErrorAsync(context, 400, "SerializationException", "The request body is not a JSON object.").ConfigureAwait(false);
                return;
            }
        }
        else
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            action = form["Action"].ToString();
            input = FromQuery([.. form.SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? string.Empty)))]);
        }

        JsonObject? output;
        try
        {
            CheckLimit(emulator);
            lock (emulator.State.Gate)
            {
                var operations = new CloudWatchOperations(emulator.State);
                output = action switch
                {
                    "DescribeAlarms" => operations.DescribeAlarms(input),
                    "GetMetricData" => operations.GetMetricData(input),
                    "SetAlarmState" => operations.SetAlarmState(input),
                    "" => throw new CloudWatchRefusal("MissingAction", "The request must contain the parameter Action."),
                    _ => throw new CloudWatchRefusal("InvalidAction", $"The action {action} is not valid for this web service."),
                };
            }
        }
        catch (CloudWatchRefusal refusal)
        {
            await WriteErrorAsync(context, refusal.Status, refusal.Code, refusal.Message).ConfigureAwait(false);
            return;
        }

        var requestId = Guid.NewGuid().ToString();
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        if (jsonAction is not null)
        {
            context.Response.ContentType = "application/x-amz-json-1.0";
            await context.Response.WriteAsync(ToJson(output ?? [])!.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var answer = new XElement(Namespace + (action + "Response"));
        if (output is not null)
        {
            answer.Add(new XElement(Namespace + (action + "Result"), ToXml(output)));
        }

        answer.Add(new XElement(Namespace + "ResponseMetadata", new XElement(Namespace + "RequestId", requestId)));
        context.Response.ContentType = "text/xml";
        await context.Response.WriteAsync(answer.ToString(SaveOptions.DisableFormatting), Encoding.UTF8, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>CloudWatch's account-wide limit per second of the emulator's clock: <c>Throttling</c>, HTTP 400, as CloudWatch answers.</summary>
    private static void CheckLimit(SpotDeployEmulator emulator)
    {
        var limit = emulator.Options.CloudWatchRequestsPerSecond;
        if (limit <= 0)
        {
            return;
        }

        var now = emulator.Options.TimeProvider.GetUtcNow();
        var window = emulator.CloudWatchWindow;
        lock (window)
        {
            while (window.Count > 0 && now - window.Peek() >= TimeSpan.FromSeconds(1))
            {
                window.Dequeue();
            }

            if (window.Count >= limit)
            {
                throw new CloudWatchRefusal("Throttling", "Rate exceeded");
            }

            window.Enqueue(now);
        }
    }

    /// <summary>The query protocol's flat parameters as the JSON protocol's tree (every leaf a string; lists from <c>.member.N</c>).</summary>
    private static JsonObject FromQuery(IReadOnlyCollection<KeyValuePair<string, string>> parameters)
    {
        var input = new JsonObject();
        foreach (var name in parameters.Select(p => p.Key.Split('.')[0]).Where(n => n is not ("Action" or "Version")).Distinct(StringComparer.Ordinal))
        {
            input[name] = QueryNode.Parse(parameters, name)?.ToJson(null);
        }

        return input;
    }

    /// <summary>The answer as AWS JSON 1.0 writes it: timestamps as epoch seconds.</summary>
    private static JsonNode? ToJson(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Where(m => m.Value is not null).Select(m => KeyValuePair.Create(m.Key, ToJson(m.Value!)))),
        JsonArray a => new JsonArray([.. a.Select(ToJson)]),
        JsonValue v when v.TryGetValue<string>(out var text) => JsonValue.Create(text),
        JsonValue v when v.TryGetValue<DateTimeOffset>(out var time) => JsonValue.Create(time.ToUnixTimeMilliseconds() / 1000.0),
        JsonValue v => v.DeepClone(),
        _ => null,
    };

    /// <summary>The members of an answer as the query protocol writes them: lists as <c>member</c> elements, timestamps in ISO 8601.</summary>
    private static IEnumerable<XElement> ToXml(JsonObject structure) =>
        structure.Where(m => m.Value is not null).Select(m => new XElement(Namespace + m.Key, ToXmlContent(m.Value!)));

    private static object ToXmlContent(JsonNode node) => node switch
    {
        JsonObject o => ToXml(o),
        JsonArray a => a.Where(i => i is not null).Select(i => new XElement(Namespace + "member", ToXmlContent(i!))),
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        JsonValue v when v.TryGetValue<DateTimeOffset>(out var time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        JsonValue v when v.TryGetValue<double>(out var number) => number.ToString("R", CultureInfo.InvariantCulture),
        JsonValue v when v.TryGetValue<bool>(out var flag) => flag ? "true" : "false",
        JsonValue v => v.ToString(),
        _ => string.Empty,
    };
}
