using System.Diagnostics;
using System.Text.Json;
using GridGov.Api.Auth;
using GridGov.Api.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GridGov.E2E;

/// <summary>/hubs/live driven by the real npm clients (@microsoft/signalr and its MessagePack protocol) in Node, against the real server.</summary>
public class HubClientTests(LiveServer server) : IClassFixture<LiveServer>
{
    /// <summary>A crew login of this test's own: the demo "crew" (crew 1) is placed by the API tests, which may run meanwhile.</summary>
    private const string CrewUser = "e2e-hub-crew";
    private const string CrewPassword = "gridgov-e2e";

    [Fact]
    public async Task The_npm_clients_speak_the_same_camelCase_contract_over_JSON_and_MessagePack()
    {
        var (crewId, lon, lat) = await CrewAndSpot();
        await EnsureCrewUser(crewId);
        var input = JsonSerializer.Serialize(new
        {
            baseUrl = server.BaseAddress.ToString(),
            webMap = Path.Combine(Repository.Root, "web-map"),
            dispatcher = "dispatcher",
            crew = new { username = CrewUser, password = CrewPassword, crewId },
            spot = new { lon, lat },
        });
        var output = await Node.RunAsync(Path.Combine(Repository.Root, "tests", "GridGov.E2E", "node", "hub-client.mjs"), input);
        var root = output.RootElement;
        Assert.False(root.TryGetProperty("error", out var error), $"the Node client failed: {error}");

        foreach (var protocol in new[] { "json", "messagepack" })
        {
            var r = root.GetProperty(protocol);
            var why = $"{protocol}: {r}";
            Assert.True(r.GetProperty("subscribed").GetProperty("tiles").GetInt32() > 0, why);
            Names(r.GetProperty("subscribedShape"), why, "tiles", "bbox");
            Assert.Equal(1, r.GetProperty("posted").GetProperty("accepted").GetInt32());

            // positions: { crewId, lon, lat, t }, camelCase, as JSON gives it.
            var position = r.GetProperty("position");
            Assert.True(position.ValueKind == JsonValueKind.Object, $"{protocol}: no positions message with the posted fix; {r}");
            Names(position, why, "crewId", "lon", "lat", "t");
            Assert.False(position.TryGetProperty("CrewId", out _), why);
            Assert.Equal(crewId, position.GetProperty("crewIdValue").GetInt32());
            Assert.Equal("number", position.GetProperty("crewId").GetString());
            Assert.Equal(protocol == "messagepack" ? "date" : "string", position.GetProperty("t").GetString());

            var incident = r.GetProperty("incident");
            Assert.True(incident.ValueKind == JsonValueKind.Object, $"{protocol}: no incident message for the created incident; {r}");
            Names(incident, why, "id", "status", "categoryCode", "lon", "lat", "teamId", "overdue", "at");
            Assert.False(incident.TryGetProperty("Id", out _) || incident.TryGetProperty("CategoryCode", out _), why);
            Assert.Equal(r.GetProperty("incidentId").GetInt64(), incident.GetProperty("idValue").GetInt64());

            // Report from the crew's own connection: t as an ISO string, a Date and Unix milliseconds, all accepted.
            var report = r.GetProperty("report");
            Assert.True(report.ValueKind == JsonValueKind.Object, why);
            Assert.Equal(3, report.GetProperty("accepted").GetInt32());
            Assert.All(report.GetProperty("results").EnumerateArray(), x => Assert.Equal("accepted", x.GetProperty("status").GetString()));
            Names(r.GetProperty("reportShape"), why, "accepted", "duplicates", "rejected", "results");
            Names(r.GetProperty("reportResultShape"), why, "index", "crewId", "status");
            Assert.True(r.GetProperty("reportSeenByDispatcher").GetBoolean(), why);

            // A malformed bbox is refused with a message that names it and says what is wrong.
            var malformed = r.GetProperty("malformed");
            Assert.Contains("bbox has 3 values", malformed.GetProperty("short").GetString());
            Assert.Contains("bbox[1] is a string (\"north\")", malformed.GetProperty("text").GetString());
            Assert.Contains("bbox is null", malformed.GetProperty("missing").GetString());
            Assert.Contains("Subscribe needs { bbox", malformed.GetProperty("notAnObject").GetString());
        }
    }

