using Npgsql;
using NpgsqlTypes;

namespace Spot.Deploy.PostgreSql;

/// <content>The journal: the same rules as the file journal (JournalRules), each write one transaction fenced by the app's lease.</content>
public sealed partial class PostgreSqlDeploymentStore
{
    /// <inheritdoc />
    public async Task<DeploymentRecord> CreateAsync(DeploymentRecord record, CancellationToken cancellationToken = default)
    {
        var prepared = JournalRules.PrepareNew(record, Now(), _runner);
        prepared = prepared.With(startedAt: Micro(prepared.StartedAt));
        var (request, plan) = Serialize(prepared.Id, () => (Rows.Json(prepared.Request)!, Rows.Json(prepared.Plan)));
        var entries = Serialize(prepared.Id, () => prepared.Entries.Select(e => Rows.Json(e.Data)).ToList());
        await WriteAsync(prepared.Id, async (connection, transaction) =>
        {
            var token = await FenceAsync(connection, transaction, prepared.AppName, prepared.Id, cancellationToken).ConfigureAwait(false);
            await using (var insert = new NpgsqlCommand(_sql.InsertDeployment, connection, transaction))
            {
                insert.Parameters.AddWithValue("id", prepared.Id);
                insert.Parameters.AddWithValue("app", prepared.AppName);
                insert.Parameters.AddWithValue("strategy", prepared.Strategy);
                insert.Parameters.AddWithValue("status", Rows.Text(prepared.Status));
                insert.Parameters.AddWithValue("started_at", prepared.StartedAt);
                insert.Parameters.AddWithValue("request", request);
                insert.Parameters.Add(new NpgsqlParameter("plan", NpgsqlDbType.Text) { Value = (object?)plan ?? DBNull.Value });
                insert.Parameters.AddWithValue("runner", prepared.Runner!);
                if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    throw JournalRules.Exists(prepared.Id, null);
                }
            }

            for (var i = 0; i < prepared.Entries.Count; i++)
            {
                await using var entry = EntryCommand(_sql.InsertNumberedEntry, connection, transaction, prepared.Id, prepared.Entries[i], entries[i], token);
                entry.Parameters.AddWithValue("sequence", prepared.Entries[i].Sequence);
                await entry.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return 0;
        }, cancellationToken).ConfigureAwait(false);
        return prepared;
    }

    /// <inheritdoc />
    public async Task<JournalEntry> AppendAsync(string deploymentId, JournalEntry entry, CancellationToken cancellationToken = default)
    {
        JournalRules.ValidateId(deploymentId);
        JournalRules.ValidateEntry(deploymentId, entry);
        var data = Serialize(deploymentId, () => Rows.Json(entry.Data));
        var time = Now();
        var sequence = await WriteAsync(deploymentId, async (connection, transaction) =>
        {
            var app = await LockDeploymentAsync(connection, transaction, deploymentId, cancellationToken).ConfigureAwait(false);
            var token = await FenceAsync(connection, transaction, app, deploymentId, cancellationToken).ConfigureAwait(false);
            await using var insert = EntryCommand(_sql.InsertEntry, connection, transaction, deploymentId, entry.Stamp(0, time), data, token);
            return (long)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }, cancellationToken).ConfigureAwait(false);
        return entry.Stamp(sequence, time);
    }

