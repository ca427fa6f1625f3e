using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace GridGov.Api.LifeCircles;

/// <summary>
/// The write side of <see cref="OsmImport"/>, plain Npgsql SQL in one place: roads from the staging schema, the
/// streetlights re-snapped to them, buildings and facilities by COPY, each placed in the published unit grids by the
/// routing rule (the covering unit grid with the lowest code). One transaction for everything.
/// </summary>
internal static class OsmImportWriter
{
    public static async Task<OsmImportResult> ReplaceAsync(NpgsqlConnection db, IReadOnlyList<OsmBuilding> buildings,
        IReadOnlyList<OsmFacility> facilities, CancellationToken ct)
    {
        await using var tx = await db.BeginTransactionAsync(ct);

        // Junctions and segments renumbered 1..n in osm2pgrouting's order; the class is the highway value.
        await OsmImport.Execute(db, "UPDATE streetlights SET road_id = NULL WHERE road_id IS NOT NULL; DELETE FROM roads", ct);
        await using (var roads = new NpgsqlCommand($"""
            WITH v AS (
              SELECT v, row_number() OVER (ORDER BY v)::int AS id
              FROM (SELECT source AS v FROM {OsmImport.StageSchema}.ways UNION SELECT target FROM {OsmImport.StageSchema}.ways) x
              WHERE v IS NOT NULL)
            INSERT INTO roads (id, class, name, geometry, source, target, length_m, walk, drive, osm_id)
            SELECT row_number() OVER (ORDER BY w.gid)::int, left(c.tag_value, 20), nullif(left(btrim(w.name), 50), ''),
                   ST_SetSRID(w.the_geom, 4490), s.id, t.id, w.length_m, true, NOT (c.tag_value = ANY($1)), w.osm_id
            FROM {OsmImport.StageSchema}.ways w
            JOIN {OsmImport.StageSchema}.configuration c ON c.tag_id = w.tag_id
            JOIN v s ON s.v = w.source JOIN v t ON t.v = w.target;
            """, db, tx))
        {
            roads.Parameters.AddWithValue(OsmImport.WalkOnlyClasses.ToArray());
            await roads.ExecuteNonQueryAsync(ct);
        }

        // A lamp (01037) takes the nearest road within the snap distance (cabinets stand on none): a box in degrees first
        // (the GiST index), then metres on the spheroid.
        await using (var snap = new NpgsqlCommand("""
            UPDATE streetlights s SET road_id = (
              SELECT r.id FROM roads r
              WHERE r.geometry && ST_Expand(s.location, $1 / (100000.0 * cos(radians(ST_Y(s.location)))), $1 / 100000.0)
                AND ST_DWithin(r.geometry::geography, s.location::geography, $1)
              ORDER BY ST_Distance(r.geometry::geography, s.location::geography), r.id
              LIMIT 1)
            WHERE s.component = '01037'
            """, db, tx))
        {
            snap.Parameters.AddWithValue(OsmImport.StreetlightSnapM);
            await snap.ExecuteNonQueryAsync(ct);
        }

        await OsmImport.Execute(db, "DELETE FROM building_walk; DELETE FROM buildings; DELETE FROM facilities", ct);
        await using (var copy = await db.BeginBinaryImportAsync("COPY buildings (id, kind, geometry, floors, households, osm_id) FROM STDIN (FORMAT BINARY)", ct))
        {
            var id = 0;
            foreach (var b in buildings)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(++id, ct);
                await copy.WriteAsync(b.Kind, ct);
                await copy.WriteAsync((Geometry)b.Geometry, NpgsqlDbType.Geometry, ct);
                await copy.WriteAsync(b.Floors, ct);
                await copy.WriteAsync(b.Households, ct);
                await copy.WriteAsync(b.OsmId, ct);
            }
            await copy.CompleteAsync(ct);
        }
        await using (var copy = await db.BeginBinaryImportAsync("COPY facilities (id, kind, name, level_minutes, location, osm_ref) FROM STDIN (FORMAT BINARY)", ct))
        {
            var id = 0;
            foreach (var f in facilities)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(++id, ct);
                await copy.WriteAsync(f.Class.Class, ct);
                await copy.WriteAsync(f.Name, ct);
                await copy.WriteAsync(f.Class.Level, ct);
                await copy.WriteAsync((Geometry)f.Location, NpgsqlDbType.Geometry, ct);
                await copy.WriteAsync(f.OsmRef, ct);
            }
            await copy.CompleteAsync(ct);
        }
        await OsmImport.Execute(db, """
            UPDATE buildings b SET unit_grid_code = (
              SELECT g.code FROM grids g WHERE g.level = 'Unit' AND ST_Covers(g.geometry, ST_PointOnSurface(b.geometry))
              ORDER BY g.code COLLATE "C" LIMIT 1);
            UPDATE facilities f SET unit_grid_code = (
              SELECT g.code FROM grids g WHERE g.level = 'Unit' AND ST_Covers(g.geometry, f.location)
              ORDER BY g.code COLLATE "C" LIMIT 1);
            """, ct);

        var result = await SummaryAsync(db, tx, ct);
        await tx.CommitAsync(ct);
        return result;
    }

    private static async Task<OsmImportResult> SummaryAsync(NpgsqlConnection db, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT (SELECT count(*)::int FROM roads), (SELECT count(*)::int FROM roads WHERE NOT drive),
                   (SELECT count(*)::int FROM (SELECT source FROM roads UNION SELECT target FROM roads) j),
                   (SELECT coalesce(sum(length_m), 0) / 1000 FROM roads WHERE walk),
                   (SELECT count(*)::int FROM buildings), (SELECT count(*)::int FROM buildings WHERE kind = 'residential'),
                   (SELECT coalesce(sum(households), 0)::int FROM buildings), (SELECT count(*)::int FROM buildings WHERE unit_grid_code IS NULL),
                   (SELECT count(*)::int FROM facilities),
                   (SELECT count(*)::int FROM streetlights WHERE component = '01037' AND road_id IS NOT NULL),
                   (SELECT count(*)::int FROM streetlights WHERE component = '01037' AND road_id IS NULL)
            """, db, tx);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var (roads, walkOnly, junctions, km) = (r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), r.GetDouble(3));
        var (buildings, residential, households, outside, facilities) = (r.GetInt32(4), r.GetInt32(5), r.GetInt32(6), r.GetInt32(7), r.GetInt32(8));
        var (onRoads, offRoads) = (r.GetInt32(9), r.GetInt32(10));
        await r.CloseAsync();

        var byClass = new SortedDictionary<string, int>(StringComparer.Ordinal);
        await using (var classes = new NpgsqlCommand("SELECT kind, count(*)::int FROM facilities GROUP BY kind", db, tx))
        await using (var c = await classes.ExecuteReaderAsync(ct))
            while (await c.ReadAsync(ct)) byClass[c.GetString(0)] = c.GetInt32(1);
        return new OsmImportResult(roads, walkOnly, junctions, km, buildings, residential, households, outside,
            facilities, byClass, onRoads, offRoads, 0);
    }
}