    private static void Names(JsonElement shape, string why, params string[] names)
    {
        Assert.True(shape.ValueKind == JsonValueKind.Object, why);
        foreach (var name in names) Assert.True(shape.TryGetProperty(name, out _), $"'{name}' missing; {why}");
        Assert.All(shape.EnumerateObject(), p => Assert.True(char.IsLower(p.Name[0]), $"'{p.Name}' is not camelCase; {why}"));
    }

    /// <summary>A landscaping crew of a later team that no other test places (the dispatch map test takes the first), and a point in its large grid.</summary>
    private async Task<(int CrewId, double Lon, double Lat)> CrewAndSpot()
    {
        await using var cmd = server.DataSource.CreateCommand("""
            SELECT c.id, ST_X(p), ST_Y(p) FROM crews c JOIN teams t ON t.id = c.team_id
            CROSS JOIN LATERAL (SELECT ST_PointOnSurface(geometry) p FROM grids g WHERE g.level = 'Unit' AND g.parent_code = t.large_grid_code ORDER BY g.code LIMIT 1 OFFSET 2) u
            WHERE c.role = 'Landscaping' AND c.team_id >= 10 ORDER BY c.id LIMIT 1 OFFSET 1
            """);
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "no second landscaping crew in a team from 10 on");
        return (reader.GetInt32(0), reader.GetDouble(1), reader.GetDouble(2));
    }

    private async Task EnsureCrewUser(int crewId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GridGovDb>();
        var teamId = await db.Database.SqlQuery<int>($"SELECT team_id AS \"Value\" FROM crews WHERE id = {crewId}").SingleAsync();
        var user = await db.Users.SingleOrDefaultAsync(u => u.Username == CrewUser);
        if (user is null)
        {
            user = new User { Username = CrewUser, PasswordHash = "", Roles = [Roles.Crew], CreatedAt = DateTimeOffset.UtcNow };
            db.Users.Add(user);
        }
        user.TeamId = teamId;
        user.CrewId = crewId;
        user.PasswordHash = scope.ServiceProvider.GetRequiredService<IPasswordHasher<User>>().HashPassword(user, CrewPassword);
        await db.SaveChangesAsync();
    }
}

internal static class Repository
{
    /// <summary>The repository root: the directory above the test binaries that holds GridGov.sln.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GridGov.sln"))) return dir.FullName;
        throw new InvalidOperationException($"GridGov.sln not found above {AppContext.BaseDirectory}");
    }
}

internal static class Node
{
    /// <summary>Runs a Node script with one argument and parses the JSON it prints; its stderr goes into the failure message.</summary>
    public static async Task<JsonDocument> RunAsync(string script, string argument)
    {
        var modules = Path.Combine(Repository.Root, "web-map", "node_modules", "@microsoft", "signalr-protocol-msgpack");
        Assert.True(Directory.Exists(modules), $"{modules} is missing: run ./gridgov test (it installs the web map's packages) or npm ci in web-map/");
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"node {Path.GetFileName(script)} did not finish in 3 minutes; stderr: {await stderr}");
        }
        var text = (await stdout).Trim();
        try
        {
            return JsonDocument.Parse(text.Length > 0 ? text.Split('\n')[^1] : "null");
        }
        catch (JsonException)
        {
            throw new Xunit.Sdk.XunitException($"node {Path.GetFileName(script)} exited {process.ExitCode} without JSON; stdout: {text}; stderr: {await stderr}");
        }
    }
}
