using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using CsvHelper.Configuration.Attributes;
using GridGov.Api.Auth;
using GridGov.Api.Data;
using GridGov.Api.Platform;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace GridGov.Api.Incidents;

/// <summary>
/// The three lists of the closed loop (问题清单, 责任清单, 销号清单) with CSV export, and the crews' work logs.
/// </summary>
public static class ListsApi
{
    public sealed record ProblemRow(
        [property: Name("案件号")] long Id, [property: Name("状态")] string Status, [property: Name("类别代码")] string Category,
        [property: Name("类别")] string CategoryName, [property: Name("来源")] string Source, [property: Name("单元网格")] string? UnitGridCode,
        [property: Name("大网格")] string? LargeGridCode, [property: Name("队伍")] int? TeamId, [property: Name("处置角色")] string Role,
        [property: Name("处置人")] string? Handler, [property: Name("上报时间")] DateTimeOffset ReportedAt,
        [property: Name("处置期限")] DateTimeOffset? Deadline, [property: Name("超期")] bool Overdue, [property: Name("描述")] string? Description);

    public sealed record ResponsibilityRow(
        [property: Name("队伍")] int TeamId, [property: Name("队伍名称")] string Team, [property: Name("大网格")] string? LargeGridCode,
        [property: Name("队员编号")] int? CrewId, [property: Name("队员")] string? Crew, [property: Name("岗位")] string Role,
        [property: Name("在办")] int Open, [property: Name("超期")] int Overdue, [property: Name("期内处置")] int Handled,
        [property: Name("期内结案")] int Closed, [property: Name("期内积分")] int Points);

    public sealed record ClosureRow(
        [property: Name("案件号")] long Id, [property: Name("类别代码")] string Category, [property: Name("类别")] string CategoryName,
        [property: Name("大网格")] string? LargeGridCode, [property: Name("队伍")] int? TeamId, [property: Name("处置人")] string? Handler,
        [property: Name("上报时间")] DateTimeOffset ReportedAt, [property: Name("结案时间")] DateTimeOffset ClosedAt,
        [property: Name("处置期限")] DateTimeOffset? Deadline, [property: Name("按期")] bool OnTime, [property: Name("评分")] int? Score,
        [property: Name("返工次数")] int ReworkCount);

    public sealed record WorkLogCase(long IncidentId, string Category, string CategoryName, DateTimeOffset At, string Action, string? Note);
    public sealed record WorkLog(int CrewId, string Crew, DateOnly Date, IReadOnlyList<WorkLogCase> Found, IReadOnlyList<WorkLogCase> Handled, double? PatrolDistanceM,
        int Points = 0, int MonthPoints = 0);

    /// <summary>The longest period a list or an indicator reads at once.</summary>
    public const int MaxPeriodDays = 366;

    private const string Pages = " JSON: a page { items, total, page, pageSize, next, after }, read by keyset: next is the following page's URL (the same"
        + " filters, after=cursor of this page's last row), absent on the last; follow it as given. page= still counts pages from the first (OFFSET),"
        + " and 'after' with 'page' is a 400, as is a cursor that was changed or belongs to other filters.";

    private const string Totals = " total: every row of the list, counted up to Incidents:ExactTotalUpTo (10,000); beyond that the planner's estimate,"
        + " marked totalIsEstimate: true. format=csv: every row, streamed as read, never cut off, for a spreadsheet.";

    private const string PeriodCap = " The period is at most 366 days (a 400 names the cap).";

