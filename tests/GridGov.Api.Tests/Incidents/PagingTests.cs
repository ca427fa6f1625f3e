using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridGov.Api.Tests.Incidents;

/// <summary>Keyset paging of every list and /api/incidents: walked by next, each row once and in order, as plain SQL reads them.</summary>
[Collection(ApiCollection.Name)]
public class PagingTests(GridGovFactory app)
{
    private const int CrewTeam = 1; // the demo 'crew' user is crew 1 of team 1

    [Fact]
    public async Task Walking_incidents_by_next_visits_each_case_once_newest_first_while_new_cases_arrive()
    {
        var spots = await Spots.Several(app, 8);
        var spot = spots[0];
        using var dispatcher = await app.ClientFor("dispatcher");
        foreach (var other in spots.Skip(1)) await dispatcher.NewIncident("06003", "hotline", other);
        var filter = $"teamId={spot.TeamId}&category=06003";

        var walked = new List<long>();
        var pages = new List<int>();
        var arrived = new List<long>();
        for (var url = $"/api/incidents?{filter}&pageSize=3"; url is not null;)
        {
            var page = await dispatcher.GetFromJsonAsync<JsonElement>(url);
            pages.Add(page.GetProperty("page").GetInt32());
            walked.AddRange(Ids(page));
            url = page.TryGetProperty("next", out var next) ? next.GetString() : null;
            if (url is null) continue;
            Assert.Equal(page.GetProperty("after").GetString(), Query(url)["after"]);
            Assert.Equal("3", Query(url)["pageSize"]);
            Assert.Equal(spot.TeamId.ToString(CultureInfo.InvariantCulture), Query(url)["teamId"]);
            Assert.False(Query(url).ContainsKey("page"));
            // New cases between pages are newer than the first page: they shift nothing and repeat nothing.
            if (pages.Count == 1)
                for (var i = 0; i < 2; i++) arrived.Add(await dispatcher.NewIncident("06003", "hotline", spot));
        }
        Assert.Equal(Enumerable.Range(1, pages.Count), pages);
        Assert.Equal(walked.Distinct(), walked);
        var sql = await Ids("SELECT id FROM incidents WHERE team_id = $1 AND category_code = '06003' AND id <= $2 ORDER BY id DESC", spot.TeamId, walked[0]);
        Assert.Equal(sql, walked);
        Assert.True(walked.Count >= 7);
        Assert.DoesNotContain(arrived, walked.Contains);

        // A fresh walk starts with them; a page asked for by number still works, and its next continues by cursor.
        var first = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents?{filter}&pageSize=3");
        Assert.Equal(arrived.OrderDescending().ToList(), Ids(first).Take(2).ToList());
        var second = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents?{filter}&pageSize=3&page=2");
        Assert.Equal(2, second.GetProperty("page").GetInt32());
        var third = await dispatcher.GetFromJsonAsync<JsonElement>(second.GetProperty("next").GetString());
        Assert.Equal(3, third.GetProperty("page").GetInt32());
        var byNumber = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents?{filter}&pageSize=3&page=3");
        Assert.Equal(Ids(byNumber), Ids(third));
        Assert.Equal(sql.Count + 2, first.GetProperty("total").GetInt32());
        Assert.False(first.TryGetProperty("totalIsEstimate", out _));
    }

