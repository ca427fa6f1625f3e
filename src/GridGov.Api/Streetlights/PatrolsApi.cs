using System.Globalization;
using System.Security.Claims;
using GridGov.Api.Auth;
using GridGov.Api.Basemap;
using GridGov.Api.Data;
using GridGov.Api.Incidents;
using GridGov.Api.Live;
using GridGov.Api.Platform;
using GridGov.Api.Teams;
using GridGov.Geo.Roads;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace GridGov.Api.Streetlights;

/// <summary>
/// Night patrols ("白加黑": at night the lamps are checked lit, circuit by circuit). Every circuit is due at least once
/// in <see cref="StreetlightSettings.PatrolNights"/> nights: tonight's share is the circuits checked longest ago (never
/// first), plus any that would otherwise go past N nights. The due circuits are chained nearest-next, split among the
/// repair group's night crews by lamp count, and each part becomes a road route from the crews' road graph that drives
/// every road the circuit's cable runs along, in cable order. A patroller records the circuits checked; a dark lamp
/// is a report (POST /api/incidents with its assetCode, source patrol) and rolls up as any other.
/// </summary>
public static class PatrolsApi
{
    public sealed record CircuitStop(string Code, string CabinetCode, int Lamps, double Lon, double Lat, DateOnly? LastChecked);
    public sealed record PatrolRoute(int? CrewId, string? CrewName, IReadOnlyList<CircuitStop> Circuits, int Lamps, double LengthM,
        IReadOnlyList<long> RoadIds, object? Geometry);
    public sealed record PatrolPlan(DateOnly Night, int Nights, int Circuits, int Due, int Overdue, IReadOnlyList<PatrolRoute> Routes);
    public sealed record CheckRequest(string? Night, string[]? Circuits, int? CrewId);
    public sealed record CheckResult(DateOnly Night, int Recorded, int Already);
    public sealed record CircuitCoverage(string Code, DateOnly? LastChecked, int Checks);
    public sealed record Coverage(DateOnly Night, int Nights, int Circuits, int Covered, double Share, IReadOnlyList<CircuitCoverage> Uncovered);

