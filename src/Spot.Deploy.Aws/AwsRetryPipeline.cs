using System.Globalization;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Spot.Deploy.Aws;

/// <summary>
/// The retry pipeline of every AWS call the project sends or makes the AWS SDK send: jittered exponential backoff from
/// <see cref="AwsConnectionOptions.RetryBaseDelay"/> to <see cref="AwsConnectionOptions.MaxRetryDelay"/>, at most
/// <see cref="AwsConnectionOptions.MaxRetries"/> retries, waiting on the connection's <see cref="TimeProvider"/>,
/// each retry logged (EventId 1102) with the action the context names.
/// </summary>
internal static class AwsRetryPipeline
{
    /// <summary>The action ("ec2 DescribeImages") a retry log names.</summary>
    internal static readonly ResiliencePropertyKey<string> ActionKey = new("aws.action");

    internal static Random RandomOf(AwsConnectionOptions options) => options.RandomSeed is { } seed ? new Random(seed) : new Random();

    internal static ResiliencePipeline Build(AwsConnectionOptions options, ILogger logger, Random random, Func<AwsApiException, bool> retryWhen)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = options.TimeProvider };
        if (options.MaxRetries == 0)
        {
            return builder.Build();
        }

        return builder.AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = options.MaxRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryBaseDelay,
            MaxDelay = options.MaxRetryDelay,
            Randomizer = () =>
            {
                lock (random)
                {
                    return random.NextDouble();
                }
            },
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is AwsApiException e && retryWhen(e)),
            OnRetry = args =>
            {
                if (args.Context.Properties.TryGetValue(ActionKey, out var action) && args.Outcome.Exception is AwsApiException e)
                {
                    Log.Retrying(logger, action, args.AttemptNumber + 1, (long)args.RetryDelay.TotalMilliseconds, e.ErrorCode ?? (e.IsTimeout ? "timeout" : e.StatusCode == 0 ? "connection failed" : ((int)e.StatusCode).ToString(CultureInfo.InvariantCulture)));
                }

                return default;
            },
        }).Build();
    }
}
