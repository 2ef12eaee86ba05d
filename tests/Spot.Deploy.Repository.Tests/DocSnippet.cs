namespace Spot.Deploy.Repository.Tests;

/// <summary>How a marked snippet is compiled.</summary>
internal enum SnippetKind
{
    /// <summary><c>&lt;!-- snippet: program --&gt;</c>: top-level statements, compiled as a console app.</summary>
    Program,

    /// <summary><c>&lt;!-- snippet: file --&gt;</c>: a complete source file (such as an xUnit test class), compiled as a library.</summary>
    File,
}

/// <summary>A C# code block the docs present as complete, with where it is (the line of its opening fence).</summary>
internal sealed record DocSnippet(string File, int FenceLine, SnippetKind Kind, string Code)
{
    public string Location => $"{File}:{FenceLine}";
}
