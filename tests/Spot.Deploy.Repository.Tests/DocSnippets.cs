using System.Text.RegularExpressions;

namespace Spot.Deploy.Repository.Tests;

/// <summary>
/// Finds the C# blocks marked complete: an HTML comment <c>&lt;!-- snippet: program --&gt;</c> or
/// <c>&lt;!-- snippet: file --&gt;</c> on the line directly before a <c>```csharp</c> fence.
/// A marker anywhere else, or of another kind, is a problem (so a marking cannot silently stop working).
/// </summary>
internal static partial class DocSnippets
{
    [GeneratedRegex(@"^\s*<!--\s*snippet\s*:\s*(\S*)\s*-->\s*$")]
    private static partial Regex Marker();

    [GeneratedRegex(@"<!--\s*snippet\s*:")]
    private static partial Regex AnyMarker();

    [GeneratedRegex(@"^(\s*)(`{3,}|~{3,})\s*(?:csharp|cs|c#)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex CSharpFence();

    public static (IReadOnlyList<DocSnippet> Snippets, IReadOnlyList<string> Problems) Extract(string relativePath, string markdown)
    {
        var lines = MarkdownText.Lines(markdown);
        var fenced = MarkdownText.FencedLines(lines);
        var snippets = new List<DocSnippet>();
        var problems = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (fenced[i] || !AnyMarker().IsMatch(lines[i]))
            {
                continue;
            }

            var where = $"{relativePath}:{i + 1}";
            var marker = Marker().Match(lines[i]);
            SnippetKind? kind = marker.Groups[1].Value switch
            {
                "program" => SnippetKind.Program,
                "file" => SnippetKind.File,
                _ => null,
            };
            if (!marker.Success || kind is null)
            {
                problems.Add($"{where}: a snippet marker must be a line of its own, '<!-- snippet: program -->' or '<!-- snippet: file -->'");
                continue;
            }

            var fence = i + 1 < lines.Length ? CSharpFence().Match(lines[i + 1]) : Match.Empty;
            if (!fence.Success)
            {
                problems.Add($"{where}: a snippet marker must stand on the line directly before a ```csharp fence");
                continue;
            }

            var end = ClosingFence(lines, i + 2, fence.Groups[2].Value);
            if (end < 0)
            {
                problems.Add($"{where}: the ```csharp fence after the marker is never closed");
                continue;
            }

            var indent = fence.Groups[1].Value.Length;
            var code = string.Join('\n', lines[(i + 2)..end].Select(line => Unindent(line, indent)));
            snippets.Add(new DocSnippet(relativePath, i + 2, kind.Value, code + "\n"));
        }

        return (snippets, problems);
    }

    private static int ClosingFence(string[] lines, int from, string open)
    {
        for (var i = from; i < lines.Length; i++)
        {
            var trimmed = lines[i].Trim();
            if (trimmed.Length >= open.Length && trimmed.All(c => c == open[0]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A fence indented in a list item indents its content alike; that indentation is not part of the code.</summary>
    private static string Unindent(string line, int indent)
    {
        var spaces = 0;
        while (spaces < indent && spaces < line.Length && line[spaces] == ' ')
        {
            spaces++;
        }

        return line[spaces..];
    }
}
