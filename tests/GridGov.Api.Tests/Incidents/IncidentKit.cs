using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace GridGov.Api.Tests.Incidents;

/// <summary>A point well inside one unit grid, with the grid's large grid and team as PostGIS records them.</summary>
public sealed record Spot(string UnitCode, string LargeCode, int TeamId, double Lon, double Lat);

/// <summary>
/// Hands every test its own unit grids, so reports from different tests never fall within the duplicate radius of
/// each other in the shared test database.
/// </summary>
internal static class Spots
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static List<Spot>? _all;
    private static readonly HashSet<string> Used = [];

    public static async Task<Spot> Next(GridGovFactory app, int? teamId = null) =>
        (await Take(app, free => [free.First(s => teamId is null || s.TeamId == teamId)]))[0];

    /// <summary><paramref name="count"/> spots of one team: the team with the most grids still free, so a test that needs many cases of one team does not use up a team another test needs.</summary>
    public static Task<List<Spot>> Several(GridGovFactory app, int count) => Take(app, free =>
    {
        var spots = free.GroupBy(s => s.TeamId).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Take(count).ToList();
        Assert.Equal(count, spots.Count);
        return spots;
    });

    /// <summary>Picks from the spots still free and marks the picked ones used, one test at a time.</summary>
    private static async Task<List<Spot>> Take(GridGovFactory app, Func<IEnumerable<Spot>, List<Spot>> pick)
    {
        await Gate.WaitAsync();
        try
        {
            _all ??= await Load(app.DataSource);
            var spots = pick(_all.Where(s => !Used.Contains(s.UnitCode)));
            foreach (var spot in spots) Used.Add(spot.UnitCode);
            return spots;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<List<Spot>> Load(NpgsqlDataSource db)
    {
        // Reversed code order: the E2E tests take their spots from the front.
        await using var cmd = db.CreateCommand("""
            SELECT u.code, l.code, l.team_id, ST_X(p), ST_Y(p)
            FROM grids u JOIN grids l ON l.code = u.parent_code, ST_PointOnSurface(u.geometry) p
            WHERE u.level = 'Unit' ORDER BY u.code DESC
            """);
        var list = new List<Spot>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) list.Add(new Spot(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetDouble(3), r.GetDouble(4)));
        return list;
    }
}

internal static class IncidentClient
{
    public static Task<HttpResponseMessage> Report(this HttpClient client, string category, string source, double lon, double lat,
        string? clientRequestId = null, string? description = null) =>
        client.PostAsJsonAsync("/api/incidents", new { clientRequestId, category, source, lon, lat, description });

    public static Task<HttpResponseMessage> Report(this HttpClient client, string category, string source, Spot spot, string? clientRequestId = null, string? description = null) =>
        client.Report(category, source, spot.Lon, spot.Lat, clientRequestId, description);

    public static async Task<JsonElement> Json(this HttpResponseMessage response, System.Net.HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    public static Task<HttpResponseMessage> Act(this HttpClient client, long id, string action, string? note = null, int? score = null, double? extendHours = null, int? teamId = null) =>
        client.PostAsJsonAsync($"/api/incidents/{id}/transitions", new { action, note, score, extendHours, teamId });

    public static async Task<long> NewIncident(this HttpClient client, string category, string source, Spot spot)
    {
        var created = await (await client.Report(category, source, spot)).Json(System.Net.HttpStatusCode.Created);
        return created.GetProperty("id").GetInt64();
    }

    /// <summary>Metres → degrees of latitude, for placing points at a known distance.</summary>
    public static double NorthBy(double metres) => metres / 110_574.0;
}
