using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Spot.Deploy.Emulator;

/// <summary>
/// <c>GET /_emulator/stats</c>: counts from <see cref="SpotDeployEmulator.Calls"/> and the rate limit in force, for tests
/// and reports that run the emulator as another process (<c>spot-deploy emulator</c>) and cannot read its call log. Not a
/// Spot or AWS route: it needs no credentials and is neither limited, faulted nor logged.
/// </summary>
internal static class EmulatorStatsApi
{
    /// <summary>The path prefix of the emulator's own endpoints.</summary>
    internal const string Prefix = "/_emulator";

    internal static void Map(WebApplication app, SpotDeployEmulator emulator) =>
        app.MapGet(Prefix + "/stats", (HttpContext context) =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(Stats(emulator).ToJsonString(), context.RequestAborted);
        });

    /// <summary><c>{"spot":{"calls":n,"rateLimited":n},"aws":{"calls":n},"rateLimit":{"requestsPerWindow":n,"windowSeconds":s,"scope":"account"}}</c>.</summary>
    internal static JsonObject Stats(SpotDeployEmulator emulator)
    {
        var calls = emulator.Calls.All;
        var options = emulator.Options;
        return new JsonObject
        {
            ["spot"] = new JsonObject
            {
                ["calls"] = calls.Count(c => c.Service == "spot"),
                ["rateLimited"] = calls.Count(c => c.Service == "spot" && c.Status == StatusCodes.Status429TooManyRequests),
            },
            ["aws"] = new JsonObject { ["calls"] = calls.Count(c => c.Service != "spot") },
            ["rateLimit"] = new JsonObject
            {
                ["requestsPerWindow"] = options.SpotRequestsPerMinute,
                ["windowSeconds"] = options.SpotRateLimitWindow.TotalSeconds,
                ["scope"] = options.SpotRateLimitScope == SpotRateLimitScope.Account ? "account" : "route",
            },
        };
    }
}
