using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Spot.Deploy.Emulator;

/// <summary>
/// <c>GET /emulator/calls[?after=N]</c>: the <see cref="CallLog"/> over HTTP, for tests and pipelines that run the emulator
/// as its own process and must see which calls reached it (for instance, that a runner sent no mutating call after a
/// point). Authenticated by the Spot token (<c>Authorization: Bearer …</c>); never logged, never faulted, never rate
/// limited. Answers <c>{"calls":[{"sequence":…,"time":…,"service":…,"method":…,"path":…,"action":…,"mutating":…,"status":…,"fault":…}]}</c>
/// in arrival order, only those with a sequence above <c>after</c> when given.
/// </summary>
internal static class CallLogApi
{
    public const string Path = "/emulator/calls";

    public static void Map(WebApplication app, SpotDeployEmulator emulator) =>
        app.MapGet(Path, (HttpContext context) => WriteAsync(context, emulator));

    private static Task WriteAsync(HttpContext context, SpotDeployEmulator emulator)
    {
        if (!string.Equals(context.Request.Headers.Authorization.ToString(), "Bearer " + emulator.Options.SpotToken, StringComparison.Ordinal))
        {
            return SpotErrors.WriteAsync(context, 401, "UNAUTHORIZED", "The token is missing or not valid.");
        }

        var after = long.TryParse(context.Request.Query["after"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var a) ? a : 0;
        var calls = new JsonArray();
        foreach (var call in emulator.Calls.All.Where(c => c.Sequence > after).OrderBy(c => c.Sequence))
        {
            calls.Add(new JsonObject
            {
                ["sequence"] = call.Sequence,
                ["time"] = call.Time.ToString("O", CultureInfo.InvariantCulture),
                ["service"] = call.Service,
                ["method"] = call.Method,
                ["path"] = call.Path,
                ["action"] = call.Action,
                ["mutating"] = call.IsMutating,
                ["status"] = call.Status,
                ["fault"] = call.Fault,
            });
        }

        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(new JsonObject { ["calls"] = calls }.ToJsonString(), context.RequestAborted);
    }
}
