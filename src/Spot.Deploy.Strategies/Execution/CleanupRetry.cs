using System.Globalization;
using System.Text.Json.Nodes;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Resilience;

namespace Spot.Deploy.Strategies.Execution;

/// <summary>
/// A clean-up step outlasts transient errors (a 429 storm longer than the client's retries, a 5xx spell): it is tried
/// again after about 30 s, 1, 2, 4 and 8 minutes (jittered) before the failure surfaces. Each re-run is the operation's
/// checking form, so a delete that happened after all is found done, never sent twice.
/// </summary>
internal static class CleanupRetry
{
    private const int Retries = 5;
    private static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxPause = TimeSpan.FromMinutes(8);

    public static async Task<JsonObject?> PerformAsync(OperationContext context, Operation operation, bool retry, CancellationToken cancellationToken)
    {
        var attempts = 0;
        var retrying = new VerifiedRetry(Retries, FirstPause, MaxPause, context.Time, IsTransient);
        var data = await retrying.ExecuteAsync(
            async token =>
            {
                attempts++;
                return await operation.PerformAsync(context, retry || attempts > 1, token).ConfigureAwait(false) ?? [];
            },
            _ => Task.FromResult<JsonObject?>(null),
            (e, attempt) => context.LogWarning(string.Create(CultureInfo.InvariantCulture, $"Clean-up step {operation.Id} failed (attempt {attempt}), trying again: {e.Message}")),
            cancellationToken).ConfigureAwait(false);
        if (attempts > 1)
        {
            context.Warn(string.Create(CultureInfo.InvariantCulture, $"Clean-up step {operation.Id} ({operation.Description}) succeeded at attempt {attempts}."));
        }

        return data;
    }

    internal static bool IsTransient(Exception e) => e switch
    {
        SpotApiException spot => spot.IsTransient || spot.IsRateLimited || spot.IsTimeout,
        AwsApiException aws => aws.IsTransient || aws.IsThrottling || aws.IsTimeout,
        TimeoutException or HttpRequestException => true,
        _ => false,
    };
}
