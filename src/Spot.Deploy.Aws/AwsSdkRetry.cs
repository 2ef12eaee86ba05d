using Microsoft.Extensions.Logging;
using Polly;

namespace Spot.Deploy.Aws;

/// <summary>
/// How the AWS SDK for .NET calls of an <see cref="AmiResolver"/> are retried. The clients an
/// <see cref="AwsConnection"/> builds have the SDK's own retries turned off and are retried here instead, on the
/// connection's clock and settings and logged like the ELBv2 calls (so a test's virtual clock, and
/// <see cref="AwsConnectionOptions.RetryBaseDelay"/>, govern every AWS call alike). Clients the user supplies
/// (<c>AddAWSService&lt;IAmazonEC2&gt;()</c>) keep their own retry settings: <see cref="None"/>, never retries on top.
/// </summary>
internal sealed class AwsSdkRetry
{
    private readonly ResiliencePipeline _pipeline;

    private AwsSdkRetry(ResiliencePipeline pipeline) => _pipeline = pipeline;

    /// <summary>One attempt: the client retries as its own configuration says.</summary>
    public static AwsSdkRetry None { get; } = new(ResiliencePipeline.Empty);

    /// <summary>Transient failures (throttling, 5xx, timeouts, lost connections) retried: the calls made through it are reads.</summary>
    public static AwsSdkRetry ForReads(AwsConnectionOptions options, ILogger logger) =>
        new(AwsRetryPipeline.Build(options, logger, AwsRetryPipeline.RandomOf(options), static e => e.IsTransient));

    /// <summary>Runs <paramref name="call"/> (errors mapped by <see cref="AwsSdkErrors"/>) with this policy's retries.</summary>
    public async Task<T> RunAsync<T>(string service, string action, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(AwsRetryPipeline.ActionKey, service + " " + action);
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (ctx, state) => await AwsSdkErrors.CallAsync(state.service, state.action, state.call, ctx.CancellationToken).ConfigureAwait(false),
                context,
                (service, action, call)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
