using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Spot.Deploy.PostgreSql;

/// <summary>
/// Brings a schema to <see cref="Migrations.Latest"/>: in one transaction holding an advisory lock on the schema's name, so
/// several processes starting at once apply each migration exactly once and none sees a half-migrated schema.
/// </summary>
internal static class SchemaMigrator
{
    public static async Task<int> MigrateAsync(NpgsqlDataSource dataSource, string schemaName, ILogger logger, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, PostgreSqlSchema.Render(Migrations.Lock, schemaName), cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, PostgreSqlSchema.Render(Migrations.Bootstrap, schemaName), cancellationToken).ConfigureAwait(false);
        var current = await CurrentAsync(connection, transaction, schemaName, cancellationToken).ConfigureAwait(false);
        EnsureKnown(current, schemaName);
        foreach (var migration in Migrations.All.Where(m => m.Version > current))
        {
            await ExecuteAsync(connection, transaction, PostgreSqlSchema.Render(migration.Sql, schemaName), cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, PostgreSqlSchema.RecordVersion(migration, schemaName), cancellationToken).ConfigureAwait(false);
            Log.MigrationApplied(logger, schemaName, migration.Version, migration.Description);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return Migrations.Latest;
    }

    /// <summary>For a schema applied by hand: it must be at exactly the version this package knows.</summary>
    public static async Task<int> CheckAsync(NpgsqlDataSource dataSource, string schemaName, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        int current;
        try
        {
            current = await CurrentAsync(connection, null, schemaName, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            current = 0;
        }

        EnsureKnown(current, schemaName);
        return current == Migrations.Latest
            ? current
            : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"Schema '{schemaName}' is at version {current}, this version of Spot.Deploy needs {Migrations.Latest}: apply PostgreSqlSchema.GetScript (docs/postgresql.md) or enable MigrateSchema."));
    }

    private static void EnsureKnown(int current, string schemaName)
    {
        if (current > Migrations.Latest)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"Schema '{schemaName}' is at version {current}, newer than this version of Spot.Deploy knows ({Migrations.Latest}): upgrade Spot.Deploy.PostgreSql."));
        }
    }

    private static async Task<int> CurrentAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string schemaName, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(PostgreSqlSchema.Render(Migrations.CurrentVersion, schemaName), connection, transaction);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
