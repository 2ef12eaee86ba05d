using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Spot.Deploy.PostgreSql;

/// <summary>
/// The deployment journal, the app lock and the deployment history of many runners, in one PostgreSQL schema. Use one
/// instance per process as both the <see cref="IDeploymentJournal"/> and the <see cref="IAppLock"/> of
/// <see cref="DeploymentServices"/>: the lock is a lease with a fencing token, renewed in the background while held, and
/// every journal write is refused (<see cref="LeaseLostException"/>) in the same transaction when the writer's lease has
/// expired or moved to another runner. Disposing the store stops renewing but releases nothing: leases it still holds
/// expire after <see cref="PostgreSqlStoreOptions.LeaseTime"/>, as they would if the process died.
/// </summary>
public sealed partial class PostgreSqlDeploymentStore : IDeploymentJournal, IAppLock, IDeploymentHistory, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly StoreSql _sql;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _description;
    private readonly string _runner;
    private readonly bool _migrate;
    private readonly ConcurrentDictionary<string, HeldLease> _leases = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    /// <summary>Creates a store using the system clock and no logging.</summary>
    /// <param name="options">The settings; validated here and copied.</param>
    public PostgreSqlDeploymentStore(PostgreSqlStoreOptions options)
        : this(options, null, null)
    {
    }

    /// <summary>Creates a store. It connects on first use, creating or migrating the schema then (unless <see cref="PostgreSqlStoreOptions.MigrateSchema"/> is false).</summary>
    /// <param name="options">The settings; validated here and copied.</param>
    /// <param name="timeProvider">The clock for journal entry times and for the renewal timer (lease expiry is judged by the database's clock); null for the system clock.</param>
    /// <param name="loggerFactory">Logging, or null.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public PostgreSqlDeploymentStore(PostgreSqlStoreOptions options, TimeProvider? timeProvider, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        SchemaName = options.Schema;
        LeaseTime = options.LeaseTime;
        RenewalInterval = options.RenewalInterval;
        _runner = options.Runner;
        _migrate = options.MigrateSchema;
        _description = options.ToString();
        _sql = new StoreSql(options.Schema);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Spot.Deploy.PostgreSql");
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= "spot-deploy";
        builder.UseLoggerFactory(loggerFactory ?? NullLoggerFactory.Instance);
        _dataSource = builder.Build();
    }

    /// <summary>The schema holding the tables.</summary>
    public string SchemaName { get; }

    /// <summary>How long a lease lasts without renewal.</summary>
    public TimeSpan LeaseTime { get; }

    /// <summary>How often held leases are renewed.</summary>
    public TimeSpan RenewalInterval { get; }

    /// <summary>Where the store connects, without the password.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => _description;

    /// <summary>Creates or migrates the schema now (otherwise done on first use), or checks its version when migration is off.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The schema version.</returns>
    /// <exception cref="InvalidOperationException">The schema is at another version than this package's and migration is off, or it is newer.</exception>
    /// <exception cref="NpgsqlException">The database could not be reached.</exception>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await _schemaGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var version = _migrate
                ? await SchemaMigrator.MigrateAsync(_dataSource, SchemaName, _logger, cancellationToken).ConfigureAwait(false)
                : await SchemaMigrator.CheckAsync(_dataSource, SchemaName, cancellationToken).ConfigureAwait(false);
            _schemaReady = true;
            return version;
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    /// <summary>Stops renewing the leases this store holds and closes its connections. Releases no lease: they expire by themselves.</summary>
    public void Dispose()
    {
        StopRenewals();
        _dataSource.Dispose();
        _schemaGate.Dispose();
    }

    /// <summary>Stops renewing the leases this store holds and closes its connections. Releases no lease: they expire by themselves.</summary>
    /// <returns>A task that completes when the connections are closed.</returns>
    public async ValueTask DisposeAsync()
    {
        StopRenewals();
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _schemaGate.Dispose();
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_schemaReady)
        {
            await MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        return await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    private NpgsqlConnection Open()
    {
        if (!_schemaReady)
        {
            // Only release needs a connection synchronously, and it runs after an acquire, which migrated.
            throw new InvalidOperationException("The schema is not ready.");
        }

        return _dataSource.OpenConnection();
    }

    /// <summary>Database time cut to PostgreSQL's microseconds, so a value reads back exactly as it was returned.</summary>
    private static DateTimeOffset Micro(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % 10), TimeSpan.Zero);

    private DateTimeOffset Now() => Micro(_timeProvider.GetUtcNow());
}
