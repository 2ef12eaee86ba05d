namespace Spot.Deploy.PostgreSql;

/// <summary>A lease this process holds: its token, and the timer renewing it until released, lost or the store is disposed.</summary>
internal sealed class HeldLease(string appName, string holder, long token, DateTimeOffset acquiredAt, DateTimeOffset expiresAt)
{
    private int _renewing;

    public string AppName { get; } = appName;

    public string Holder { get; } = holder;

    public long Token { get; } = token;

    public DateTimeOffset AcquiredAt { get; } = acquiredAt;

    public DateTimeOffset ExpiresAt { get; set; } = expiresAt;

    public volatile bool IsLost;

    public ITimer? Timer { get; set; }

    /// <summary>The latest renewal started by the timer, so tests can await it instead of sleeping.</summary>
    public Task LastRenewal { get; set; } = Task.CompletedTask;

    /// <summary>True for the one caller that may renew now: a slow renewal is not overlapped by the next tick.</summary>
    public bool TryBeginRenewal() => Interlocked.CompareExchange(ref _renewing, 1, 0) == 0;

    public void EndRenewal() => Volatile.Write(ref _renewing, 0);

    public AppLease ToAppLease() => new()
    {
        AppName = AppName,
        Holder = Holder,
        Token = Token,
        AcquiredAt = AcquiredAt,
        ExpiresAt = ExpiresAt,
        IsExpired = IsLost,
    };
}
