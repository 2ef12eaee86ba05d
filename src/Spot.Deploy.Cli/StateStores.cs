using System.CommandLine;
using Spot.Deploy.PostgreSql;
using Spot.Deploy.Strategies;

namespace Spot.Deploy.Cli;

/// <summary>
/// Where the journal and the app lock live: files in <c>--state-dir</c> (one machine), or PostgreSQL (<c>--state postgres</c>,
/// many runners: journal, lease with fencing and history), its connection string from <c>SPOT_DEPLOY_POSTGRES</c> only,
/// so no password ever sits on a command line.
/// </summary>
internal static class StateStores
{
    public const string Files = "files";
    public const string Postgres = "postgres";

    public static Option<string> StateOption() =>
        new Option<string>("--state")
        {
            Description = $"files (default: journal and locks in --state-dir) or postgres (journal, lease and history shared by many runners; connection string from {PostgreSqlStoreOptions.EnvironmentVariable}).",
            DefaultValueFactory = _ => Files,
        }.AcceptOnlyFromAmong(Files, Postgres);

    /// <summary>True for <c>--state postgres</c>; refuses <c>--state-dir</c> with it (the directory would be ignored).</summary>
    public static bool IsPostgres(string? state, string? stateDir)
    {
        var postgres = string.Equals(state, Postgres, StringComparison.Ordinal);
        return postgres && stateDir is not null
            ? throw new CliUsageException($"--state-dir is for --state files; --state postgres reads the connection string from {PostgreSqlStoreOptions.EnvironmentVariable}")
            : postgres;
    }

    /// <summary>The journal and lock, and what to dispose when the command ends (the PostgreSQL store's connections).</summary>
    public static (IDeploymentJournal Journal, IAppLock Lock, IDisposable? Owned) Open(string? stateDir, bool postgres)
    {
        if (!postgres)
        {
            var dir = stateDir ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".spot-deploy");
            try
            {
                return (new FileDeploymentJournal(Path.Combine(dir, "journal"), null, RunnerName.FromEnvironment()), new FileAppLock(Path.Combine(dir, "locks")), null);
            }
            catch (ArgumentException e) when (e.ParamName == "runner")
            {
                throw new CliUsageException($"{RunnerName.EnvironmentVariable}: {e.Message}");
            }
        }

        PostgreSqlStoreOptions options;
        try
        {
            options = PostgreSqlStoreOptions.FromEnvironment();
            options.Runner = RunnerName.FromEnvironment() ?? options.Runner;
        }
        catch (InvalidOperationException e)
        {
            throw new CliUsageException("--state postgres: " + e.Message);
        }

        try
        {
            var store = new PostgreSqlDeploymentStore(options);
            return (store, store, store);
        }
        catch (ArgumentException e)
        {
            // The options' messages never hold the password; a bad SPOT_DEPLOY_RUNNER is named as Runner.
            throw new CliUsageException("--state postgres: " + e.Message);
        }
    }

    /// <summary>Names the journal in messages: the directory, or the database without its password.</summary>
    public static string Describe(string? stateDir, bool postgres) =>
        postgres ? "the PostgreSQL journal" : $"the journal of {stateDir ?? "~/.spot-deploy"}";
}