    /// <inheritdoc />
    public async Task SetStatusAsync(string deploymentId, DeploymentStatus status, CancellationToken cancellationToken = default)
    {
        JournalRules.ValidateId(deploymentId);
        var finishedAt = JournalRules.IsFinal(status) ? Now() : (DateTimeOffset?)null;
        await WriteAsync(deploymentId, async (connection, transaction) =>
        {
            var app = await LockDeploymentAsync(connection, transaction, deploymentId, cancellationToken).ConfigureAwait(false);
            await FenceAsync(connection, transaction, app, deploymentId, cancellationToken).ConfigureAwait(false);
            await using var update = new NpgsqlCommand(_sql.SetStatus, connection, transaction);
            update.Parameters.AddWithValue("id", deploymentId);
            update.Parameters.AddWithValue("status", Rows.Text(status));
            update.Parameters.Add(new NpgsqlParameter("finished_at", NpgsqlDbType.TimestampTz) { Value = (object?)finishedAt ?? DBNull.Value });
            return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<DeploymentRecord?> LoadAsync(string deploymentId, CancellationToken cancellationToken = default)
    {
        JournalRules.ValidateId(deploymentId);
        var records = await ReadAsync(_sql.LoadOne, deploymentId, command => command.Parameters.AddWithValue("id", deploymentId), cancellationToken).ConfigureAwait(false);
        return records.Count == 0 ? null : records[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DeploymentRecord>> ListUnfinishedAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(_sql.ListUnfinished, null, _ => { }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DeploymentRecord>> ListByAppAsync(string appName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appName);
        return ReadAsync(_sql.ListByApp, null, command => command.Parameters.AddWithValue("app", appName), cancellationToken);
    }

    private static T Serialize<T>(string deploymentId, Func<T> serialize)
    {
        try
        {
            return serialize();
        }
        catch (Exception ex) when (JournalRules.IsWriteFailure(ex))
        {
            throw JournalRules.WriteFailed(deploymentId, null, ex);
        }
    }

    private static NpgsqlCommand EntryCommand(string sql, NpgsqlConnection connection, NpgsqlTransaction transaction, string deploymentId, JournalEntry entry, string? data, long? token)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("id", deploymentId);
        command.Parameters.AddWithValue("time", entry.Time);
        command.Parameters.AddWithValue("kind", Rows.Text(entry.Kind));
        command.Parameters.AddWithValue("step_id", entry.StepId);
        command.Parameters.AddWithValue("operation", entry.Operation);
        command.Parameters.Add(new NpgsqlParameter("data", NpgsqlDbType.Text) { Value = (object?)data ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("outcome", NpgsqlDbType.Text) { Value = entry.Outcome is { } o ? Rows.Text(o) : DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)entry.Error ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("token", NpgsqlDbType.Bigint) { Value = (object?)token ?? DBNull.Value });
        return command;
    }

    private async Task<string> LockDeploymentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string deploymentId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(_sql.LockDeployment, connection, transaction);
        command.Parameters.AddWithValue("id", deploymentId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string ?? throw JournalRules.Unknown(deploymentId, null);
    }

    /// <summary>Runs a write in one transaction; database failures become <see cref="DeploymentJournalException"/> (their messages hold no connection string).</summary>
    private async Task<T> WriteAsync<T>(string deploymentId, Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> write, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var result = await write(connection, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        catch (Exception ex) when (JournalRules.IsWriteFailure(ex) && ex is not ArgumentException)
        {
            throw JournalRules.WriteFailed(deploymentId, null, ex);
        }
    }

    private async Task<IReadOnlyList<DeploymentRecord>> ReadAsync(string headerSql, string? deploymentId, Action<NpgsqlCommand> parameters, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            // One snapshot for the headers and their entries.
            await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            var records = new List<DeploymentRecord>();
            var ids = new List<string>();
            await using (var command = new NpgsqlCommand(headerSql, connection, transaction))
            {
                parameters(command);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    records.Add(Rows.ReadHeader(reader, []));
                    ids.Add(reader.GetString(0));
                }
            }

            var entries = ids.ToDictionary(id => id, _ => new List<JournalEntry>(), StringComparer.Ordinal);
            if (ids.Count > 0)
            {
                await using var command = new NpgsqlCommand(_sql.EntriesOf, connection, transaction);
                command.Parameters.AddWithValue("ids", ids.ToArray());
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    entries[reader.GetString(0)].Add(Rows.ReadEntry(reader));
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return [.. records.Select(r => r.With(entries: entries[r.Id]))];
        }
        catch (Exception ex) when (JournalRules.IsWriteFailure(ex) && ex is not ArgumentException)
        {
            var what = deploymentId is null ? "the deployment journals" : $"the journal of deployment '{deploymentId}'";
            throw new DeploymentJournalException($"Could not read {what} from {_description}: {ex.Message}", deploymentId, null, ex);
        }
    }
}
