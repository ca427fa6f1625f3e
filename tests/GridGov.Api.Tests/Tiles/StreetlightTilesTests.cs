using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridGov.Api.Tests.Incidents;

namespace GridGov.Api.Tests.Tiles;

/// <summary>
/// The streetlights tile decoded: below z13 only the lamps and cabinets not normal and the faulted circuits' lines; from
/// z13 every lamp and cabinet, as PostGIS finds them in the tile.
/// </summary>
[Collection(ApiCollection.Name)]
public class StreetlightTilesTests(GridGovFactory app)
{
    private sealed record Lamp(string Code, double Lon, double Lat);

    /// <summary>
    /// The first circuit of 20+ lamps of the second-lowest cabinet no case has touched: FaultRollUpTests take cabinets
    /// from the high end of the codes and the browser test (StreetlightMapTests) the lowest, so none of them meet.
    /// </summary>
    private async Task<(string Circuit, List<Lamp> Lamps)> FreshCircuit()
    {
        await using var cmd = app.DataSource.CreateCommand("""
            SELECT c.code FROM circuits c
            WHERE c.cabinet_code = (
                SELECT k.cabinet_code FROM circuits k GROUP BY k.cabinet_code
                HAVING NOT EXISTS (SELECT 1 FROM streetlights s JOIN incidents i ON i.asset_code IN (s.code::text, s.circuit_code, s.cabinet_code)
                                   WHERE s.cabinet_code = k.cabinet_code)
                   AND bool_or((SELECT count(*) FROM streetlights s WHERE s.circuit_code = k.code AND s.component = '01037') >= 20)
                ORDER BY k.cabinet_code ASC LIMIT 1 OFFSET 1)
              AND (SELECT count(*) FROM streetlights s WHERE s.circuit_code = c.code AND s.component = '01037') >= 20
            ORDER BY c.number, c.code LIMIT 1
            """);
        var circuit = (string?)await cmd.ExecuteScalarAsync();
        Assert.NotNull(circuit);
        await using var lamps = app.DataSource.CreateCommand("""
            SELECT trim(code), ST_X(location), ST_Y(location) FROM streetlights
            WHERE circuit_code = $1 AND component = '01037' ORDER BY circuit_seq, code
            """);
        lamps.Parameters.AddWithValue(circuit);
        var list = new List<Lamp>();
        await using (var r = await lamps.ExecuteReaderAsync())
            while (await r.ReadAsync()) list.Add(new Lamp(r.GetString(0), r.GetDouble(1), r.GetDouble(2)));
        return (circuit, list);
    }

    private static (int X, int Y) TileOf(double lon, double lat, int z)
    {
        var n = 1 << z;
        var rad = lat * Math.PI / 180;
        return ((int)Math.Floor((lon + 180) / 360 * n), (int)Math.Floor((1 - Math.Log(Math.Tan(rad) + 1 / Math.Cos(rad)) / Math.PI) / 2 * n));
    }

    /// <summary>The codes of the lamps and cabinets PostGIS puts in tile z/x/y grown by <paramref name="margin"/> (a share of the tile's side).</summary>
    private async Task<HashSet<string>> InTile(int z, int x, int y, double margin, bool notNormalOnly = false)
    {
        await using var cmd = app.DataSource.CreateCommand($"""
            SELECT trim(code) FROM streetlights
            WHERE ST_Intersects(ST_Transform(location, 3857), ST_TileEnvelope($1, $2, $3, margin => $4))
              {(notNormalOnly ? "AND status <> 'normal'" : "")}
            """);
        cmd.Parameters.AddWithValue(z);
        cmd.Parameters.AddWithValue(x);
        cmd.Parameters.AddWithValue(y);
        cmd.Parameters.AddWithValue(margin);
        var set = new HashSet<string>(StringComparer.Ordinal);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) set.Add(r.GetString(0));
        return set;
    }

    private static async Task<Dictionary<string, Mvt.Layer>> Tile(HttpClient client, int z, int x, int y)
    {
        var response = await client.GetAsync($"/tiles/streetlights/{z}/{x}/{y}.pbf");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoCache, $"Cache-Control: {response.Headers.CacheControl}");
        return Mvt.Decode(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Below_z13_a_tile_holds_only_the_lamps_not_normal_and_the_faulted_circuit_from_z13_every_lamp()
    {
        var (circuit, lamps) = await FreshCircuit();
        var reported = new[] { lamps[3], lamps[9], lamps[15] };
        using var resident = app.CreateClient();
        JsonElement last = default;
        foreach (var lamp in reported)
            last = await (await resident.PostAsJsonAsync("/api/incidents", new { category = "01037", source = "resident", assetCode = lamp.Code, description = "路灯不亮" }))
                .Json(HttpStatusCode.Created);
        Assert.True(last.GetProperty("fault").GetProperty("opened").GetBoolean(), last.ToString());
        using var dispatcher = await app.ClientFor("dispatcher");

        // z12 over the middle reported lamp: no normal lamp, the faulty ones, and the circuit's line.
        var probe = reported[1];
        var (x12, y12) = TileOf(probe.Lon, probe.Lat, 12);
        var z12 = await Tile(dispatcher, 12, x12, y12);
        var points = z12["streetlights"].Features;
        Assert.NotEmpty(points);
        Assert.All(points, f => Assert.NotEqual("normal", f.Str("status")));
        Assert.All(points, f => Assert.Equal(Mvt.GeomType.Point, f.Type));
        var codes12 = points.Select(f => f.Str("code")!).ToHashSet(StringComparer.Ordinal);
        Assert.Contains(probe.Code, codes12);
        Assert.Subset(codes12, (await InTile(12, x12, y12, 0, notNormalOnly: true)).ToHashSet());
        Assert.Subset((await InTile(12, x12, y12, 0.015625, notNormalOnly: true)).ToHashSet(), codes12);
        var line = z12["circuits"].Features.Where(f => f.Str("code") == circuit).ToList();
        Assert.NotEmpty(line);
        Assert.All(line, f => Assert.Equal(Mvt.GeomType.LineString, f.Type));
        Assert.True(line.Sum(f => f.Vertices) >= 2, $"{line.Sum(f => f.Vertices)} vertices");
        Assert.All(z12["circuits"].Features, f => Assert.NotEqual("normal", f.Str("status")));

        // z14 over the same lamp: every lamp and cabinet of the tile, the working ones included.
        var (x14, y14) = TileOf(probe.Lon, probe.Lat, 14);
        var z14 = await Tile(dispatcher, 14, x14, y14);
        var codes14 = z14["streetlights"].Features.Select(f => f.Str("code")!).ToHashSet(StringComparer.Ordinal);
        var inside = await InTile(14, x14, y14, 0);
        var withMargin = await InTile(14, x14, y14, 0.015625);
        // Every lamp inside the tile is there, and nothing beyond the margin the server reads; inside, as many as PostGIS counts.
        Assert.Subset(codes14, inside);
        Assert.Subset(withMargin, codes14);
        Assert.Equal(inside.Count, codes14.Count(inside.Contains));
        Assert.Contains(z14["streetlights"].Features, f => f.Str("status") == "normal");
        Assert.Contains(z14["streetlights"].Features, f => f.Str("code") == probe.Code && f.Str("status") == "faulty" && f.Str("circuit_code") == circuit);
    }
}
