using System.Globalization;
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

    /// <summary>The most characters a runner (<see cref="DeploymentRecord.Runner"/>) may have.</summary>
    public const int MaxRunnerLength = 256;

    /// <summary>Who and where this process runs: <c>user@machine</c>.</summary>
    public static string DefaultRunner() => Environment.UserName + "@" + Environment.MachineName;

    /// <summary>True for a runner a history can show on one line: 1 to 256 characters, not only white space, no control characters.</summary>
    public static bool IsValidRunner(string? runner) =>
        !string.IsNullOrWhiteSpace(runner) && runner.Length <= MaxRunnerLength && !runner.Any(char.IsControl);

    /// <summary>The runner a journal stamps on new records: <paramref name="runner"/>, or <see cref="DefaultRunner"/> when null.</summary>
    public static string ValidateRunner(string? runner, string paramName)
    {
        var value = runner ?? DefaultRunner();
        return IsValidRunner(value)
            ? value
            : throw new ArgumentException(
                $"A runner (who and where deployments are started, such as user@machine) must be 1 to {MaxRunnerLength} characters without control characters.", paramName);
    }

    /// <summary>Checks and stamps a new record: entries numbered and timed, the start and the runner set when left unset.</summary>
    public static DeploymentRecord PrepareNew(DeploymentRecord record, DateTimeOffset now, string runner)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Runner is not null && !IsValidRunner(record.Runner))
        {
            throw new ArgumentException($"The record's runner must be 1 to {MaxRunnerLength} characters without control characters.", nameof(record));
        }

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

        return record.With(entries: entries, startedAt: record.StartedAt == default ? now : record.StartedAt, runner: record.Runner ?? runner);
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

    /// <summary>
    /// Reads a journal in format 1 (one JSON document, written whole by earlier versions); anything but a complete, format-1,
    /// consistent document is an error naming the source — an unknown format version by its number.
    /// </summary>
    public static DeploymentRecord Deserialize(ReadOnlySpan<byte> utf8, string expectedId, string? filePath)
    {
        var source = Source(expectedId, filePath);
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

        // A version is named when the file has one, or when it holds a deployment without one (version 0).
        if (document is not null && document.FormatVersion != JournalDocument.LegacyFormatVersion && (document.FormatVersion != 0 || document.Deployment is not null))
        {
            throw UnknownVersion(document.FormatVersion, expectedId, filePath);
        }

        return Check(document, expectedId, filePath);
    }

    /// <summary>Checks a journal's document (format 1) or header (format 2): it holds the expected deployment, its request and entries in order.</summary>
    public static DeploymentRecord Check(JournalDocument? document, string expectedId, string? filePath)
    {
        var source = Source(expectedId, filePath);
        if (document?.Deployment is not { } record)
        {
            throw new DeploymentJournalException($"{source} holds no deployment.", expectedId, filePath);
        }

        if (!string.Equals(record.Id, expectedId, StringComparison.Ordinal) || record.Request is null || record.Entries is null)
        {
            throw new DeploymentJournalException($"{source} is inconsistent: it names deployment '{record.Id}' or lacks its request or entries.", expectedId, filePath);
        }

        for (var i = 0; i < record.Entries.Count; i++)
        {
            if (record.Entries[i] is null || (i > 0 && record.Entries[i].Sequence <= record.Entries[i - 1].Sequence))
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

    public static DeploymentJournalException UnknownVersion(int version, string deploymentId, string? filePath) =>
        new(
            string.Create(CultureInfo.InvariantCulture,
                $"{Source(deploymentId, filePath)} has format version {version}, which this version of Spot.Deploy does not read (it reads formats {JournalDocument.CurrentFormatVersion} and {JournalDocument.LegacyFormatVersion}). Finish or inspect the deployment with the version that wrote it."),
            deploymentId,
            filePath);

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

    private static string Source(string deploymentId, string? filePath) =>
        filePath is null ? $"The journal of deployment '{deploymentId}'" : $"The journal file '{filePath}'";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeId();
}
