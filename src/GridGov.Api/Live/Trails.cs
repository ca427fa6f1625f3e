using GridGov.Api.Grids;
using NetTopologySuite.Geometries;
using NetTopologySuite.Simplify;
using Npgsql;

namespace GridGov.Api.Live;

/// <summary>A crew's day on the ground: its simplified trail, distance, and the share of its grid it passed through.</summary>
public sealed record Trail(
    int CrewId, DateOnly Date, int Fixes, double DistanceM, LineString? Line, int UnitGridsVisited, int UnitGridsTotal, double Coverage,
    IReadOnlyList<string> VisitedUnitGrids, DateTimeOffset? From, DateTimeOffset? To);

/// <summary>Reads a crew's fixes of a local day from the position history.</summary>
public sealed class Trails(NpgsqlDataSource dataSource, GridCatalog grids)
{
    private static readonly GeometryFactory LonLat = new(new PrecisionModel(), 4490);

    /// <summary>Douglas-Peucker tolerance of the drawn line, in degrees (about 5 m).</summary>
    private const double SimplifyToleranceDeg = 0.00005;

    public async Task<List<(double Lon, double Lat, DateTimeOffset T)>> FixesAsync(int crewId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var fixes = new List<(double, double, DateTimeOffset)>();
        await using var cmd = dataSource.CreateCommand(
            "SELECT ST_X(location), ST_Y(location), t FROM position_history WHERE crew_id = $1 AND t >= $2 AND t < $3 ORDER BY t");
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = crewId });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = from.ToUniversalTime() });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = to.ToUniversalTime() });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) fixes.Add((reader.GetDouble(0), reader.GetDouble(1), reader.GetFieldValue<DateTimeOffset>(2)));
        return fixes;
    }

    /// <summary>Metres walked along consecutive fixes.</summary>
    public static double Distance(IReadOnlyList<(double Lon, double Lat, DateTimeOffset T)> fixes)
    {
        var metres = 0.0;
        for (var i = 1; i < fixes.Count; i++) metres += Geodesy.Metres(fixes[i - 1].Lon, fixes[i - 1].Lat, fixes[i].Lon, fixes[i].Lat);
        return metres;
    }

    public async Task<Trail> ForDayAsync(CrewState crew, DateOnly date, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var fixes = await FixesAsync(crew.Id, from, to, ct);
        LineString? line = null;
        if (fixes.Count >= 2)
        {
            var raw = LonLat.CreateLineString(fixes.Select(f => new Coordinate(f.Lon, f.Lat)).ToArray());
            line = DouglasPeuckerSimplifier.Simplify(raw, SimplifyToleranceDeg) as LineString ?? raw;
        }
        var own = (crew.LargeGridCode is { } largeGrid ? grids.UnitGridsOf(largeGrid) : []).ToHashSet();
        var visited = fixes.Select(f => grids.LocateCode(f.Lon, f.Lat)).Where(c => c is not null && own.Contains(c)).Select(c => c!).Distinct().Order().ToList();
        return new Trail(crew.Id, date, fixes.Count, Math.Round(Distance(fixes), 1), line, visited.Count, own.Count,
            own.Count == 0 ? 0 : Math.Round((double)visited.Count / own.Count, 4), visited,
            fixes.Count > 0 ? fixes[0].T : null, fixes.Count > 0 ? fixes[^1].T : null);
    }
}
