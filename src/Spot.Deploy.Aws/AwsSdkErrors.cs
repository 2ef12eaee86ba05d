using System.Globalization;
using Amazon.Runtime;

namespace Spot.Deploy.Aws;

/// <summary>
/// Runs one AWS SDK for .NET call and turns its failures into the package's <see cref="AwsApiException"/>
/// (status, AWS error code and message, request id, service, action; the SDK's exception as the cause),
/// so callers see one exception family whichever way a call was sent. Cancellation by the caller passes through.
/// </summary>
internal static class AwsSdkErrors
{
    internal static async Task<T> CallAsync<T>(string service, string action, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var activity = AwsDiagnostics.ActivitySource.StartActivity("AWS " + service + " " + action, System.Diagnostics.ActivityKind.Client);
        activity?.SetTag("rpc.system", "aws-api");
        activity?.SetTag("rpc.service", service);
        activity?.SetTag("rpc.method", action);
        try
        {
            return await call(cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonServiceException e) when (e.StatusCode != 0 || e.ErrorCode is not null)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.ErrorCode);
            throw new AwsApiException(e.StatusCode, e.ErrorCode, e.Message, e.RequestId, service, action, e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // The SDK's own attempt timeout (ClientConfig.Timeout), not the caller's cancellation.
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "timeout");
            throw new AwsApiException(0, null, null, null, service, action, new TimeoutException("No answer in time.", e));
        }
        catch (Exception e) when (e is HttpRequestException or AmazonServiceException or IOException)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "connection failed");
            var reason = e is HttpRequestException http ? http.HttpRequestError.ToString() : e.GetType().Name;
            throw new AwsApiException(0, null, string.Create(CultureInfo.InvariantCulture, $"The connection failed: {reason}"), null, service, action, e);
        }
    }
}
