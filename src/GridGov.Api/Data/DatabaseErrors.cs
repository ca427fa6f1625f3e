using System.Net.Sockets;
using Npgsql;

namespace GridGov.Api.Data;

/// <summary>The database could not be reached within the retry window; the caller may retry (the writes are keyed, so a retry never duplicates).</summary>
public sealed class DatabaseUnavailableException(string message, Exception inner) : Exception(message, inner);

public static class DatabaseErrors
{
    /// <summary>
    /// Runs <paramref name="write"/>, retrying while the database is away (a transient failure) with a backoff of
    /// 0.2 s doubling to 2 s, for at most <paramref name="retrySeconds"/>; then throws
    /// <see cref="DatabaseUnavailableException"/> with <paramref name="giveUpMessage"/>. Other failures pass at once.
    /// </summary>
    public static async Task<T> RetryWhileAwayAsync<T>(Func<Task<T>> write, double retrySeconds, string giveUpMessage,
        Action<int, Exception> retrying, Action<int> recovered, CancellationToken ct)
    {
        var giveUpAt = DateTime.UtcNow.AddSeconds(retrySeconds);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await write();
                if (attempt > 1) recovered(attempt);
                return result;
            }
            catch (Exception ex) when (IsTransient(ex) && !ct.IsCancellationRequested)
            {
                if (DateTime.UtcNow >= giveUpAt) throw new DatabaseUnavailableException(giveUpMessage, ex);
                retrying(attempt, ex);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * (1 << Math.Min(attempt, 5)))), ct);
            }
        }
    }

    /// <summary>Whether a failure means "the database is away for now" (restart, failover, network), worth a retry.</summary>
    public static bool IsTransient(Exception ex) => ex switch
    {
        PostgresException pg => pg.IsTransient || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or IOException or TimeoutException,
        SocketException or IOException or TimeoutException => true,
        InvalidOperationException { InnerException: { } inner } => IsTransient(inner),
        _ => false,
    };
}
