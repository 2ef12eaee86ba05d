using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Spot.Deploy.Emulator;

/// <summary>What calls share one window of <see cref="EmulatorOptions.SpotRequestsPerMinute"/>.</summary>
public enum SpotRateLimitScope
{
    /// <summary>Each route × method has its own window, as Spot documents its limit (per organisation × route × method).</summary>
    Route,

    /// <summary>Every Spot call of the account shares one window: the strictest reading, for testing many runners on one account.</summary>
    Account,
}

/// <summary>
/// The emulator's Spot rate limit: sliding windows of <see cref="EmulatorOptions.SpotRateLimitWindow"/> keyed by route ×
/// method or by account (<see cref="EmulatorOptions.SpotRateLimitScope"/>). Every Spot answer carries
/// <c>X-RateLimit-Limit</c>, <c>X-RateLimit-Remaining</c> and <c>X-RateLimit-Reset</c> (seconds until a call leaves the
/// window); a call over the limit is refused with 429 and not counted.
/// </summary>
internal sealed class SpotRateLimit
{
    private readonly Dictionary<string, Queue<DateTimeOffset>> _windows = new(StringComparer.Ordinal);
    private readonly EmulatorOptions _options;

    internal SpotRateLimit(EmulatorOptions options) => _options = options;

    /// <summary>Counts the call if the window has room and sets the headers; returns the 429 to answer when it has none.</summary>
    /// <param name="context">The call; its response gets the headers.</param>
    /// <param name="route">The route template (ids replaced), for <see cref="SpotRateLimitScope.Route"/>.</param>
    internal Func<HttpContext, Task>? Check(HttpContext context, string route)
    {
        var limit = _options.SpotRequestsPerMinute;
        if (limit <= 0)
        {
            return null;
        }

        var key = _options.SpotRateLimitScope == SpotRateLimitScope.Account ? _options.AccountId : context.Request.Method + " " + route;
        var window = _options.SpotRateLimitWindow;
        var now = _options.TimeProvider.GetUtcNow();
        int remaining;
        int resetSeconds;
        lock (_windows)
        {
            if (!_windows.TryGetValue(key, out var calls))
            {
                _windows[key] = calls = new Queue<DateTimeOffset>();
            }

            while (calls.Count > 0 && now - calls.Peek() >= window)
            {
                calls.Dequeue();
            }

            if (calls.Count >= limit)
            {
                var reset = SecondsUntil(calls.Peek() + window - now);
                return c => SpotErrors.WriteRateLimitedAsync(c, limit, reset);
            }

            calls.Enqueue(now);
            remaining = limit - calls.Count;
            resetSeconds = SecondsUntil(calls.Peek() + window - now);
        }

        var headers = context.Response.Headers;
        headers["X-RateLimit-Limit"] = limit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = resetSeconds.ToString(CultureInfo.InvariantCulture);
        return null;
    }

    /// <summary>Whole seconds, rounded up and at least 1: a client that waits them finds room.</summary>
    private static int SecondsUntil(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
}