    public static IEndpointRouteBuilder MapPatrolsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/streetlights/patrols").WithTags("Streetlights");
        group.MapGet("/plan", Plan).RequireAuthorization(Policies.Staff)
            .WithSummary("Tonight's (or ?night=YYYY-MM-DD) night-patrol routes: the circuits due, split among the repair group's night crews, as road routes.");
        group.MapPost("/", Record).RequireAuthorization(Policies.Staff)
            .WithSummary("Record the circuits a night patrol checked ({ night?, circuits, crewId? }); a crew records its own checks. Retries record nothing twice.");
        group.MapGet("/coverage", CoverageOf).RequireAuthorization(Policies.Staff)
            .WithSummary("How many circuits were checked in the last ?nights= (default the setting) nights up to ?night=, and which were not.");
        return app;
    }

    internal sealed record CircuitRow(string Code, string Cabinet, int Lamps, double Lon, double Lat, long[] Roads);

    private static DateOnly? ParseNight(string? raw, CalendarProvider calendar, TimeProvider clock, Validation v)
    {
        if (raw is null) return calendar.Current.LocalDate(clock.GetUtcNow().AddHours(-6)); // before 6:00 it is still last night
        if (DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var night)) return night;
        v.Add("night", $"'night' is the date the night begins, as yyyy-MM-dd; got '{Validation.Clip(raw)}'.");
        return null;
    }

    private static int? ParseNights(string? raw, StreetlightSettings settings, Validation v)
    {
        if (raw is null) return settings.PatrolNights;
        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 31) return n;
        v.Add("nights", $"'nights' is a whole number of nights from 1 to 31; got '{Validation.Clip(raw)}'.");
        return null;
    }

    private static async Task<IResult> Plan(string? night, string? nights, GridGovDb db, NpgsqlDataSource dataSource, RoadNetwork roads,
        StreetlightStatus status, StreetlightSettings settings, CalendarProvider calendar, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        var date = ParseNight(night, calendar, clock, v);
        var n = ParseNights(nights, settings, v);
        if (!v.IsValid || date is not { } d || n is not { } every) return v.Problem();
        await roads.WhenLoadedAsync(ct);
        if (roads.Graph is not { } graph) return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "No road graph",
            detail: "The road network is not loaded yet (or the county has no streets); try again in a moment.");

        var circuits = await CircuitsAsync(dataSource, ct);
        var last = await db.CircuitChecks.AsNoTracking().Where(c => c.Night <= d).GroupBy(c => c.CircuitCode)
            .Select(g => new { g.Key, Last = g.Max(c => c.Night) }).ToDictionaryAsync(x => x.Key, x => x.Last, ct);
        // Tonight's share: the circuits checked longest ago (never checked first), enough that N nights cover them
        // all; and any checked before but last on d − N or earlier, which would otherwise go past N nights.
        var tonight = circuits.Count(c => last.TryGetValue(c.Code, out var l) && l == d);
        var open = circuits.Where(c => !(last.TryGetValue(c.Code, out var l) && l == d))
            .OrderBy(c => last.TryGetValue(c.Code, out var l) ? l : DateOnly.MinValue).ThenBy(c => c.Code, StringComparer.Ordinal).ToList();
        var quota = (int)Math.Ceiling(circuits.Count / (double)every) - tonight;
        var overdue = open.Where(c => last.TryGetValue(c.Code, out var l) && l <= d.AddDays(-every)).ToList();
        var due = open.Take(Math.Max(0, quota)).Union(overdue).ToList();

        var groups = await status.CurrentAsync(ct);
        var crews = groups.Group(StreetlightDuty.Repair) is { } repair
            ? await db.Crews.AsNoTracking().Where(c => c.TeamId == repair.Id && c.Active && c.Shift == Shift.Night).OrderBy(c => c.Id).Select(c => new { c.Id, c.Name }).ToListAsync(ct)
            : [];
        var ordered = Chain(due);
        var parts = Split(ordered, Math.Max(1, crews.Count));
        var routes = new List<PatrolRoute>();
        for (var i = 0; i < parts.Count; i++)
        {
            var path = Route(graph, parts[i]);
            routes.Add(new PatrolRoute(i < crews.Count ? crews[i].Id : null, i < crews.Count ? crews[i].Name : null,
                parts[i].Select(c => new CircuitStop(c.Code, c.Cabinet, c.Lamps, c.Lon, c.Lat, last.TryGetValue(c.Code, out var l) ? l : null)).ToList(),
                parts[i].Sum(c => c.Lamps), Math.Round(path.LengthM), path.Edges.Select(e => e.EdgeId).ToList(),
                await GeometryAsync(dataSource, path.Edges.Select(e => e.EdgeId).ToArray(), ct)));
        }
        return TypedResults.Ok(new PatrolPlan(d, every, circuits.Count, due.Count, overdue.Count, routes));
    }

    private static async Task<List<CircuitRow>> CircuitsAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        // Per circuit: its lamps, the first lamp's place, and the roads its cable runs along in cable order.
        await using var cmd = dataSource.CreateCommand("""
            SELECT c.code, c.cabinet_code, count(*)::int,
                   ST_X((array_agg(s.location ORDER BY s.circuit_seq, s.code))[1]), ST_Y((array_agg(s.location ORDER BY s.circuit_seq, s.code))[1]),
                   array_remove(array_agg(s.road_id ORDER BY s.circuit_seq, s.code), NULL)
            FROM circuits c JOIN streetlights s ON s.circuit_code = c.code AND s.component = '01037'
            GROUP BY c.code, c.cabinet_code ORDER BY c.code
            """);
        var list = new List<CircuitRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var roads = r.GetFieldValue<int[]>(5);
            // Distinct, keeping the order the cable meets them.
            var seen = new HashSet<int>();
            list.Add(new CircuitRow(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetDouble(3), r.GetDouble(4),
                roads.Where(seen.Add).Select(x => (long)x).ToArray()));
        }
        return list;
    }

    /// <summary>Nearest-next from the westernmost circuit, on a local plane.</summary>
    private static List<CircuitRow> Chain(List<CircuitRow> due)
    {
        if (due.Count == 0) return [];
        var left = due.ToList();
        var k = Math.Cos(due.Average(c => c.Lat) * Math.PI / 180);
        var current = left.MinBy(c => c.Lon)!;
        var order = new List<CircuitRow>(due.Count);
        while (true)
        {
            left.Remove(current);
            order.Add(current);
            if (left.Count == 0) return order;
            var here = current;
            current = left.MinBy(c => Math.Pow((c.Lon - here.Lon) * k, 2) + Math.Pow(c.Lat - here.Lat, 2))!;
        }
    }

    /// <summary>Contiguous parts of the chain with about the same number of lamps each.</summary>
    private static List<List<CircuitRow>> Split(List<CircuitRow> chain, int parts)
    {
        var result = Enumerable.Range(0, parts).Select(_ => new List<CircuitRow>()).ToList();
        var total = chain.Sum(c => c.Lamps);
        var done = 0;
        foreach (var c in chain)
        {
            var part = Math.Min(parts - 1, (int)((done + c.Lamps / 2.0) * parts / Math.Max(1, total)));
            result[part].Add(c);
            done += c.Lamps;
        }
        return result.Where(p => p.Count > 0).ToList();
    }

    /// <summary>Drives each road of each circuit in turn, joined by shortest paths, entering every road at its nearer end.</summary>
    internal static RoadGraph.RoutePath Route(RoadGraph graph, IReadOnlyList<CircuitRow> circuits)
    {
        var edges = new List<(long EdgeId, long FromNode)>();
        var length = 0.0;
        long? at = null;
        foreach (var road in circuits.SelectMany(c => c.Roads))
        {
            if (graph.EdgeEnds(road) is not { } ends) continue; // a footway: patrolled on foot, not in the crews' graph
            long enter, leave;
            if (at is not { } here) (enter, leave) = (ends.Source, ends.Target);
            else
            {
                var toSource = graph.Path(here, ends.Source);
                var toTarget = graph.Path(here, ends.Target);
                if (toSource is null && toTarget is null) continue;
                var viaSource = toSource is not null && (toTarget is null || toSource.LengthM <= toTarget.LengthM);
                var way = viaSource ? toSource! : toTarget!;
                edges.AddRange(way.Edges);
                length += way.LengthM;
                (enter, leave) = viaSource ? (ends.Source, ends.Target) : (ends.Target, ends.Source);
            }
            edges.Add((road, enter));
            length += ends.LengthM;
            at = leave;
        }
        return new RoadGraph.RoutePath(edges, length);
    }

    private static async Task<object?> GeometryAsync(NpgsqlDataSource dataSource, long[] roadIds, CancellationToken ct)
    {
        if (roadIds.Length == 0) return null;
        await using var cmd = dataSource.CreateCommand("""
            SELECT ST_AsGeoJSON(ST_Collect(r.geometry ORDER BY o.ord), 7) FROM unnest($1::bigint[]) WITH ORDINALITY AS o(id, ord) JOIN roads r ON r.id = o.id
            """);
        cmd.Parameters.AddWithValue(roadIds);
        return await cmd.ExecuteScalarAsync(ct) is string json ? System.Text.Json.JsonDocument.Parse(json).RootElement : null;
    }

    private static async Task<IResult> Record(CheckRequest? body, ClaimsPrincipal user, GridGovDb db, StreetlightIndex index, CalendarProvider calendar,
        TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        if (body is null) return Validation.Problem("body", "Send { \"night\"?, \"circuits\": [codes checked], \"crewId\"? }.");
        var date = ParseNight(body.Night, calendar, clock, v);
        var actor = IncidentsApi.ActorOf(user);
        var codes = (body.Circuits ?? []).Select(c => c?.Trim() ?? "").Distinct(StringComparer.Ordinal).ToList();
        if (codes.Count == 0) v.Add("circuits", "'circuits' lists the circuit codes the patrol checked (at least one).");
        if (codes.Count > 2000) v.Add("circuits", "At most 2,000 circuits at once.");
        var snap = await index.CurrentAsync(ct);
        var unknown = codes.Where(c => !snap.CircuitLamps.ContainsKey(c)).Take(20).ToList();
        if (unknown.Count > 0) v.Add("circuits", $"These are not circuits of the county: {string.Join(", ", unknown.Select(Validation.Clip))}.");
        int? crew = body.CrewId;
        if (actor.ConfinedToTeam is not null)
        {
            if (crew is not null && crew != actor.CrewId) v.Add("crewId", "A crew records its own patrol; leave 'crewId' out.");
            crew = actor.CrewId;
        }
        else if (crew is { } c && !await db.Crews.AnyAsync(x => x.Id == c && x.Active, ct)) v.Add("crewId", $"There is no crew {c} on duty.");
        if (date is { } night && night > calendar.Current.LocalDate(clock.GetUtcNow())) v.Add("night", "A patrol is recorded for a night that has begun, not a later one.");
        if (!v.IsValid || date is not { } d) return v.Problem();
        var now = clock.GetUtcNow();
        var already = await db.CircuitChecks.Where(x => x.Night == d && codes.Contains(x.CircuitCode)).Select(x => x.CircuitCode).ToListAsync(ct);
        var fresh = codes.Except(already, StringComparer.Ordinal).ToList();
        db.CircuitChecks.AddRange(fresh.Select(code => new CircuitCheck { CircuitCode = code, Night = d, CrewId = crew, CheckedBy = actor.Name, CheckedAt = now }));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another request recorded some of them meanwhile: the checks are there, which is what was asked.
            return TypedResults.Ok(new CheckResult(d, 0, codes.Count));
        }
        return TypedResults.Ok(new CheckResult(d, fresh.Count, already.Count));
    }

    private static async Task<IResult> CoverageOf(string? night, string? nights, GridGovDb db, StreetlightIndex index, StreetlightSettings settings,
        CalendarProvider calendar, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        var date = ParseNight(night, calendar, clock, v);
        var n = ParseNights(nights, settings, v);
        if (!v.IsValid || date is not { } d || n is not { } every) return v.Problem();
        var since = d.AddDays(1 - every);
        var snap = await index.CurrentAsync(ct);
        var checks = await db.CircuitChecks.AsNoTracking().Where(c => c.Night <= d).GroupBy(c => c.CircuitCode)
            .Select(g => new { g.Key, Last = g.Max(c => c.Night), Recent = g.Count(c => c.Night >= since) }).ToDictionaryAsync(x => x.Key, ct);
        var all = snap.CircuitLamps.Keys.Order(StringComparer.Ordinal).ToList();
        var covered = all.Count(c => checks.TryGetValue(c, out var x) && x.Recent > 0);
        var uncovered = all.Where(c => !(checks.TryGetValue(c, out var x) && x.Recent > 0)).Take(500)
            .Select(c => new CircuitCoverage(c, checks.TryGetValue(c, out var x) ? x.Last : null, 0)).ToList();
        return TypedResults.Ok(new Coverage(d, every, all.Count, covered, all.Count == 0 ? 0 : Math.Round((double)covered / all.Count, 4), uncovered));
    }
}
