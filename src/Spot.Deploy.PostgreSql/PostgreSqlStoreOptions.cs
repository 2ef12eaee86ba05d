using System.Globalization;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Spot.Deploy.PostgreSql;

/// <summary>
/// Settings of a <see cref="PostgreSqlDeploymentStore"/>: where the database is, which schema holds the tables, and how long a
/// runner's lease on an app lasts. Plain settable properties; validated once, when the store is created.
/// </summary>
public sealed class PostgreSqlStoreOptions
{
    /// <summary>The environment variable the connection string is read from by <see cref="FromEnvironment()"/> and the CLI's <c>--state postgres</c>.</summary>
    public const string EnvironmentVariable = "SPOT_DEPLOY_POSTGRES";

    /// <summary>The configuration key of the connection string (<c>SpotDeploy:PostgreSql:ConnectionString</c>) read by <see cref="FromConfiguration"/>.</summary>
    public const string ConfigurationKey = "SpotDeploy:PostgreSql:ConnectionString";

    /// <summary>The default <see cref="Schema"/>.</summary>
    public const string DefaultSchema = "spot_deploy";

    /// <summary>An Npgsql connection string, such as <c>Host=db;Database=deploy;Username=spot;Password=…</c>. Required. Never logged or shown.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The schema holding the tables (default <c>spot_deploy</c>): 1 to 63 lower-case letters, digits or '_', not starting with a digit.</summary>
    public string Schema { get; set; } = DefaultSchema;

    /// <summary>How long a runner's lease on an app lasts without renewal (default 30 s, at least 1 s); the database's clock judges it.</summary>
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a held lease is renewed (default 10 s); must be shorter than <see cref="LeaseTime"/>, a third of it leaves room for two failed renewals.</summary>
    public TimeSpan RenewalInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>True (default) to create and migrate the schema on first use; false when a DBA applies <see cref="PostgreSqlSchema.GetScript"/> by hand (the store then checks the version).</summary>
    public bool MigrateSchema { get; set; } = true;

    /// <summary>Who and where deployments run, stored with each deployment for the history (default <c>user@machine</c>): 1 to 256 characters without control characters. Must not hold secrets.</summary>
    public string Runner { get; set; } = Environment.UserName + "@" + Environment.MachineName;

    /// <summary>Options with the connection string of the <see cref="EnvironmentVariable"/> environment variable.</summary>
    /// <returns>The options.</returns>
    /// <exception cref="InvalidOperationException">The variable is not set.</exception>
    public static PostgreSqlStoreOptions FromEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    /// <summary>Options with the connection string of the <see cref="EnvironmentVariable"/> variable of a given environment.</summary>
    /// <param name="environment">Reads an environment variable.</param>
    /// <returns>The options.</returns>
    /// <exception cref="InvalidOperationException">The variable is not set.</exception>
    public static PostgreSqlStoreOptions FromEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var value = environment(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(value)
            ? throw new InvalidOperationException($"The environment variable {EnvironmentVariable} is not set: set it to the PostgreSQL connection string (Host=…;Database=…;Username=…;Password=…).")
            : new PostgreSqlStoreOptions { ConnectionString = value };
    }

    /// <summary>Options with the connection string at <see cref="ConfigurationKey"/> of a configuration.</summary>
    /// <param name="configuration">The configuration (root).</param>
    /// <returns>The options.</returns>
    /// <exception cref="InvalidOperationException">The key is not set.</exception>
    public static PostgreSqlStoreOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[ConfigurationKey];
        return string.IsNullOrWhiteSpace(value)
            ? throw new InvalidOperationException($"The configuration key {ConfigurationKey} is not set: set it to the PostgreSQL connection string.")
            : new PostgreSqlStoreOptions { ConnectionString = value };
    }

    /// <summary>Checks every setting; the messages never include the connection string's password.</summary>
    /// <exception cref="ArgumentException">A setting is invalid (every problem is named).</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            problems.Add($"ConnectionString is required (or set {EnvironmentVariable}).");
        }
        else if (TryParse(ConnectionString) is null)
        {
            problems.Add("ConnectionString is not a valid Npgsql connection string (keyword=value pairs separated by ';').");
        }

        if (!PostgreSqlSchema.IsValidName(Schema))
        {
            problems.Add($"Schema '{Schema}' is not a plain lower-case identifier (1 to 63 letters a-z, digits or '_', not starting with a digit).");
        }

        if (LeaseTime < TimeSpan.FromSeconds(1))
        {
            problems.Add("LeaseTime must be at least 1 second.");
        }

        if (RenewalInterval <= TimeSpan.Zero || RenewalInterval >= LeaseTime)
        {
            problems.Add("RenewalInterval must be positive and shorter than LeaseTime (a third of it is usual).");
        }

        if (!JournalRules.IsValidRunner(Runner))
        {
            problems.Add($"Runner is required (who and where deployments run): 1 to {JournalRules.MaxRunnerLength} characters without control characters.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid PostgreSQL store options: " + string.Join(" ", problems));
        }
    }

    /// <summary>Where the store connects, without the password (host, port, database, user, schema).</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        var builder = ConnectionString is null ? null : TryParse(ConnectionString);
        var where = builder is null
            ? "(no valid connection string)"
            : string.Create(CultureInfo.InvariantCulture, $"{builder.Username ?? "(default user)"}@{builder.Host}:{builder.Port}/{builder.Database ?? "(default database)"}");
        return $"PostgreSQL {where}, schema {Schema}";
    }

    internal static NpgsqlConnectionStringBuilder? TryParse(string connectionString)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            // The parser's message may quote the value; it is dropped.
            return null;
        }
    }
}
