using GridGov.Api.Data;
using GridGov.Geo.Grids;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Grids;

/// <summary>
/// The grid hierarchy held in memory for routing: the unit grids' point index plus each area's name, parent
/// and team. Loaded at start; <see cref="ReloadAsync"/> swaps in a fresh snapshot atomically when grids change.
/// </summary>
public sealed class GridCatalog(IServiceScopeFactory scopes)
{
    private Snapshot? _snapshot;

    public sealed record Area(string Code, GridLevel Level, string Name, string? ParentCode, int? TeamId);
    public sealed record Named(string Code, string Name);
    public sealed record TeamRef(int Id, string Name);
    public sealed record Location(Named UnitGrid, Named? LargeGrid, Named? Community, Named? Street, TeamRef? Team);

    private sealed record Snapshot(UnitGridIndex Index, Dictionary<string, Area> Areas, Dictionary<int, string> Teams, NetTopologySuite.Geometries.Envelope Extent);

    public int UnitGridCount => Current.Index.Count;

    private Snapshot Current => _snapshot ?? throw new InvalidOperationException("The grid catalog has not been loaded yet.");

    public async Task ReloadAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GridGovDb>();
        var areas = await db.Grids.AsNoTracking()
            .Select(g => new { g.Code, g.Level, g.Name, g.ParentCode, g.TeamId, Geometry = g.Level == GridLevel.Unit ? g.Geometry : null })
            .ToListAsync(ct);
        var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        var index = UnitGridIndex.Build(areas.Where(a => a.Geometry is not null).Select(a => (a.Code, (NetTopologySuite.Geometries.Geometry)a.Geometry!)));
        var extent = new NetTopologySuite.Geometries.Envelope();
        foreach (var a in areas) if (a.Geometry is not null) extent.ExpandToInclude(a.Geometry.EnvelopeInternal);
        _snapshot = new Snapshot(index, areas.ToDictionary(a => a.Code, a => new Area(a.Code, a.Level, a.Name, a.ParentCode, a.TeamId)), teams, extent);
    }

    /// <summary>The unit grid at a lon/lat point and everything above it, or null outside every grid.</summary>
    public Location? Locate(double lon, double lat)
    {
        var snapshot = Current;
        var code = snapshot.Index.Locate(lon, lat);
        if (code is null) return null;
        var unit = snapshot.Areas[code];
        var large = Parent(snapshot, unit);
        var community = large is null ? null : Parent(snapshot, large);
        var street = community is null ? null : Parent(snapshot, community);
        var team = large?.TeamId is { } id && snapshot.Teams.TryGetValue(id, out var teamName) ? new TeamRef(id, teamName) : null;
        return new Location(Name(unit)!, Name(large), Name(community), Name(street), team);
    }

    /// <summary>Where an incident at a point goes: its unit grid, large grid and team.</summary>
    public sealed record Route(string UnitGridCode, string? LargeGridCode, int? TeamId, double DistanceM);

    /// <summary>
    /// The unit grid covering a point or, outside every grid, the nearest one within <paramref name="fallbackM"/>
    /// metres; then its large grid and that grid's team. Null when no grid is close enough.
    /// </summary>
    public Route? RouteAt(double lon, double lat, double fallbackM)
    {
        var snapshot = Current;
        if (snapshot.Index.Nearest(lon, lat, fallbackM) is not var (code, distance)) return null;
        var large = Parent(snapshot, snapshot.Areas[code]);
        return new Route(code, large?.Code, large?.TeamId, distance);
    }

    /// <summary>The lon/lat extent of all unit grids (empty when there are none).</summary>
    public NetTopologySuite.Geometries.Envelope Extent => Current.Extent;

    /// <summary>The codes of the unit grids under a large grid.</summary>
    public IReadOnlyList<string> UnitGridsOf(string largeGridCode) =>
        Current.Areas.Values.Where(a => a.Level == GridLevel.Unit && a.ParentCode == largeGridCode).Select(a => a.Code).ToList();

    /// <summary>The large grid whose unit grid covers a point, or null.</summary>
    public string? LargeGridAt(double lon, double lat)
    {
        var snapshot = Current;
        return snapshot.Index.Locate(lon, lat) is { } code ? Parent(snapshot, snapshot.Areas[code])?.Code : null;
    }

    /// <summary>Just the unit grid code at a point (the hot path of routing and benchmarks).</summary>
    public string? LocateCode(double lon, double lat) => Current.Index.Locate(lon, lat);

    private static Area? Parent(Snapshot s, Area a) => a.ParentCode is { } p && s.Areas.TryGetValue(p, out var parent) ? parent : null;

    private static Named? Name(Area? a) => a is null ? null : new Named(a.Code, a.Name);
}
