namespace Spot.Deploy.Cli.Tests;

/// <summary>One in-process run of <c>spot-deploy</c>: its exit code, what it wrote, and the emulators it started.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error, IReadOnlyList<Sandbox> Sandboxes)
{
    public IReadOnlyList<string> Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public IReadOnlyList<string> ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static async Task<CliRun> RunAsync(params string[] args)
    {
        var sandboxes = new List<Sandbox>();
        Sandbox.Started.Value = sandboxes.Add;
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Cli.RunAsync(args, output, error);
        Sandbox.Started.Value = null;
        return new CliRun(code, output.ToString().Replace("\r", string.Empty, StringComparison.Ordinal), error.ToString(), sandboxes);
    }
}
