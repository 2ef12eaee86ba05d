namespace Spot.Deploy.Cli;

/// <summary>The process exit codes of <c>spot-deploy</c> (documented in docs/cli.md).</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked (for <c>demo</c>: every deployment ended as the demo expects).</summary>
    public const int Success = 0;

    /// <summary>The deployment failed and was rolled back: the app is exactly as it was before.</summary>
    public const int RolledBack = 1;

    /// <summary>The deployment (or its rollback) failed and the app needs a person: see the journal, then <c>resume</c>, <c>rollback</c> or <c>abandon</c>.</summary>
    public const int NeedsAttention = 2;

    /// <summary>
    /// Invalid input (flags, files, validation), or a call the app's deployments refuse (<c>DeploymentStateException</c>:
    /// a deploy over an unfinished deployment, a resume or rollback over a newer one, a rollback of a succeeded one, an
    /// abandon of a finished one): nothing was changed, and the same command fails the same way until a person acts.
    /// </summary>
    public const int InvalidInput = 3;

    /// <summary>Another deployment of the app holds its lock: nothing was changed.</summary>
    public const int Locked = 4;

    /// <summary>
    /// <c>--state postgres</c>: this runner's lease on the app expired or another runner took the deployment over (its
    /// journal write was refused); it stopped and sent no further change. The deployment belongs to the lease holder.
    /// </summary>
    public const int LeaseLost = 5;
}

/// <summary>Bad flags or values found by the tool itself (exit code 3, before anything is called).</summary>
internal sealed class CliUsageException(string message) : Exception(message);
