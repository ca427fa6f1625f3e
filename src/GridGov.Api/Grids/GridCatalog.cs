using GridGov.Api.Data;
using GridGov.Geo.Grids;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace GridGov.Api.Grids;

/// <summary>
/// One plan's grid hierarchy in memory for routing: the unit grids' point index plus each area's name, parent and
/// team. Immutable once built; every method is safe from any number of threads.
/// </summary>
public sealed class GridMap
{
    public sealed record Area(string Code, GridLevel Level, string Name, string? ParentCode, int? TeamId);
    public sealed record Named(string Code, string Name);
    public sealed record TeamRef(int Id, string Name);
    public sealed record Location(Named UnitGrid, Named? LargeGrid, Named? Community, Named? Street, TeamRef? Team);

    /// <summary>Where an incident at a point goes: its unit grid, large grid and team.</summary>
    public sealed record Route(string UnitGridCode, string? LargeGridCode, int? TeamId, double DistanceM);

    private readonly UnitGridIndex _index;
    private readonly Dictionary<string, Area> _areas;
    private readonly IReadOnlyDictionary<int, string> _teams;

    private GridMap(UnitGridIndex index, Dictionary<string, Area> areas, IReadOnlyDictionary<int, string> teams, Envelope extent)
    {
        (_index, _areas, _teams, Extent) = (index, areas, teams, extent);
    }

    /// <summary>Builds the map from every area of a plan (only unit grids need a geometry) and the team names.</summary>
    public static GridMap Build(IEnumerable<(Area Area, Geometry? Geometry)> areas, IReadOnlyDictionary<int, string> teams)
    {
        var list = areas.ToList();
        var units = list.Where(a => a.Area.Level == GridLevel.Unit && a.Geometry is not null).ToList();
        var index = UnitGridIndex.Build(units.Select(a => (a.Area.Code, a.Geometry!)));
        var extent = new Envelope();
        foreach (var a in units) extent.ExpandToInclude(a.Geometry!.EnvelopeInternal);
        return new GridMap(index, list.ToDictionary(a => a.Area.Code, a => a.Area, StringComparer.Ordinal), teams, extent);
    }

    public int UnitGridCount => _index.Count;

    /// <summary>The lon/lat extent of all unit grids (empty when there are none).</summary>
    public Envelope Extent { get; }

    /// <summary>The unit grid at a lon/lat point and everything above it, or null outside every grid.</summary>
    public Location? Locate(double lon, double lat)
    {
        var code = _index.Locate(lon, lat);
        if (code is null) return null;
        var unit = _areas[code];
        var large = Parent(unit);
        var community = large is null ? null : Parent(large);
        var street = community is null ? null : Parent(community);
        var team = large?.TeamId is { } id && _teams.TryGetValue(id, out var teamName) ? new TeamRef(id, teamName) : null;
        return new Location(Name(unit)!, Name(large), Name(community), Name(street), team);
    }

    /// <summary>
    /// The unit grid covering a point or, outside every grid, the nearest one within <paramref name="fallbackM"/>
    /// metres; then its large grid and that grid's team. Null when no grid is close enough.
    /// </summary>
    public Route? RouteAt(double lon, double lat, double fallbackM)
    {
        if (_index.Nearest(lon, lat, fallbackM) is not var (code, distance)) return null;
        var large = Parent(_areas[code]);
        return new Route(code, large?.Code, large?.TeamId, distance);
    }

    /// <summary>The codes of the unit grids under a large grid.</summary>
    public IReadOnlyList<string> UnitGridsOf(string largeGridCode) =>
        _areas.Values.Where(a => a.Level == GridLevel.Unit && a.ParentCode == largeGridCode).Select(a => a.Code).ToList();

    /// <summary>The large grid whose unit grid covers a point, or null.</summary>
    public string? LargeGridAt(double lon, double lat) =>
        _index.Locate(lon, lat) is { } code ? Parent(_areas[code])?.Code : null;

    /// <summary>Just the unit grid code at a point (the hot path of routing and benchmarks).</summary>
    public string? LocateCode(double lon, double lat) => _index.Locate(lon, lat);

    private Area? Parent(Area a) => a.ParentCode is { } p && _areas.TryGetValue(p, out var parent) ? parent : null;

    private static Named? Name(Area? a) => a is null ? null : new Named(a.Code, a.Name);
}

/// <summary>
/// The published plan's <see cref="GridMap"/>, which routing reads. Loaded at start; <see cref="ReloadAsync"/> swaps
/// in a fresh map atomically when grids change (a publish, a team taking another large grid).
/// </summary>
public sealed class GridCatalog(IServiceScopeFactory scopes)
{
    private GridMap? _map;

    /// <summary>The map in force now (take it once per operation that needs several answers from one plan).</summary>
    public GridMap Current => _map ?? throw new InvalidOperationException("The grid catalog has not been loaded yet.");

    public int UnitGridCount => Current.UnitGridCount;

    public async Task ReloadAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GridGovDb>();
        var areas = await db.Grids.AsNoTracking()
            .Select(g => new { g.Code, g.Level, g.Name, g.ParentCode, g.TeamId, Geometry = g.Level == GridLevel.Unit ? g.Geometry : null })
            .ToListAsync(ct);
        var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        _map = GridMap.Build(areas.Select(a => (new GridMap.Area(a.Code, a.Level, a.Name, a.ParentCode, a.TeamId), (Geometry?)a.Geometry)), teams);
    }

    /// <inheritdoc cref="GridMap.Locate"/>
    public GridMap.Location? Locate(double lon, double lat) => Current.Locate(lon, lat);

    /// <inheritdoc cref="GridMap.RouteAt"/>
    public GridMap.Route? RouteAt(double lon, double lat, double fallbackM) => Current.RouteAt(lon, lat, fallbackM);

    /// <inheritdoc cref="GridMap.Extent"/>
    public Envelope Extent => Current.Extent;

    /// <inheritdoc cref="GridMap.UnitGridsOf"/>
    public IReadOnlyList<string> UnitGridsOf(string largeGridCode) => Current.UnitGridsOf(largeGridCode);

    /// <inheritdoc cref="GridMap.LargeGridAt"/>
    public string? LargeGridAt(double lon, double lat) => Current.LargeGridAt(lon, lat);

    /// <inheritdoc cref="GridMap.LocateCode"/>
    public string? LocateCode(double lon, double lat) => Current.LocateCode(lon, lat);
}
