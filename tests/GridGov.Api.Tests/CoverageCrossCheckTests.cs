using GridGov.Geo.Grids;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.IO;

namespace GridGov.Api.Tests;

/// <summary>The in-process coverage check must find the overlaps PostGIS finds (ST_Overlaps) on the same grids.</summary>
[Collection(ApiCollection.Name)]
public class CoverageCrossCheckTests(GridGovFactory app)
{
    [Fact]
    public async Task Overlaps_found_in_process_are_the_pairs_PostGIS_finds()
    {
        var grids = new List<(string Code, Geometry Geometry)>();
        await using (var cmd = app.DataSource.CreateCommand("""
            SELECT u.code, ST_AsText(u.geometry) FROM grids u
            WHERE u.level = 'Unit' AND u.parent_code IN (SELECT code FROM grids WHERE level = 'Large' ORDER BY code LIMIT 2) ORDER BY u.code
            """))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) grids.Add((r.GetString(0), new WKTReader().Read(r.GetString(1))));
        Assert.True(grids.Count > 40);
        Assert.Empty(CoverageCheck.Check(grids, gapWidthM: 0));

        // Every seventh grid moved about 5 m east: it now overlaps some neighbours and leaves cracks by others.
        var moved = grids.Select((g, i) => i % 7 == 3 ? (g.Code, AffineTransformation.TranslationInstance(0.00005, 0).Transform(g.Geometry)) : g).ToList();
        var ours = CoverageCheck.Check(moved, gapWidthM: 0).Where(p => p.Kind == CoverageKinds.Overlap)
            .SelectMany(p => p.Codes.Skip(1).Select(o => Pair(p.Codes[0], o))).ToHashSet();

        await using var oracle = app.DataSource.CreateCommand("""
            WITH t AS (SELECT code, ST_GeomFromText(wkt, 4490) g FROM unnest($1::text[], $2::text[]) AS x(code, wkt))
            SELECT a.code, b.code FROM t a JOIN t b ON a.code < b.code AND ST_Overlaps(a.g, b.g)
            """);
        oracle.Parameters.Add(new Npgsql.NpgsqlParameter { Value = moved.Select(m => m.Code).ToArray() });
        oracle.Parameters.Add(new Npgsql.NpgsqlParameter { Value = moved.Select(m => m.Item2.AsText()).ToArray() });
        var postgis = new HashSet<(string, string)>();
        await using (var r = await oracle.ExecuteReaderAsync())
            while (await r.ReadAsync()) postgis.Add(Pair(r.GetString(0), r.GetString(1)));
        Assert.NotEmpty(postgis);
        Assert.Equal(postgis.Order(), ours.Order());
    }

    private static (string, string) Pair(string a, string b) => string.CompareOrdinal(a, b) < 0 ? (a, b) : (b, a);
}
