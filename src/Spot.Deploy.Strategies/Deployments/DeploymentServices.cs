using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;

namespace Spot.Deploy.Strategies;

/// <summary>
/// What deployments run with: the Elastigroup client, the AWS connection (AMI queries and ALB routes), the
/// journal, the app lock, the clock and logging. Share one instance (and so one client and one rate limiter)
/// between all deployments of a process.
/// </summary>
public sealed class DeploymentServices
{
    /// <summary>Creates the services.</summary>
    /// <param name="spot">The Elastigroup client.</param>
    /// <param name="aws">The AWS connection, or null: then images must be given by id and Blue/Green is unavailable.</param>
    /// <param name="journal">Where deployments are journaled.</param>
    /// <param name="appLock">The one-deployment-per-app lock.</param>
    /// <param name="timeProvider">The clock (default <see cref="TimeProvider.System"/>).</param>
    /// <param name="loggerFactory">Logging, or null for none.</param>
    public DeploymentServices(IElastigroupClient spot, AwsConnection? aws, IDeploymentJournal journal, IAppLock appLock, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(spot);
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(appLock);
        Spot = spot;
        Aws = aws;
        Journal = journal;
        AppLock = appLock;
        TimeProvider = timeProvider ?? TimeProvider.System;
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
    }

    /// <summary>
    /// The usual set-up: a <see cref="FileDeploymentJournal"/> in <c>{stateDirectory}/journal</c> and the default
    /// app lock (in-process and file-based in <c>{stateDirectory}/locks</c>).
    /// </summary>
    /// <param name="spot">The Elastigroup client.</param>
    /// <param name="aws">The AWS connection, or null.</param>
    /// <param name="stateDirectory">The directory for journals and lock files (created when missing).</param>
    /// <param name="timeProvider">The clock (default system).</param>
    /// <param name="loggerFactory">Logging, or null.</param>
    /// <returns>The services.</returns>
    public static DeploymentServices CreateDefault(IElastigroupClient spot, AwsConnection? aws, string stateDirectory, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stateDirectory);
        return new DeploymentServices(
            spot,
            aws,
            new FileDeploymentJournal(Path.Combine(stateDirectory, "journal"), timeProvider),
            AppLocks.CreateDefault(Path.Combine(stateDirectory, "locks")),
            timeProvider,
            loggerFactory);
    }

    /// <summary>The Elastigroup client.</summary>
    public IElastigroupClient Spot { get; }

    /// <summary>The AWS connection, or null.</summary>
    public AwsConnection? Aws { get; }

    /// <summary>The journal.</summary>
    public IDeploymentJournal Journal { get; }

    /// <summary>
    /// The control channel of paused deployments (<see cref="DeploymentOptions.Pause"/>): the journal itself when it is one
    /// (the in-memory, file and PostgreSQL journals are), otherwise null and deployments cannot pause.
    /// </summary>
    public IDeploymentControl? Control => Journal as IDeploymentControl;

    /// <summary>The app lock.</summary>
    public IAppLock AppLock { get; }

    /// <summary>The clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Logging.</summary>
    public ILoggerFactory LoggerFactory { get; }
}
