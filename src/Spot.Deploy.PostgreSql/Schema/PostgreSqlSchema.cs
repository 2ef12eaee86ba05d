using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Spot.Deploy.PostgreSql;

/// <summary>
/// The store's tables. The store creates and migrates them itself (<see cref="PostgreSqlStoreOptions.MigrateSchema"/>);
/// <see cref="GetScript"/> gives DBAs the same SQL to review or apply by hand.
/// </summary>
public static partial class PostgreSqlSchema
{
    /// <summary>The schema version this version of the package writes and reads.</summary>
    public static int LatestVersion => Migrations.Latest;

    /// <summary>True when <paramref name="name"/> is a schema name the store accepts: 1 to 63 lower-case letters, digits or '_', not starting with a digit.</summary>
    /// <param name="name">The name.</param>
    /// <returns>Whether it is accepted.</returns>
    public static bool IsValidName(string? name) => name is not null && SafeName().IsMatch(name);

    /// <summary>
    /// The SQL that creates the schema from nothing up to <see cref="LatestVersion"/> in one transaction, exactly as the store
    /// runs it: the advisory lock, the version table, every migration and its version row.
    /// </summary>
    /// <param name="schemaName">The schema (see <see cref="IsValidName"/>).</param>
    /// <returns>The script.</returns>
    public static string GetScript(string schemaName = PostgreSqlStoreOptions.DefaultSchema)
    {
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"-- Spot.Deploy.PostgreSql schema version {LatestVersion}, in schema {schemaName}.\n")
            .Append("-- Run it once on an empty schema; for an upgrade, run only the migrations above the version in schema_version.\n")
            .Append("BEGIN;\n")
            .Append(Render(Migrations.Lock, schemaName)).Append('\n')
            .Append(Render(Migrations.Bootstrap, schemaName)).Append('\n');
        foreach (var migration in Migrations.All)
        {
            text.Append(CultureInfo.InvariantCulture, $"-- Migration {migration.Version}: {migration.Description}\n")
                .Append(Render(migration.Sql, schemaName)).Append('\n')
                .Append(RecordVersion(migration, schemaName)).Append('\n');
        }

        return text.Append("COMMIT;\n").ToString();
    }

    /// <summary>The SQL of one statement template for a schema: <c>{schema}</c> quoted as an identifier, <c>{name}</c> as a literal.</summary>
    internal static string Render(string template, string schemaName)
    {
        if (!IsValidName(schemaName))
        {
            throw new ArgumentException($"Schema '{schemaName}' is not a plain lower-case identifier (1 to 63 letters a-z, digits or '_', not starting with a digit).", nameof(schemaName));
        }

        // The name is validated above, so quoting cannot be escaped; quoting keeps reserved words usable.
        return template.ReplaceLineEndings("\n").Replace("{schema}", "\"" + schemaName + "\"", StringComparison.Ordinal)
            .Replace("{name}", "'" + schemaName + "'", StringComparison.Ordinal);
    }

    internal static string RecordVersion(Migration migration, string schemaName) =>
        Render(Migrations.Record, schemaName)
            .Replace("{version}", migration.Version.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{description}", "'" + migration.Description.Replace("'", "''", StringComparison.Ordinal) + "'", StringComparison.Ordinal);

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeName();
}