    public static IEndpointRouteBuilder MapListsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Lists and indicators").RequireAuthorization(Policies.Staff);
        api.MapGet("/lists/problems", Problems).WithSummary("问题清单: open cases, most urgent deadline first (none last), then by case number." + Pages + Totals);
        api.MapGet("/lists/responsibility", Responsibility).WithSummary("责任清单: per team and member, open and overdue cases now, handled and closed in the period (from/to, default this month)."
            + PeriodCap + Pages + " total: the teams and members, always counted exactly. format=csv: every row, streamed.");
        api.MapGet("/lists/closures", Closures).WithSummary("销号清单: cases closed in the period (from/to, default this month), with on-time flag and score, in order of closing."
            + PeriodCap + Pages + Totals);
        api.MapGet("/crews/{id:int}/worklog", CrewWorkLog).WithSummary("A crew member's daily work log (date=yyyy-MM-dd, default today): cases found and handled, and the distance patrolled (from the position history).");
        return app;
    }

    private static bool IsCsv(string? format, Validation v)
    {
        if (string.IsNullOrEmpty(format) || format.Equals("json", StringComparison.OrdinalIgnoreCase)) return false;
        if (format.Equals("csv", StringComparison.OrdinalIgnoreCase)) return true;
        v.Add("format", "'format' is json (default) or csv.");
        return false;
    }

    /// <summary>Period bounds in the calendar's time zone: [from, to) with defaults of the current month, at most <paramref name="maxDays"/> days.</summary>
    internal static (DateTimeOffset From, DateTimeOffset To) Period(string? from, string? to, CalendarProvider calendar, TimeProvider clock, Validation v,
        int maxDays = MaxPeriodDays)
    {
        var cal = calendar.Current;
        var today = cal.LocalDate(clock.GetUtcNow());
        var start = new DateOnly(today.Year, today.Month, 1);
        var end = start.AddMonths(1);
        if (!string.IsNullOrWhiteSpace(from))
        {
            if (DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first)) start = first;
            else v.Add("from", "'from' is a date, yyyy-MM-dd.");
        }
        if (!string.IsNullOrWhiteSpace(to))
        {
            if (DateOnly.TryParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var last)) end = last.AddDays(1);
            else v.Add("to", "'to' is a date, yyyy-MM-dd (inclusive).");
        }
        if (end <= start) v.Add("to", "'to' must not be before 'from'.");
        else if (end.DayNumber - start.DayNumber > maxDays)
            v.Add("to", $"A period is at most {maxDays} days; {start:yyyy-MM-dd} to {end.AddDays(-1):yyyy-MM-dd} is {end.DayNumber - start.DayNumber}. Ask for a year or less at a time.");
        if (!v.IsValid) return (DateTimeOffset.MinValue, DateTimeOffset.MinValue);
        return (cal.StartOfDay(start), cal.StartOfDay(end));
    }

    /// <summary>A list request: CSV streams every row; JSON answers one page with the total and the next page's link.</summary>
    private sealed record ListFormat(bool Csv, PageRequest Page);

    private static ListFormat Format(string? format, HttpRequest http, PageCursors cursors, int? page, int? pageSize, string? after,
        IncidentsSettings settings, Validation v, string? scope = null) =>
        new(IsCsv(format, v), PageRequest.Parse(http, cursors, page, pageSize, after, settings.ListPageSize, settings.MaxListPageSize, v, scope));

    /// <summary>The cases with their handler's name, joined in the same query (not looked up per row).</summary>
    private static IQueryable<WithHandlerRow> WithHandlers(IQueryable<Incident> cases, GridGovDb db) =>
        cases.LeftJoin(db.Crews, i => i.HandlerCrewId, c => (int?)c.Id, (i, c) => new WithHandlerRow { I = i, Handler = c == null ? null : c.Name });

    /// <summary>Composable in EF (a member-init type, unlike the positional record), so the join can still be ordered.</summary>
    private sealed class WithHandlerRow
    {
        public required Incident I { get; init; }
        public string? Handler { get; init; }
    }

    private static async Task<IResult> Problems(string? format, string? largeGrid, int? teamId, int? page, int? pageSize, string? after, HttpRequest http,
        ClaimsPrincipal user, GridGovDb db, CategoryCatalog categories, IncidentsSettings settings, PageCursors cursors, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        var list = Format(format, http, cursors, page, pageSize, after, settings, v);
        if (!v.IsValid) return v.Problem();
        var open = IncidentWorkflow.OpenStates;
        var query = db.Incidents.AsNoTracking().Visible(IncidentsApi.ActorOf(user), db).Where(i => open.Contains(i.Status));
        if (!string.IsNullOrWhiteSpace(largeGrid)) query = query.Where(i => i.LargeGridCode == largeGrid);
        if (teamId is { } t) query = query.Where(i => i.TeamId == t);
        var remaining = query;
        if (list.Page.After is { } last)
        {
            // Deadlines ascending, none last (PostgreSQL's NULLS LAST), then the case number.
            var id = last.Id;
            remaining = last.SortTime is { } deadline
                ? remaining.Where(i => i.Deadline == null || EF.Functions.GreaterThan(ValueTuple.Create(i.Deadline, i.Id), ValueTuple.Create((DateTimeOffset?)deadline, id)))
                : remaining.Where(i => i.Deadline == null && i.Id > id);
        }
        var rows = WithHandlers(remaining, db).OrderBy(r => r.I.Deadline).ThenBy(r => r.I.Id);
        var now = clock.GetUtcNow();
        ProblemRow Row(WithHandlerRow r) => new(r.I.Id, IncidentWorkflow.Name(r.I.Status), r.I.CategoryCode, categories.NameOf(r.I.CategoryCode),
            JsonNames.Of(r.I.Source), r.I.UnitGridCode, r.I.LargeGridCode, r.I.TeamId, r.I.Role.ToString().ToLowerInvariant(), r.Handler,
            r.I.ReportedAt, r.I.Deadline, IncidentMapping.IsOverdue(r.I.Status, r.I.Deadline, now), r.I.Description);
        if (list.Csv) return CsvExport.Stream(Map(rows.AsAsyncEnumerable(), Row), "problems", ct);
        var total = await ListTotals.CountAsync(query, db, settings.ExactTotalUpTo, ct);
        var items = (await list.Page.Slice(rows).ToListAsync(ct)).Select(Row).ToList();
        return TypedResults.Ok(list.Page.Of(items, r => PageKey.Of(r.Deadline, r.Id), total, http));
    }

    private static async IAsyncEnumerable<TOut> Map<TIn, TOut>(IAsyncEnumerable<TIn> rows, Func<TIn, TOut> map, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var row in rows.WithCancellation(ct)) yield return map(row);
    }

    private static async Task<IResult> Responsibility(string? format, string? from, string? to, int? page, int? pageSize, string? after, HttpRequest http,
        ClaimsPrincipal user, NpgsqlDataSource dataSource, IncidentsSettings settings, PageCursors cursors, CalendarProvider calendar, TimeProvider clock,
        CancellationToken ct)
    {
        var v = new Validation();
        var (start, end) = Period(from, to, calendar, clock, v);
        var list = Format(format, http, cursors, page, pageSize, after, settings, v, PeriodScope(start, end));
        if (!v.IsValid) return v.Problem();
        var onlyTeam = IncidentsApi.ActorOf(user).ConfinedToTeam;
        var now = clock.GetUtcNow();
        if (list.Csv) return CsvExport.Stream(ResponsibilityRows(dataSource, start, end, now, onlyTeam, null, ct), "responsibility", ct);
        await using var count = dataSource.CreateCommand("""
            SELECT (SELECT count(*) FROM teams t WHERE $1::int IS NULL OR t.id = $1)
                 + (SELECT count(*) FROM teams t JOIN crews c ON c.team_id = t.id WHERE $1::int IS NULL OR t.id = $1)
            """);
        count.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer, Value = (object?)onlyTeam ?? DBNull.Value });
        var total = (int)(long)(await count.ExecuteScalarAsync(ct))!;
        var items = new List<ResponsibilityRow>();
        await foreach (var row in ResponsibilityRows(dataSource, start, end, now, onlyTeam, list.Page, ct)) items.Add(row);
        return TypedResults.Ok(list.Page.Of(items, r => new PageKey(r.TeamId, r.CrewId ?? UnassignedRow), new ListTotal(total, false), http));
    }

    /// <summary>A team's row of unassigned cases comes after its members: its key sorts after every crew id.</summary>
    private const int UnassignedRow = int.MaxValue;

    /// <summary>What a period resolved to, for the cursor: a page of 'this month' does not continue into the next month.</summary>
    private static string PeriodScope(DateTimeOffset start, DateTimeOffset end) =>
        string.Create(CultureInfo.InvariantCulture, $"{start.UtcTicks}-{end.UtcTicks}");

    /// <summary>Per team and member (plus each team's unassigned cases): open and overdue now, handled, closed and points in [start, end).</summary>
    private static async IAsyncEnumerable<ResponsibilityRow> ResponsibilityRows(NpgsqlDataSource dataSource, DateTimeOffset start, DateTimeOffset end,
        DateTimeOffset now, int? onlyTeam, PageRequest? page, [EnumeratorCancellation] CancellationToken ct)
    {
        // One pass per measure, each through its own index, joined to the members: the open set now (the partial
        // index of open cases by status), cases handled and closed in the period (their time indexes), and each member's
        // points (crew, time). Never a scan of every case a team ever had.
        const string sql = """
            WITH members AS (
                SELECT t.id AS team_id, t.name AS team, t.large_grid_code, c.id AS crew_id, c.name AS crew, c.role
                FROM teams t JOIN crews c ON c.team_id = t.id WHERE ($5::int IS NULL OR t.id = $5)
                UNION ALL
                SELECT t.id, t.name, t.large_grid_code, NULL, NULL, '(unassigned)' FROM teams t WHERE ($5::int IS NULL OR t.id = $5)
            ), open_now AS (
                SELECT i.team_id, i.handler_crew_id, count(*) AS open,
                       count(*) FILTER (WHERE i.status = ANY($2) AND i.deadline < $3) AS overdue
                FROM incidents i WHERE i.status = ANY($1) AND i.team_id IS NOT NULL AND ($5::int IS NULL OR i.team_id = $5)
                GROUP BY i.team_id, i.handler_crew_id
            ), handled AS (
                SELECT i.handler_crew_id, count(*) AS n FROM incidents i
                WHERE i.handled_at >= $6 AND i.handled_at < $4 AND i.handler_crew_id IS NOT NULL AND i.team_id IS NOT NULL AND ($5::int IS NULL OR i.team_id = $5)
                GROUP BY i.handler_crew_id
            ), closed AS (
                SELECT i.handler_crew_id, count(*) AS n FROM incidents i
                WHERE i.closed_at >= $6 AND i.closed_at < $4 AND i.handler_crew_id IS NOT NULL AND i.team_id IS NOT NULL AND ($5::int IS NULL OR i.team_id = $5)
                GROUP BY i.handler_crew_id
            )
            SELECT m.team_id, m.team, m.large_grid_code, m.crew_id, m.crew, m.role,
                COALESCE(o.open, 0)::int, COALESCE(o.overdue, 0)::int, COALESCE(h.n, 0)::int, COALESCE(c.n, 0)::int, COALESCE(p.points, 0)::int
            FROM members m
            LEFT JOIN open_now o ON o.team_id = m.team_id AND o.handler_crew_id IS NOT DISTINCT FROM m.crew_id
            LEFT JOIN handled h ON h.handler_crew_id = m.crew_id
            LEFT JOIN closed c ON c.handler_crew_id = m.crew_id
            LEFT JOIN LATERAL (SELECT sum(cp.points) AS points FROM crew_points cp WHERE cp.crew_id = m.crew_id AND cp.at >= $6 AND cp.at < $4) p ON true
            WHERE $9::int IS NULL OR (m.team_id, coalesce(m.crew_id, 2147483647)) > ($9, $10)
            ORDER BY m.team_id, m.crew_id NULLS LAST
            LIMIT $7 OFFSET $8
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = IncidentWorkflow.OpenStates.Select(s => s.ToString()).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = IncidentWorkflow.RunningStates.Select(s => s.ToString()).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        command.Parameters.Add(new NpgsqlParameter { Value = end });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer, Value = (object?)onlyTeam ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = start });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer, Value = (object?)page?.Take ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer, Value = page?.Skip ?? 0 });
        var after = page?.After;
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer, Value = (object?)(int?)after?.Sort ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer, Value = (object?)(int?)after?.Id ?? DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            // An asset group answers for assets, not a large grid: its large grid is null.
            yield return new ResponsibilityRow(reader.GetInt32(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetString(5).ToLowerInvariant(), reader.GetInt32(6), reader.GetInt32(7), reader.GetInt32(8), reader.GetInt32(9), reader.GetInt32(10));
        }
    }

    private static async Task<IResult> Closures(string? format, string? from, string? to, int? page, int? pageSize, string? after, HttpRequest http,
        ClaimsPrincipal user, GridGovDb db, CategoryCatalog categories, IncidentsSettings settings, PageCursors cursors, CalendarProvider calendar,
        TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        var (start, end) = Period(from, to, calendar, clock, v);
        var list = Format(format, http, cursors, page, pageSize, after, settings, v, PeriodScope(start, end));
        if (!v.IsValid) return v.Problem();
        var query = db.Incidents.AsNoTracking().Visible(IncidentsApi.ActorOf(user), db)
            .Where(i => i.Status == IncidentStatus.Closed && i.ClosedAt >= start && i.ClosedAt < end);
        var remaining = query;
        if (list.Page.After is { SortTime: { } closedAt, Id: var id })
            remaining = remaining.Where(i => EF.Functions.GreaterThan(ValueTuple.Create(i.ClosedAt, i.Id), ValueTuple.Create((DateTimeOffset?)closedAt, id)));
        // Streamed as read (CSV): ordered by the closed_at index, the handler's name joined, no row count or cap anywhere.
        var rows = WithHandlers(remaining, db).OrderBy(r => r.I.ClosedAt).ThenBy(r => r.I.Id);
        ClosureRow Row(WithHandlerRow r) => new(r.I.Id, r.I.CategoryCode, categories.NameOf(r.I.CategoryCode), r.I.LargeGridCode, r.I.TeamId, r.Handler,
            r.I.ReportedAt, r.I.ClosedAt!.Value, r.I.Deadline, r.I.Deadline is null || r.I.ClosedAt <= r.I.Deadline, r.I.Score, r.I.ReworkCount);
        if (list.Csv) return CsvExport.Stream(Map(rows.AsAsyncEnumerable(), Row), "closures", ct);
        var total = await ListTotals.CountAsync(query, db, settings.ExactTotalUpTo, ct);
        var items = (await list.Page.Slice(rows).ToListAsync(ct)).Select(Row).ToList();
        return TypedResults.Ok(list.Page.Of(items, r => PageKey.Of(r.ClosedAt, r.Id), total, http));
    }

    private static async Task<IResult> CrewWorkLog(int id, string? date, ClaimsPrincipal user, GridGovDb db, CategoryCatalog categories,
        CalendarProvider calendar, Live.Trails trails, TimeProvider clock, CancellationToken ct)
    {
        var actor = IncidentsApi.ActorOf(user);
        if (actor.ConfinedToTeam is not null && actor.CrewId != id)
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not your work log",
                detail: $"A crew member sees only their own work log (crew {actor.CrewId?.ToString(CultureInfo.InvariantCulture) ?? "(none)"}).");
        var v = new Validation();
        var cal = calendar.Current;
        var day = cal.LocalDate(clock.GetUtcNow());
        if (!string.IsNullOrWhiteSpace(date) && !DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day)) v.Add("date", "'date' is yyyy-MM-dd.");
        if (!v.IsValid) return v.Problem();
        var crew = await db.Crews.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (crew is null) return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"There is no crew member {id}.");
        var start = cal.StartOfDay(day);
        var end = cal.StartOfDay(day.AddDays(1));
        var found = await db.Incidents.AsNoTracking().Where(i => i.ReporterCrewId == id && i.ReportedAt >= start && i.ReportedAt < end)
            .OrderBy(i => i.Id)
            .Select(i => new { i.Id, i.CategoryCode, i.ReportedAt, i.Description })
            .ToListAsync(ct);
        var handled = await db.IncidentEvents.AsNoTracking().Where(e => e.CrewId == id && e.Action != "report" && e.At >= start && e.At < end)
            .OrderBy(e => e.Id)
            .Select(e => new { e.IncidentId, CategoryCode = db.Incidents.Where(i => i.Id == e.IncidentId).Select(i => i.CategoryCode).First(), e.At, e.Action, e.Note })
            .ToListAsync(ct);
        var monthStart = cal.StartOfDay(new DateOnly(day.Year, day.Month, 1));
        var monthEnd = cal.StartOfDay(new DateOnly(day.Year, day.Month, 1).AddMonths(1));
        var points = await db.CrewPoints.AsNoTracking().Where(p => p.CrewId == id && p.At >= monthStart && p.At < monthEnd)
            .GroupBy(p => p.At >= start && p.At < end).Select(g => new { Day = g.Key, Sum = g.Sum(p => p.Points) }).ToListAsync(ct);
        return TypedResults.Ok(new WorkLog(id, crew.Name, day,
            found.Select(f => new WorkLogCase(f.Id, f.CategoryCode, categories.NameOf(f.CategoryCode), f.ReportedAt, "report", f.Description)).ToList(),
            handled.Select(h => new WorkLogCase(h.IncidentId, h.CategoryCode, categories.NameOf(h.CategoryCode), h.At, h.Action, h.Note)).ToList(),
            Math.Round(Live.Trails.Distance(await trails.FixesAsync(id, start, end, ct)), 1),
            points.Where(p => p.Day).Sum(p => p.Sum), points.Sum(p => p.Sum)));
    }
}
