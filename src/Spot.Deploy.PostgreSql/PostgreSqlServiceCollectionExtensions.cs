using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Spot.Deploy.PostgreSql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Makes the journal and app lock of <c>AddSpotDeploy</c> one <see cref="PostgreSqlDeploymentStore"/>.</summary>
public static class PostgreSqlServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="PostgreSqlDeploymentStore"/> (a singleton) as <see cref="IDeploymentJournal"/> and
    /// <see cref="IAppLock"/>, replacing the file journal and lock of <c>AddSpotDeploy</c>; call it before or after.
    /// The store uses the registered <see cref="TimeProvider"/> and <see cref="ILoggerFactory"/> when there are.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options (at least <see cref="PostgreSqlStoreOptions.ConnectionString"/>).</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentException">The options are invalid (checked here, once).</exception>
    public static IServiceCollection UsePostgreSql(this IServiceCollection services, Action<PostgreSqlStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new PostgreSqlStoreOptions();
        configure(options);
        options.Validate();
        services.Replace(ServiceDescriptor.Singleton(sp => new PostgreSqlDeploymentStore(options, sp.GetService<TimeProvider>(), sp.GetService<ILoggerFactory>())));
        services.Replace(ServiceDescriptor.Singleton<IDeploymentJournal>(sp => sp.GetRequiredService<PostgreSqlDeploymentStore>()));
        services.Replace(ServiceDescriptor.Singleton<IAppLock>(sp => sp.GetRequiredService<PostgreSqlDeploymentStore>()));
        return services;
    }

    /// <summary>
    /// Registers the store as <see cref="UsePostgreSql(IServiceCollection, Action{PostgreSqlStoreOptions})"/> does, with the
    /// connection string at <see cref="PostgreSqlStoreOptions.ConfigurationKey"/> of <paramref name="configuration"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="InvalidOperationException">The key is not set.</exception>
    public static IServiceCollection UsePostgreSql(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = PostgreSqlStoreOptions.FromConfiguration(configuration).ConnectionString;
        return services.UsePostgreSql(o => o.ConnectionString = connectionString);
    }
}