    [Fact]
    public async Task The_problem_closure_and_responsibility_lists_walked_by_next_are_what_SQL_reads_in_their_order()
    {
        var spots = await Spots.Several(app, 5);
        var spot = spots[0];
        using var dispatcher = await app.ClientFor("dispatcher");
        for (var i = 0; i < 3; i++) await CloseAsync(dispatcher);
        foreach (var each in spots) await dispatcher.NewIncident("06002", "hotline", each);

        var problems = await Walk(dispatcher, $"/api/lists/problems?teamId={spot.TeamId}&pageSize=2", r => r.GetProperty("id").GetInt64());
        Assert.True(problems.Count >= 5);
        Assert.Equal(await Ids("SELECT id FROM incidents WHERE status NOT IN ('Closed', 'Voided') AND team_id = $1 ORDER BY deadline, id", spot.TeamId), problems);

        // Other suites may close cases meanwhile: the walk holds every case closed before it, in SQL's order, each once.
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        var period = FormattableString.Invariant($"from={today.AddDays(-1):yyyy-MM-dd}&to={today.AddDays(1):yyyy-MM-dd}");
        const string closedSql = """
            SELECT id FROM incidents WHERE status = 'Closed'
              AND closed_at >= ($1::date::timestamp AT TIME ZONE 'Asia/Shanghai') AND closed_at < (($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
            ORDER BY closed_at, id
            """;
        var before = await Ids(closedSql, today.AddDays(-1), today.AddDays(1));
        var closures = await Walk(dispatcher, $"/api/lists/closures?{period}&pageSize=2", r => r.GetProperty("id").GetInt64());
        var after = await Ids(closedSql, today.AddDays(-1), today.AddDays(1));
        Assert.True(before.Count >= 3);
        Assert.Equal(after.Where(closures.Contains), closures);
        Assert.Superset(closures.ToHashSet(), before.ToHashSet());

        const string membersSql = """
            SELECT t.id * 1000000000::bigint + coalesce(c.id, 999999999) FROM teams t LEFT JOIN LATERAL (
                SELECT c.id FROM crews c WHERE c.team_id = t.id UNION ALL SELECT NULL) c ON true
            ORDER BY t.id, c.id NULLS LAST
            """;
        var membersBefore = await Ids(membersSql);
        var members = await Walk(dispatcher, $"/api/lists/responsibility?{period}&pageSize=7",
            r => r.GetProperty("teamId").GetInt32() * 1_000_000_000L + (r.TryGetProperty("crewId", out var c) ? c.GetInt32() : 999_999_999));
        var membersAfter = await Ids(membersSql);
        Assert.Equal(membersAfter.Where(members.Contains), members);
        Assert.Superset(members.ToHashSet(), membersBefore.ToHashSet());
    }

