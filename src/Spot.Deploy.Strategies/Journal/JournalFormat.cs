using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Spot.Deploy.Strategies;

/// <summary>
/// The journal's format 2, shared by the file and in-memory journals: JSON Lines, appended, never rewritten.
/// </summary>
/// <remarks>
/// <para>
/// Line 1, the header, is <c>{"formatVersion":2,"deployment":{…}}</c>: the record as created (request, plan, the entries
/// given to <c>CreateAsync</c>, status). Every later write appends one line: <c>{"entry":{…}}</c> for an entry, or
/// <c>{"status":"…","finishedAt":"…"}</c> for a status change. Each line is compact JSON (a newline inside a string is
/// written <c>\n</c>) ended by a newline, so a reader replays the header and then the lines in order.
/// </para>
/// <para>
/// A line counts once its newline is in the file. The newline is written with the line, and an append returns only once
/// both are on the disk, so a last line without its newline is one whose append never returned — the call it would have
/// announced was never sent. That line, and only that one, is ignored by readers and cut off by the next write. Anything
/// else that is not a journal line, anywhere, is corruption: a <see cref="DeploymentJournalException"/> naming the line.
/// </para>
/// <para>
/// A file in format 1 (one JSON document, written whole by every earlier version) is read as it is, and rewritten in
/// format 2 by its first write. Any other version is refused with a message naming it.
/// </para>
/// </remarks>
internal static class JournalFormat
{
    private const byte Newline = (byte)'\n';

    /// <summary>The header line of a new journal: the record as created.</summary>
    public static byte[] Header(DeploymentRecord record) =>
        Line(new JournalDocument { FormatVersion = JournalDocument.CurrentFormatVersion, Deployment = record }, JournalLinesJsonContext.Default.JournalDocument);

    /// <summary>The line appending a stamped entry.</summary>
    public static byte[] EntryLine(JournalEntry entry) => Line(new JournalLine { Entry = entry }, JournalLinesJsonContext.Default.JournalLine);

    /// <summary>The line setting a status: a final status (<see cref="JournalRules.IsFinal"/>: succeeded, rolled back, failed, abandoned) finishes now; any other clears the finish.</summary>
    public static byte[] StatusLine(DeploymentStatus status, DateTimeOffset now) =>
        Line(new JournalLine { Status = status, FinishedAt = JournalRules.IsFinal(status) ? now : null }, JournalLinesJsonContext.Default.JournalLine);

    /// <summary>Reads a whole journal (format 2, or format 1); anything but a complete, known, consistent journal is an error naming the source.</summary>
    /// <param name="data">The journal's bytes.</param>
    /// <param name="expectedId">The deployment it must hold.</param>
    /// <param name="filePath">The file, for messages; null for a journal in memory.</param>
    public static JournalContent Read(ReadOnlySpan<byte> data, string expectedId, string? filePath)
    {
        var newline = data.IndexOf(Newline);
        var first = TryReadFirstLine(newline < 0 ? data : data[..newline]);
        if (first is { FormatVersion: not JournalDocument.CurrentFormatVersion and not JournalDocument.LegacyFormatVersion and not 0 })
        {
            throw JournalRules.UnknownVersion(first.FormatVersion, expectedId, filePath);
        }

        if (first is not { FormatVersion: JournalDocument.CurrentFormatVersion } header)
        {
            // Format 1 (one indented document), or a refusal that names the version or says what is wrong.
            var record = JournalRules.Deserialize(data, expectedId, filePath);
            return new JournalContent(record, JournalDocument.LegacyFormatVersion, data.Length, LastSequence(record.Entries));
        }

        if (newline < 0)
        {
            throw Corrupt(expectedId, filePath, 1, "its header line is incomplete (a header is written whole, with its newline)");
        }

        var created = JournalRules.Check(header, expectedId, filePath);
        var entries = new List<JournalEntry>(created.Entries);
        var last = LastSequence(entries);
        var status = created.Status;
        var finishedAt = created.FinishedAt;
        var position = newline + 1;
        for (var lineNumber = 2; position < data.Length; lineNumber++)
        {
            var length = data[position..].IndexOf(Newline);
            if (length < 0)
            {
                break; // the last line's append never returned: ignored (see the remarks)
            }

            var line = ParseLine(data.Slice(position, length), expectedId, filePath, lineNumber);
            if (line is { Entry: { } entry, Status: null })
            {
                if (entry.Sequence <= last)
                {
                    throw Corrupt(expectedId, filePath, lineNumber, "entry sequences do not strictly increase");
                }

                entries.Add(entry);
                last = entry.Sequence;
            }
            else if (line is { Entry: null, Status: { } newStatus })
            {
                status = newStatus;
                finishedAt = line.FinishedAt;
            }
            else
            {
                throw Corrupt(expectedId, filePath, lineNumber, "it holds neither one entry nor one status");
            }

            position += length + 1;
        }

        var record2 = created.With(status: status, entries: entries, setFinishedAt: true, finishedAt: finishedAt);
        return new JournalContent(record2, JournalDocument.CurrentFormatVersion, position, last);
    }

    /// <summary>The first line as a versioned document, when it is one (a format-2 header, or a one-line document of any version).</summary>
    private static JournalDocument? TryReadFirstLine(ReadOnlySpan<byte> firstLine)
    {
        try
        {
            return JsonSerializer.Deserialize(firstLine, JournalLinesJsonContext.Default.JournalDocument);
        }
        catch (JsonException)
        {
            return null; // not one line: format 1 as earlier versions indented it (or corrupt, which the format-1 reader says)
        }
    }

    private static JournalLine ParseLine(ReadOnlySpan<byte> line, string expectedId, string? filePath, int lineNumber)
    {
        try
        {
            return JsonSerializer.Deserialize(line, JournalLinesJsonContext.Default.JournalLine)
                ?? throw Corrupt(expectedId, filePath, lineNumber, "it is null");
        }
        catch (JsonException ex)
        {
            throw Corrupt(expectedId, filePath, lineNumber, $"it is not a journal line ({ex.Message})", ex);
        }
    }

    private static long LastSequence(IReadOnlyList<JournalEntry> entries) => entries.Count == 0 ? 0 : entries[^1].Sequence;

    private static byte[] Line<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
        if (json.AsSpan().Contains(Newline))
        {
            // Compact JSON escapes every control character in strings; a newline here would break the format.
            throw new InvalidOperationException("A journal line would contain a newline.");
        }

        var line = new byte[json.Length + 1];
        json.CopyTo(line, 0);
        line[^1] = Newline;
        return line;
    }

    private static DeploymentJournalException Corrupt(string deploymentId, string? filePath, int lineNumber, string why, Exception? cause = null)
    {
        var source = filePath is null ? $"The journal of deployment '{deploymentId}'" : $"The journal file '{filePath}'";
        return new DeploymentJournalException(
            string.Create(CultureInfo.InvariantCulture, $"{source} is corrupt at line {lineNumber}: {why}. It was not changed; inspect or restore it before resuming."),
            deploymentId,
            filePath,
            cause);
    }
}

/// <summary>A journal as read: the record, the format it was in, the length of its complete lines, and the last sequence.</summary>
/// <param name="Record">The deployment record.</param>
/// <param name="FormatVersion">1 or 2.</param>
/// <param name="Length">Bytes up to the end of the last complete line (format 2); a final line without its newline is not counted.</param>
/// <param name="LastSequence">The last entry's sequence, 0 with no entries.</param>
internal sealed record JournalContent(DeploymentRecord Record, int FormatVersion, long Length, long LastSequence);
