using System.Globalization;
using System.Net.Http.Headers;

namespace Spot.Deploy.Elastigroup;

/// <summary>
/// What an answer says about Spot's rate limit: <c>X-RateLimit-Limit</c>, <c>X-RateLimit-Remaining</c> and
/// <c>X-RateLimit-Reset</c> (seconds until the window frees a call; a value that looks like a Unix time is turned into a
/// delay from now), else <c>Retry-After</c>. Each is null when absent or unreadable; a delay is never negative.
/// </summary>
internal readonly record struct SpotRateLimitHeaders(int? Limit, int? Remaining, TimeSpan? Reset)
{
    internal static SpotRateLimitHeaders Read(HttpResponseHeaders headers, DateTimeOffset now) =>
        new(Number(headers, "X-RateLimit-Limit"), Number(headers, "X-RateLimit-Remaining"), ResetOf(headers, now));

    private static int? Number(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) &&
        int.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : null;

    private static TimeSpan? ResetOf(HttpResponseHeaders headers, DateTimeOffset now)
    {
        if (headers.TryGetValues("X-RateLimit-Reset", out var values) &&
            double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            if (seconds > 1_000_000_000)
            {
                var until = DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000)) - now;
                return until > TimeSpan.Zero ? until : TimeSpan.Zero;
            }

            return TimeSpan.FromSeconds(seconds);
        }

        if (headers.RetryAfter is { } retryAfter)
        {
            var wait = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - now : TimeSpan.Zero);
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}
