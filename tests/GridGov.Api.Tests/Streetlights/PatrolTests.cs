using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridGov.Api.Live;
using GridGov.Api.Tests.Incidents;
using Microsoft.Extensions.DependencyInjection;

namespace GridGov.Api.Tests.Streetlights;

/// <summary>Night patrols over the demo's circuits: tonight's share, routes on the road graph (checked with pgRouting), checks and coverage.</summary>
[Collection(ApiCollection.Name)]
public class PatrolTests(GridGovFactory app)
{
    [Fact]
    public async Task A_road_path_is_as_long_as_pgr_dijkstra_and_its_edges_join_up()
    {
        var roads = app.Services.GetRequiredService<RoadNetwork>();
        await roads.WhenLoadedAsync(CancellationToken.None);
        var graph = roads.Graph!;
        await using var nodes = app.DataSource.CreateCommand("SELECT DISTINCT source FROM roads WHERE drive ORDER BY source");
        var ids = new List<long>();
        await using (var r = await nodes.ExecuteReaderAsync())
            while (await r.ReadAsync()) ids.Add(r.GetInt32(0));
        var rng = new Random(47);
        for (var i = 0; i < 25; i++)
        {
            var (a, b) = (ids[rng.Next(ids.Count)], ids[rng.Next(ids.Count)]);
            var path = graph.Path(a, b);
            await using var oracle = app.DataSource.CreateCommand("""
                SELECT coalesce(max(agg_cost), 0) FROM pgr_dijkstra('SELECT id, source, target, length_m AS cost, length_m AS reverse_cost FROM roads WHERE drive', $1, $2, false)
                """);
            oracle.Parameters.AddWithValue(a);
            oracle.Parameters.AddWithValue(b);
            var expected = Convert.ToDouble(await oracle.ExecuteScalarAsync());
            Assert.NotNull(path);
            Assert.Equal(expected, path.LengthM, 3);
            // Each edge starts where the one before ended; together they run from a to b.
            var at = a;
            foreach (var (edge, from) in path.Edges)
            {
                Assert.Equal(at, from);
                var ends = graph.EdgeEnds(edge)!.Value;
                at = ends.Source == from ? ends.Target : ends.Source;
            }
            Assert.Equal(b, at);
            Assert.Equal(path.LengthM, path.Edges.Sum(e => graph.EdgeEnds(e.EdgeId)!.Value.LengthM), 3);
        }
    }

