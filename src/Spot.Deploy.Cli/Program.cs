using System.Runtime.InteropServices;
using Spot.Deploy.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C cancels (a deployment stops at its next safe point); a second one ends the process.
    if (!cancel.IsCancellationRequested)
    {
        e.Cancel = true;
        cancel.Cancel();
    }
};

// SIGTERM (e.g. a container stop) cancels the same way, instead of leaving the embedded emulator's host waiting.
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancel.Cancel();
});

return await Cli.RunAsync(args, Console.Out, Console.Error, cancel.Token);
