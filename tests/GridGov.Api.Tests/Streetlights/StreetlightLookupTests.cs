using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridGov.Api.Streetlights;
using Microsoft.Extensions.DependencyInjection;

namespace GridGov.Api.Tests.Streetlights;

/// <summary>The lamp a report is about: the in-memory lookup against PostGIS KNN on the demo's ~22,000 lamps.</summary>
[Collection(ApiCollection.Name)]
public class StreetlightLookupTests(GridGovFactory app)
{
    [Fact]
    public async Task Nearest_lamp_is_postgis_knn_nearest_within_the_radius()
    {
        var index = app.Services.GetRequiredService<StreetlightIndex>();
        var rng = new Random(21);
        var xs = Enumerable.Range(0, 2000).Select(_ => 115.38 + rng.NextDouble() * 0.07).ToArray();
        var ys = Enumerable.Range(0, 2000).Select(_ => 25.93 + rng.NextDouble() * 0.05).ToArray();
        await using var cmd = app.DataSource.CreateCommand("""
            SELECT p.i, n.code, n.d FROM unnest(@xs, @ys) WITH ORDINALITY AS p(x, y, i)
            LEFT JOIN LATERAL (
              -- The index's ten nearest by degrees, then the nearest of them on the spheroid.
              SELECT trim(c.code) AS code, ST_Distance(c.location::geography, ST_SetSRID(ST_MakePoint(p.x, p.y), 4490)::geography) AS d
              FROM (SELECT s.code, s.location FROM streetlights s WHERE s.component = '01037'
                    ORDER BY s.location <-> ST_SetSRID(ST_MakePoint(p.x, p.y), 4490) LIMIT 10) c
              ORDER BY d, c.code LIMIT 1) n ON true
            ORDER BY p.i
            """);
        cmd.Parameters.AddWithValue("xs", xs);
        cmd.Parameters.AddWithValue("ys", ys);
        var within = 0;
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            var i = (int)r.GetInt64(0) - 1;
            var (code, metres) = (r.GetString(1), r.GetDouble(2));
            var ours = await index.NearestLampsAsync(xs[i], ys[i], 50, 1, CancellationToken.None);
            // The plane is equirectangular about the town's middle: distances agree with the geodesic to 0.5 %, and a
            // near-tie (two lamps within that of each other) may go either way.
            if (metres > 50 * 1.005)
            {
                Assert.True(ours.Count == 0 || ours[0].DistanceM > 49.7, $"point {i}: PostGIS has no lamp within 50 m, we found {(ours.Count > 0 ? ours[0].Lamp.Code : "")}");
                continue;
            }
            if (metres < 49.7) Assert.NotEmpty(ours);
            if (ours.Count == 0) continue;
            within++;
            Assert.InRange(ours[0].DistanceM, metres * 0.995 - 0.05, metres * 1.005 + 0.05);
            if (ours[0].Lamp.Code != code)
            {
                var theirs = (await index.FindAsync(code, CancellationToken.None))!;
                var perLon = 111_320.0 * Math.Cos(ys[i] * Math.PI / 180);
                var d = Math.Sqrt(Math.Pow((theirs.Lon - xs[i]) * perLon, 2) + Math.Pow((theirs.Lat - ys[i]) * 110_574.0, 2));
                Assert.True(Math.Abs(d - ours[0].DistanceM) < 0.01 * metres + 0.1, $"point {i}: PostGIS {code} at {metres:F2} m, ours {ours[0].Lamp.Code} at {ours[0].DistanceM:F2} m");
            }
        }
        Assert.True(within > 500, $"only {within} points had a lamp within 50 m");
    }

    [Fact]
    public async Task A_lamp_answers_with_its_circuit_and_cabinet_and_a_circuit_with_its_lamps()
    {
        using var client = await app.ClientFor("dispatcher");
        string code;
        await using (var cmd = app.DataSource.CreateCommand("SELECT trim(code) FROM streetlights WHERE component = '01037' AND circuit_code IS NOT NULL ORDER BY code LIMIT 1"))
            code = (string)(await cmd.ExecuteScalarAsync())!;
        var lamp = await client.GetFromJsonAsync<JsonElement>($"/api/streetlights/{code}");
        Assert.Equal(code, lamp.GetProperty("code").GetString());
        var circuit = lamp.GetProperty("circuit").GetProperty("code").GetString()!;
        Assert.StartsWith(lamp.GetProperty("cabinet").GetProperty("code").GetString()!, circuit);

        var near = await client.GetFromJsonAsync<JsonElement>(FormattableString.Invariant(
            $"/api/streetlights/nearest?lon={lamp.GetProperty("lon").GetDouble():R}&lat={lamp.GetProperty("lat").GetDouble():R}&radiusM=50"));
        Assert.Equal(code, near[0].GetProperty("code").GetString());
        Assert.Equal(0, near[0].GetProperty("distanceM").GetDouble(), 1);
        var distances = near.EnumerateArray().Select(n => n.GetProperty("distanceM").GetDouble()).ToList();
        Assert.Equal(distances.Order(), distances);
        Assert.All(distances, d => Assert.True(d <= 50));

        var lamps = await client.GetFromJsonAsync<JsonElement>($"/api/circuits/{circuit}");
        Assert.Contains(lamps.GetProperty("lamps").EnumerateArray(), l => l.GetProperty("code").GetString() == code);
        await using (var count = app.DataSource.CreateCommand("SELECT count(*) FROM streetlights WHERE circuit_code = @c AND component = '01037'"))
        {
            count.Parameters.AddWithValue("c", circuit);
            Assert.Equal((long)(await count.ExecuteScalarAsync())!, lamps.GetProperty("lamps").GetArrayLength());
            Assert.Equal(lamps.GetProperty("lamps").GetArrayLength(), lamp.GetProperty("circuit").GetProperty("lamps").GetInt32());
        }
    }

    [Theory]
    [InlineData("/api/streetlights/nearest?lon=115.41&lat=25.95&radiusM=0", HttpStatusCode.BadRequest, "'radiusM'")]
    [InlineData("/api/streetlights/nearest?lon=115.41&lat=25.95&radiusM=5000", HttpStatusCode.BadRequest, "at most 500")]
    [InlineData("/api/streetlights/nearest?lon=115.41&lat=25.95&limit=0", HttpStatusCode.BadRequest, "'limit'")]
    [InlineData("/api/streetlights/nearest?lon=115.41", HttpStatusCode.BadRequest, "'lat' is required")]
    [InlineData("/api/streetlights/12345", HttpStatusCode.BadRequest, "17 digits")]
    [InlineData("/api/streetlights/99999901037999999", HttpStatusCode.NotFound, "no lamp or cabinet 99999901037999999")]
    [InlineData("/api/circuits/abc", HttpStatusCode.BadRequest, "circuit code")]
    [InlineData("/api/circuits/99999901060999999-1", HttpStatusCode.NotFound, "no circuit")]
    public async Task Bad_lookups_get_clear_answers(string url, HttpStatusCode status, string detail)
    {
        using var client = await app.ClientFor("crew");
        await ProblemAssert.IsProblem(await client.GetAsync(url), status, detail);
    }

    [Fact]
    public async Task Far_from_every_lamp_the_answer_is_an_empty_list()
    {
        using var client = await app.ClientFor("dispatcher");
        var near = await client.GetFromJsonAsync<JsonElement>("/api/streetlights/nearest?lon=115.0&lat=25.0");
        Assert.Equal(0, near.GetArrayLength());
    }
}
