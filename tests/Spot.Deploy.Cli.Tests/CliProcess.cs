using System.Diagnostics;
using System.Text;

namespace Spot.Deploy.Cli.Tests;

/// <summary>
/// The built <c>spot-deploy</c> as a real OS process (<c>dotnet spot-deploy.dll …</c> from the test's output folder), for
/// what an in-process <see cref="Cli.RunAsync"/> cannot show: a process killed with SIGKILL, whose lock the OS releases
/// and whose journal is left as the disk has it.
/// </summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly object _gate = new();

    private CliProcess(Process process) => _process = process;

    /// <summary>What the process has written to its standard output so far.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>What the process has written to its standard error so far.</summary>
    public string Error
    {
        get
        {
            lock (_gate)
            {
                return _error.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <c>spot-deploy</c> with the arguments; the environment given is added to (null: removed from) the test's.</summary>
    public static CliProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment)
    {
        // The dotnet CLI that runs the tests names its host; fall back to the one on the PATH.
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "spot-deploy.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = start };
        var cli = new CliProcess(process);
        process.OutputDataReceived += (_, e) => cli.Append(cli._output, e.Data);
        process.ErrorDataReceived += (_, e) => cli.Append(cli._error, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Runs <c>spot-deploy</c> to its end; a process still running after <paramref name="timeout"/> is killed and fails the test.</summary>
    public static async Task<(int Code, string Output, string Error)> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout)
    {
        using var cli = Start(arguments, environment);
        await cli.WaitForExitAsync(timeout);
        return (cli._process.ExitCode, cli.Output, cli.Error);
    }

    /// <summary>Waits for the process to end (and its output to be read); kills it and throws after <paramref name="timeout"/>.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"spot-deploy {string.Join(' ', _process.StartInfo.ArgumentList.Skip(1))} did not end within {timeout}.\n{Output}\n{Error}");
        }
    }

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds. A real process is waited for here, so the pauses are real
    /// time; the timeout is generous (a loaded machine), and a process that ends first fails at once.
    /// </summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"spot-deploy ended (exit {_process.ExitCode}) before {what}.\n{Output}\n{Error}");
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"Waited {timeout} for {what}.\n{Output}\n{Error}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    /// <summary>SIGKILL on Unix (TerminateProcess on Windows): no handler, no finally block, no flush runs.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            target.AppendLine(line);
        }
    }
}
