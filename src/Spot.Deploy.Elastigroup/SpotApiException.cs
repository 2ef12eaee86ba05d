using System.Globalization;
using System.Net;
using System.Text;

namespace Spot.Deploy.Elastigroup;

/// <summary>One error Spot reported in <c>response.errors[]</c>.</summary>
/// <param name="Code">Spot's error code, e.g. <c>GROUP_DOESNT_EXIST</c>; may be null.</param>
/// <param name="Message">Spot's message.</param>
/// <param name="Field">The request field the error is about, when Spot names one.</param>
public sealed record SpotError(string? Code, string? Message, string? Field = null);

/// <summary>
/// A call to Spot's API failed. Carries the HTTP status, every error Spot reported, the request id,
/// the method and the route — never the token.
/// </summary>
public class SpotApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SpotApiException(HttpStatusCode statusCode, IReadOnlyList<SpotError> errors, string? requestId, string method, string route, Exception? innerException = null)
        : base(Describe(statusCode, errors, requestId, method, route), innerException)
    {
        StatusCode = statusCode;
        Errors = errors ?? [];
        RequestId = requestId;
        Method = method;
        Route = route;
    }

    /// <summary>Creates the exception with a message only (prefer the full constructor).</summary>
    public SpotApiException()
        : this("The Spot API call failed.")
    {
    }

    /// <summary>Creates the exception with a message only (prefer the full constructor).</summary>
    public SpotApiException(string message)
        : this(message, null)
    {
    }

    /// <summary>Creates the exception with a message and a cause (prefer the full constructor).</summary>
    public SpotApiException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Errors = [];
        Method = string.Empty;
        Route = string.Empty;
    }

    /// <summary>The HTTP status of the answer (0 when none came: a timeout or a broken connection).</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>Every error Spot reported (may be empty, e.g. for a 429).</summary>
    public IReadOnlyList<SpotError> Errors { get; }

    /// <summary>Spot's request id (<c>request.id</c>), for support tickets.</summary>
    public string? RequestId { get; }

    /// <summary>The HTTP method of the call.</summary>
    public string Method { get; }

    /// <summary>The path that was called, without the query (so no account id either).</summary>
    public string Route { get; }

    /// <summary>The first error code, if any.</summary>
    public string? ErrorCode => Errors.Count > 0 ? Errors[0].Code : null;

    /// <summary>True when the group (or other resource) does not exist: HTTP 404 or a <c>*_DOESNT_EXIST</c> / <c>*_NOT_FOUND</c> code.</summary>
    public bool IsNotFound => this is SpotNotFoundException;

    /// <summary>True for HTTP 429.</summary>
    public bool IsRateLimited => StatusCode == HttpStatusCode.TooManyRequests;

    /// <summary>True when no answer came in time (the attempt timed out).</summary>
    public bool IsTimeout => InnerException is TimeoutException;

    /// <summary>
    /// True when repeating the call may succeed: a timeout, a broken connection (no status), HTTP 429
    /// or a 5xx.
    /// </summary>
    public bool IsTransient => StatusCode == 0 || IsRateLimited || (int)StatusCode >= 500;

    /// <summary>How long Spot asked to wait (<c>X-RateLimit-Reset</c> on a 429), when it said.</summary>
    public TimeSpan? RetryAfter { get; internal init; }

    private static string Describe(HttpStatusCode statusCode, IReadOnlyList<SpotError>? errors, string? requestId, string method, string route)
    {
        var text = new StringBuilder()
            .Append("Spot API ").Append(method).Append(' ').Append(route).Append(" failed");
        if (statusCode != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" with HTTP {(int)statusCode} ({statusCode})");
        }

        if (errors is { Count: > 0 })
        {
            text.Append(": ");
            for (var i = 0; i < errors.Count; i++)
            {
                if (i > 0)
                {
                    text.Append("; ");
                }

                var error = errors[i];
                text.Append(error.Code ?? "ERROR").Append(' ').Append(error.Message);
                if (error.Field is not null)
                {
                    text.Append(" (field ").Append(error.Field).Append(')');
                }
            }
        }

        if (requestId is not null)
        {
            text.Append(" [request id ").Append(requestId).Append(']');
        }

        return text.ToString();
    }
}

/// <summary>The group (or other resource) does not exist: HTTP 404, or HTTP 400 with <c>GROUP_DOESNT_EXIST</c>.</summary>
public sealed class SpotNotFoundException : SpotApiException
{
    /// <summary>Creates the exception.</summary>
    public SpotNotFoundException(HttpStatusCode statusCode, IReadOnlyList<SpotError> errors, string? requestId, string method, string route)
        : base(statusCode, errors, requestId, method, route)
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public SpotNotFoundException()
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public SpotNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public SpotNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Spot refused the token (HTTP 401 or 403).</summary>
public sealed class SpotAuthenticationException : SpotApiException
{
    /// <summary>Creates the exception.</summary>
    public SpotAuthenticationException(HttpStatusCode statusCode, IReadOnlyList<SpotError> errors, string? requestId, string method, string route)
        : base(statusCode, errors, requestId, method, route)
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public SpotAuthenticationException()
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public SpotAuthenticationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public SpotAuthenticationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Maps an HTTP status and Spot's error codes to the exception type: the one table.</summary>
internal static class SpotExceptionMap
{
    internal static SpotApiException Create(HttpStatusCode status, IReadOnlyList<SpotError> errors, string? requestId, string method, string route, TimeSpan? retryAfter = null)
    {
        if (status == HttpStatusCode.NotFound || errors.Any(e => IsNotFoundCode(e.Code)))
        {
            return new SpotNotFoundException(status, errors, requestId, method, route) { RetryAfter = retryAfter };
        }

        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return new SpotAuthenticationException(status, errors, requestId, method, route) { RetryAfter = retryAfter };
        }

        return new SpotApiException(status, errors, requestId, method, route) { RetryAfter = retryAfter };
    }

    private static bool IsNotFoundCode(string? code) =>
        code is not null && (code.EndsWith("_DOESNT_EXIST", StringComparison.Ordinal) || code.EndsWith("_NOT_FOUND", StringComparison.Ordinal));
}