    [Fact]
    public async Task Tonights_routes_cover_the_circuits_due_split_among_the_night_crews_and_checks_move_them_on()
    {
        using var dispatcher = await app.ClientFor("dispatcher");
        // No test but this records patrols: start from none (a second run on the same database included).
        await using (var clean = app.DataSource.CreateCommand("DELETE FROM circuit_checks")) await clean.ExecuteNonQueryAsync();
        // A night long ago, before the suite's own reports.
        const string night = "2026-03-02", next = "2026-03-03";
        var plan = await (await dispatcher.GetAsync($"/api/streetlights/patrols/plan?night={night}")).Json(HttpStatusCode.OK);
        var circuits = plan.GetProperty("circuits").GetInt32();
        var nights = plan.GetProperty("nights").GetInt32();
        await using (var count = app.DataSource.CreateCommand("SELECT count(*) FROM circuits"))
            Assert.Equal((long)circuits, (long)(await count.ExecuteScalarAsync())!);
        Assert.Equal((int)Math.Ceiling(circuits / (double)nights), plan.GetProperty("due").GetInt32());
        await using (var crews = app.DataSource.CreateCommand("SELECT count(*) FROM crews c JOIN teams t ON t.id = c.team_id WHERE t.duty = 'Repair' AND c.shift = 'Night' AND c.active"))
            Assert.Equal((long)(await crews.ExecuteScalarAsync())!, plan.GetProperty("routes").GetArrayLength());

        var routes = plan.GetProperty("routes").EnumerateArray().ToList();
        var due = routes.SelectMany(r => r.GetProperty("circuits").EnumerateArray().Select(c => c.GetProperty("code").GetString()!)).ToList();
        Assert.Equal(due.Count, due.Distinct().Count());
        Assert.Equal(plan.GetProperty("due").GetInt32(), due.Count);
        foreach (var route in routes)
        {
            // The route drives every drive road the circuits' lamps stand on, and is one connected walk.
            var roadIds = route.GetProperty("roadIds").EnumerateArray().Select(x => x.GetInt64()).ToList();
            var codes = route.GetProperty("circuits").EnumerateArray().Select(c => c.GetProperty("code").GetString()!).ToArray();
            await using var needed = app.DataSource.CreateCommand("""
                SELECT DISTINCT s.road_id FROM streetlights s JOIN roads r ON r.id = s.road_id AND r.drive WHERE s.circuit_code = ANY($1)
                """);
            needed.Parameters.AddWithValue(codes);
            await using (var r = await needed.ExecuteReaderAsync())
                while (await r.ReadAsync()) Assert.Contains((long)r.GetInt32(0), roadIds);
            await using var ends = app.DataSource.CreateCommand("SELECT o.ord, r.source, r.target, r.length_m FROM unnest($1::bigint[]) WITH ORDINALITY o(id, ord) JOIN roads r ON r.id = o.id ORDER BY o.ord");
            ends.Parameters.AddWithValue(roadIds.ToArray());
            var steps = new List<(int S, int T, double L)>();
            await using (var r = await ends.ExecuteReaderAsync())
                while (await r.ReadAsync()) steps.Add((r.GetInt32(1), r.GetInt32(2), r.GetDouble(3)));
            for (var i = 1; i < steps.Count; i++)
                Assert.True(new[] { steps[i - 1].S, steps[i - 1].T }.Intersect([steps[i].S, steps[i].T]).Any(), $"edges {i} and {i + 1} of the route do not meet");
            Assert.Equal(route.GetProperty("lengthM").GetDouble(), steps.Sum(s => s.L), 0);
            Assert.Equal("MultiLineString", route.GetProperty("geometry").GetProperty("type").GetString());
        }

        // A crew records only its own patrol; unknown circuits are named; the checks go in once.
        using var crew = await app.ClientFor("crew");
        await ProblemAssert.IsProblem(await crew.PostAsJsonAsync("/api/streetlights/patrols", new { night, circuits = due.Take(2), crewId = 999999 }),
            HttpStatusCode.BadRequest, "its own patrol");
        await ProblemAssert.IsProblem(await dispatcher.PostAsJsonAsync("/api/streetlights/patrols", new { night, circuits = new[] { "36079901060999999-9" } }),
            HttpStatusCode.BadRequest, "36079901060999999-9");
        await ProblemAssert.IsProblem(await dispatcher.GetAsync("/api/streetlights/patrols/plan?night=tonight"), HttpStatusCode.BadRequest, "'night'");
        var first = routes[0].GetProperty("circuits").EnumerateArray().Select(c => c.GetProperty("code").GetString()!).ToList();
        var recorded = await (await crew.PostAsJsonAsync("/api/streetlights/patrols", new { night, circuits = first })).Json(HttpStatusCode.OK);
        Assert.Equal(first.Count, recorded.GetProperty("recorded").GetInt32());
        var again = await (await crew.PostAsJsonAsync("/api/streetlights/patrols", new { night, circuits = first })).Json(HttpStatusCode.OK);
        Assert.Equal(0, again.GetProperty("recorded").GetInt32());
        Assert.Equal(first.Count, again.GetProperty("already").GetInt32());

        var coverage = await (await dispatcher.GetAsync($"/api/streetlights/patrols/coverage?night={night}&nights=1")).Json(HttpStatusCode.OK);
        Assert.Equal(first.Count, coverage.GetProperty("covered").GetInt32());
        Assert.DoesNotContain(coverage.GetProperty("uncovered").EnumerateArray(), u => first.Contains(u.GetProperty("code").GetString()!));

        // The next night's share leaves out what was checked and takes the next oldest.
        var tomorrow = await (await dispatcher.GetAsync($"/api/streetlights/patrols/plan?night={next}")).Json(HttpStatusCode.OK);
        var nextDue = tomorrow.GetProperty("routes").EnumerateArray().SelectMany(r => r.GetProperty("circuits").EnumerateArray().Select(c => c.GetProperty("code").GetString()!)).ToList();
        Assert.Empty(nextDue.Intersect(first));
        Assert.Equal((int)Math.Ceiling(circuits / (double)nights), nextDue.Count);
    }
}
