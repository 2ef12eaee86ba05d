using System.Text.Json;
using System.Text.RegularExpressions;

namespace Spot.Deploy.Strategies;

/// <summary>The validation, numbering and serialization every journal implementation shares, so they behave alike.</summary>
internal static partial class JournalRules
{
    public static void ValidateId(string deploymentId)
    {
        ArgumentNullException.ThrowIfNull(deploymentId);
        if (!SafeId().IsMatch(deploymentId))
        {
            throw new ArgumentException(
                "A deployment id must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit (it names the journal file).",
                nameof(deploymentId));
        }
    }

    public static DeploymentRecord PrepareNew(DeploymentRecord record, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(record);
        ValidateId(record.Id);
        ArgumentException.ThrowIfNullOrWhiteSpace(record.AppName, nameof(record));
        ArgumentException.ThrowIfNullOrWhiteSpace(record.Strategy, nameof(record));
        ArgumentNullException.ThrowIfNull(record.Request, nameof(record));
        ArgumentNullException.ThrowIfNull(record.Entries, nameof(record));
        JournalSecrets.EnsureNone(record.Request, $"the request of deployment '{record.Id}'");
        JournalSecrets.EnsureNone(record.Plan, $"the plan of deployment '{record.Id}'");
        var entries = new List<JournalEntry>(record.Entries.Count);
        foreach (var entry in record.Entries)
        {
            ValidateEntry(record.Id, entry);
            entries.Add(entry.Stamp(entries.Count + 1, now));
        }

        return record.With(entries: entries, startedAt: record.StartedAt == default ? now : record.StartedAt);
    }

    public static (DeploymentRecord Record, JournalEntry Entry) Append(DeploymentRecord record, JournalEntry entry, DateTimeOffset now)
    {
        ValidateEntry(record.Id, entry);
        var last = record.Entries.Count == 0 ? 0 : record.Entries[^1].Sequence;
        var stamped = entry.Stamp(last + 1, now);
        return (record.With(entries: [.. record.Entries, stamped]), stamped);
    }

    public static DeploymentRecord WithStatus(DeploymentRecord record, DeploymentStatus status, DateTimeOffset now)
    {
        var finished = IsFinal(status);
        return record.With(status: status, setFinishedAt: true, finishedAt: finished ? now : null);
    }

    /// <summary>The statuses that end a deployment's story (they set <see cref="DeploymentRecord.FinishedAt"/>).</summary>
    public static bool IsFinal(DeploymentStatus status) =>
        status is DeploymentStatus.Succeeded or DeploymentStatus.RolledBack or DeploymentStatus.Failed or DeploymentStatus.Abandoned;

