using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GridGov.Api.Demo;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace GridGov.Api.Tests;

/// <summary>
/// The demo county with a scaled-down year of cases (50,000; `./gridgov seed year` makes the full 1,000,000) in a
/// database of its own (GRIDGOV_TEST_YEAR_DB), seeded once for the class.
/// </summary>
public sealed class YearFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const int Cases = 50_000;
    public const int Lamps = 40_000;

    /// <summary>The year ends at midnight UTC of a fixed day, so the periods below are the same on every run.</summary>
    public static readonly DateTimeOffset End = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    public static string ConnectionString => Environment.GetEnvironmentVariable("GRIDGOV_TEST_YEAR_DB") is { Length: > 0 } cs
        ? cs
        : throw new InvalidOperationException("GRIDGOV_TEST_YEAR_DB is not set: run the tests with ./gridgov test, which creates the year's database.");

    public YearSeedResult Seeded { get; private set; } = null!;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:GridGov", ConnectionString);
        builder.UseSetting("Jwt:SigningKey", GridGovFactory.SigningKey);
        builder.UseSetting("GridGov:LoadDemo", "true");
        builder.UseSetting("Auth:LoginPermitsPerMinute", "100000");
        builder.UseEnvironment("Testing");
    }

    public NpgsqlDataSource DataSource => Services.GetRequiredService<NpgsqlDataSource>();

    public async Task InitializeAsync()
    {
        _ = Server; // starts the service: migrations and the demo county
        Seeded = await YearSeed.RunAsync(DataSource, new YearSeedOptions(Cases, Lamps, End), _ => { });
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    public Task<HttpClient> ClientFor(string username) => ClientFor(this, username);

    /// <summary>A client of <paramref name="app"/> (this service or one derived from it) signed in as <paramref name="username"/>.</summary>
    public static async Task<HttpClient> ClientFor(WebApplicationFactory<Program> app, string username)
    {
        var client = app.CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { username, password = "gridgov-demo" });
        response.EnsureSuccessStatusCode();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        return client;
    }

    public async Task<long> Count(string sql, params object[] args)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}

/// <summary>A year laid by the generator is whole and consistent, and the lists and indicators read it as plain SQL does.</summary>
public partial class YearTests(YearFactory year) : IClassFixture<YearFactory>
{
    [Fact]
    public async Task The_year_is_whole_every_case_in_its_grid_with_a_history_in_order_and_its_points()
    {
        var s = year.Seeded;
        Assert.Equal(YearFactory.Cases, s.Cases);
        // 99.8 % closed in the county's year; the open ones are the last hours' and a few parked.
        Assert.InRange(s.Open / (double)s.Cases, 0.0005, 0.005);
        Assert.Equal(YearFactory.Lamps, s.Lamps);
        Assert.Equal(0, await year.Count("SELECT count(*) FROM incidents WHERE reported_at < $1 OR reported_at >= $2 OR coalesce(closed_at, updated_at) > $2",
            YearFactory.End.AddDays(-365), YearFactory.End));
        // The oracle of place: each case lies in the unit grid it is filed against, and that grid's large grid's team has it.
        Assert.Equal(0, await year.Count("""
            SELECT count(*) FROM incidents i JOIN grids u ON u.code = i.unit_grid_code JOIN grids l ON l.code = u.parent_code
            WHERE NOT ST_Intersects(u.geometry, i.location) OR l.code <> i.large_grid_code OR l.team_id IS DISTINCT FROM i.team_id
            """));
        Assert.Equal(0, await year.Count("SELECT count(*) FROM incidents WHERE unit_grid_code IS NULL"));
        // Closed cases: report, register, dispatch, accept, handle, verify, close, in time order; two point rows.
        Assert.Equal(0, await year.Count("""
            SELECT count(*) FROM incidents i WHERE i.status = 'Closed' AND (
                (SELECT string_agg(e.action, ',' ORDER BY e.id) FROM incident_events e WHERE e.incident_id = i.id) <> 'report,register,dispatch,accept,handle,verify,close'
                OR EXISTS (SELECT 1 FROM incident_events a JOIN incident_events b ON b.incident_id = a.incident_id AND b.id > a.id AND b.at < a.at WHERE a.incident_id = i.id)
                OR (SELECT count(*) FROM crew_points p WHERE p.incident_id = i.id) <> 2
                OR NOT (i.reported_at < i.registered_at AND i.registered_at < i.dispatched_at AND i.dispatched_at < i.handled_at AND i.handled_at < i.closed_at))
            """));
        // The case's own last event says its state; the handler is a crew of its team in the category's role.
        Assert.Equal(0, await year.Count("""
            SELECT count(*) FROM incidents i
            WHERE (SELECT e.to_status FROM incident_events e WHERE e.incident_id = i.id ORDER BY e.id DESC LIMIT 1) <> i.status
               OR (i.handler_crew_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM crews c WHERE c.id = i.handler_crew_id AND c.team_id = i.team_id AND c.role = i.role))
            """));
        Assert.InRange(s.Events / (double)s.Cases, 6.5, 7.1); // the county's year: 6.7 history rows per case
        Assert.Equal(0, await year.Count("SELECT count(*) FROM incident_events WHERE at > $1", YearFactory.End));
        // The lamps: unique codes, each in the unit grid it names (or the demo lamp's when it sits on a border), on a known circuit.
        Assert.Equal(0, await year.Count("""
            SELECT count(*) FROM streetlights s WHERE s.component = '01037' AND (s.circuit_code IS NULL
               OR NOT EXISTS (SELECT 1 FROM circuits c WHERE c.code = s.circuit_code))
            """));
        Assert.Equal(await year.Count("SELECT count(*) FROM streetlights"), await year.Count("SELECT count(DISTINCT code) FROM streetlights"));
    }

