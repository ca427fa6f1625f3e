using GridGov.Geo.Assets;
using Npgsql;

namespace GridGov.Api.Streetlights;

/// <summary>A streetlight-system component as the lookup keeps it (its status lives in <see cref="StreetlightStatus"/>).</summary>
public sealed record Lamp(string Code, string Component, double Lon, double Lat, string? CircuitCode, string CabinetCode, string? UnitGridCode, int? CircuitSeq = null);

/// <summary>
/// Every lamp and cabinet in memory with a <see cref="PointIndex"/>, for "which lamp is this?" (a report snaps to the
/// nearest lamp within ~50 m). Rebuilt when a trigger on <c>streetlights</c> notifies <c>streetlights_changed</c>.
/// </summary>
public sealed class StreetlightIndex(NpgsqlDataSource dataSource, ILogger<StreetlightIndex> logger)
    : Platform.NotifiedReloader(dataSource, logger, Platform.ReloadMode.OnDemand, "streetlights_changed")
{
    public const string LampComponent = "01037";
    public const string CabinetComponent = "01060";

    /// <param name="CabinetCircuits">Per cabinet: its circuits.</param>
    /// <param name="CircuitLamps">Per circuit: its lamps (positions in <paramref name="All"/>) in cable order; its length is the circuit's lamp count.</param>
    public sealed record Snapshot(IReadOnlyList<Lamp> All, PointIndex Index, IReadOnlyDictionary<string, int> ByCode,
        IReadOnlyDictionary<string, string[]> CabinetCircuits, IReadOnlyDictionary<string, int[]> CircuitLamps);

    private volatile Snapshot _current = new([], PointIndex.Build([]), new Dictionary<string, int>(), new Dictionary<string, string[]>(), new Dictionary<string, int[]>());

    public Snapshot Current => _current;

    protected override async Task ReloadAsync(CancellationToken ct)
    {
        var lamps = new List<Lamp>();
        await using var cmd = DataSource.CreateCommand("""
            SELECT code, component, ST_X(location), ST_Y(location), circuit_code, cabinet_code, unit_grid_code, circuit_seq FROM streetlights ORDER BY code
            """);
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                lamps.Add(new Lamp(r.GetString(0).Trim(), r.GetString(1).Trim(), r.GetDouble(2), r.GetDouble(3), r.IsDBNull(4) ? null : r.GetString(4),
                    r.GetString(5).Trim(), r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetInt32(7)));
        var index = PointIndex.Build(lamps.Select(l => (l.Lon, l.Lat)).ToList());
        var onCircuits = lamps.Where(l => l.Component == LampComponent && l.CircuitCode is not null).GroupBy(l => l.CircuitCode!, StringComparer.Ordinal).ToList();
        var cabinets = onCircuits.GroupBy(g => g.First().CabinetCode, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(c => c.Key).Order(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
        var byCode = lamps.Select((l, i) => (l.Code, i)).ToDictionary(x => x.Code, x => x.i, StringComparer.Ordinal);
        var inOrder = onCircuits.ToDictionary(g => g.Key,
            g => g.OrderBy(l => l.CircuitSeq ?? int.MaxValue).ThenBy(l => l.Code, StringComparer.Ordinal).Select(l => byCode[l.Code]).ToArray(), StringComparer.Ordinal);
        _current = new Snapshot(lamps, index, byCode, cabinets, inOrder);
    }

    /// <summary>Lamps (component 01037) within the radius, nearest first.</summary>
    public Task<IReadOnlyList<(Lamp Lamp, double DistanceM)>> NearestLampsAsync(double lon, double lat, double radiusM, int limit, CancellationToken ct) =>
        NearestAsync(LampComponent, lon, lat, radiusM, limit, ct);

    /// <summary>Components of one kind within the radius, nearest first.</summary>
    public async Task<IReadOnlyList<(Lamp Lamp, double DistanceM)>> NearestAsync(string component, double lon, double lat, double radiusM, int limit, CancellationToken ct)
    {
        await WhenLoadedAsync(ct);
        var s = _current;
        return s.Index.Nearest(lon, lat, radiusM, limit, i => s.All[i].Component == component).Select(n => (s.All[n.Id], n.DistanceM)).ToList();
    }

    public async Task<Snapshot> CurrentAsync(CancellationToken ct)
    {
        await WhenLoadedAsync(ct);
        return _current;
    }

    public async Task<Lamp?> FindAsync(string code, CancellationToken ct)
    {
        await WhenLoadedAsync(ct);
        var s = _current;
        return s.ByCode.TryGetValue(code, out var i) ? s.All[i] : null;
    }
}

/// <summary>
/// What changes with the cases, kept apart from the lamp index so a lamp going dark does not rebuild 200,000 points:
/// the lamps, cabinets and circuits that are not normal, and the three streetlight groups' team ids. Rebuilt on
/// <c>streetlight_status</c> (status columns, circuits, teams), from the partial index on non-normal lamps.
/// </summary>
public sealed class StreetlightStatus(NpgsqlDataSource dataSource, ILogger<StreetlightStatus> logger)
    : Platform.NotifiedReloader(dataSource, logger, Platform.ReloadMode.OnDemand, "streetlight_status")
{
    public sealed record Snapshot(IReadOnlyDictionary<string, string> NotNormal, IReadOnlyDictionary<Teams.StreetlightDuty, (int Id, string Name)> Groups)
    {
        public string Of(string code) => NotNormal.GetValueOrDefault(code, "normal");

        public (int Id, string Name)? Group(Teams.StreetlightDuty duty) => Groups.TryGetValue(duty, out var g) ? g : null;
    }

    private volatile Snapshot _current = new(new Dictionary<string, string>(), new Dictionary<Teams.StreetlightDuty, (int, string)>());
    private int _stale;

    public async Task<Snapshot> CurrentAsync(CancellationToken ct)
    {
        await WhenLoadedAsync(ct);
        // This node changed a case about an asset: read again now rather than after the notification comes round.
        if (Interlocked.Exchange(ref _stale, 0) == 1) await RefreshAsync(ct);
        return _current;
    }

    /// <summary>A case about an asset changed here: the next read reloads (other nodes hear it by notification).</summary>
    public void Invalidate() => Interlocked.Exchange(ref _stale, 1);

    protected override async Task ReloadAsync(CancellationToken ct)
    {
        var notNormal = new Dictionary<string, string>(StringComparer.Ordinal);
        var groups = new Dictionary<Teams.StreetlightDuty, (int, string)>();
        await using var batch = DataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT trim(code), status FROM streetlights WHERE status <> 'normal'"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT code, status FROM circuits WHERE status <> 'normal'"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT duty, id, name FROM teams WHERE duty IS NOT NULL"));
        await using var r = await batch.ExecuteReaderAsync(ct);
        for (var set = 0; set < 2; set++)
        {
            while (await r.ReadAsync(ct)) notNormal[r.GetString(0)] = r.GetString(1);
            await r.NextResultAsync(ct);
        }
        while (await r.ReadAsync(ct)) groups[Enum.Parse<Teams.StreetlightDuty>(r.GetString(0))] = (r.GetInt32(1), r.GetString(2));
        _current = new Snapshot(notNormal, groups);
    }
}
