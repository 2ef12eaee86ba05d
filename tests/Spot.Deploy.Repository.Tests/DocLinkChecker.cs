using System.Text.RegularExpressions;

namespace Spot.Deploy.Repository.Tests;

/// <summary>
/// Checks the relative links of a Markdown document the way a reader of the repository follows them: the target
/// exists inside the repository (with the exact spelling), and an anchor names a heading of the target file.
/// Links inside code (fences and code spans) and web or mail links are not checked.
/// </summary>
internal sealed partial class DocLinkChecker(string root)
{
    private static readonly string[] ExternalSchemes = ["http", "https", "mailto"];

    private readonly string _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
    private readonly Dictionary<string, HashSet<string>> _anchors = new(StringComparer.Ordinal);

    [GeneratedRegex(@"\]\(")]
    private static partial Regex InlineTarget();

    // A reference definition "[id]: target"; "[^id]: text" is a footnote, not a link.
    [GeneratedRegex(@"^ {0,3}\[(?!\^)[^\]]+\]:[ \t]*<?([^\s>]+)>?")]
    private static partial Regex ReferenceDefinition();

    [GeneratedRegex(@"<[A-Za-z][^>]*?\s(?:src|href)\s*=\s*(?:""([^""]*)""|'([^']*)')")]
    private static partial Regex HtmlTarget();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.\-]*:")]
    private static partial Regex Scheme();

    [GeneratedRegex(@"^L\d+(?:-L\d+)?$")]
    private static partial Regex LineAnchor();

    /// <summary>How many links the checks looked at so far (web links included), so a test can tell it saw the docs.</summary>
    public int LinksSeen { get; private set; }

    /// <summary>Every broken link of <paramref name="markdown"/>, as <c>file:line: target — reason</c>.</summary>
    /// <param name="relativePath">The document's path from the repository root, with '/'.</param>
    /// <param name="markdown">Its text (need not be on disk: anchors into the document itself are read from it).</param>
    public IReadOnlyList<string> Check(string relativePath, string markdown)
    {
        var problems = new List<string>();
        var prose = MarkdownText.ProseLines(MarkdownText.Lines(markdown));
        for (var i = 0; i < prose.Length; i++)
        {
            foreach (var target in Targets(prose[i]))
            {
                LinksSeen++;
                if (Problem(relativePath, markdown, target) is { } reason)
                {
                    problems.Add($"{relativePath}:{i + 1}: {target} — {reason}");
                }
            }
        }

        return problems;
    }

    private static IEnumerable<string> Targets(string line)
    {
        foreach (Match match in InlineTarget().Matches(line))
        {
            yield return InlineLinkTarget(line, match.Index + match.Length);
        }

        if (ReferenceDefinition().Match(line) is { Success: true } definition)
        {
            yield return definition.Groups[1].Value;
        }

        foreach (Match html in HtmlTarget().Matches(line))
        {
            yield return html.Groups[1].Success ? html.Groups[1].Value : html.Groups[2].Value;
        }
    }

    /// <summary>The destination of <c>[text](destination "title")</c>, read from just after the parenthesis.</summary>
    private static string InlineLinkTarget(string line, int start)
    {
        var i = start;
        while (i < line.Length && line[i] == ' ')
        {
            i++;
        }

        if (i < line.Length && line[i] == '<')
        {
            var close = line.IndexOf('>', i);
            return close < 0 ? line[i..] : line[(i + 1)..close];
        }

        var depth = 0;
        var end = i;
        for (; end < line.Length && !char.IsWhiteSpace(line[end]); end++)
        {
            if (line[end] == '(')
            {
                depth++;
            }
            else if (line[end] == ')' && depth-- == 0)
            {
                break;
            }
        }

        return line[i..end];
    }

    private string? Problem(string relativePath, string markdown, string target)
    {
        if (target.Length == 0)
        {
            return "empty link";
        }

        if (Scheme().Match(target) is { Success: true } scheme)
        {
            return ExternalSchemes.Contains(scheme.Value.TrimEnd(':').ToLowerInvariant(), StringComparer.Ordinal)
                ? null
                : "not a relative path or a web link";
        }

        if (target.StartsWith("//", StringComparison.Ordinal))
        {
            return null;
        }

        var hash = target.IndexOf('#', StringComparison.Ordinal);
        var path = Uri.UnescapeDataString(hash < 0 ? target : target[..hash]);
        var fragment = hash < 0 ? null : Uri.UnescapeDataString(target[(hash + 1)..]);
        var query = path.IndexOf('?', StringComparison.Ordinal);
        path = query < 0 ? path : path[..query];
        if (path.Contains('\\', StringComparison.Ordinal))
        {
            return "use '/' in links, not '\\'";
        }

        if (path.Length == 0)
        {
            return AnchorProblem(fragment, MarkdownText.Anchors(markdown), relativePath);
        }

        var from = path.StartsWith('/') ? _root : Path.GetDirectoryName(Path.Combine(_root, relativePath))!;
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(from, path.TrimStart('/'))));
        if (full != _root && !full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return "leaves the repository (a reader of the repository cannot open it)";
        }

        var targetPath = Path.GetRelativePath(_root, full).Replace(Path.DirectorySeparatorChar, '/');
        if (SpellingProblem(full) is { } spelling)
        {
            return spelling;
        }

        if (string.IsNullOrEmpty(fragment))
        {
            return null;
        }

        if (Directory.Exists(full))
        {
            var readme = Path.Combine(full, "README.md");
            return File.Exists(readme)
                ? AnchorProblem(fragment, AnchorsOf(readme), targetPath + "/README.md")
                : "an anchor on a folder without a README.md";
        }

        if (full.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
        {
            return AnchorProblem(fragment, AnchorsOf(full), targetPath);
        }

        return LineAnchor().IsMatch(fragment) ? null : $"an anchor ('#{fragment}') into {targetPath}, which is not Markdown";
    }

    private static string? AnchorProblem(string? fragment, HashSet<string> anchors, string file) =>
        string.IsNullOrEmpty(fragment) || anchors.Contains(fragment) ? null : $"no heading with the anchor '#{fragment}' in {file}";

    private HashSet<string> AnchorsOf(string fullPath)
    {
        if (!_anchors.TryGetValue(fullPath, out var anchors))
        {
            anchors = MarkdownText.Anchors(File.ReadAllText(fullPath));
            _anchors[fullPath] = anchors;
        }

        return anchors;
    }

    /// <summary>Walks from the root so that a name differing only in case is caught on every file system.</summary>
    private string? SpellingProblem(string full)
    {
        var current = _root;
        foreach (var segment in Path.GetRelativePath(_root, full).Split(Path.DirectorySeparatorChar))
        {
            if (segment == ".")
            {
                continue;
            }

            if (!Directory.Exists(current))
            {
                return "no such file or folder";
            }

            var names = Directory.EnumerateFileSystemEntries(current).Select(Path.GetFileName).ToList();
            if (!names.Contains(segment, StringComparer.Ordinal))
            {
                var other = names.FirstOrDefault(name => string.Equals(name, segment, StringComparison.OrdinalIgnoreCase));
                return other is null ? "no such file or folder" : $"no such file or folder ('{other}' differs in case)";
            }

            current = Path.Combine(current, segment);
        }

        return null;
    }
}
