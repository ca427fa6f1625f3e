using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using GridGov.Api.Data;
using GridGov.Api.Incidents;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Open311;

/// <summary>
/// Open311 API keys: issuing, checking, revoking, and each key's own rate limit. Only a key's SHA-256 and its first
/// characters are stored. Checks are cached for <see cref="CheckedFor"/>: a revocation through this instance takes
/// effect on the next request; on another instance of a cluster, within that time. Thread-safe.
/// </summary>
public sealed class Open311Keys(IServiceScopeFactory scopes, IncidentsSettings settings, TimeProvider clock) : IDisposable
{
    public static readonly TimeSpan CheckedFor = TimeSpan.FromMinutes(1);
    private const int PrefixLength = 10;

    /// <summary>The client a valid key belongs to.</summary>
    public sealed record Client(int Id, string Name);

    private sealed record Check(Client Client, DateTimeOffset At);

    private readonly ConcurrentDictionary<string, Check> _byHash = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, byte> _revoked = new();
    private readonly ConcurrentDictionary<int, DateTimeOffset> _usedWritten = new();
    private readonly PartitionedRateLimiter<int> _limiter = PartitionedRateLimiter.Create<int, int>(id =>
        RateLimitPartition.GetFixedWindowLimiter(id, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = settings.Open311PermitsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
        }));

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>A new key and the prefix that is kept to tell it apart in lists.</summary>
    public static (string Key, string Prefix) NewKey()
    {
        var key = "gg311_" + Base64Url(RandomNumberGenerator.GetBytes(24));
        return (key, key[..PrefixLength]);
    }

    /// <summary>The client of a valid, unrevoked key, or null. Records the use (at most one write a minute per key).</summary>
    public async Task<Client?> FindAsync(string? key, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length > 100) return null;
        var hash = Hash(key.Trim());
        var now = clock.GetUtcNow();
        if (!_byHash.TryGetValue(hash, out var check) || now - check.At >= CheckedFor)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<GridGovDb>();
            var found = await db.Open311Keys.AsNoTracking().Where(k => k.KeyHash == hash && !k.Revoked)
                .Select(k => new Client(k.Id, k.Name)).FirstOrDefaultAsync(ct);
            if (found is null)
            {
                _byHash.TryRemove(hash, out _);
                return null;
            }
            _byHash[hash] = check = new Check(found, now);
        }
        // Checked after the lookup: a check that raced a revocation cannot bring the key back.
        if (_revoked.ContainsKey(check.Client.Id)) return null;
        await RecordUseAsync(check.Client.Id, now, ct);
        return check.Client;
    }

    /// <summary>Takes one of the key's requests for this minute; when none is left, how long until the next window.</summary>
    public (bool Allowed, TimeSpan RetryAfter) TryTake(Client client)
    {
        using var lease = _limiter.AttemptAcquire(client.Id);
        if (lease.IsAcquired) return (true, TimeSpan.Zero);
        return (false, lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : TimeSpan.FromMinutes(1));
    }

    /// <summary>Revokes a key now; false when there is no such key. Revoking a revoked key changes nothing.</summary>
    public async Task<bool> RevokeAsync(int id, string? by, GridGovDb db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var changed = await db.Open311Keys.Where(k => k.Id == id && !k.Revoked).ExecuteUpdateAsync(s => s
            .SetProperty(k => k.Revoked, true).SetProperty(k => k.RevokedAt, now).SetProperty(k => k.RevokedBy, by), ct);
        if (changed == 0 && !await db.Open311Keys.AnyAsync(k => k.Id == id, ct)) return false;
        _revoked[id] = 0;
        foreach (var (hash, check) in _byHash)
            if (check.Client.Id == id) _byHash.TryRemove(hash, out _);
        return true;
    }

    private async Task RecordUseAsync(int id, DateTimeOffset now, CancellationToken ct)
    {
        if (_usedWritten.TryGetValue(id, out var written) && now - written < TimeSpan.FromMinutes(1)) return;
        _usedWritten[id] = now;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GridGovDb>();
        await db.Open311Keys.Where(k => k.Id == id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), ct);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose() => _limiter.Dispose();
}
