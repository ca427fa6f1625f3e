using System.Diagnostics;
using GridGov.Api.Live;
using GridGov.Geo.Roads;
using Npgsql;
using NpgsqlTypes;

namespace GridGov.Api.LifeCircles;

/// <summary>A facility as the coverage search takes it.</summary>
public sealed record FacilityPoint(int Id, string Class, double Lon, double Lat);

/// <summary>A building as the coverage search takes it: a point on its surface.</summary>
public sealed record BuildingPoint(int Id, double Lon, double Lat);

/// <summary>Walking metres from every building to the nearest facility of every class (+∞: unreachable).</summary>
public sealed record CoverageResult(IReadOnlyList<string> Classes, IReadOnlyList<BuildingPoint> Buildings, float[][] Metres, int FacilitiesOffRoad, int BuildingsOffRoad);

/// <summary>The coverage search: one multi-source Dijkstra per class (every facility of the class a source), read at every building.</summary>
public static class Coverage
{
    public static CoverageResult Compute(RoadGraph graph, IReadOnlyList<string> classes, IReadOnlyList<FacilityPoint> facilities,
        IReadOnlyList<BuildingPoint> buildings, double snapM)
    {
        var buildingSnaps = new RoadSnap?[buildings.Count];
        Parallel.For(0, buildings.Count, i => buildingSnaps[i] = graph.Snap(buildings[i].Lon, buildings[i].Lat, snapM));
        var facilitySnaps = facilities.Select(f => (f.Class, Snap: graph.Snap(f.Lon, f.Lat, snapM))).ToList();
        var metres = new float[classes.Count][];
        Parallel.For(0, classes.Count, c =>
        {
            var sources = facilitySnaps.Where(f => f.Class == classes[c] && f.Snap is not null).Select(f => f.Snap!.Value).ToList();
            var row = new float[buildings.Count];
            if (sources.Count == 0)
            {
                Array.Fill(row, float.PositiveInfinity);
            }
            else
            {
                var field = graph.Access(sources);
                for (var b = 0; b < row.Length; b++) row[b] = buildingSnaps[b] is { } s ? (float)field.At(s) : float.PositiveInfinity;
            }
            metres[c] = row;
        });
        return new CoverageResult(classes, buildings, metres, facilitySnaps.Count(f => f.Snap is null), buildingSnaps.Count(s => s is null));
    }
}

/// <summary>
/// The walking network (roads with <c>walk</c>) in memory for isochrones, and the life-circle coverage of every
/// residential building kept in <c>building_walk</c> (for the coverage figures and the building tile layer). Rebuilt in
/// the background whenever roads, buildings or facilities change (<c>roads_changed</c>, <c>lifecircle_changed</c>).
/// </summary>
public sealed partial class WalkNetwork(NpgsqlDataSource dataSource, FacilityClasses classes, LifeCircleSettings settings, ILogger<WalkNetwork> logger)
    : Platform.NotifiedReloader(dataSource, logger, Platform.ReloadMode.OnDemand, "roads_changed", "lifecircle_changed")
{
    /// <summary>What one rebuild produced.</summary>
    public sealed record State(RoadGraph? Graph, int Version, DateTimeOffset ComputedAt, int Buildings, int Facilities, long CoverageMs);

    private volatile State _state = new(null, 0, DateTimeOffset.MinValue, 0, 0, 0);

    public State Current => _state;

    protected override async Task ReloadAsync(CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var roads = await RoadNetwork.ReadAsync(DataSource, "walk", ct);
        var graph = roads.Count == 0 ? null : RoadGraph.Build(roads, maxTableJunctions: 0);
        var facilities = await ReadFacilitiesAsync(DataSource, ct);
        var buildings = await ReadResidentialAsync(DataSource, ct);
        var loadMs = watch.ElapsedMilliseconds;
        watch.Restart();
        var keys = classes.All.Select(c => c.Class).ToList();
        CoverageResult? result = graph is null ? null : Coverage.Compute(graph, keys, facilities, buildings, settings.BuildingSnapM);
        var coverageMs = watch.ElapsedMilliseconds;
        watch.Restart();
        await WriteAsync(DataSource, result, ct);
        var version = _state.Version + 1;
        _state = new State(graph, version, DateTimeOffset.UtcNow, buildings.Count, facilities.Count, coverageMs);
        LogComputed(graph?.NodeCount ?? 0, facilities.Count, buildings.Count, keys.Count, loadMs, coverageMs, watch.ElapsedMilliseconds,
            result?.FacilitiesOffRoad ?? 0, result?.BuildingsOffRoad ?? 0);
    }

    public static async Task<List<FacilityPoint>> ReadFacilitiesAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var list = new List<FacilityPoint>();
        await using var cmd = db.CreateCommand("SELECT id, kind, ST_X(location), ST_Y(location) FROM facilities");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(new FacilityPoint(r.GetInt32(0), r.GetString(1), r.GetDouble(2), r.GetDouble(3)));
        return list;
    }

    public static async Task<List<BuildingPoint>> ReadResidentialAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var list = new List<BuildingPoint>();
        await using var cmd = db.CreateCommand("""
            SELECT id, ST_X(p), ST_Y(p) FROM (SELECT id, ST_PointOnSurface(geometry) AS p FROM buildings WHERE kind = 'residential') b ORDER BY id
            """);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(new BuildingPoint(r.GetInt32(0), r.GetDouble(1), r.GetDouble(2)));
        return list;
    }

    /// <summary>Replaces <c>building_walk</c> in one transaction (nodes computing at once take turns; they write the same rows).</summary>
    public static async Task WriteAsync(NpgsqlDataSource db, CoverageResult? result, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand("""
            SELECT pg_advisory_xact_lock(hashtext('gridgov.building_walk'));
            DELETE FROM building_walk; DELETE FROM building_walk_classes;
            INSERT INTO building_walk_classes (classes, computed_at) VALUES (@classes, now());
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("classes", (result?.Classes ?? []).ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }
        if (result is not null)
        {
            await using var w = await conn.BeginBinaryImportAsync("COPY building_walk (building_id, metres) FROM STDIN (FORMAT BINARY)", ct);
            var row = new float?[result.Classes.Count];
            for (var b = 0; b < result.Buildings.Count; b++)
            {
                for (var c = 0; c < row.Length; c++) row[c] = float.IsFinite(result.Metres[c][b]) ? MathF.Round(result.Metres[c][b], 1) : null;
                await w.StartRowAsync(ct);
                await w.WriteAsync(result.Buildings[b].Id, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(row, NpgsqlDbType.Array | NpgsqlDbType.Real, ct);
            }
            await w.CompleteAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Life circles: {Nodes} walking junctions, {Facilities} facilities, {Buildings} residential buildings × {Classes} classes; loaded in {LoadMs} ms, coverage {CoverageMs} ms, written in {WriteMs} ms ({FacilitiesOff} facilities and {BuildingsOff} buildings off every road)")]
    private partial void LogComputed(int nodes, int facilities, int buildings, int classes, long loadMs, long coverageMs, long writeMs, int facilitiesOff, int buildingsOff);
}
