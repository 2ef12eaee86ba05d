using System.Globalization;
using System.Net;

namespace Spot.Deploy.Aws;

/// <summary>
/// A call to an AWS service (EC2, ELBv2, SSM, CloudWatch) failed. Carries the HTTP status, AWS's error code and message, the request
/// id (EC2 <c>RequestID</c>, ELBv2 <c>RequestId</c>) and the action — never credentials.
/// </summary>
public class AwsApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AwsApiException(HttpStatusCode statusCode, string? errorCode, string? errorMessage, string? requestId, string service, string action, Exception? innerException = null)
        : base(Describe(statusCode, errorCode, errorMessage ?? (innerException as TimeoutException)?.Message, requestId, service, action), innerException)
    {
        StatusCode = statusCode;
        ErrorCode = errorCode;
        ErrorMessage = errorMessage;
        RequestId = requestId;
        Service = service;
        Action = action;
    }

    /// <summary>Creates the exception with a message only (prefer the full constructor).</summary>
    public AwsApiException()
        : this("The AWS call failed.")
    {
    }

    /// <summary>Creates the exception with a message only (prefer the full constructor).</summary>
    public AwsApiException(string message)
        : this(message, null)
    {
    }

    /// <summary>Creates the exception with a message and a cause (prefer the full constructor).</summary>
    public AwsApiException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Service = string.Empty;
        Action = string.Empty;
    }

    /// <summary>The HTTP status (0 when no answer came: a timeout or a broken connection).</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>AWS's error code, e.g. <c>InvalidAMIID.Malformed</c>, <c>Throttling</c>, <c>ListenerNotFound</c>.</summary>
    public string? ErrorCode { get; }

    /// <summary>AWS's error message.</summary>
    public string? ErrorMessage { get; }

    /// <summary>AWS's request id, for support cases.</summary>
    public string? RequestId { get; }

    /// <summary><c>ec2</c>, <c>elasticloadbalancing</c>, <c>ssm</c> or <c>monitoring</c> (CloudWatch).</summary>
    public string Service { get; }

    /// <summary>The action, e.g. <c>DescribeImages</c>.</summary>
    public string Action { get; }

    /// <summary>True when no answer came in time.</summary>
    public bool IsTimeout => InnerException is TimeoutException;

    /// <summary>True for throttling: EC2 <c>RequestLimitExceeded</c> (often HTTP 503), ELBv2 <c>Throttling</c> (HTTP 400), and similar codes.</summary>
    public bool IsThrottling => ErrorCode is "RequestLimitExceeded" or "Throttling" or "ThrottlingException" or "TooManyRequestsException" or "RequestThrottled" or "SlowDown"
        || StatusCode == HttpStatusCode.TooManyRequests;

    /// <summary>True when repeating the call may succeed: throttling, 5xx, a timeout or a broken connection.</summary>
    public bool IsTransient => IsThrottling || StatusCode == 0 || (int)StatusCode >= 500;

    private static string Describe(HttpStatusCode statusCode, string? errorCode, string? errorMessage, string? requestId, string service, string action)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"AWS {service} {action} failed");
        if (statusCode != 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" with HTTP {(int)statusCode}");
        }

        if (errorCode is not null || errorMessage is not null)
        {
            text += ": " + string.Join(' ', new[] { errorCode, errorMessage }.Where(part => part is not null));
        }

        if (requestId is not null)
        {
            text += " [request id " + requestId + "]";
        }

        return text;
    }
}
