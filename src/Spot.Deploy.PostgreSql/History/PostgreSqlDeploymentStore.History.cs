using Npgsql;

namespace Spot.Deploy.PostgreSql;

/// <content>History: what was deployed to an app, when, by whom, and what is unfinished — without loading whole journals.</content>
public sealed partial class PostgreSqlDeploymentStore
{
    private const string SummaryColumns = """
        SELECT d.id, d.app_name, d.strategy, d.status, d.request ->> 'imageId', d.runner, d.started_at, d.finished_at,
            (SELECT e.error FROM {schema}.journal_entries e
              WHERE e.deployment_id = d.id AND e.kind = 'result' AND e.outcome <> 'succeeded' AND e.error IS NOT NULL
              ORDER BY e.sequence DESC LIMIT 1),
            (SELECT count(*) FROM {schema}.journal_entries e WHERE e.deployment_id = d.id)
        FROM {schema}.deployments d
        """;

    /// <inheritdoc />
    /// <remarks>One query; the journal entries are counted, not loaded.</remarks>
    public Task<IReadOnlyList<DeploymentSummary>> GetHistoryAsync(string appName, int limit = 50, CancellationToken cancellationToken = default)
    {
        HistoryRules.ValidateQuery(appName, limit);
        return SummariesAsync(SummaryColumns + " WHERE d.app_name = @app ORDER BY d.started_at DESC, d.id COLLATE \"C\" DESC LIMIT @limit", command =>
        {
            command.Parameters.AddWithValue("app", appName);
            command.Parameters.AddWithValue("limit", limit);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DeploymentSummary>> GetUnfinishedAsync(CancellationToken cancellationToken = default) =>
        SummariesAsync(SummaryColumns + " WHERE d.status IN ('running', 'needsAttention') ORDER BY d.started_at, d.id COLLATE \"C\"", _ => { }, cancellationToken);

    private async Task<IReadOnlyList<DeploymentSummary>> SummariesAsync(string template, Action<NpgsqlCommand> parameters, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(PostgreSqlSchema.Render(template, SchemaName), connection);
            parameters(command);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var summaries = new List<DeploymentSummary>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetString(0);
                summaries.Add(new DeploymentSummary
                {
                    Id = id,
                    AppName = reader.GetString(1),
                    Strategy = reader.GetString(2),
                    Status = Rows.Parse<DeploymentStatus>(reader.GetString(3), id),
                    ImageId = reader.IsDBNull(4) ? null : reader.GetString(4),
                    Runner = reader.GetString(5),
                    StartedAt = reader.GetFieldValue<DateTimeOffset>(6),
                    FinishedAt = reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                    LastError = reader.IsDBNull(8) ? null : reader.GetString(8),
                    EntryCount = reader.GetInt64(9),
                });
            }

            return summaries;
        }
        catch (Exception ex) when (JournalRules.IsWriteFailure(ex) && ex is not ArgumentException)
        {
            throw new DeploymentJournalException($"Could not read the deployment history from {_description}: {ex.Message}", ex);
        }
    }
}