    public static void ValidateEntry(string deploymentId, JournalEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.StepId, nameof(entry));
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.Operation, nameof(entry));
        if (!Enum.IsDefined(entry.Kind))
        {
            throw new ArgumentException("The entry kind is not defined.", nameof(entry));
        }

        if ((entry.Kind == JournalEntryKind.Result) != entry.Outcome.HasValue)
        {
            throw new ArgumentException("A result entry needs an outcome, and only a result entry may have one.", nameof(entry));
        }

        JournalSecrets.EnsureNone(entry.Data, $"the data of step '{entry.StepId}' of deployment '{deploymentId}'");
    }

    public static async Task SerializeAsync(Stream stream, DeploymentRecord record, CancellationToken cancellationToken)
    {
        var document = new JournalDocument { FormatVersion = JournalDocument.CurrentFormatVersion, Deployment = record };
        await JsonSerializer.SerializeAsync(stream, document, StrategiesJsonContext.Default.JournalDocument, cancellationToken).ConfigureAwait(false);
    }

    public static byte[] Serialize(DeploymentRecord record) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new JournalDocument { FormatVersion = JournalDocument.CurrentFormatVersion, Deployment = record },
            StrategiesJsonContext.Default.JournalDocument);

    /// <summary>Reads a journal document; anything but a complete, current, consistent document is an error naming the source.</summary>
    public static DeploymentRecord Deserialize(ReadOnlySpan<byte> utf8, string expectedId, string? filePath)
    {
        var source = filePath is null ? $"The journal of deployment '{expectedId}'" : $"The journal file '{filePath}'";
        JournalDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(utf8, StrategiesJsonContext.Default.JournalDocument);
        }
        catch (JsonException ex)
        {
            throw new DeploymentJournalException(
                $"{source} is corrupt or truncated ({ex.Message}). It was not changed; inspect or restore it before resuming.", expectedId, filePath, ex);
        }

        if (document?.Deployment is not { } record)
        {
            throw new DeploymentJournalException($"{source} holds no deployment.", expectedId, filePath);
        }

        if (document.FormatVersion != JournalDocument.CurrentFormatVersion)
        {
            throw new DeploymentJournalException(
                $"{source} has format version {document.FormatVersion}; this version reads {JournalDocument.CurrentFormatVersion}.", expectedId, filePath);
        }

        if (!string.Equals(record.Id, expectedId, StringComparison.Ordinal) || record.Request is null || record.Entries is null)
        {
            throw new DeploymentJournalException($"{source} is inconsistent: it names deployment '{record.Id}' or lacks its request or entries.", expectedId, filePath);
        }

        for (var i = 1; i < record.Entries.Count; i++)
        {
            if (record.Entries[i] is null || record.Entries[i].Sequence <= record.Entries[i - 1].Sequence)
            {
                throw new DeploymentJournalException($"{source} is inconsistent: entry sequences do not strictly increase.", expectedId, filePath);
            }
        }

        return record;
    }

    /// <summary>
    /// The app a journal document names (<c>deployment.appName</c>), read from the start of the document only, so a
    /// per-app listing need not read and parse every other app's journal in full. Null when the bytes given do not say
    /// (cut short, malformed, or written in another order): the caller then loads the document in full, which also
    /// reports a corrupt one.
    /// </summary>
    /// <param name="utf8Start">The document, or its first bytes.</param>
    /// <param name="isWholeDocument">True when <paramref name="utf8Start"/> is the whole document.</param>
    public static string? PeekAppName(ReadOnlySpan<byte> utf8Start, bool isWholeDocument)
    {
        var reader = new Utf8JsonReader(utf8Start, isWholeDocument, default);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isDeployment = reader.ValueTextEquals("deployment"u8);
                if (!reader.Read())
                {
                    return null;
                }

                if (!isDeployment)
                {
                    if (!reader.TrySkip())
                    {
                        return null;
                    }

                    continue;
                }

                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return null;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isAppName = reader.ValueTextEquals("appName"u8);
                    if (!reader.Read())
                    {
                        return null;
                    }

                    if (isAppName)
                    {
                        return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    }

                    if (!reader.TrySkip())
                    {
                        return null;
                    }
                }

                return null;
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Orders records the way every listing does: oldest first, then by id.</summary>
    public static IReadOnlyList<DeploymentRecord> OldestFirst(IEnumerable<DeploymentRecord> records) =>
        [.. records.OrderBy(r => r.StartedAt).ThenBy(r => r.Id, StringComparer.Ordinal)];

    public static DeploymentJournalException WriteFailed(string deploymentId, string? filePath, Exception cause) =>
        new(
            filePath is null
                ? $"Could not write the journal of deployment '{deploymentId}': {cause.Message}"
                : $"Could not write the journal file '{filePath}' of deployment '{deploymentId}': {cause.Message}. The previous content is intact.",
            deploymentId,
            filePath,
            cause);

    public static DeploymentJournalException Unknown(string deploymentId, string? filePath) =>
        new($"There is no journal for deployment '{deploymentId}'.", deploymentId, filePath);

    public static DeploymentJournalException Exists(string deploymentId, string? filePath) =>
        new($"A journal for deployment '{deploymentId}' already exists.", deploymentId, filePath);

    /// <summary>Failures while serializing or writing (unserializable data, I/O); validation happened before and cancellation passes through.</summary>
    public static bool IsWriteFailure(Exception ex) => ex is not OperationCanceledException and not DeploymentJournalException;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeId();
}
