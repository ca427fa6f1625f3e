using System.Collections.Concurrent;
using Npgsql;

namespace GridGov.Api.Auth;

/// <summary>
/// Whether a signed-in user's token still counts: the user exists, is active, and the token carries the user's current
/// token version (raised on disable, role or password changes). Answers from a cache of at most
/// <see cref="MaxAge"/>; a change made through this instance forgets the entry at once, so revocation is immediate
/// here and within <see cref="MaxAge"/> on any other instance on the same database. While the database does not
/// answer, the last known state counts, or (never seen) the token's signature alone: every request that needs the
/// database fails anyway, and /health still tells an admin why. Thread-safe.
/// </summary>
public sealed class UserDirectory(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const string VersionClaim = "tv";
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<int, (bool Active, int Version, long At)> _cache = new();

    public async ValueTask<bool> IsCurrentAsync(int userId, int tokenVersion, CancellationToken ct)
    {
        var now = clock.GetTimestamp();
        var known = _cache.TryGetValue(userId, out var entry);
        if (!known || clock.GetElapsedTime(entry.At, now) > MaxAge)
        {
            try
            {
                await using var cmd = dataSource.CreateCommand("SELECT active, token_version FROM users WHERE id = $1");
                cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = userId });
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                entry = await reader.ReadAsync(ct) ? (reader.GetBoolean(0), reader.GetInt32(1), now) : (false, -1, now);
                _cache[userId] = entry;
            }
            catch (Exception ex) when (Data.DatabaseErrors.IsTransient(ex) && !ct.IsCancellationRequested)
            {
                return !known || (entry.Active && entry.Version == tokenVersion);
            }
        }
        return entry.Active && entry.Version == tokenVersion;
    }

    /// <summary>Raised after a user's row changed, so long-lived connections (the live hub) can check their token again.</summary>
    public event Action<int>? Changed;

    /// <summary>Called after a user's row changed (disabled, deleted, new roles or password).</summary>
    public void Forget(int userId)
    {
        _cache.TryRemove(userId, out _);
        Changed?.Invoke(userId);
    }
}

/// <summary>A token that is well signed and unexpired but no longer counts (see <see cref="UserDirectory"/>).</summary>
public sealed class TokenRevokedException(string message) : Exception(message);
