using System.Text.RegularExpressions;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Cli.Tests;

/// <summary>docs/cli.md and <c>--help</c> agree: every command's every flag is documented, and every flag the docs name exists.</summary>
public sealed partial class DocumentedOptionsTests
{
    private static readonly string[] Generic = ["--help", "--version"];

    [Fact]
    public async Task EveryFlagOfEveryCommand_IsDocumented_AndEveryDocumentedFlagExists()
    {
        var docs = await File.ReadAllTextAsync(Path.Combine(PublicApiListing.RepositoryRoot(), "docs", "cli.md"));
        var commands = Section((await CliRun.RunAsync("--help")).Output, "Commands:").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]).ToList();
        commands.Should().Contain(["plan", "deploy", "resume", "rollback", "status", "history", "emulator"]);

        var flags = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var command in commands)
        {
            var help = await CliRun.RunAsync(command, "--help");
            foreach (var flag in Section(help.Output, "Options:").SelectMany(l => FlagPattern().Matches(l.Split("  ", StringSplitOptions.RemoveEmptyEntries)[0]).Select(m => m.Value)))
            {
                (flags.TryGetValue(flag, out var list) ? list : flags[flag] = []).Add(command);
            }
        }

        // Mentioned: in any code span (`spot-deploy emulator [--port <n>]`); defined: a table row's first cell (| `--app <name>` |).
        var mentioned = CodeSpanPattern().Matches(docs).SelectMany(m => FlagPattern().Matches(m.Value).Select(f => f.Value)).ToHashSet(StringComparer.Ordinal);
        var defined = docs.Split('\n').Where(l => l.StartsWith("| `--", StringComparison.Ordinal))
            .SelectMany(l => FlagPattern().Matches(l.Split('|')[1]).Select(f => f.Value)).ToHashSet(StringComparer.Ordinal);
        flags.Keys.Except(Generic).Where(f => !mentioned.Contains(f))
            .Select(f => $"{f} (of {string.Join(", ", flags[f])})")
            .Should().BeEmpty("every flag of --help is in docs/cli.md");
        defined.Where(f => !flags.ContainsKey(f)).Should().BeEmpty("every flag docs/cli.md's tables define is a flag of some command");
    }

    /// <summary>The lines of a help section (after its heading, up to the next blank line).</summary>
    private static IEnumerable<string> Section(string help, string heading) =>
        help.Split('\n').SkipWhile(l => l.Trim() != heading).Skip(1).TakeWhile(l => l.Trim().Length > 0).Select(l => l.Trim());

    [GeneratedRegex("--[a-z][a-z0-9-]*")]
    private static partial Regex FlagPattern();

    [GeneratedRegex("`[^`\\n]+`")]
    private static partial Regex CodeSpanPattern();
}
