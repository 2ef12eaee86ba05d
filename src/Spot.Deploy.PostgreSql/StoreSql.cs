namespace Spot.Deploy.PostgreSql;

/// <summary>Every statement the store runs, rendered once for its schema. Values are always parameters; only the validated schema name is spliced in.</summary>
internal sealed class StoreSql(string schemaName)
{
    private const string HeaderColumns = "d.id, d.app_name, d.strategy, d.status, d.started_at, d.finished_at, d.request::text, d.plan::text, d.runner";

    public string LockDeployment { get; } = R("SELECT app_name FROM {schema}.deployments WHERE id = @id FOR UPDATE", schemaName);

    /// <summary>The lease row, locked against a takeover until the writing transaction ends.</summary>
    public string LockLease { get; } = R("SELECT holder, token, expires_at > now() FROM {schema}.app_leases WHERE app_name = @app FOR SHARE", schemaName);

    public string InsertDeployment { get; } = R("""
        INSERT INTO {schema}.deployments (id, app_name, strategy, status, started_at, finished_at, request, plan, runner, write_id)
        VALUES (@id, @app, @strategy, @status, @started_at, NULL, @request::json, @plan::json, @runner, @write_id)
        ON CONFLICT (id) DO NOTHING
        """, schemaName);

    /// <summary>True when the deployment exists and was created by this very write (a create retried after its commit).</summary>
    public string CreatedBy { get; } = R("SELECT EXISTS (SELECT 1 FROM {schema}.deployments WHERE id = @id AND write_id = @write_id)", schemaName);

    /// <summary>The sequence of the entry this write appended already, if a retried append committed before.</summary>
    public string AppendedBy { get; } = R("SELECT sequence FROM {schema}.journal_entries WHERE deployment_id = @id AND write_id = @write_id", schemaName);

    /// <summary>Appends one entry numbered after the last; the caller holds the deployment row's lock, so numbers never collide.</summary>
    public string InsertEntry { get; } = R("""
        INSERT INTO {schema}.journal_entries (deployment_id, sequence, time, kind, step_id, operation, data, outcome, error, fencing_token, write_id)
        SELECT @id, coalesce(max(sequence), 0) + 1, @time, @kind, @step_id, @operation, @data::json, @outcome, @error, @token, @write_id
        FROM {schema}.journal_entries WHERE deployment_id = @id
        RETURNING sequence
        """, schemaName);

    public string InsertNumberedEntry { get; } = R("""
        INSERT INTO {schema}.journal_entries (deployment_id, sequence, time, kind, step_id, operation, data, outcome, error, fencing_token)
        VALUES (@id, @sequence, @time, @kind, @step_id, @operation, @data::json, @outcome, @error, @token)
        """, schemaName);

    public string SetStatus { get; } = R("UPDATE {schema}.deployments SET status = @status, finished_at = @finished_at WHERE id = @id", schemaName);

    public string LoadOne { get; } = R($"SELECT {HeaderColumns} FROM {{schema}}.deployments d WHERE d.id = @id", schemaName);

    public string ListUnfinished { get; } = R($"SELECT {HeaderColumns} FROM {{schema}}.deployments d WHERE d.status IN ('running', 'needsAttention') ORDER BY d.started_at, d.id COLLATE \"C\"", schemaName);

    public string ListByApp { get; } = R($"SELECT {HeaderColumns} FROM {{schema}}.deployments d WHERE d.app_name = @app ORDER BY d.started_at, d.id COLLATE \"C\"", schemaName);

    public string EntriesOf { get; } = R("""
        SELECT deployment_id, sequence, time, kind, step_id, operation, data::text, outcome, error
        FROM {schema}.journal_entries WHERE deployment_id = ANY(@ids) ORDER BY deployment_id, sequence
        """, schemaName);

    /// <summary>Takes an app's lease when nobody holds an unexpired one; no row comes back when someone does.</summary>
    public string AcquireLease { get; } = R("""
        INSERT INTO {schema}.app_leases AS l (app_name, holder, token, acquired_at, renewed_at, expires_at)
        VALUES (@app, @holder, nextval('{schema}.fencing_tokens'), now(), now(), now() + @lease_time)
        ON CONFLICT (app_name) DO UPDATE
            SET holder = excluded.holder, token = excluded.token, acquired_at = excluded.acquired_at,
                renewed_at = excluded.renewed_at, expires_at = excluded.expires_at
            WHERE l.expires_at <= now()
        RETURNING token, acquired_at, expires_at
        """, schemaName);

    /// <summary>Extends a lease only while it is this holder's and unexpired: a lost lease is never revived.</summary>
    public string RenewLease { get; } = R("""
        UPDATE {schema}.app_leases SET renewed_at = now(), expires_at = now() + @lease_time
        WHERE app_name = @app AND token = @token AND expires_at > now()
        RETURNING expires_at
        """, schemaName);

    public string ReleaseLease { get; } = R("DELETE FROM {schema}.app_leases WHERE app_name = @app AND token = @token", schemaName);

    public string ReadLease { get; } = R("SELECT app_name, holder, token, acquired_at, expires_at, expires_at <= now() FROM {schema}.app_leases WHERE app_name = @app", schemaName);

    /// <summary>Serializes the control requests of one deployment across processes until the transaction ends.</summary>
    public string LockControl { get; } = R("SELECT pg_advisory_xact_lock(hashtextextended('spot-deploy-control:' || {name} || ':' || @id, 0))", schemaName);

    public string DeploymentState { get; } = R("SELECT app_name, status FROM {schema}.deployments WHERE id = @id", schemaName);

    public string ControlRequests { get; } = R("""
        SELECT sequence, stage, action, requested_by, reason, requested_at
        FROM {schema}.control_requests WHERE deployment_id = @id ORDER BY sequence
        """, schemaName);

    public string InsertControlRequest { get; } = R("""
        INSERT INTO {schema}.control_requests (deployment_id, sequence, stage, action, requested_by, reason, requested_at)
        VALUES (@id, @sequence, @stage, @action, @requested_by, @reason, @requested_at)
        """, schemaName);

    private static string R(string template, string schemaName) => PostgreSqlSchema.Render(template, schemaName);
}
