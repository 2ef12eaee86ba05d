namespace Spot.Deploy.PostgreSql;

/// <summary>A runner's lease on an app, as the database stores it: who, which fencing token, since and until when (database clock).</summary>
public sealed class AppLease
{
    /// <summary>The app.</summary>
    public string AppName { get; init; } = string.Empty;

    /// <summary>The holder, as given to <see cref="PostgreSqlDeploymentStore.AcquireAsync"/>.</summary>
    public string Holder { get; init; } = string.Empty;

    /// <summary>The fencing token: larger for every lease ever taken in the schema, so a newer holder always has a larger one.</summary>
    public long Token { get; init; }

    /// <summary>When the holder took the lease.</summary>
    public DateTimeOffset AcquiredAt { get; init; }

    /// <summary>When the lease expires unless renewed, by the database's clock.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>True when the lease had expired when it was read (database clock), or this runner learned it lost it.</summary>
    public bool IsExpired { get; init; }
}
