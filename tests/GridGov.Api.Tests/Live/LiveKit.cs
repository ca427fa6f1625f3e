using System.Net.Http.Json;
using System.Text.Json;
using GridGov.Api.Live;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GridGov.Api.Tests.Live;

public sealed record TestCrew(int Id, string Name, int TeamId, string Role, string Shift, string LargeGridCode);

internal static class LiveKit
{
    /// <summary>
    /// The active crews of grid teams, which the live tests place in their team's grid. Crews of asset groups (no large
    /// grid; PeopleTests and the E2E admin view add some to the same database) are left out.
    /// </summary>
    public static async Task<List<TestCrew>> Crews(GridGovFactory app)
    {
        await using var cmd = app.DataSource.CreateCommand(
            "SELECT c.id, c.name, c.team_id, c.role, c.shift, t.large_grid_code FROM crews c JOIN teams t ON t.id = c.team_id WHERE c.active AND t.large_grid_code IS NOT NULL ORDER BY c.id");
        await using var r = await cmd.ExecuteReaderAsync();
        var list = new List<TestCrew>();
        while (await r.ReadAsync()) list.Add(new TestCrew(r.GetInt32(0), r.GetString(1), r.GetInt32(2), r.GetString(3), r.GetString(4), r.GetString(5)));
        return list;
    }

    /// <summary>Mid-points of the roads 50 m to 3 km from a point, nearest first (places to put crews at growing distances).</summary>
    public static async Task<List<(double Lon, double Lat)>> RoadPointsNear(GridGovFactory app, double lon, double lat)
    {
        await using var cmd = app.DataSource.CreateCommand("""
            SELECT ST_X(p), ST_Y(p) FROM (
                SELECT ST_LineInterpolatePoint(geometry, 0.5) p, ST_Distance(geometry::geography, ST_SetSRID(ST_MakePoint($1, $2), 4490)::geography) d
                FROM roads) x
            WHERE d BETWEEN 50 AND 3000 ORDER BY d LIMIT 40
            """);
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter<double> { TypedValue = lon });
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter<double> { TypedValue = lat });
        var along = new List<(double, double)>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) along.Add((r.GetDouble(0), r.GetDouble(1)));
        return along;
    }

    /// <summary>Forgets a crew's positions (memory, latest row, history) so a test can place it anywhere.</summary>
    public static async Task Reset(GridGovFactory app, params int[] crewIds)
    {
        foreach (var id in crewIds) app.Services.GetRequiredService<CrewDirectory>().ForgetFix(id);
        foreach (var table in new[] { "crew_positions", "position_history" })
        {
            await using var cmd = app.DataSource.CreateCommand($"DELETE FROM {table} WHERE crew_id = ANY($1)");
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = crewIds });
            await cmd.ExecuteNonQueryAsync();
        }
    }

    public static object Fix(int crewId, double lon, double lat, DateTimeOffset t, double? accuracyM = 8) =>
        new { crewId, lon, lat, t = t.ToString("O"), accuracyM };

    public static async Task<JsonElement> Post(HttpClient client, params object[] fixes)
    {
        var response = await client.PostAsJsonAsync("/api/positions", fixes);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"expected 202, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    public static HubConnection Hub(GridGovFactory app, string token, bool messagePack, string path = "/hubs/live")
    {
        var builder = new HubConnectionBuilder().WithUrl(new Uri(app.Server.BaseAddress, path), o =>
        {
            o.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
            o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling;
            o.AccessTokenProvider = () => Task.FromResult<string?>(token);
        });
        if (messagePack) builder.AddMessagePackProtocol();
        return builder.Build();
    }

    /// <summary>Waits for a condition the service reaches asynchronously (a push, a timer); fails after the timeout.</summary>
    public static async Task Eventually(Func<Task<bool>> condition, string what, int timeoutSeconds = 20)
    {
        var until = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (DateTime.UtcNow < until)
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        Assert.Fail($"Timed out after {timeoutSeconds} s waiting for: {what}");
    }
}
