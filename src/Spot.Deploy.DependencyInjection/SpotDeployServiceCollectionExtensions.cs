using Amazon.EC2;
using Amazon.SimpleSystemsManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Strategies;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Spot.Deploy services in an <see cref="IServiceCollection"/>.</summary>
public static class SpotDeployServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> the Elastigroup client uses (configure it further with <c>AddHttpClient(name)</c>).</summary>
    public const string ElastigroupHttpClientName = "Spot.Deploy.Elastigroup";

    /// <summary>The name of the <see cref="HttpClient"/> the <see cref="AwsConnection"/> of <c>AddSpotDeploy</c> uses.</summary>
    public const string AwsHttpClientName = "Spot.Deploy.Aws";

    /// <summary>
    /// Registers everything deployments need, as singletons: <see cref="IElastigroupClient"/> (the client of
    /// <see cref="AddSpotElastigroupClient(IServiceCollection, Action{ElastigroupClientOptions}?)"/>, one shared
    /// instance), <see cref="AwsConnection"/> (when <see cref="SpotDeployOptions.Aws"/> is set or an <see cref="IAmazonEC2"/> is
    /// registered, e.g. by <c>AddAWSService&lt;IAmazonEC2&gt;()</c>: the AMI resolver then uses that client, and an
    /// <see cref="IAmazonSimpleSystemsManagement"/> too when there is one; the ELBv2 transport takes the region and
    /// credentials the connection's options leave unset from the registered <c>AWSOptions</c> or the <c>AWS</c> configuration section),
    /// <see cref="IDeploymentJournal"/> (a <see cref="FileDeploymentJournal"/> in <c>{StateDirectory}/journal</c>),
    /// <see cref="IAppLock"/> (<see cref="AppLocks.CreateDefault"/> on <c>{StateDirectory}/locks</c>),
    /// <see cref="TimeProvider"/> (the system clock unless one is registered), <see cref="DeploymentOptions"/>,
    /// <see cref="DeploymentServices"/> and <see cref="DeploymentRecovery"/>. A journal, lock or clock registered
    /// before this call is kept. Options are validated when a service is first resolved
    /// (<see cref="OptionsValidationException"/> naming every bad setting).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets options in code; may be null.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddSpotDeploy(this IServiceCollection services, Action<SpotDeployOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<SpotDeployOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddSpotDeployCore(services);
    }

    /// <summary>
    /// Registers what <see cref="AddSpotDeploy(IServiceCollection, Action{SpotDeployOptions}?)"/> does, with options
    /// bound from a configuration section, e.g. <c>"SpotDeploy"</c> with <c>StateDirectory</c>,
    /// <c>Elastigroup:AccountId</c>, <c>Elastigroup:Token</c>, <c>Aws:Region</c>, <c>Deployment:OnFailure</c>,
    /// <c>Deployment:SteadyState:Timeout</c> ….
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section to bind.</param>
    /// <param name="configure">Further settings in code, applied after binding; may be null.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddSpotDeploy(this IServiceCollection services, IConfiguration configuration, Action<SpotDeployOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<SpotDeployOptions>().Bind(configuration);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddSpotDeployCore(services);
    }

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

    private static IServiceCollection AddSpotDeployCore(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(SpotDeployMarker)))
        {
            return services;
        }

        services.AddSingleton<SpotDeployMarker>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SpotDeployOptions>, SpotDeployOptionsValidator>());

        // The client's settings come from SpotDeployOptions.Elastigroup; Configure<ElastigroupClientOptions> calls
        // registered later still apply on top.
        services.AddOptions<ElastigroupClientOptions>().Configure<IOptions<SpotDeployOptions>>((client, deploy) =>
        {
            if (deploy.Value.Elastigroup is { } configured)
            {
                CopyInto(configured, client);
            }
        });
        AddCore(services);

        // Deployments share one client (and so one rate limiter); a single instance whatever the order of calls.
        services.Replace(ServiceDescriptor.Singleton(CreateElastigroupClient));
        services.Replace(ServiceDescriptor.Singleton<IElastigroupClient>(sp => sp.GetRequiredService<ElastigroupClient>()));
        services.AddHttpClient(AwsHttpClientName);

        // Null when neither Aws options nor an IAmazonEC2 are there: GetService<AwsConnection>() then answers null.
        services.TryAddSingleton(sp => CreateAwsConnection(sp)!);
        services.TryAddSingleton<IDeploymentJournal>(sp => new FileDeploymentJournal(
            Path.Combine(sp.GetRequiredService<IOptions<SpotDeployOptions>>().Value.StateDirectory, "journal"),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => AppLocks.CreateDefault(Path.Combine(sp.GetRequiredService<IOptions<SpotDeployOptions>>().Value.StateDirectory, "locks")));
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<SpotDeployOptions>>().Value.Deployment);
        services.TryAddSingleton(sp => new DeploymentServices(
            sp.GetRequiredService<IElastigroupClient>(),
            sp.GetService<AwsConnection>(),
            sp.GetRequiredService<IDeploymentJournal>(),
            sp.GetRequiredService<IAppLock>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton(sp => new DeploymentRecovery(sp.GetRequiredService<DeploymentServices>(), sp.GetRequiredService<DeploymentOptions>()));
        return services;
    }

    private static AwsConnection? CreateAwsConnection(IServiceProvider sp)
    {
        var configured = sp.GetRequiredService<IOptions<SpotDeployOptions>>().Value.Aws;
        var ec2 = sp.GetService<IAmazonEC2>();
        if (configured is null && ec2 is null)
        {
            return null;
        }

        var options = configured is null ? new AwsConnectionOptions() : Copy(configured);
        AwsSdkOptions.FillFrom(options, AwsSdkOptions.Find(sp));
        if (ReferenceEquals(options.TimeProvider, TimeProvider.System))
        {
            options.TimeProvider = sp.GetRequiredService<TimeProvider>();
        }

        var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(AwsHttpClientName);
        return new AwsConnection(http, options, sp.GetRequiredService<ILoggerFactory>().CreateLogger<AwsConnection>(), ec2, sp.GetService<IAmazonSimpleSystemsManagement>());
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
        services.TryAddTransient(CreateElastigroupClient);
        services.AddLogging();
        return services.AddHttpClient(ElastigroupHttpClientName);
    }

    private static ElastigroupClient CreateElastigroupClient(IServiceProvider sp)
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
    }

    private static ElastigroupClientOptions Copy(ElastigroupClientOptions o)
    {
        var copy = new ElastigroupClientOptions();
        CopyInto(o, copy);
        return copy;
    }

    /// <summary>Every setting of <paramref name="source"/> onto <paramref name="target"/> (a test checks none is missed).</summary>
    internal static void CopyInto(ElastigroupClientOptions source, ElastigroupClientOptions target)
    {
        target.BaseAddress = source.BaseAddress;
        target.Token = source.Token;
        target.AccountId = source.AccountId;
        target.AttemptTimeout = source.AttemptTimeout;
        target.MaxRetries = source.MaxRetries;
        target.RetryBaseDelay = source.RetryBaseDelay;
        target.MaxRetryDelay = source.MaxRetryDelay;
        target.RateLimitedRetryTime = source.RateLimitedRetryTime;
        target.RequestsPerMinutePerRoute = source.RequestsPerMinutePerRoute;
        target.RateLimiter = source.RateLimiter;
        target.TimeProvider = source.TimeProvider;
        target.RandomSeed = source.RandomSeed;
        target.UserAgentSuffix = source.UserAgentSuffix;
    }

    /// <summary>A copy of every setting (a test checks none is missed).</summary>
    internal static AwsConnectionOptions Copy(AwsConnectionOptions o) => new()
    {
        Region = o.Region,
        AccessKeyId = o.AccessKeyId,
        SecretAccessKey = o.SecretAccessKey,
        SessionToken = o.SessionToken,
        Credentials = o.Credentials,
        AssumeRoleArn = o.AssumeRoleArn,
        ExternalId = o.ExternalId,
        RoleSessionName = o.RoleSessionName,
        Ec2Endpoint = o.Ec2Endpoint,
        ElasticLoadBalancingEndpoint = o.ElasticLoadBalancingEndpoint,
        SystemsManagementEndpoint = o.SystemsManagementEndpoint,
        CloudWatchEndpoint = o.CloudWatchEndpoint,
        CloudWatchRequestsPerSecond = o.CloudWatchRequestsPerSecond,
        AttemptTimeout = o.AttemptTimeout,
        MaxRetries = o.MaxRetries,
        RetryBaseDelay = o.RetryBaseDelay,
        MaxRetryDelay = o.MaxRetryDelay,
        TimeProvider = o.TimeProvider,
        RandomSeed = o.RandomSeed,
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

    /// <summary>Marks that <c>AddSpotDeploy</c> ran, so a second call adds nothing twice.</summary>
    private sealed class SpotDeployMarker;

    /// <summary>Checks every setting of <see cref="SpotDeployOptions"/> when first used and reports all bad ones.</summary>
    private sealed class SpotDeployOptionsValidator(IServiceProvider services) : IValidateOptions<SpotDeployOptions>
    {
        public ValidateOptionsResult Validate(string? name, SpotDeployOptions options)
        {
            var failures = new List<string>();
            if (string.IsNullOrWhiteSpace(options.StateDirectory))
            {
                failures.Add("SpotDeployOptions.StateDirectory is required (the directory for journals and locks).");
            }
            else if (!Path.IsPathFullyQualified(options.StateDirectory))
            {
                failures.Add($"SpotDeployOptions.StateDirectory must be an absolute path (was '{options.StateDirectory}'): every process must find the same journals and locks whatever its working directory.");
            }

            if (options.Elastigroup is null)
            {
                failures.Add("SpotDeployOptions.Elastigroup must not be null.");
            }

            if (options.Aws is { } aws)
            {
                var effective = Copy(aws);
                effective.Region ??= AwsSdkOptions.Find(services)?.Region?.SystemName
                    ?? Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION");
                Check(failures, "SpotDeployOptions.Aws", effective.Validate);
            }

            if (options.Deployment is null)
            {
                failures.Add("SpotDeployOptions.Deployment must not be null.");
            }
            else
            {
                Check(failures, "SpotDeployOptions.Deployment", options.Deployment.Validate);
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        private static void Check(List<string> failures, string prefix, Action validate)
        {
            try
            {
                validate();
            }
            catch (ArgumentException e)
            {
                // ArgumentOutOfRangeException appends the actual value on a second line: keep the first.
                failures.Add(prefix + ": " + e.Message.Split('\n')[0].TrimEnd());
            }
        }
    }
}