    [Theory]
    [InlineData("/api/incidents?pageSize=1", "", "status=closed")]
    [InlineData("/api/lists/problems?pageSize=1", "", "teamId=1")]
    [InlineData("/api/lists/closures?from={yesterday}&to={tomorrow}&pageSize=1", "from={yesterday}", "from={today}")]
    [InlineData("/api/lists/responsibility?from=2026-01-01&to=2026-01-31&pageSize=1", "to=2026-01-31", "to=2026-01-30")]
    public async Task A_cursor_that_was_changed_cut_or_made_for_other_filters_is_refused(string list, string replace, string with)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        string Dated(string text) => text.Replace("{yesterday}", Day(today.AddDays(-1)), StringComparison.Ordinal)
            .Replace("{today}", Day(today), StringComparison.Ordinal).Replace("{tomorrow}", Day(today.AddDays(1)), StringComparison.Ordinal);
        (list, replace, with) = (Dated(list), Dated(replace), Dated(with));
        using var dispatcher = await app.ClientFor("dispatcher");
        for (var i = 0; i < 2; i++) await dispatcher.NewIncident("06005", "hotline", await Spots.Next(app));
        var first = await dispatcher.GetFromJsonAsync<JsonElement>(list);
        if (!first.TryGetProperty("after", out var cursorElement))
        {
            // Nothing closed since yesterday on a fresh database: close two, so the list has a second page.
            Assert.StartsWith("/api/lists/closures", list);
            for (var i = 0; i < 2; i++) await CloseAsync(dispatcher);
            first = await dispatcher.GetFromJsonAsync<JsonElement>(list);
            cursorElement = first.GetProperty("after");
        }
        var cursor = cursorElement.GetString()!;
        var next = first.GetProperty("next").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await dispatcher.GetAsync(next)).StatusCode);

        var flipped = cursor[..20] + (cursor[20] == 'A' ? 'B' : 'A') + cursor[21..];
        foreach (var bad in new[] { flipped, cursor[..^4], cursor + "AAAA", "bm90LWEtY3Vyc29y", cursor.Replace('-', '+').Replace('_', '/') })
        {
            if (bad == cursor) continue;
            var problem = await ProblemAssert.IsProblem(await dispatcher.GetAsync(next.Replace(cursor, Uri.EscapeDataString(bad), StringComparison.Ordinal)),
                HttpStatusCode.BadRequest, "first page");
            Assert.True(problem.GetProperty("errors").TryGetProperty("after", out _), problem.ToString());
        }
        var otherUrl = replace.Length == 0 ? $"{next}&{with}" : next.Replace(replace, with, StringComparison.Ordinal);
        Assert.NotEqual(next, otherUrl);
        var other = await ProblemAssert.IsProblem(await dispatcher.GetAsync(otherUrl), HttpStatusCode.BadRequest, "other filters");
        Assert.True(other.GetProperty("errors").TryGetProperty("after", out _));
        await ProblemAssert.IsProblem(await dispatcher.GetAsync($"{next}&page=2"), HttpStatusCode.BadRequest, "'page'");
        Assert.Equal(HttpStatusCode.OK, (await dispatcher.GetAsync($"{list}&after=")).StatusCode);
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("/api/incidents?pageSize=1001", "1000")]
    [InlineData("/api/lists/problems?pageSize=10001", "10000")]
    [InlineData("/api/lists/closures?pageSize=10001", "10000")]
    [InlineData("/api/lists/responsibility?pageSize=10001", "10000")]
    [InlineData("/api/lists/closures?pageSize=0", "between 1")]
    public async Task A_page_size_over_the_maximum_is_refused_naming_it(string url, string named)
    {
        using var dispatcher = await app.ClientFor("dispatcher");
        var problem = await ProblemAssert.IsProblem(await dispatcher.GetAsync(url), HttpStatusCode.BadRequest, named);
        Assert.True(problem.GetProperty("errors").TryGetProperty("pageSize", out _));
    }

    [Theory]
    [InlineData("/api/lists/closures?from=2016-01-01&to=2025-12-31")]
    [InlineData("/api/lists/closures?from=2016-01-01&to=2025-12-31&format=csv")]
    [InlineData("/api/lists/responsibility?from=2016-01-01&to=2025-12-31")]
    [InlineData("/api/indicators?by=team&from=2016-01-01&to=2025-12-31")]
    [InlineData("/api/lists/closures?from=2024-01-01&to=2025-01-01")]
    public async Task A_period_of_more_than_366_days_is_refused_naming_the_cap(string url)
    {
        using var leader = await app.ClientFor("leader");
        var problem = await ProblemAssert.IsProblem(await leader.GetAsync(url), HttpStatusCode.BadRequest, "at most 366 days");
        Assert.True(problem.GetProperty("errors").TryGetProperty("to", out _));
        // A leap year is 366 days: still one period.
        Assert.Equal(HttpStatusCode.OK, (await leader.GetAsync("/api/lists/closures?from=2024-01-01&to=2024-12-31")).StatusCode);
    }

    [Fact]
    public async Task Totals_beyond_the_counted_limit_are_the_planners_estimate_and_say_so_and_the_list_sql_is_pinned()
    {
        var spots = await Spots.Several(app, 2);
        var spot = spots[0];
        using var dispatcher = await app.ClientFor("dispatcher");
        var closed = new List<long>();
        for (var i = 0; i < 2; i++) closed.Add(await CloseAsync(dispatcher));
        foreach (var each in spots) await dispatcher.NewIncident("06008", "hotline", each);

        var sql = new SqlLog();
        using var counted = app.WithWebHostBuilder(b =>
        {
            b.UseSetting("Incidents:ExactTotalUpTo", "3");
            b.ConfigureLogging(l => l.AddProvider(sql).AddFilter<SqlLog>(SqlLog.Category, LogLevel.Information));
        });
        using var client = counted.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", await app.TokenFor("dispatcher"));

        var all = await client.GetFromJsonAsync<JsonElement>("/api/incidents?pageSize=2");
        Assert.True(all.GetProperty("totalIsEstimate").GetBoolean());
        Assert.InRange(all.GetProperty("total").GetInt32(), 4, int.MaxValue);
        var few = await client.GetFromJsonAsync<JsonElement>($"/api/incidents?teamId={spot.TeamId}&category=06008&pageSize=1");
        Assert.False(few.TryGetProperty("totalIsEstimate", out _));
        Assert.Equal(await Count("SELECT count(*) FROM incidents WHERE team_id = $1 AND category_code = '06008'", spot.TeamId),
            few.GetProperty("total").GetInt32());
        var problems = await client.GetFromJsonAsync<JsonElement>("/api/lists/problems?pageSize=1");
        Assert.True(problems.GetProperty("totalIsEstimate").GetBoolean());
        // The responsibility list counts its teams and members exactly, however many.
        Assert.False((await client.GetFromJsonAsync<JsonElement>("/api/lists/responsibility?pageSize=1")).TryGetProperty("totalIsEstimate", out _));

        // The SQL of a cursor page: the rows after the key through the index order, the count stops at the limit, the handler's name is joined once.
        sql.Clear();
        await client.GetFromJsonAsync<JsonElement>(all.GetProperty("next").GetString());
        var page = Assert.Single(sql.Commands, c => c.Contains("ORDER BY i.id DESC", StringComparison.Ordinal));
        Assert.Matches(@"WHERE i\.id < @\w+\s+ORDER BY i\.id DESC\s+LIMIT @\w+\s*$", page);
        Assert.DoesNotContain("OFFSET", page, StringComparison.Ordinal);
        Assert.Contains(sql.Commands, c => c.Contains("SELECT count(*)", StringComparison.Ordinal) && c.Contains("LIMIT @", StringComparison.Ordinal));

        // The handler's name comes with each closed case, joined.
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        var period = $"from={Day(today.AddDays(-1))}&to={Day(today)}";
        await using var name = app.DataSource.CreateCommand("SELECT name FROM crews WHERE id = 1");
        var crewOne = (string)(await name.ExecuteScalarAsync())!;
        var mine = (await Walk(client, $"/api/lists/closures?{period}&pageSize=1000", r => r.GetProperty("id").GetInt64())).Intersect(closed).ToList();
        Assert.Equal(closed, mine);
        var rows = (await client.GetFromJsonAsync<JsonElement>($"/api/lists/closures?{period}&pageSize=10000")).GetProperty("items").EnumerateArray()
            .Where(r => closed.Contains(r.GetProperty("id").GetInt64())).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(crewOne, r.GetProperty("handler").GetString()));

        var closures = await client.GetFromJsonAsync<JsonElement>($"/api/lists/closures?{period}&pageSize=1");
        sql.Clear();
        await client.GetFromJsonAsync<JsonElement>(closures.GetProperty("next").GetString());
        var closurePage = Assert.Single(sql.Commands, c => c.Contains("ORDER BY i.closed_at, i.id", StringComparison.Ordinal));
        Assert.Matches(@"\(i\.closed_at, i\.id\) > \(@\w+, @\w+\)", closurePage);
        Assert.Contains("LEFT JOIN crews AS c", closurePage, StringComparison.Ordinal);
        Assert.DoesNotContain("LIMIT 1", closurePage, StringComparison.Ordinal);
        Assert.DoesNotContain("OFFSET", closurePage, StringComparison.Ordinal);
    }

    private static IEnumerable<long> Ids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetInt64());

    private static Dictionary<string, string> Query(string url) =>
        QueryHelpers.ParseQuery(new Uri("http://x" + url).Query).ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);

    /// <summary>Follows next from <paramref name="url"/> to the last page; the keys of every row, in the order read.</summary>
    private static async Task<List<long>> Walk(HttpClient client, string url, Func<JsonElement, long> key)
    {
        var keys = new List<long>();
        for (var next = url; next is not null;)
        {
            var page = await client.GetFromJsonAsync<JsonElement>(next);
            keys.AddRange(page.GetProperty("items").EnumerateArray().Select(key));
            next = page.TryGetProperty("next", out var n) ? n.GetString() : null;
        }
        Assert.Equal(keys.Distinct(), keys);
        return keys;
    }

    /// <summary>
    /// One unit grid of the crew's team for every case closed here: a closed case is no duplicate of the next, and the
    /// team's grids are few, shared with the other test classes (the tests of a class run one at a time).
    /// </summary>
    private static Spot? _closingSpot;

    private async Task<long> CloseAsync(HttpClient dispatcher)
    {
        var spot = _closingSpot ??= await Spots.Next(app, CrewTeam);
        using var crew = await app.ClientFor("crew");
        var id = await dispatcher.NewIncident("09002", "hotline", spot);
        foreach (var (client, action) in new[] { (dispatcher, "register"), (dispatcher, "dispatch"), (crew, "accept"), (crew, "start"), (crew, "handle") })
            (await client.Act(id, action, note: action == "handle" ? "已处置" : null)).EnsureSuccessStatusCode();
        (await dispatcher.Act(id, "verify", score: 5)).EnsureSuccessStatusCode();
        (await dispatcher.Act(id, "close")).EnsureSuccessStatusCode();
        return id;
    }

    private async Task<List<long>> Ids(string sql, params object[] args)
    {
        await using var cmd = app.DataSource.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        var ids = new List<long>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) ids.Add(Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture));
        return ids;
    }

    private async Task<int> Count(string sql, params object[] args) => (await Ids(sql, args)).Select(n => (int)n).Single();

    /// <summary>The SQL EF sends, as its command log writes it.</summary>
    private sealed class SqlLog : ILoggerProvider
    {
        public const string Category = "Microsoft.EntityFrameworkCore.Database.Command";
        private readonly ConcurrentQueue<string> _commands = new();

        public IReadOnlyList<string> Commands => [.. _commands.Select(c => c[(c.IndexOf('\n', StringComparison.Ordinal) + 1)..].Trim())];

        public void Clear() => _commands.Clear();

        public ILogger CreateLogger(string categoryName) => categoryName == Category ? new Logger(_commands) : NullLogger.Instance;

        public void Dispose() { }

        private sealed class Logger(ConcurrentQueue<string> commands) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (eventId.Name?.EndsWith("CommandExecuted", StringComparison.Ordinal) == true) commands.Enqueue(formatter(state, exception));
            }
        }
    }
}
