using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GridGov.Api.Tests.Incidents;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace GridGov.Api.Tests;

/// <summary>
/// The adopting county's path: an empty install (no demo), the first admin from ./gridgov user add, then only the
/// public imports — the demo county's grids as GeoJSON and its people as CSV — and the county answers as the demo does.
/// </summary>
[Collection(ApiCollection.Name)]
public class OwnCountyTests(GridGovFactory demo)
{
    private static string CountyDb => Environment.GetEnvironmentVariable("GRIDGOV_TEST_COUNTY_DB") is { Length: > 0 } cs
        ? cs
        : throw new InvalidOperationException("GRIDGOV_TEST_COUNTY_DB is not set: run the tests with ./gridgov test, which creates the empty county database.");

    /// <summary>The service on the empty database, without the demo.</summary>
    private sealed class EmptyInstall : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("ConnectionStrings:GridGov", CountyDb);
            builder.UseSetting("Jwt:SigningKey", GridGovFactory.SigningKey);
            builder.UseSetting("GridGov:LoadDemo", "false");
            builder.UseSetting("Auth:LoginPermitsPerMinute", "100000");
            builder.UseEnvironment("Testing");
            builder.ConfigureTestServices(services => services.AddSingleton(new GridGov.Api.Live.LiveSettings
            {
                Shifts = new(StringComparer.OrdinalIgnoreCase) { ["Early"] = ["00:00-24:00"], ["Middle"] = ["00:00-24:00"], ["Late"] = [] },
            }));
        }
    }

    /// <summary>Runs the service's command line exactly as ./gridgov does: dotnet GridGov.Api.dll ARGS, the password on stdin.</summary>
    private static async Task<(int Code, string Out, string Err)> Command(string stdin, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "GridGov.Api.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["ConnectionStrings__GridGov"] = CountyDb;
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    private static Task<HttpClient> SignIn(WebApplicationFactory<Program> app, string username, string password) => GridGovFactory.SignIn(app, username, password);

    private static MultipartFormDataContent Part(string name, string file, string text, string type)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return new MultipartFormDataContent { { content, name, file } };
    }

    private static string Cell(string? s) => s is null ? "" : s.Contains(',') || s.Contains('"') ? $"\"{s.Replace("\"", "\"\"")}\"" : s;

    [Fact]
    public async Task A_county_exported_from_the_demo_and_imported_into_an_empty_install_locates_routes_and_ranks_as_the_demo()
    {
        // The first admin of an install nobody can sign in to yet.
        var weak = await Command("county-chief\n", "user", "add", "chief", "--role", "admin", "--password-stdin");
        Assert.True(weak.Code == 1, weak.Err);
        Assert.Contains("10 characters", weak.Err);
        var added = await Command("County-head-2026\n", "user", "add", "chief", "--role", "admin", "--password-stdin");
        Assert.True(added.Code == 0, added.Err);
        var listed = await Command("", "user", "list");
        Assert.Contains("chief", listed.Out);

        await using var county = new EmptyInstall();
        using var chief = await SignIn(county, "chief", "County-head-2026");
        await ProblemAssert.IsProblem(await chief.GetAsync("/api/grids/locate?lon=115.41&lat=25.95"), HttpStatusCode.NotFound);

        // Grids, top-down, exactly as the demo exports them.
        using var demoAdmin = await demo.ClientFor("admin");
        foreach (var level in new[] { "county", "street", "community", "large", "unit" })
        {
            var geojson = await demoAdmin.GetStringAsync($"/api/grids?level={level}");
            var result = await (await chief.PostAsync($"/api/import/grids?level={level}", Part("file", $"{level}.geojson", geojson, "application/geo+json"))).Json(HttpStatusCode.OK);
            Assert.Equal(JsonDocument.Parse(geojson).RootElement.GetProperty("features").GetArrayLength(), result.GetProperty("created").GetInt32());
        }

        // People: the demo's teams and crews as CSV, a dispatcher and one crew login.
        var teams = await (await demoAdmin.GetAsync("/api/teams")).Json(HttpStatusCode.OK);
        var teamsCsv = new StringBuilder("name,type,largeGrid,roleMix\n");
        var crewsCsv = new StringBuilder("employeeNo,name,team,role,shift,phone,isLead\n");
        foreach (var t in teams.EnumerateArray().Where(t => t.GetProperty("kind").GetString() == "grid" && t.GetProperty("id").GetInt32() <= 15))
        {
            teamsCsv.AppendLine($"{Cell(t.GetProperty("name").GetString())},grid,{t.GetProperty("largeGridCode").GetString()},{t.GetProperty("roleMix").GetString()}");
            foreach (var c in t.GetProperty("members").EnumerateArray().Where(c => c.GetProperty("active").GetBoolean()))
                crewsCsv.AppendLine(string.Join(",", c.GetProperty("employeeNo").GetString(), Cell(c.GetProperty("name").GetString()), Cell(t.GetProperty("name").GetString()),
                    c.GetProperty("role").GetString(), c.GetProperty("shift").GetString(), "", c.GetProperty("isLead").GetBoolean() ? "true" : "false"));
        }
        // The streetlight office's three groups, with their duties.
        foreach (var t in teams.EnumerateArray().Where(t => t.TryGetProperty("duty", out _)))
        {
            teamsCsv.AppendLine($"{Cell(t.GetProperty("name").GetString())},assetGroup,,{t.GetProperty("roleMix").GetString()},{t.GetProperty("duty").GetString()}");
            foreach (var c in t.GetProperty("members").EnumerateArray().Where(c => c.GetProperty("active").GetBoolean()))
                crewsCsv.AppendLine(string.Join(",", c.GetProperty("employeeNo").GetString(), Cell(c.GetProperty("name").GetString()), Cell(t.GetProperty("name").GetString()),
                    c.GetProperty("role").GetString(), c.GetProperty("shift").GetString(), "", c.GetProperty("isLead").GetBoolean() ? "true" : "false"));
        }
        teamsCsv.Replace("name,type,largeGrid,roleMix\n", "name,type,largeGrid,roleMix,duty\n");
        var firstCrew = teams.EnumerateArray().First().GetProperty("members")[0];
        var usersCsv = $"username,roles,team,crew,password\nduty-desk,dispatcher,,,Front-office-2026\npatrol1,crew,,{firstCrew.GetProperty("employeeNo").GetString()},Patrol-one-2026\n";
        var form = Part("teams", "teams.csv", teamsCsv.ToString(), "text/csv");
        form.Add(new StringContent(crewsCsv.ToString(), Encoding.UTF8, "text/csv"), "crews", "crews.csv");
        form.Add(new StringContent(usersCsv, Encoding.UTF8, "text/csv"), "users", "users.csv");
        var people = await (await chief.PostAsync("/api/import/people", form)).Json(HttpStatusCode.OK);
        Assert.Equal(18, people.GetProperty("teams").GetProperty("created").GetInt32());

        // The lamp register as CSV from the demo's lamps: a bad file first (a code twice, a lamp 30 km away, a lamp
        // whose cabinet is missing), refused with the rows named and nothing loaded; then the whole register.
        var register = new StringBuilder("code,lon,lat,circuit,seq,cabinet,type,power,installed\n");
        await using (var lamps = demo.DataSource.CreateCommand("""
            SELECT trim(code), ST_X(location), ST_Y(location), circuit_code, circuit_seq, cabinet_code, lamp_type, power_w, installed_on
            FROM streetlights ORDER BY component DESC, code
            """))
        await using (var r = await lamps.ExecuteReaderAsync())
            while (await r.ReadAsync())
                register.AppendLine(string.Join(",", r.GetString(0), r.GetDouble(1).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                    r.GetDouble(2).ToString("R", System.Globalization.CultureInfo.InvariantCulture), r.IsDBNull(3) ? "" : r.GetString(3),
                    r.IsDBNull(4) ? "" : r.GetInt32(4).ToString(System.Globalization.CultureInfo.InvariantCulture), r.GetString(5),
                    r.IsDBNull(6) ? "" : Cell(r.GetString(6)), r.IsDBNull(7) ? "" : r.GetInt32(7).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    r.IsDBNull(8) ? "" : r.GetFieldValue<DateOnly>(8).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        var lines = register.ToString().TrimEnd('\n').Split('\n');
        var firstLamp = lines.First(l => l[6..11] == "01037").Split(',');
        var bad = string.Join("\n", lines) + "\n" + string.Join(",", firstLamp) + "\n"
            + $"36079901037999998,115.9,26.3,,,{firstLamp[5]}\n36079901037999997,{firstLamp[1]},{firstLamp[2]},,,36079901060999999\n";
        var refused = await ProblemAssert.IsProblem(await chief.PostAsync("/api/import/streetlights", Part("file", "lamps.csv", bad, "text/csv")), HttpStatusCode.BadRequest);
        var errors = refused.GetProperty("errors").EnumerateObject().ToDictionary(e => e.Name, e => string.Join(" ", e.Value.EnumerateArray().Select(x => x.GetString())));
        Assert.Contains(errors, e => e.Key.Contains(firstLamp[0]) && e.Value.Contains("twice"));
        Assert.Contains(errors, e => e.Key.Contains("36079901037999998") && e.Value.Contains("outside the county"));
        Assert.Contains(errors, e => e.Key.Contains("36079901037999997") && e.Value.Contains("not in the file"));
        Assert.Equal(3, errors.Count);
        await using (var empty = new Npgsql.NpgsqlConnection(CountyDb))
        {
            await empty.OpenAsync();
            await using var none = new Npgsql.NpgsqlCommand("SELECT count(*) FROM streetlights", empty);
            Assert.Equal(0L, await none.ExecuteScalarAsync());
        }
        var loaded = await (await chief.PostAsync("/api/import/streetlights", Part("file", "lamps.csv", register.ToString(), "text/csv"))).Json(HttpStatusCode.OK);
        await using (var counts = demo.DataSource.CreateCommand("SELECT count(*) FILTER (WHERE component = '01037'), count(*) FILTER (WHERE component = '01060'), count(DISTINCT circuit_code) FROM streetlights"))
        await using (var r = await counts.ExecuteReaderAsync())
        {
            await r.ReadAsync();
            Assert.Equal(r.GetInt64(0), loaded.GetProperty("lamps").GetInt32());
            Assert.Equal(r.GetInt64(1), loaded.GetProperty("cabinets").GetInt32());
            Assert.Equal(r.GetInt64(2), loaded.GetProperty("circuits").GetInt32());
        }

        // Locate answers as on the demo, team by name (ids are the county's own).
        using var demoDispatcher = await demo.ClientFor("dispatcher");
        using var desk = await SignIn(county, "duty-desk", "Front-office-2026");
        for (var i = 0; i < 12; i++)
        {
            var spot = await Spots.Next(demo);
            var expected = await (await demoDispatcher.GetAsync(FormattableString.Invariant($"/api/grids/locate?lon={spot.Lon}&lat={spot.Lat}"))).Json(HttpStatusCode.OK);
            var actual = await (await desk.GetAsync(FormattableString.Invariant($"/api/grids/locate?lon={spot.Lon}&lat={spot.Lat}"))).Json(HttpStatusCode.OK);
            foreach (var part in new[] { "unitGrid", "largeGrid", "community", "street" })
                Assert.Equal(expected.GetProperty(part).GetProperty("code").GetString(), actual.GetProperty(part).GetProperty("code").GetString());
            Assert.Equal(expected.GetProperty("team").GetProperty("name").GetString(), actual.GetProperty("team").GetProperty("name").GetString());
        }

        // The first report is routed to the right team, and the team's own crew is its first candidate.
        var here = await Spots.Next(demo);
        var report = await (await desk.Report("06007", "hotline", here)).Json(HttpStatusCode.Created);
        var teamId = report.GetProperty("teamId").GetInt32();
        var team = (await (await chief.GetAsync("/api/teams")).Json(HttpStatusCode.OK)).EnumerateArray().Single(t => t.GetProperty("id").GetInt32() == teamId);
        Assert.Equal(here.LargeCode, team.GetProperty("largeGridCode").GetString());
        var enforcement = team.GetProperty("members").EnumerateArray().Where(c => c.GetProperty("role").GetString() == "enforcement" && c.GetProperty("shift").GetString() != "late").ToList();
        Assert.NotEmpty(enforcement);
        var crewId = enforcement[0].GetProperty("id").GetInt32();
        var fix = new[] { new { crewId, lon = here.Lon + 0.001, lat = here.Lat, t = DateTimeOffset.UtcNow.ToString("O"), accuracyM = 5 } };
        Assert.Equal(HttpStatusCode.Accepted, (await chief.PostAsJsonAsync("/api/positions", fix)).StatusCode);
        var candidates = await (await desk.GetAsync($"/api/incidents/{report.GetProperty("id").GetInt64()}/candidates")).Json(HttpStatusCode.OK);
        var best = candidates.GetProperty("candidates")[0];
        Assert.Equal(crewId, best.GetProperty("crewId").GetInt32());
        Assert.False(best.GetProperty("support").GetBoolean());

        // A lamp report by its code goes to the imported repair group, in the lamp's unit grid.
        var lampReport = await (await desk.PostAsJsonAsync("/api/incidents", new { category = "01037", source = "hotline", assetCode = firstLamp[0] })).Json(HttpStatusCode.Created);
        var groups = (await (await chief.GetAsync("/api/teams")).Json(HttpStatusCode.OK)).EnumerateArray();
        Assert.Equal(groups.Single(t => t.TryGetProperty("duty", out var d) && d.GetString() == "repair").GetProperty("id").GetInt32(), lampReport.GetProperty("teamId").GetInt32());

        using var patrol = await SignIn(county, "patrol1", "Patrol-one-2026");
        Assert.Equal("patrol1", (await (await patrol.GetAsync("/api/me")).Json(HttpStatusCode.OK)).GetProperty("username").GetString());
    }
}
