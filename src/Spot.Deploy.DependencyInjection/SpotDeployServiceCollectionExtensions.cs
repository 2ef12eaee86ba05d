using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spot.Deploy.Elastigroup;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Spot.Deploy services in an <see cref="IServiceCollection"/>.</summary>
public static class SpotDeployServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> the Elastigroup client uses (configure it further with <c>AddHttpClient(name)</c>).</summary>
    public const string ElastigroupHttpClientName = "Spot.Deploy.Elastigroup";

    /// <summary>
    /// Registers <see cref="IElastigroupClient"/> (and <see cref="ElastigroupClient"/>) over
    /// <see cref="IHttpClientFactory"/>, with options validated when first resolved. Token and account
    /// default to <c>SPOTINST_TOKEN</c> / <c>SPOTINST_ACCOUNT</c>. All clients of the container share
    /// one <see cref="SpotRateLimiter"/>, so concurrent deployments stay under Spot's limit together.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets options in code; may be null.</param>
    /// <returns>The builder of the named <see cref="HttpClient"/>, for handlers or settings of your own.</returns>
    public static IHttpClientBuilder AddSpotElastigroupClient(this IServiceCollection services, Action<ElastigroupClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ElastigroupClientOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(services);
    }

    /// <summary>
    /// Registers <see cref="IElastigroupClient"/> with options bound from a configuration section
    /// (e.g. <c>"Spot:Elastigroup"</c> with <c>BaseAddress</c>, <c>AccountId</c>, <c>Token</c>,
    /// <c>MaxRetries</c>, <c>AttemptTimeout</c>, <c>RequestsPerMinutePerRoute</c> …).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section to bind.</param>
    /// <param name="configure">Further settings in code, applied after binding; may be null.</param>
    /// <returns>The builder of the named <see cref="HttpClient"/>.</returns>
    public static IHttpClientBuilder AddSpotElastigroupClient(this IServiceCollection services, IConfiguration configuration, Action<ElastigroupClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<ElastigroupClientOptions>().Bind(configuration);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(services);
    }

    private static IHttpClientBuilder AddCore(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ElastigroupClientOptions>, ElastigroupClientOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ElastigroupClientOptions>>().Value;
            return new SpotRateLimiter(options.RequestsPerMinutePerRoute, sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddTransient<IElastigroupClient>(sp => sp.GetRequiredService<ElastigroupClient>());
        services.TryAddTransient(sp =>
        {
            var configured = sp.GetRequiredService<IOptions<ElastigroupClientOptions>>().Value;
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(ElastigroupHttpClientName);
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger<ElastigroupClient>();
            var options = Copy(configured);
            options.RateLimiter ??= sp.GetRequiredService<SpotRateLimiter>();
            if (ReferenceEquals(options.TimeProvider, TimeProvider.System))
            {
                options.TimeProvider = sp.GetRequiredService<TimeProvider>();
            }

            return new ElastigroupClient(http, options, logger);
        });
        services.AddLogging();
        return services.AddHttpClient(ElastigroupHttpClientName);
    }

    private static ElastigroupClientOptions Copy(ElastigroupClientOptions o) => new()
    {
        BaseAddress = o.BaseAddress,
        Token = o.Token,
        AccountId = o.AccountId,
        AttemptTimeout = o.AttemptTimeout,
        MaxRetries = o.MaxRetries,
        RetryBaseDelay = o.RetryBaseDelay,
        MaxRetryDelay = o.MaxRetryDelay,
        RequestsPerMinutePerRoute = o.RequestsPerMinutePerRoute,
        RateLimiter = o.RateLimiter,
        TimeProvider = o.TimeProvider,
        RandomSeed = o.RandomSeed,
        UserAgentSuffix = o.UserAgentSuffix,
    };

    /// <summary>Runs <see cref="ElastigroupClientOptions.Validate"/> (after the environment defaults) when options are first used.</summary>
    private sealed class ElastigroupClientOptionsValidator : IValidateOptions<ElastigroupClientOptions>
    {
        public ValidateOptionsResult Validate(string? name, ElastigroupClientOptions options)
        {
            var copy = Copy(options);
            copy.Token ??= Environment.GetEnvironmentVariable(ElastigroupClientOptions.TokenVariable);
            copy.AccountId ??= Environment.GetEnvironmentVariable(ElastigroupClientOptions.AccountVariable);
            try
            {
                copy.Validate();
                return ValidateOptionsResult.Success;
            }
            catch (ArgumentException e)
            {
                return ValidateOptionsResult.Fail(e.Message);
            }
        }
    }
}
