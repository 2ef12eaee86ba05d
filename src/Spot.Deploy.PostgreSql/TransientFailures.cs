using System.Net.Sockets;
using Npgsql;

namespace Spot.Deploy.PostgreSql;

/// <summary>
/// Which database failures are worth another attempt: the server could not be reached, the connection broke, the server
/// is shutting down or starting up (a restart, a fail-over), or the transaction lost a serialization or deadlock race.
/// Anything else — a refused password, a missing table, a constraint — fails the same way again and is not retried.
/// </summary>
internal static class TransientFailures
{
    public static bool IsTransient(Exception exception) => exception switch
    {
        PostgresException postgres => IsTransient(postgres.SqlState),
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is IOException or SocketException or TimeoutException,
        _ => false,
    };

    /// <summary>
    /// SQLSTATE classes 08 (connection exception), 57P01–57P03 (admin shutdown, crash shutdown, cannot connect now),
    /// 53300 (too many connections), 40001 and 40P01 (serialization failure, deadlock), 25P03 (the session sat idle in its
    /// transaction too long — the runner was frozen): the transaction did not commit.
    /// </summary>
    public static bool IsTransient(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState is "57P01" or "57P02" or "57P03" or "53300" or "40001" or "40P01" or "25P03";
}
