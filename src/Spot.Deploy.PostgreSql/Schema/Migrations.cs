namespace Spot.Deploy.PostgreSql;

/// <summary>One step of the schema, applied once, in version order; its SQL names the schema as <c>{schema}</c>.</summary>
internal sealed record Migration(int Version, string Description, string Sql);

/// <summary>
/// The schema's history. Never edit a shipped migration: add the next version. The store applies them
/// (<see cref="SchemaMigrator"/>) and <see cref="PostgreSqlSchema.GetScript"/> lists the same text for DBAs.
/// </summary>
internal static class Migrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "deployments, journal entries, app leases", """
            -- One row per deployment; the status changes, the rest is written once.
            -- json (not jsonb) keeps the request and plan byte for byte, as the engine wrote them.
            CREATE TABLE {schema}.deployments (
                id          text        PRIMARY KEY,
                app_name    text        NOT NULL,
                strategy    text        NOT NULL,
                status      text        NOT NULL,
                started_at  timestamptz NOT NULL,
                finished_at timestamptz,
                request     json        NOT NULL,
                plan        json,
                runner      text        NOT NULL,
                created_at  timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX deployments_by_app ON {schema}.deployments (app_name, started_at, id);
            CREATE INDEX deployments_unfinished ON {schema}.deployments (started_at, id)
                WHERE status IN ('running', 'needsAttention');

            -- The journal: one row per intent, result or note, only ever inserted.
            CREATE TABLE {schema}.journal_entries (
                deployment_id text        NOT NULL REFERENCES {schema}.deployments (id) ON DELETE CASCADE,
                sequence      bigint      NOT NULL,
                time          timestamptz NOT NULL,
                kind          text        NOT NULL,
                step_id       text        NOT NULL,
                operation     text        NOT NULL,
                data          json,
                outcome       text,
                error         text,
                fencing_token bigint,
                PRIMARY KEY (deployment_id, sequence)
            );

            -- One lease per app: who may write its deployments, until when (by the database's clock).
            CREATE SEQUENCE {schema}.fencing_tokens;
            CREATE TABLE {schema}.app_leases (
                app_name    text        PRIMARY KEY,
                holder      text        NOT NULL,
                token       bigint      NOT NULL,
                acquired_at timestamptz NOT NULL,
                renewed_at  timestamptz NOT NULL,
                expires_at  timestamptz NOT NULL
            );
            """),
        new(2, "write ids: a retried write is recognised, never doubled", """
            -- Each create and append carries the id of its write (chosen by the writer, once per call): a write retried after
            -- its connection broke during the commit finds its own row instead of inserting a second one.
            ALTER TABLE {schema}.deployments ADD COLUMN write_id uuid;
            ALTER TABLE {schema}.journal_entries ADD COLUMN write_id uuid;
            CREATE UNIQUE INDEX journal_entries_by_write ON {schema}.journal_entries (deployment_id, write_id);
            """),
        new(3, "control requests: promote and abort of paused deployments", """
            -- Promote and abort requests for paused deployments, written by any process (never the journal, which only the
            -- lease holder appends to) and read by the paused runner. Only ever inserted; the first decision per stage wins.
            CREATE TABLE {schema}.control_requests (
                deployment_id text        NOT NULL REFERENCES {schema}.deployments (id) ON DELETE CASCADE,
                sequence      bigint      NOT NULL,
                stage         integer     NOT NULL,
                action        text        NOT NULL,
                requested_by  text        NOT NULL,
                reason        text,
                requested_at  timestamptz NOT NULL,
                PRIMARY KEY (deployment_id, sequence)
            );
            """),
    ];

    public static int Latest => All[^1].Version;

    /// <summary>Creates the schema and the version table; harmless when they exist.</summary>
    public const string Bootstrap = """
        CREATE SCHEMA IF NOT EXISTS {schema};
        CREATE TABLE IF NOT EXISTS {schema}.schema_version (
            version     integer     PRIMARY KEY,
            description text        NOT NULL,
            applied_at  timestamptz NOT NULL DEFAULT now()
        );
        """;

    /// <summary>Serializes migrations of one schema across processes until the transaction ends.</summary>
    public const string Lock = "SELECT pg_advisory_xact_lock(hashtextextended('spot-deploy:' || {name}, 0));";

    public const string CurrentVersion = "SELECT coalesce(max(version), 0) FROM {schema}.schema_version;";

    public const string Record = "INSERT INTO {schema}.schema_version (version, description) VALUES ({version}, {description});";
}
