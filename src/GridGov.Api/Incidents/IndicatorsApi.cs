using System.Globalization;
using GridGov.Api.Auth;
using GridGov.Api.Platform;
using Npgsql;

namespace GridGov.Api.Incidents;

/// <summary>The evaluation indicators (per large grid or team) and the monthly points leaderboard.</summary>
public static class IndicatorsApi
{
    public sealed record Indicator(
        string Key, string Name, int Registered, int Due, int Closed, int ClosedOnTime, int Reworked,
        double? ClosureRate, double? OnTimeRate, double? ReworkRate, double? AverageHandlingHours, double? Score, string? Grade);

    public sealed record LeaderboardEntry(int Rank, int CrewId, string Crew, string Team, int Points, int Cases);
    public sealed record CommunityBoard(string CommunityCode, string Community, IReadOnlyList<LeaderboardEntry> Members);

    public static IEndpointRouteBuilder MapIndicatorsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Lists and indicators").RequireAuthorization(Policies.Staff);
        api.MapGet("/indicators", Indicators).WithQueryBudget(QueryBudget.Report).WithSummary("Indicators per large grid or team (by=largeGrid|team) for incidents reported in the period: closure rate, on-time closure rate (按期结案率), rework rate, average handling time, grade A-E. Read from the daily roll-ups (exact, whatever their fold lag), so it costs the same for a year as for a day.");
        api.MapGet("/points/leaderboard", Leaderboard).WithQueryBudget(QueryBudget.Report).WithSummary("Monthly points per community (month=yyyy-MM, community=code optional): per member, the points earned in the month and the cases they closed with a score; read from the daily roll-ups.");
        return app;
    }

    /// <summary>Grade thresholds of the evaluation standard: A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, else E.</summary>
    public static string Grade(double score) => score >= 90 ? "A" : score >= 75 ? "B" : score >= 60 ? "C" : score >= 40 ? "D" : "E";

    /// <summary>Composite score (weights are a setting in spirit; the standard's are marked "verify"): 40% closure, 40% on time, 20% no rework.</summary>
    public static double Score(double closureRate, double onTimeRate, double reworkRate) => 0.4 * closureRate + 0.4 * onTimeRate + 0.2 * (100 - reworkRate);

    private static async Task<IResult> Indicators(string? by, string? from, string? to, HttpContext http, NpgsqlDataSource dataSource,
        CalendarProvider calendar, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        var byTeam = by?.Trim().ToLowerInvariant() switch
        {
            null or "" or "largegrid" or "large" => false,
            "team" => true,
            _ => (bool?)null,
        };
        if (byTeam is null) v.Add("by", "'by' is largeGrid (default) or team.");
        var (start, end) = ListsApi.Period(from, to, calendar, clock, v);
        if (!v.IsValid) return v.Problem();
        var now = clock.GetUtcNow();
        var asOf = now < end ? now : end;
        var keys = byTeam == true
            ? "SELECT t.id::text AS key, t.name FROM teams t"
            : "SELECT g.code AS key, g.name FROM grids g WHERE g.level = 'Large'";
        var dim = byTeam == true ? RollupKeeper.Dim.Team : RollupKeeper.Dim.LargeGrid;
        var caseKey = byTeam == true ? "i.team_id::text" : "i.large_grid_code";
        // The cohort's counts come from the daily roll-ups; only "due" depends on the moment asked about: a case
        // not closed is due once its deadline has passed (unless parked), and those are few, read through the
        // (status, deadline) index of the cases still open.
        var sql = $"""
            WITH r AS {RollupKeeper.Sum(dim, "$1", "$2")},
            waiting AS (
                SELECT {caseKey} AS key, count(*)::int AS n FROM incidents i
                WHERE i.status = ANY($4) AND i.deadline <= $3 AND i.closed_at IS NULL AND i.duplicate_of IS NULL
                    AND i.reported_at >= $5 AND i.reported_at < $6 AND {caseKey} IS NOT NULL
                GROUP BY 1
            )
            SELECT k.key, k.name, COALESCE(r.registered, 0), COALESCE(r.closed, 0) + COALESCE(w.n, 0), COALESCE(r.closed, 0),
                COALESCE(r.closed_on_time, 0), COALESCE(r.reworked, 0),
                (r.handling_seconds / NULLIF(r.closed, 0) / 3600.0)::float8
            FROM ({keys}) k
            LEFT JOIN r ON r.key = k.key COLLATE "C"
            LEFT JOIN waiting w ON w.key = k.key COLLATE "C"
            ORDER BY length(k.key), k.key
            """;
        var cal = calendar.Current;
        await using var command = dataSource.CreateCommand(sql).Budgeted(http);
        command.Parameters.Add(new NpgsqlParameter { Value = cal.LocalDate(start) });
        command.Parameters.Add(new NpgsqlParameter { Value = cal.LocalDate(end) });
        command.Parameters.Add(new NpgsqlParameter { Value = asOf });
        command.Parameters.Add(new NpgsqlParameter { Value = IncidentWorkflow.OpenStates.Where(s => s != IncidentStatus.Parked).Select(s => s.ToString()).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = start });
        command.Parameters.Add(new NpgsqlParameter { Value = end });
        var rows = new List<Indicator>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            int registered = reader.GetInt32(2), due = reader.GetInt32(3), closed = reader.GetInt32(4), onTime = reader.GetInt32(5), reworked = reader.GetInt32(6);
            double? closure = due > 0 ? Math.Round(100.0 * closed / due, 1) : null;
            double? onTimeRate = due > 0 ? Math.Round(100.0 * onTime / due, 1) : null;
            double? rework = closed > 0 ? Math.Round(100.0 * reworked / closed, 1) : due > 0 ? 0 : null;
            double? score = closure is null ? null : Math.Round(Score(closure.Value, onTimeRate!.Value, rework ?? 0), 1);
            rows.Add(new Indicator(reader.GetString(0), reader.GetString(1), registered, due, closed, onTime, reworked, closure, onTimeRate, rework,
                reader.IsDBNull(7) ? null : Math.Round(reader.GetDouble(7), 2), score, score is { } s ? Grade(s) : null));
        }
        return TypedResults.Ok(new { from = start, to = end, by = byTeam == true ? "team" : "largeGrid", rows });
    }

    private static async Task<IResult> Leaderboard(string? month, string? community, HttpContext http, NpgsqlDataSource dataSource,
        CalendarProvider calendar, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        var cal = calendar.Current;
        var today = cal.LocalDate(clock.GetUtcNow());
        var first = new DateOnly(today.Year, today.Month, 1);
        if (!string.IsNullOrWhiteSpace(month))
        {
            if (DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var m)) first = m;
            else v.Add("month", "'month' is yyyy-MM.");
        }
        if (!v.IsValid) return v.Problem();
        // Points per member and day come from the roll-ups; "cases" are the cases the member closed with a score.
        var sql = $"""
            SELECT comm.code, comm.name, c.id, c.name, t.name, p.points, p.scored
            FROM {RollupKeeper.Sum(RollupKeeper.Dim.Crew, "$1", "$2")} p
            JOIN crews c ON c.id::text = p.key
            JOIN teams t ON t.id = c.team_id
            JOIN grids lg ON lg.code = t.large_grid_code
            JOIN grids comm ON comm.code = lg.parent_code
            WHERE p.point_rows <> 0 AND ($3::text IS NULL OR comm.code = $3)
            ORDER BY comm.code, p.points DESC, c.id
            """;
        await using var command = dataSource.CreateCommand(sql).Budgeted(http);
        command.Parameters.Add(new NpgsqlParameter { Value = first });
        command.Parameters.Add(new NpgsqlParameter { Value = first.AddMonths(1) });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = (object?)community?.Trim() ?? DBNull.Value });
        var boards = new List<CommunityBoard>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        List<LeaderboardEntry>? members = null;
        while (await reader.ReadAsync(ct))
        {
            var code = reader.GetString(0);
            if (boards.Count == 0 || boards[^1].CommunityCode != code)
            {
                members = [];
                boards.Add(new CommunityBoard(code, reader.GetString(1), members));
            }
            members!.Add(new LeaderboardEntry(members.Count + 1, reader.GetInt32(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5), reader.GetInt32(6)));
        }
        return TypedResults.Ok(new { month = first.ToString("yyyy-MM", CultureInfo.InvariantCulture), communities = boards });
    }
}
