using Npgsql;
using NpgsqlTypes;

namespace Spot.Deploy.PostgreSql;

/// <content>
/// The control channel (<see cref="IDeploymentControl"/>): the <c>control_requests</c> table, written by any process without
/// a lease (the journal stays the lease holder's alone) and read by the paused runner. Requests of one deployment are
/// serialized by an advisory lock, so the first decision per stage wins.
/// </content>
public sealed partial class PostgreSqlDeploymentStore : IDeploymentControl
{
    /// <inheritdoc />
    public async Task<ControlRequest> RequestAsync(string deploymentId, ControlRequest request, CancellationToken cancellationToken = default)
    {
        JournalRules.ValidateId(deploymentId);
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return await RetryAsync("a control request of deployment " + deploymentId, async () =>
            {
                await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (var lockControl = new NpgsqlCommand(_sql.LockControl, connection, transaction))
                {
                    lockControl.Parameters.AddWithValue("id", deploymentId);
                    await lockControl.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                DeploymentRecord? record = null;
                await using (var state = new NpgsqlCommand(_sql.DeploymentState, connection, transaction))
                {
                    state.Parameters.AddWithValue("id", deploymentId);
                    await using var reader = await state.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        record = new DeploymentRecord { Id = deploymentId, AppName = reader.GetString(0), Status = Rows.Parse<DeploymentStatus>(reader.GetString(1), deploymentId) };
                    }
                }

                var stored = await ReadControlAsync(connection, transaction, deploymentId, cancellationToken).ConfigureAwait(false);
                var (decision, isNew) = ControlRules.Decide(deploymentId, record, stored, request, Now());
                if (isNew)
                {
                    await using var insert = new NpgsqlCommand(_sql.InsertControlRequest, connection, transaction);
                    insert.Parameters.AddWithValue("id", deploymentId);
                    insert.Parameters.AddWithValue("sequence", decision.Sequence);
                    insert.Parameters.AddWithValue("stage", decision.Stage);
                    insert.Parameters.AddWithValue("action", Rows.Text(decision.Action));
                    insert.Parameters.AddWithValue("requested_by", decision.RequestedBy);
                    insert.Parameters.Add(new NpgsqlParameter("reason", NpgsqlDbType.Text) { Value = (object?)decision.Reason ?? DBNull.Value });
                    insert.Parameters.AddWithValue("requested_at", decision.RequestedAt);
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return decision;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (JournalRules.IsWriteFailure(ex) && ex is not ArgumentException and not DeploymentControlException)
        {
            throw new DeploymentJournalException($"Could not record the control request of deployment '{deploymentId}' in {_description}: {ex.Message}", deploymentId, null, ex);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ControlRequest>> ReadAsync(string deploymentId, CancellationToken cancellationToken = default)
    {
        JournalRules.ValidateId(deploymentId);
        try
        {
            return await RetryAsync("a control read of deployment " + deploymentId, async () =>
            {
                await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
                return await ReadControlAsync(connection, null, deploymentId, cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (JournalRules.IsWriteFailure(ex) && ex is not ArgumentException)
        {
            throw new DeploymentJournalException($"Could not read the control requests of deployment '{deploymentId}' from {_description}: {ex.Message}", deploymentId, null, ex);
        }
    }

    private async Task<IReadOnlyList<ControlRequest>> ReadControlAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string deploymentId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(_sql.ControlRequests, connection, transaction);
        command.Parameters.AddWithValue("id", deploymentId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var requests = new List<ControlRequest>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var request = new ControlRequest(Rows.Parse<ControlAction>(reader.GetString(2), deploymentId), reader.GetInt32(1), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4));
            requests.Add(request.Stamp(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return requests;
    }
}
