using System.Globalization;
using Npgsql;

namespace Spot.Deploy.PostgreSql;

/// <content>The app lock as a lease with a fencing token, renewed while held, judged by the database's clock.</content>
public sealed partial class PostgreSqlDeploymentStore
{
    /// <summary>The leases this store holds (as last renewed), for diagnostics.</summary>
    public IReadOnlyList<AppLease> HeldLeases => [.. _leases.Values.Select(l => l.ToAppLease()).OrderBy(l => l.AppName, StringComparer.Ordinal)];

    /// <summary>
    /// Takes the app's lease when nobody holds an unexpired one, and renews it every <see cref="RenewalInterval"/> until the
    /// handle is disposed. The lease's fencing token then guards every journal write of the app's deployments from this store.
    /// </summary>
    /// <param name="appName">The app (compared ordinally).</param>
    /// <param name="owner">Who takes it, shown to anyone refused. Must not hold secrets.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The handle; disposing it releases the lease.</returns>
    /// <exception cref="AppLockedException">Another runner (or this one) holds an unexpired lease on the app; the message names it.</exception>
    /// <exception cref="NpgsqlException">The database could not be reached.</exception>
    public async Task<AppLockHandle> AcquireAsync(string appName, string owner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(appName);
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);

        // Only the connection is retried: a taking of the lease whose answer was lost cannot be told from another runner's.
        await using var connection = await RetryAsync("opening a connection", () => OpenAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            await using (var acquire = new NpgsqlCommand(_sql.AcquireLease, connection))
            {
                acquire.Parameters.AddWithValue("app", appName);
                acquire.Parameters.AddWithValue("holder", owner);
                acquire.Parameters.AddWithValue("lease_time", LeaseTime);
                await using var reader = await acquire.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var lease = new HeldLease(appName, owner, reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<DateTimeOffset>(2));
                    return Hold(lease);
                }
            }

            // Refused: say who holds it. When the holder released it meanwhile, try again (a few times: others may race too).
            if (await ReadLeaseAsync(connection, appName, cancellationToken).ConfigureAwait(false) is { IsExpired: false } current)
            {
                throw new AppLockedException(appName, current.Holder, current.AcquiredAt, string.Create(CultureInfo.InvariantCulture,
                    $"lease with fencing token {current.Token} until {current.ExpiresAt:O} by the database's clock; another runner may take it over once it expires unrenewed"));
            }

            if (attempt == 2)
            {
                throw new AppLockedException(appName, null, null, "the lease changed hands while it was being taken");
            }
        }
    }

    /// <summary>The app's lease as the database holds it now, or null when nobody ever held it or it was released.</summary>
    /// <param name="appName">The app.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The lease, with <see cref="AppLease.IsExpired"/> judged by the database's clock.</returns>
    public async Task<AppLease?> GetLeaseAsync(string appName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(appName);
        return await RetryAsync("reading a lease", async () =>
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            return await ReadLeaseAsync(connection, appName, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks, inside a write's transaction, that this store may write the app's deployments, and locks the lease row so no
    /// takeover can commit before the write does. Allowed: this store holds the app's lease and it is unexpired; or this
    /// store holds none and nobody holds an unexpired one. Returns the token written with the entry.
    /// </summary>
    private async Task<long?> FenceAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string appName, string deploymentId, CancellationToken cancellationToken)
    {
        var mine = _leases.GetValueOrDefault(appName);
        string? holder = null;
        long? holderToken = null;
        var live = false;
        await using (var command = new NpgsqlCommand(_sql.LockLease, connection, transaction))
        {
            command.Parameters.AddWithValue("app", appName);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                (holder, holderToken, live) = (reader.GetString(0), reader.GetInt64(1), reader.GetBoolean(2));
            }
        }

        var allowed = mine is null ? !live : live && holderToken == mine.Token;
        if (allowed)
        {
            return mine?.Token;
        }

        if (mine is not null)
        {
            mine.IsLost = true;
        }

        var refused = new LeaseLostException(deploymentId, appName, mine?.Token, live ? holder : null, live ? holderToken : null);
        Log.WriteRefused(_logger, deploymentId, refused.Message);
        throw refused;
    }

    private AppLockHandle Hold(HeldLease lease)
    {
        _leases[lease.AppName] = lease;
        lease.Timer = _timeProvider.CreateTimer(_ => lease.LastRenewal = RenewAsync(lease), null, RenewalInterval, RenewalInterval);
        Log.LeaseAcquired(_logger, lease.AppName, lease.Holder, lease.Token, lease.ExpiresAt);
        return new AppLockHandle(lease.AppName, lease.Holder, lease.AcquiredAt, () => Release(lease));
    }

    private async Task RenewAsync(HeldLease lease)
    {
        if (lease.IsLost || !lease.TryBeginRenewal())
        {
            return;
        }

        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
            await using var renew = new NpgsqlCommand(_sql.RenewLease, connection);
            renew.Parameters.AddWithValue("app", lease.AppName);
            renew.Parameters.AddWithValue("token", lease.Token);
            renew.Parameters.AddWithValue("lease_time", LeaseTime);
            if (await renew.ExecuteScalarAsync().ConfigureAwait(false) is DateTime expiresAt)
            {
                lease.ExpiresAt = new DateTimeOffset(DateTime.SpecifyKind(expiresAt, DateTimeKind.Utc));
            }
            else
            {
                lease.IsLost = true;
                lease.Timer?.Dispose();
                Log.LeaseLost(_logger, lease.AppName, lease.Token);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or ObjectDisposedException or TimeoutException)
        {
            // The database may be back before the lease runs out; if not, the lease expires and writes are refused.
            Log.LeaseRenewalFailed(_logger, ex, lease.AppName, lease.Token);
        }
        finally
        {
            lease.EndRenewal();
        }
    }

    private void Release(HeldLease lease)
    {
        lease.Timer?.Dispose();
        _leases.TryRemove(new KeyValuePair<string, HeldLease>(lease.AppName, lease));
        try
        {
            // AppLockHandle releases synchronously; deleting only our own token's row never frees a newer holder's lease.
            using var connection = Open();
            using var release = new NpgsqlCommand(_sql.ReleaseLease, connection);
            release.Parameters.AddWithValue("app", lease.AppName);
            release.Parameters.AddWithValue("token", lease.Token);
            release.ExecuteNonQuery();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or ObjectDisposedException or TimeoutException)
        {
            Log.LeaseReleaseFailed(_logger, ex, lease.AppName, lease.Token);
        }
    }

    /// <summary>The lease this store holds on an app, if any (for tests: its renewal can be awaited).</summary>
    internal HeldLease? Held(string appName) => _leases.GetValueOrDefault(appName);

    private void StopRenewals()
    {
        foreach (var lease in _leases.Values)
        {
            lease.Timer?.Dispose();
        }
    }

    private async Task<AppLease?> ReadLeaseAsync(NpgsqlConnection connection, string appName, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(_sql.ReadLease, connection);
        command.Parameters.AddWithValue("app", appName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new AppLease
            {
                AppName = reader.GetString(0),
                Holder = reader.GetString(1),
                Token = reader.GetInt64(2),
                AcquiredAt = reader.GetFieldValue<DateTimeOffset>(3),
                ExpiresAt = reader.GetFieldValue<DateTimeOffset>(4),
                IsExpired = reader.GetBoolean(5),
            }
            : null;
    }
}
