using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using GridGov.Api.Auth;
using GridGov.Api.Data;
using GridGov.Api.Incidents;
using GridGov.Api.Platform;
using GridGov.Api.Teams;
using GridGov.Geo.Coordinates;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Live;

public sealed record CrewPositionView(double Lon, double Lat, DateTimeOffset T, float? AccuracyM, double AgeS);

public sealed record CrewView(
    int Id, string Name, string EmployeeNo, int TeamId, string TeamName, string? LargeGridCode, CrewRole Role, Shift Shift, bool IsLead,
    bool OnShift, CrewPositionView? Position, bool OnDuty = true);

public sealed record AssignRequest(int? CrewId);

public sealed record DeclineRequest(string? Reason);

public sealed record NearbyIncident(long Id, string Status, string CategoryCode, string? CategoryName, double Lon, double Lat, double DistanceM, double EtaS, bool ByRoad);

public static class LiveApi
{
    public static IEndpointRouteBuilder MapLiveApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Live");
        api.MapPost("/positions", PostPositions).RequireAuthorization(Policies.Positions)
            .WithSummary("A batch of fixes [{ crewId, lon, lat, t, accuracyM?, crs? }] → 202 with a verdict per item; crs=gcj02|bd09 (query, or per item) converts. A crew posts only its own.");
        api.MapGet("/crews", ListCrews).RequireAuthorization(Policies.Live)
            .WithSummary("Crews with team, role, shift, whether on shift now, and latest position. A crew sees its own team.");
        api.MapGet("/crews/{id:int}/trail", CrewTrail).RequireAuthorization(Policies.Live)
            .WithSummary("A crew's trail for a day (date=yyyy-MM-dd, default today): simplified line, distance, unit grids of its large grid passed.");
        api.MapGet("/crews/{id:int}/nearest-incidents", NearestIncidents).RequireAuthorization(Policies.Live)
            .WithSummary("Open cases for this crew's role, nearest by road from its latest position (limit=1..50, default 5).");
        api.MapGet("/incidents/{id:long}/candidates", Candidates).RequireAuthorization(Policies.Dispatch)
            .WithSummary("Crews that can take the incident, best first by road time, and every excluded crew with the reason.");
        api.MapPost("/incidents/{id:long}/assign", Assign).RequireAuthorization(Policies.Dispatch)
            .WithSummary("Offer the incident to { crewId }, or to the best candidate when none is named; the offer lands in the history.");
        api.MapGet("/offers", ListOffers).RequireAuthorization(Policies.Live)
            .WithSummary("Offers (status=pending by default); a crew sees its own.");
        api.MapPost("/offers/{id:long}/accept", Accept).RequireAuthorization(Policies.Positions)
            .WithSummary("The offered crew takes the case: dispatched to its team if need be, and accepted.");
        api.MapPost("/offers/{id:long}/decline", Decline).RequireAuthorization(Policies.Positions)
            .WithSummary("The offered crew declines ({ reason }); the next candidate is asked.");
        return app;
    }

    /// <summary>A crew posts for itself only; an admin (and the in-process simulator) for anyone; others not at all.</summary>
    internal static PositionPoster? PosterOf(Actor actor) =>
        actor.Is(Roles.Admin) ? new PositionPoster(actor.Name, null)
        : actor.Is(Roles.Crew) ? new PositionPoster(actor.Name, actor.CrewId ?? -1)
        : null;

    private static async Task<IResult> PostPositions(HttpRequest request, string? crs, ClaimsPrincipal user, PositionIngest ingest, LiveSettings settings, CancellationToken ct)
    {
        if (!ChinaOffsets.TryParse(crs, out var inputCrs))
            return Validation.Problem("crs", $"'crs' must be one of wgs84, cgcs2000, gcj02, bd09; got '{crs}'. Positions are WGS84/CGCS2000 when it is left out.");
        JsonDocument doc;
        try
        {
            doc = await JsonDocument.ParseAsync(request.Body, default, ct);
        }
        catch (JsonException ex)
        {
            return Problem(400, "Malformed batch", $"The body is not valid JSON ({ex.Message}); send an array [{{ crewId, lon, lat, t, accuracyM? }}].");
        }
        using (doc)
        {
            var batch = doc.RootElement;
            if (batch.ValueKind != JsonValueKind.Array)
                return Problem(400, "Malformed batch", $"The body is a JSON {batch.ValueKind.ToString().ToLowerInvariant()}; send an array [{{ crewId, lon, lat, t, accuracyM? }}].");
            var n = batch.GetArrayLength();
            if (n == 0) return Problem(400, "Empty batch", "The batch is empty; send at least one fix.");
            if (n > settings.MaxBatch) return Problem(413, "Batch too large", $"At most {settings.MaxBatch} fixes per request; this one has {n}. Split it.");
            var poster = PosterOf(IncidentsApi.ActorOf(user))!;
            var response = await ingest.SubmitJsonAsync(batch, poster, inputCrs, ct);
            if (poster.OnlyCrewId is { } own && response.Results.All(r => r.Reason == "forbidden"))
                return Problem(403, "Not your positions", $"You are crew {own}; a crew may post only its own positions.");
            return TypedResults.Json(response, statusCode: StatusCodes.Status202Accepted);
        }
    }

    private static IResult ListCrews(ClaimsPrincipal user, CrewDirectory crews, ShiftSchedule shifts, TimeProvider clock)
    {
        var actor = IncidentsApi.ActorOf(user);
        var now = clock.GetUtcNow();
        var list = crews.All.Where(c => actor.ConfinedToTeam is not { } team || c.TeamId == team).OrderBy(c => c.Id)
            .Select(c => View(c, crews.LastFix(c.Id), shifts, now) with { OnDuty = crews.OffDutySince(c.Id) is null }).ToList();
        return TypedResults.Ok(list);
    }

    internal static CrewView View(CrewState c, LiveFix? fix, ShiftSchedule shifts, DateTimeOffset now) =>
        new(c.Id, c.Name, c.EmployeeNo, c.TeamId, c.TeamName, c.LargeGridCode, c.Role, c.Shift, c.IsLead, shifts.IsOn(c.Shift, now),
            fix is null ? null : new CrewPositionView(fix.Lon, fix.Lat, fix.T, fix.AccuracyM, Math.Round(Math.Max(0, (now - fix.T).TotalSeconds), 1)));

    private static async Task<IResult> CrewTrail(int id, string? date, ClaimsPrincipal user, CrewDirectory crews, Trails trails,
        CalendarProvider calendar, TimeProvider clock, CancellationToken ct)
    {
        if (Confine(user, id) is { } forbidden) return forbidden;
        var crew = await crews.FindAsync(id, ct);
        if (crew is null) return Problem(404, "No such crew", $"There is no crew {id}; see GET /api/crews.");
        var cal = calendar.Current;
        var day = cal.LocalDate(clock.GetUtcNow());
        if (!string.IsNullOrWhiteSpace(date) && !DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
            return Validation.Problem("date", "'date' is yyyy-MM-dd.");
        return TypedResults.Ok(await trails.ForDayAsync(crew, day, cal.StartOfDay(day), cal.StartOfDay(day.AddDays(1)), ct));
    }

    private static async Task<IResult> NearestIncidents(int id, int? limit, ClaimsPrincipal user, CrewDirectory crews, CrewRanker ranker,
        GridGovDb db, CategoryCatalog categories, LiveSettings settings, CancellationToken ct)
    {
        if (Confine(user, id) is { } forbidden) return forbidden;
        var take = limit ?? 5;
        if (take is < 1 or > 50) return Validation.Problem("limit", "'limit' is 1 to 50.");
        var crew = await crews.FindAsync(id, ct);
        if (crew is null) return Problem(404, "No such crew", $"There is no crew {id}; see GET /api/crews.");
        if (crews.LastFix(id) is not { } fix) return Problem(409, "No position", $"Crew {id}'s phone has not reported a position yet.");
        // The 200 nearest by straight line (KNN on the GiST index), then re-ranked by road.
        var here = new NetTopologySuite.Geometries.Point(fix.Lon, fix.Lat) { SRID = 4490 };
        var open = await db.Incidents.AsNoTracking()
            .Where(i => i.Role == crew.Role && (i.TeamId == crew.TeamId || i.TeamId == null) && IncidentWorkflow.Offerable.Contains(i.Status))
            .OrderBy(i => i.Location.Distance(here)).Take(200)
            .Select(i => new { i.Id, i.Status, i.CategoryCode, i.Location }).ToListAsync(ct);
        var distances = ranker.Distances(fix.Lon, fix.Lat, open.Select(i => (i.Location.X, i.Location.Y)).ToList());
        var ranked = open.Select((i, k) =>
        {
            var (metres, byRoad) = distances[k] ?? (Geodesy.Metres(fix.Lon, fix.Lat, i.Location.X, i.Location.Y), false);
            return new NearbyIncident(i.Id, JsonNames.Of(i.Status), i.CategoryCode, categories.NameOf(i.CategoryCode), i.Location.X, i.Location.Y,
                Math.Round(metres, 1), Math.Round(metres / settings.CrewSpeedMps, 1), byRoad);
        }).OrderBy(n => n.DistanceM).Take(take).ToList();
        return TypedResults.Ok(ranked);
    }

    private static async Task<IResult> Candidates(long id, OfferDesk desk, GridGovDb db, CancellationToken ct) =>
        await desk.CandidatesAsync(db, id, ct) is { } ranking ? TypedResults.Ok(ranking) : IncidentsApi.NotFound(id);

    private static async Task<IResult> Assign(long id, AssignRequest? body, ClaimsPrincipal user, OfferDesk desk, GridGovDb db, CancellationToken ct)
    {
        if (body?.CrewId is <= 0) return Validation.Problem("crewId", "'crewId' is a crew id (see GET /api/crews), or leave it out for the best candidate.");
        var actor = IncidentsApi.ActorOf(user);
        return Answer(await desk.AssignAsync(db, id, body?.CrewId, actor, ct));
    }

    private static async Task<IResult> ListOffers(string? status, ClaimsPrincipal user, GridGovDb db, CrewDirectory crews, CancellationToken ct)
    {
        var actor = IncidentsApi.ActorOf(user);
        var wanted = OfferStatus.Pending;
        if (!string.IsNullOrWhiteSpace(status) && !Enum.TryParse(status, ignoreCase: true, out wanted))
            return Validation.Problem("status", $"'status' is one of {string.Join(", ", Enum.GetValues<OfferStatus>().Select(s => JsonNames.Of(s)))}.");
        var query = db.IncidentOffers.AsNoTracking().Where(o => o.Status == wanted);
        if (actor.ConfinedToTeam is not null) query = query.Where(o => o.CrewId == (actor.CrewId ?? -1));
        var offers = await query.OrderByDescending(o => o.Id).Take(500).ToListAsync(ct);
        return TypedResults.Ok(offers.Select(o => new OfferView(o.Id, o.IncidentId, o.CrewId, crews.Find(o.CrewId)?.Name, o.Status, o.OfferedAt, o.ExpiresAt,
            o.DecidedAt, o.DistanceM, o.EtaS, o.ByRoad, o.Automatic, o.Reason)).ToList());
    }

    private static async Task<IResult> Accept(long id, ClaimsPrincipal user, OfferDesk desk, GridGovDb db, CancellationToken ct) =>
        Answer(await desk.AcceptAsync(db, id, IncidentsApi.ActorOf(user), ct));

    private static async Task<IResult> Decline(long id, DeclineRequest? body, ClaimsPrincipal user, OfferDesk desk, GridGovDb db, CancellationToken ct)
    {
        if (body?.Reason is { Length: > 500 }) return Validation.Problem("reason", "'reason' is at most 500 characters.");
        return Answer(await desk.DeclineAsync(db, id, body?.Reason, IncidentsApi.ActorOf(user), ct));
    }

    /// <summary>A crew may look only at itself; dispatchers, leaders and admins at anyone.</summary>
    private static IResult? Confine(ClaimsPrincipal user, int crewId)
    {
        var actor = IncidentsApi.ActorOf(user);
        return actor.ConfinedToTeam is not null && actor.CrewId != crewId
            ? Problem(403, "Not yours", $"A crew sees only itself (crew {actor.CrewId?.ToString(CultureInfo.InvariantCulture) ?? "(none)"}), not crew {crewId}.")
            : null;
    }

    private static IResult Answer<T>(DeskResult<T> result) =>
        result.Ok ? TypedResults.Ok(result.Value) : Problem(result.Status, result.Title!, result.Detail!);


    private static IResult Problem(int status, string title, string detail) => TypedResults.Problem(statusCode: status, title: title, detail: detail);
}