    [Fact]
    public async Task Indicators_of_the_year_by_team_and_by_large_grid_equal_a_plain_group_by()
    {
        using var leader = await year.ClientFor("leader");
        var from = YearFactory.End.AddDays(-365).ToOffset(TimeSpan.FromHours(8)).Date.AddDays(1);
        var to = YearFactory.End.ToOffset(TimeSpan.FromHours(8)).Date.AddDays(-1);
        foreach (var (by, column) in new[] { ("team", "team_id::text"), ("largeGrid", "large_grid_code") })
        {
            var api = await leader.GetFromJsonAsync<JsonElement>(FormattableString.Invariant($"/api/indicators?by={by}&from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}"));
            var rows = api.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!);
            await using var cmd = year.DataSource.CreateCommand($"""
                SELECT {column}, count(*) FILTER (WHERE registered_at IS NOT NULL), count(*) FILTER (WHERE closed_at IS NOT NULL),
                       count(*) FILTER (WHERE closed_at <= deadline), count(*) FILTER (WHERE rework_count > 0)
                FROM incidents
                WHERE reported_at >= ($1::date::timestamp AT TIME ZONE 'Asia/Shanghai') AND reported_at < (($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
                GROUP BY 1
                """);
            cmd.Parameters.AddWithValue(DateOnly.FromDateTime(from));
            cmd.Parameters.AddWithValue(DateOnly.FromDateTime(to));
            await using var r = await cmd.ExecuteReaderAsync();
            var seen = 0;
            while (await r.ReadAsync())
            {
                var row = rows[r.GetString(0)];
                Assert.Equal(r.GetInt64(1), row.GetProperty("registered").GetInt32());
                Assert.Equal(r.GetInt64(2), row.GetProperty("closed").GetInt32());
                Assert.Equal(r.GetInt64(3), row.GetProperty("closedOnTime").GetInt32());
                Assert.Equal(r.GetInt64(4), row.GetProperty("reworked").GetInt32());
                seen++;
            }
            Assert.True(seen > 5, $"{by}: {seen} groups");
        }
    }

    [Fact]
    public async Task A_months_closures_the_open_cases_and_a_far_page_of_closed_ones_are_the_counts_SQL_finds()
    {
        using var dispatcher = await year.ClientFor("dispatcher");
        var month = YearFactory.End.ToOffset(TimeSpan.FromHours(8)).Date.AddMonths(-2);
        var last = month.AddMonths(1).AddDays(-1);
        var closures = await dispatcher.GetFromJsonAsync<JsonElement>(FormattableString.Invariant($"/api/lists/closures?from={month:yyyy-MM-dd}&to={last:yyyy-MM-dd}&pageSize=10"));
        Assert.Equal(await year.Count("""
            SELECT count(*) FROM incidents WHERE status = 'Closed'
              AND closed_at >= ($1::date::timestamp AT TIME ZONE 'Asia/Shanghai') AND closed_at < (($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
            """, DateOnly.FromDateTime(month), DateOnly.FromDateTime(last)), closures.GetProperty("total").GetInt32());
        // Every row of the month's CSV, none cut.
        var csv = await dispatcher.GetStringAsync(FormattableString.Invariant($"/api/lists/closures?from={month:yyyy-MM-dd}&to={last:yyyy-MM-dd}&format=csv"));
        Assert.Equal(closures.GetProperty("total").GetInt32(), csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1);

        var problems = await dispatcher.GetFromJsonAsync<JsonElement>("/api/lists/problems?pageSize=10");
        Assert.Equal(year.Seeded.Open, problems.GetProperty("total").GetInt32());

        var closed = await year.Count("SELECT count(*) FROM incidents WHERE status = 'Closed'");
        var page = (int)(closed / 100);
        var far = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents?status=closed&pageSize=100&page={page}");
        // Beyond 10,000 rows the total is the planner's estimate, and says so.
        Assert.True(far.GetProperty("totalIsEstimate").GetBoolean());
        Assert.InRange(far.GetProperty("total").GetInt32(), closed * 0.8, closed * 1.2);
        var ids = far.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(100, ids.Count);
        Assert.Equal(ids.OrderDescending(), ids);
        Assert.Equal(await year.Count("SELECT id FROM incidents WHERE status = 'Closed' ORDER BY id DESC OFFSET $1 LIMIT 1", (page - 1) * 100), ids[0]);
    }

    [Fact]
    public async Task The_responsibility_list_of_a_month_is_what_SQL_counts_per_member()
    {
        using var dispatcher = await year.ClientFor("dispatcher");
        var month = YearFactory.End.ToOffset(TimeSpan.FromHours(8)).Date.AddMonths(-1);
        var last = month.AddMonths(1).AddDays(-1);
        var list = await dispatcher.GetFromJsonAsync<JsonElement>(FormattableString.Invariant($"/api/lists/responsibility?from={month:yyyy-MM-dd}&to={last:yyyy-MM-dd}&pageSize=1000"));
        var rows = list.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(list.GetProperty("total").GetInt32(), rows.Count);
        var bounds = new object[] { DateOnly.FromDateTime(month), DateOnly.FromDateTime(last) };
        const string period = "($1::date::timestamp AT TIME ZONE 'Asia/Shanghai') AND {0} < (($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')";
        var checkedRows = 0;
        foreach (var row in rows.Where(r => r.TryGetProperty("crewId", out _)).Take(40))
        {
            var crew = row.GetProperty("crewId").GetInt32();
            Assert.Equal(await year.Count("SELECT count(*) FROM incidents WHERE handler_crew_id = $3 AND closed_at >= " + string.Format(System.Globalization.CultureInfo.InvariantCulture, period, "closed_at"), [.. bounds, crew]),
                row.GetProperty("closed").GetInt32());
            Assert.Equal(await year.Count("SELECT count(*) FROM incidents WHERE handler_crew_id = $3 AND handled_at >= " + string.Format(System.Globalization.CultureInfo.InvariantCulture, period, "handled_at"), [.. bounds, crew]),
                row.GetProperty("handled").GetInt32());
            Assert.Equal(await year.Count("SELECT coalesce(sum(points), 0) FROM crew_points WHERE crew_id = $3 AND at >= " + string.Format(System.Globalization.CultureInfo.InvariantCulture, period, "at"), [.. bounds, crew]),
                row.GetProperty("points").GetInt32());
            checkedRows++;
        }
        Assert.True(checkedRows >= 20);
        // The open cases now, over the team's rows (members and unassigned), are the team's open cases.
        foreach (var team in rows.GroupBy(r => r.GetProperty("teamId").GetInt32()).Take(10))
            Assert.Equal(await year.Count("SELECT count(*) FROM incidents WHERE team_id = $1 AND status NOT IN ('Closed', 'Voided')", team.Key),
                team.Sum(r => r.GetProperty("open").GetInt32()));
    }

    [Fact]
    public async Task The_closed_cases_and_a_months_closures_walked_by_cursor_to_the_end_are_every_row_SQL_reads_in_its_order()
    {
        using var dispatcher = await year.ClientFor("dispatcher");
        var closed = await Walk(dispatcher, "/api/incidents?status=closed&pageSize=1000");
        Assert.Equal(await Ids("SELECT id FROM incidents WHERE status = 'Closed' ORDER BY id DESC"), closed);

        var month = YearFactory.End.ToOffset(TimeSpan.FromHours(8)).Date.AddMonths(-3);
        var last = month.AddMonths(1).AddDays(-1);
        var closures = await Walk(dispatcher, FormattableString.Invariant($"/api/lists/closures?from={month:yyyy-MM-dd}&to={last:yyyy-MM-dd}&pageSize=500"));
        Assert.Equal(await Ids("""
            SELECT id FROM incidents WHERE status = 'Closed'
              AND closed_at >= ($1::date::timestamp AT TIME ZONE 'Asia/Shanghai') AND closed_at < (($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
            ORDER BY closed_at, id
            """, DateOnly.FromDateTime(month), DateOnly.FromDateTime(last)), closures);
        Assert.True(closures.Count > 1000, $"{closures.Count} closures");
    }

    /// <summary>Follows next to the last page; the ids of every row, in the order read, each page numbered on from the one before.</summary>
    private static async Task<List<long>> Walk(HttpClient client, string url)
    {
        var ids = new List<long>();
        var expectedPage = 1;
        for (var next = url; next is not null; expectedPage++)
        {
            var page = await client.GetFromJsonAsync<JsonElement>(next);
            Assert.Equal(expectedPage, page.GetProperty("page").GetInt32());
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetInt64()));
            next = page.TryGetProperty("next", out var n) ? n.GetString() : null;
        }
        return ids;
    }

    private async Task<List<long>> Ids(string sql, params object[] args)
    {
        await using var cmd = year.DataSource.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        var ids = new List<long>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) ids.Add(r.GetInt64(0));
        return ids;
    }
}
