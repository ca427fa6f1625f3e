using GridGov.Geo.Osm;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using Npgsql;

namespace GridGov.Api.LifeCircles;

public sealed record OsmExportResult(int Roads, int Junctions, int Buildings, int Facilities, int FacilitiesSkipped);

/// <summary>
/// The county in a database as an OpenStreetMap extract (.osm.pbf through <c>osmium cat</c>), what
/// <see cref="OsmImport"/> reads back: roads as ways whose ends are shared junction nodes, buildings as closed ways
/// (a polygon with holes as a multipolygon relation), facilities as nodes tagged by the class table. Ids are positive
/// and ascending per type, so the file is ordered. The demo's road classes become OSM highway values.
/// </summary>
public static class OsmExport
{
    /// <summary>The demo county's road classes as OSM highway values; other classes (already OSM's) are kept.</summary>
    public static readonly IReadOnlyDictionary<string, string> HighwayOf = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["trunk"] = "primary", ["main"] = "secondary", ["secondary"] = "tertiary", ["alley"] = "residential",
    };

    public static string Highway(string roadClass) => HighwayOf.GetValueOrDefault(roadClass, roadClass);

    public static async Task<OsmExportResult> WriteAsync(NpgsqlDataSource dataSource, string pbfPath, FacilityClasses? classes = null, CancellationToken ct = default)
    {
        classes ??= FacilityClasses.LoadDefault();
        var wkb = new WKBReader();
        var roads = await ReadAsync(dataSource, "SELECT class, name, source, target, ST_AsBinary(geometry) FROM roads ORDER BY id",
            r => (Class: r.GetString(0), Name: r.IsDBNull(1) ? null : r.GetString(1), Source: r.GetInt32(2), Target: r.GetInt32(3), Line: wkb.Read(r.GetFieldValue<byte[]>(4))), ct);
        var buildings = await ReadAsync(dataSource, "SELECT kind, floors, households, ST_AsBinary(geometry) FROM buildings ORDER BY id",
            r => (Kind: r.GetString(0), Floors: r.GetInt32(1), Households: r.GetInt32(2), Polygon: (Polygon)wkb.Read(r.GetFieldValue<byte[]>(3))), ct);
        var facilities = await ReadAsync(dataSource, "SELECT kind, name, ST_X(location), ST_Y(location) FROM facilities ORDER BY id",
            r => (Kind: r.GetString(0), Name: r.GetString(1), Lon: r.GetDouble(2), Lat: r.GetDouble(3)), ct);

        // Nodes: the junctions first (1..J, in junction order), then every other vertex as it comes.
        var junctions = roads.SelectMany(r => new[] { r.Source, r.Target }).Distinct().Order().ToList();
        var junctionNode = junctions.Select((j, i) => (j, Id: i + 1L)).ToDictionary(x => x.j, x => x.Id);
        var nodes = new List<(double Lon, double Lat, IEnumerable<KeyValuePair<string, string>>? Tags)>(junctions.Count);
        nodes.AddRange(Enumerable.Repeat((0.0, 0.0, (IEnumerable<KeyValuePair<string, string>>?)null), junctions.Count));
        long NewNode(Coordinate c, IEnumerable<KeyValuePair<string, string>>? tags = null)
        {
            nodes.Add((c.X, c.Y, tags));
            return nodes.Count;
        }

        var ways = new List<(IReadOnlyList<long> Nodes, IEnumerable<KeyValuePair<string, string>>? Tags)>();
        foreach (var road in roads)
        {
            var c = road.Line.Coordinates;
            var refs = new List<long>(c.Length);
            for (var i = 0; i < c.Length; i++)
            {
                if (i == 0 || i == c.Length - 1)
                {
                    var id = junctionNode[i == 0 ? road.Source : road.Target];
                    nodes[(int)id - 1] = (c[i].X, c[i].Y, null);
                    refs.Add(id);
                }
                else refs.Add(NewNode(c[i]));
            }
            var tags = new List<KeyValuePair<string, string>> { new("highway", Highway(road.Class)) };
            if (road.Name is { Length: > 0 } name) tags.Add(new("name", name));
            ways.Add((refs, tags));
        }

        var relations = new List<(IReadOnlyList<OsmMember> Members, IEnumerable<KeyValuePair<string, string>> Tags)>();
        foreach (var b in buildings)
        {
            var tags = new List<KeyValuePair<string, string>>
            {
                new("building", b.Kind == OsmLayers.Residential ? "residential" : "yes"),
                new("building:levels", Math.Max(1, b.Floors).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            };
            if (b.Households > 0) tags.Add(new("building:flats", b.Households.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (b.Polygon.NumInteriorRings == 0)
            {
                ways.Add((Ring(b.Polygon.Shell), tags));
                continue;
            }
            var members = new List<OsmMember>();
            foreach (var (ring, role) in b.Polygon.InteriorRings.Select(r => (r, "inner")).Prepend((b.Polygon.Shell, "outer")))
            {
                ways.Add((Ring(ring), null));
                members.Add(new OsmMember('w', ways.Count, role));
            }
            relations.Add((members, tags.Prepend(new("type", "multipolygon"))));
        }

        var skipped = 0;
        foreach (var f in facilities)
        {
            if (classes.Find(f.Kind) is not { } cls) { skipped++; continue; }
            NewNode(new Coordinate(f.Lon, f.Lat), FacilityClasses.ExportTags(cls).Append(new("name", f.Name)).ToList());
        }

        var work = Directory.CreateTempSubdirectory("gridgov-osm-export-");
        try
        {
            var xml = Path.Combine(work.FullName, "county.osm");
            try
            {
                await using var stream = File.Create(xml);
                using var writer = new OsmXmlWriter(stream);
                for (var i = 0; i < nodes.Count; i++) writer.WriteNode(i + 1, nodes[i].Lon, nodes[i].Lat, nodes[i].Tags);
                for (var i = 0; i < ways.Count; i++) writer.WriteWay(i + 1, ways[i].Nodes, ways[i].Tags);
                for (var i = 0; i < relations.Count; i++) writer.WriteRelation(i + 1, relations[i].Members, relations[i].Tags);
            }
            catch (ArgumentException ex)
            {
                // A name with a character XML cannot hold, or a coordinate off the globe.
                throw new OsmImportException($"The county cannot be written as OpenStreetMap: {ex.Message}", ex);
            }
            await OsmTools.OsmiumAsync(work.FullName, $"osmium could not write {pbfPath}", ct,
                "cat", xml, "--no-progress", "-O", "-o", Path.GetFullPath(pbfPath));
        }
        finally
        {
            try { work.Delete(recursive: true); } catch (IOException) { }
        }
        return new OsmExportResult(roads.Count, junctions.Count, buildings.Count, facilities.Count - skipped, skipped);

        List<long> Ring(LineString ring)
        {
            var c = ring.Coordinates;
            var refs = new List<long>(c.Length);
            for (var i = 0; i < c.Length - 1; i++) refs.Add(NewNode(c[i]));
            refs.Add(refs[0]);
            return refs;
        }
    }

    private static async Task<List<T>> ReadAsync<T>(NpgsqlDataSource dataSource, string sql, Func<NpgsqlDataReader, T> row, CancellationToken ct)
    {
        var list = new List<T>();
        await using var cmd = dataSource.CreateCommand(sql);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) list.Add(row(reader));
        return list;
    }
}
