using GridGov.Api.Teams;
using Npgsql;

namespace GridGov.Api.Live;

/// <summary>A crew's latest accepted fix.</summary>
public sealed record LiveFix(double Lon, double Lat, DateTimeOffset T, float? AccuracyM);

/// <summary>One crew as the live side knows it: who, which team and grid, which role and shift.</summary>
/// <summary>An active crew as the live features see it; <paramref name="LargeGridCode"/> is null for an asset group's crew.</summary>
public sealed record CrewState(int Id, string Name, string EmployeeNo, int TeamId, string TeamName, string? LargeGridCode, CrewRole Role, Shift Shift, bool IsLead);

/// <summary>
/// Every crew with its team and latest fix, held in memory for position checks, the live stream and assignment.
/// Loaded at start and reloaded when an unknown crew id turns up (rate-limited). Thread-safe: readers see a snapshot.
/// </summary>
public sealed class CrewDirectory(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private volatile Dictionary<int, CrewState> _crews = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, LiveFix> _last = new();
    private long _lastReloadTicks;
    private readonly SemaphoreSlim _reload = new(1, 1);
    private volatile Dictionary<int, DateTimeOffset> _offDuty = [];
    private readonly object _dutyLock = new();

    public IReadOnlyCollection<CrewState> All => _crews.Values;

    public CrewState? Find(int id) => _crews.GetValueOrDefault(id);

    /// <summary>Since when the crew signed off duty in the phone app, or null while it is on duty.</summary>
    public DateTimeOffset? OffDutySince(int crewId) => _offDuty.TryGetValue(crewId, out var since) ? since : null;

    /// <summary>Called after the duty change is committed (and on reload from the table).</summary>
    internal void SetDuty(int crewId, DateTimeOffset? offSince)
    {
        lock (_dutyLock)
        {
            var next = new Dictionary<int, DateTimeOffset>(_offDuty);
            if (offSince is { } since) next[crewId] = since;
            else next.Remove(crewId);
            _offDuty = next;
        }
    }

    /// <summary>The crew's latest accepted fix, or null.</summary>
    public LiveFix? LastFix(int crewId) => _last.GetValueOrDefault(crewId);

    /// <summary>Forgets a crew's latest fix in memory (tests reset crews between cases; the table row is theirs to delete).</summary>
    internal void ForgetFix(int crewId) => _last.TryRemove(crewId, out _);

    /// <summary>Called by the position writer after a commit; never moves a crew back in time.</summary>
    internal void SetLastFix(int crewId, LiveFix fix) =>
        _last.AddOrUpdate(crewId, fix, (_, old) => fix.T > old.T ? fix : old);

    /// <summary>Finds a crew, reloading the directory once if it is unknown (at most every 5 s).</summary>
    public async ValueTask<CrewState?> FindAsync(int id, CancellationToken ct)
    {
        if (_crews.TryGetValue(id, out var crew)) return crew;
        if (clock.GetTimestamp() - Interlocked.Read(ref _lastReloadTicks) < clock.TimestampFrequency * 5) return null;
        await ReloadAsync(ct);
        return _crews.GetValueOrDefault(id);
    }

    public async Task ReloadAsync(CancellationToken ct = default)
    {
        await _reload.WaitAsync(ct);
        try
        {
            Interlocked.Exchange(ref _lastReloadTicks, clock.GetTimestamp());
            var crews = new Dictionary<int, CrewState>();
            var offDuty = new Dictionary<int, DateTimeOffset>();
            await using var cmd = dataSource.CreateCommand("""
                SELECT c.id, c.name, c.employee_no, c.team_id, t.name, t.large_grid_code, c.role, c.shift, c.is_lead,
                       ST_X(p.location), ST_Y(p.location), p.t, p.accuracy_m, c.off_duty_since
                FROM crews c JOIN teams t ON t.id = c.team_id LEFT JOIN crew_positions p ON p.crew_id = c.id
                WHERE c.active
                """);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var id = reader.GetInt32(0);
                crews[id] = new CrewState(id, reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5),
                    Enum.Parse<CrewRole>(reader.GetString(6)), Enum.Parse<Shift>(reader.GetString(7)), reader.GetBoolean(8));
                if (!reader.IsDBNull(9))
                    SetLastFix(id, new LiveFix(reader.GetDouble(9), reader.GetDouble(10), reader.GetFieldValue<DateTimeOffset>(11), reader.IsDBNull(12) ? null : reader.GetFloat(12)));
                if (!reader.IsDBNull(13)) offDuty[id] = reader.GetFieldValue<DateTimeOffset>(13);
            }
            _crews = crews;
            lock (_dutyLock) _offDuty = offDuty;
        }
        finally
        {
            _reload.Release();
        }
    }
}
