using GridGov.Geo.Assets;
using Npgsql;

namespace GridGov.Api.Streetlights;

/// <summary>A streetlight-system component as the lookup keeps it.</summary>
public sealed record Lamp(string Code, string Component, double Lon, double Lat, string? CircuitCode, string CabinetCode, string Status, string? UnitGridCode);

/// <summary>
/// Every lamp and cabinet in memory with a <see cref="PointIndex"/>, for "which lamp is this?" (a report snaps to the
/// nearest lamp within ~50 m). Rebuilt when a trigger on <c>streetlights</c> notifies <c>streetlights_changed</c>.
/// </summary>
public sealed class StreetlightIndex(NpgsqlDataSource dataSource, ILogger<StreetlightIndex> logger)
    : Platform.NotifiedReloader(dataSource, logger, Platform.ReloadMode.OnDemand, "streetlights_changed")
{
    public const string LampComponent = "01037";
    public const string CabinetComponent = "01060";

    /// <param name="Circuits">Per circuit: its lamps and how many of them are not normal.</param>
    public sealed record Snapshot(IReadOnlyList<Lamp> All, PointIndex Index, IReadOnlyDictionary<string, int> ByCode,
        IReadOnlyDictionary<string, (int Lamps, int Faulty)> Circuits);

    private volatile Snapshot _current = new([], PointIndex.Build([]), new Dictionary<string, int>(), new Dictionary<string, (int, int)>());

    public Snapshot Current => _current;

    protected override async Task ReloadAsync(CancellationToken ct)
    {
        var lamps = new List<Lamp>();
        await using var cmd = DataSource.CreateCommand("""
            SELECT code, component, ST_X(location), ST_Y(location), circuit_code, cabinet_code, status, unit_grid_code FROM streetlights ORDER BY code
            """);
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                lamps.Add(new Lamp(r.GetString(0).Trim(), r.GetString(1).Trim(), r.GetDouble(2), r.GetDouble(3), r.IsDBNull(4) ? null : r.GetString(4),
                    r.GetString(5).Trim(), r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7)));
        var index = PointIndex.Build(lamps.Select(l => (l.Lon, l.Lat)).ToList());
        var circuits = lamps.Where(l => l.Component == LampComponent && l.CircuitCode is not null).GroupBy(l => l.CircuitCode!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (g.Count(), g.Count(l => l.Status != "normal")), StringComparer.Ordinal);
        _current = new Snapshot(lamps, index, lamps.Select((l, i) => (l.Code, i)).ToDictionary(x => x.Code, x => x.i, StringComparer.Ordinal), circuits);
    }

    /// <summary>Lamps (component 01037) within the radius, nearest first.</summary>
    public async Task<IReadOnlyList<(Lamp Lamp, double DistanceM)>> NearestLampsAsync(double lon, double lat, double radiusM, int limit, CancellationToken ct)
    {
        await WhenLoadedAsync(ct);
        var s = _current;
        return s.Index.Nearest(lon, lat, radiusM, limit, i => s.All[i].Component == LampComponent).Select(n => (s.All[n.Id], n.DistanceM)).ToList();
    }

    public async Task<Lamp?> FindAsync(string code, CancellationToken ct)
    {
        await WhenLoadedAsync(ct);
        var s = _current;
        return s.ByCode.TryGetValue(code, out var i) ? s.All[i] : null;
    }
}
