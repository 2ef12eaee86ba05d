using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Spot.Deploy.Emulator;

/// <summary>
/// SSM (AWS JSON 1.1 protocol: <c>POST /</c>, <c>X-Amz-Target: AmazonSSM.{Operation}</c>, JSON bodies) under
/// <see cref="SpotDeployEmulator.SsmPrefix"/>: <c>GetParameter</c> and <c>GetParameters</c> over the seeded parameters,
/// with versions (<c>name:3</c>) and labels (<c>name:prod</c>), answered and refused as SSM does.
/// </summary>
internal static class SsmApi
{
    internal const string ContentType = "application/x-amz-json-1.1";
    private const string TargetPrefix = "AmazonSSM.";
    private const int MaxNamesPerCall = 10;

    internal static void Map(WebApplication app, SpotDeployEmulator emulator)
    {
        RequestDelegate handler = context => HandleAsync(context, emulator);
        app.MapPost(SpotDeployEmulator.SsmPrefix, handler);
    }

    /// <summary>The operation named by <c>X-Amz-Target</c> (<c>AmazonSSM.GetParameter</c> → <c>GetParameter</c>), or null.</summary>
    internal static string? OperationOf(HttpRequest request)
    {
        var target = request.Headers["X-Amz-Target"].ToString();
        return target.StartsWith(TargetPrefix, StringComparison.Ordinal) ? target[TargetPrefix.Length..] : null;
    }

    /// <summary>An SSM error: HTTP status and <c>{"__type": code, "message": …}</c>.</summary>
    internal static Task WriteErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        var body = new JsonObject { ["__type"] = code, ["message"] = message };
        return context.Response.WriteAsync(body.ToJsonString(), Encoding.UTF8, context.RequestAborted);
    }

    private static async Task HandleAsync(HttpContext context, SpotDeployEmulator emulator)
    {
        JsonObject? input;
        try
        {
            input = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false) as JsonObject;
        }
        catch (JsonException)
        {
            input = null;
        }

        if (input is null)
        {
            await WriteErrorAsync(context, 400, "SerializationException", "The request body is not a JSON object.").ConfigureAwait(false);
            return;
        }

        var decrypt = input["WithDecryption"] is JsonValue flag && flag.TryGetValue<bool>(out var d) && d;
        var state = emulator.State;
        var answer = OperationOf(context.Request) switch
        {
            "GetParameter" => GetParameter(state, input["Name"] is JsonValue name && name.TryGetValue<string>(out var n) ? n : null, decrypt),
            "GetParameters" => GetParameters(state, input["Names"] as JsonArray, decrypt),
            null => new SsmAnswer(400, null, "MissingAction", "The request must name its operation in X-Amz-Target (AmazonSSM.GetParameter …)."),
            var other => new SsmAnswer(400, null, "UnknownOperationException", $"The operation {other} is not supported by the emulator."),
        };
        if (answer.Body is null)
        {
            await WriteErrorAsync(context, answer.Status, answer.Code!, answer.Message!).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = ContentType;
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await context.Response.WriteAsync(answer.Body.ToJsonString(), Encoding.UTF8, context.RequestAborted).ConfigureAwait(false);
    }

    private static SsmAnswer GetParameter(EmulatorState state, string? name, bool decrypt)
    {
        if (string.IsNullOrEmpty(name))
        {
            return new SsmAnswer(400, null, "ValidationException", "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null");
        }

        var found = Find(state, name, decrypt, out var error);
        return found is null ? error! : new SsmAnswer(200, new JsonObject { ["Parameter"] = found }, null, null);
    }

    private static SsmAnswer GetParameters(EmulatorState state, JsonArray? names, bool decrypt)
    {
        if (names is null || names.Count is 0 or > MaxNamesPerCall)
        {
            return new SsmAnswer(400, null, "ValidationException",
                $"1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length less than or equal to {MaxNamesPerCall} and greater than or equal to 1");
        }

        var parameters = new JsonArray();
        var invalid = new JsonArray();
        foreach (var name in names.Select(n => n?.GetValue<string>() ?? string.Empty).Distinct(StringComparer.Ordinal))
        {
            var found = Find(state, name, decrypt, out var error);
            if (found is not null)
            {
                parameters.Add(found);
            }
            else if (error!.Code is "ParameterNotFound" or "ParameterVersionNotFound" or "ValidationException")
            {
                invalid.Add(name);
            }
            else
            {
                return error;
            }
        }

        return new SsmAnswer(200, new JsonObject { ["Parameters"] = parameters, ["InvalidParameters"] = invalid }, null, null);
    }

    /// <summary>The parameter document for <c>name</c>, <c>name:version</c> or <c>name:label</c>, or null with the error SSM gives.</summary>
    private static JsonObject? Find(EmulatorState state, string requested, bool decrypt, out SsmAnswer? error)
    {
        error = null;
        var colon = requested.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? requested : requested[..colon];
        var selector = colon < 0 ? null : requested[(colon + 1)..];
        if (!EmulatorState.ParameterNamePattern().IsMatch(name) || selector is { Length: 0 })
        {
            error = new SsmAnswer(400, null, "ValidationException", $"Parameter name: '{requested}' is not valid.");
            return null;
        }

        var versions = state.ParameterVersions(name);
        if (versions.Count == 0)
        {
            error = new SsmAnswer(400, null, "ParameterNotFound", string.Empty);
            return null;
        }

        SsmParameterVersion? chosen;
        if (selector is null)
        {
            chosen = versions[^1];
        }
        else if (long.TryParse(selector, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            chosen = versions.FirstOrDefault(v => v.Version == number);
        }
        else
        {
            chosen = versions.FirstOrDefault(v => v.Labels.Contains(selector, StringComparer.Ordinal));
        }

        if (chosen is null)
        {
            error = new SsmAnswer(400, null, "ParameterVersionNotFound",
                $"Systems Manager could not find version {selector} of {name}. Verify the version and try again.");
            return null;
        }

        if (decrypt && chosen.KeyId is { } key && !state.IsKnownKey(key))
        {
            error = new SsmAnswer(400, null, "InvalidKeyId", "The query key ID isn't valid.");
            return null;
        }

        var value = chosen.KeyId is not null && !decrypt
            ? Convert.ToBase64String(Encoding.UTF8.GetBytes("kms:" + chosen.KeyId + ":" + chosen.Version.ToString(CultureInfo.InvariantCulture)))
            : chosen.Value;
        var document = new JsonObject
        {
            ["Name"] = chosen.Name,
            ["Type"] = chosen.Type,
            ["Value"] = value,
            ["Version"] = chosen.Version,
            ["LastModifiedDate"] = chosen.LastModified.ToUnixTimeMilliseconds() / 1000.0,
            ["ARN"] = $"arn:aws:ssm:{state.Options.Region}:{state.Options.AwsAccountId}:parameter{(name.StartsWith('/') ? name : "/" + name)}",
            ["DataType"] = chosen.DataType,
        };
        if (selector is not null)
        {
            document["Selector"] = ":" + selector;
        }

        return document;
    }

    private sealed record SsmAnswer(int Status, JsonObject? Body, string? Code, string? Message);
}
