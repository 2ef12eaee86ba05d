using System.Text;
using System.Text.RegularExpressions;

namespace Spot.Deploy.Repository.Tests;

/// <summary>
/// The little of Markdown the doc checks need: which lines are code fences, the text outside code (code spans and
/// HTML comments blanked, line numbers kept), and the anchors GitHub gives headings.
/// </summary>
internal static partial class MarkdownText
{
    [GeneratedRegex(@"^\s*(`{3,}|~{3,})(.*)$")]
    private static partial Regex Fence();

    [GeneratedRegex(@"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")]
    private static partial Regex AtxHeading();

    [GeneratedRegex(@"^ {0,3}(=+|-+)[ \t]*$")]
    private static partial Regex SetextUnderline();

    [GeneratedRegex(@"<[A-Za-z][^>]*?\s(?:id|name)\s*=\s*[""']([^""']+)[""']")]
    private static partial Regex HtmlAnchor();

    [GeneratedRegex(@"!?\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"</?[A-Za-z][^>]*>")]
    private static partial Regex HtmlTag();

    [GeneratedRegex(@"(?<![\p{L}\p{N}])_+|_+(?![\p{L}\p{N}])")]
    private static partial Regex EmphasisUnderscores();

    [GeneratedRegex(@"[^\p{L}\p{M}\p{N}\p{Pc} \-]")]
    private static partial Regex NotInSlug();

    public static string[] Lines(string markdown) => markdown.ReplaceLineEndings("\n").Split('\n');

    /// <summary>For each line, whether it belongs to a fenced code block (the fence lines included).</summary>
    public static bool[] FencedLines(IReadOnlyList<string> lines)
    {
        var fenced = new bool[lines.Count];
        string? open = null;
        for (var i = 0; i < lines.Count; i++)
        {
            var match = Fence().Match(lines[i]);
            if (open is null)
            {
                if (match.Success && !(match.Groups[1].Value[0] == '`' && match.Groups[2].Value.Contains('`', StringComparison.Ordinal)))
                {
                    open = match.Groups[1].Value;
                    fenced[i] = true;
                }

                continue;
            }

            fenced[i] = true;
            if (match.Success && match.Groups[1].Value[0] == open[0] && match.Groups[1].Value.Length >= open.Length
                && string.IsNullOrWhiteSpace(match.Groups[2].Value))
            {
                open = null;
            }
        }

        return fenced;
    }

    /// <summary>
    /// The lines as a reader sees their prose: fenced lines emptied, code spans and HTML comments replaced by spaces
    /// (within a paragraph a code span may cross lines). Line numbers and columns stay as they were.
    /// </summary>
    public static string[] ProseLines(IReadOnlyList<string> lines)
    {
        var fenced = FencedLines(lines);
        var prose = new string[lines.Count];
        var start = 0;
        while (start < lines.Count)
        {
            if (fenced[start] || string.IsNullOrWhiteSpace(lines[start]))
            {
                prose[start] = fenced[start] ? string.Empty : lines[start];
                start++;
                continue;
            }

            var end = start;
            while (end < lines.Count && !fenced[end] && !string.IsNullOrWhiteSpace(lines[end]))
            {
                end++;
            }

            var blanked = BlankCode(string.Join('\n', lines.Skip(start).Take(end - start))).Split('\n');
            blanked.CopyTo(prose, start);
            start = end;
        }

        return prose;
    }

    /// <summary>Replaces code spans and HTML comments by spaces, keeping line breaks.</summary>
    public static string BlankCode(string text)
    {
        var chars = text.ToCharArray();
        var i = 0;
        while (i < chars.Length)
        {
            if (chars[i] == '\\')
            {
                i += 2;
                continue;
            }

            if (chars[i] == '<' && text.AsSpan(i).StartsWith("<!--", StringComparison.Ordinal))
            {
                var close = text.IndexOf("-->", i + 4, StringComparison.Ordinal);
                var end = close < 0 ? chars.Length : close + 3;
                Blank(chars, i, end);
                i = end;
                continue;
            }

            if (chars[i] != '`')
            {
                i++;
                continue;
            }

            var run = RunLength(text, i);
            var closing = FindRun(text, i + run, run);
            if (closing < 0)
            {
                i += run;
                continue;
            }

            Blank(chars, i, closing + run);
            i = closing + run;
        }

        return new string(chars);
    }

    /// <summary>The anchors of a document's headings as GitHub makes them, plus explicit HTML <c>id</c>/<c>name</c> anchors.</summary>
    public static HashSet<string> Anchors(string markdown)
    {
        var lines = Lines(markdown);
        var fenced = FencedLines(lines);
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            if (fenced[i])
            {
                continue;
            }

            string? heading = null;
            var atx = AtxHeading().Match(lines[i]);
            if (atx.Success)
            {
                heading = atx.Groups[2].Value;
            }
            else if (i + 1 < lines.Length && !fenced[i + 1] && SetextUnderline().IsMatch(lines[i + 1])
                     && !string.IsNullOrWhiteSpace(lines[i]) && !lines[i].TrimStart().StartsWith('|'))
            {
                heading = lines[i].Trim();
            }

            if (heading is not null)
            {
                anchors.Add(Unique(Slug(heading), counts));
            }

            foreach (Match html in HtmlAnchor().Matches(BlankCode(lines[i])))
            {
                anchors.Add(html.Groups[1].Value);
            }
        }

        return anchors;
    }

    /// <summary>GitHub's anchor of a heading: its text as rendered, lower-cased, punctuation but '-' and '_' removed, spaces → '-'.</summary>
    public static string Slug(string heading)
    {
        var text = new StringBuilder();
        var i = 0;
        while (i < heading.Length)
        {
            var tick = heading.IndexOf('`', i);
            var run = tick < 0 ? 0 : RunLength(heading, tick);
            var closing = tick < 0 ? -1 : FindRun(heading, tick + run, run);
            if (closing < 0)
            {
                text.Append(Rendered(heading[i..]));
                break;
            }

            text.Append(Rendered(heading[i..tick])).Append(heading.AsSpan(tick + run, closing - tick - run).Trim());
            i = closing + run;
        }

        return NotInSlug().Replace(text.ToString().Trim().ToLowerInvariant(), string.Empty).Replace(' ', '-');
    }

    private static string Rendered(string markup) =>
        EmphasisUnderscores().Replace(HtmlTag().Replace(InlineLink().Replace(markup, "$1"), string.Empty), string.Empty);

    private static string Unique(string slug, Dictionary<string, int> counts)
    {
        if (!counts.TryGetValue(slug, out var seen))
        {
            counts[slug] = 1;
            return slug;
        }

        counts[slug] = seen + 1;
        return slug + "-" + seen.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int RunLength(string text, int start)
    {
        var end = start;
        while (end < text.Length && text[end] == '`')
        {
            end++;
        }

        return end - start;
    }

    private static int FindRun(string text, int from, int length)
    {
        for (var i = text.IndexOf('`', from); i >= 0; i = text.IndexOf('`', i))
        {
            var run = RunLength(text, i);
            if (run == length)
            {
                return i;
            }

            i += run;
        }

        return -1;
    }

    private static void Blank(char[] chars, int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            if (chars[i] != '\n')
            {
                chars[i] = ' ';
            }
        }
    }
}
