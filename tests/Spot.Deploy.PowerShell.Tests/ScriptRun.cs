using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace Spot.Deploy.PowerShell.Tests;

/// <summary>
/// One run of a script in a fresh runspace of PowerShell hosted in this process, collecting what it writes
/// to the output, warning and error streams.
/// </summary>
public sealed class ScriptRun : IDisposable
{
    private readonly System.Management.Automation.PowerShell _shell;
    private readonly PSDataCollection<PSObject> _output = [];
    private readonly List<string> _lines = [];

    public ScriptRun(string scriptPath, IReadOnlyDictionary<string, object> parameters)
    {
        _shell = System.Management.Automation.PowerShell.Create(InitialSessionState.CreateDefault2());
        _shell.AddCommand(scriptPath);
        foreach (var (name, value) in parameters)
        {
            _shell.AddParameter(name, value);
        }

        _output.DataAdded += (_, e) =>
        {
            var line = _output[e.Index]?.ToString() ?? "";
            lock (_lines)
            {
                _lines.Add(line);
            }

            LineWritten?.Invoke(line);
        };
    }

    /// <summary>Raised on the pipeline's thread for each object the script writes to its output, as text.</summary>
    public event Action<string>? LineWritten;

    /// <summary>The output so far, one object a line, as text.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public IReadOnlyList<string> Warnings => [.. _shell.Streams.Warning.Select(w => w.Message)];

    public IReadOnlyList<ErrorRecord> Errors => [.. _shell.Streams.Error];

    /// <summary>Runs the script to its end: null, or the terminating error it ended with.</summary>
    public async Task<Exception?> RunAsync(TimeSpan timeout)
    {
        try
        {
            await _shell.InvokeAsync<PSObject, PSObject>(null, _output).WaitAsync(timeout);
            return null;
        }
        catch (RuntimeException e)
        {
            return e;
        }
    }

    /// <summary>What a host does on Ctrl+C: stops the pipeline, which runs the script's finally blocks.</summary>
    public Task StopAsync() => _shell.StopAsync(null, null);

    public void Dispose()
    {
        _shell.Runspace?.Dispose();
        _shell.Dispose();
        _output.Dispose();
    }
}
