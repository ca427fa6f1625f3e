using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using GridGov.Api.Auth;
using GridGov.Api.Data;
using GridGov.Api.Platform;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using GridGov.Geo.Coordinates;
using NetTopologySuite.Geometries;

namespace GridGov.Api.Incidents;

public static class IncidentsApi
{
    public const string ResidentRateLimit = "resident-intake";

    public static IEndpointRouteBuilder MapIncidentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/incidents").WithTags("Incidents");
        group.MapPost("/", Create).AllowAnonymous().RequireRateLimiting(ResidentRateLimit)
            .WithSummary("Report a problem at a point. Anonymous callers may report only as source 'resident'. The same clientRequestId returns the first incident (200).");
        // Signed-in community workers and members too: Visible narrows them to their communities' cases and orders.
        group.MapGet("/", List).RequireAuthorization(Policies.SignedIn)
            .WithSummary("A page of incidents, newest first; filters status (comma list), largeGrid, teamId, category, source, overdue, mine (a crew's own cases), bbox=minLon,minLat,maxLon,maxLat. A crew sees its own team's only."
                + " { items, total, page, pageSize (default 100, at most 1,000), next, after }: follow next (after=cursor of the page's last case) to the end;"
                + " cases reported meanwhile come before the first page, so they never shift or repeat later ones. page= still counts from the first (OFFSET)."
                + " total is counted up to Incidents:ExactTotalUpTo (10,000); beyond, the planner's estimate, marked totalIsEstimate: true.");
        group.MapGet("/{id:long}", Get).RequireAuthorization(Policies.SignedIn).WithSummary("An incident with its full history.");
        group.MapPost("/{id:long}/transitions", IncidentTransitions.Apply).RequireAuthorization(Policies.Staff)
            .WithSummary("Move an incident through the closed loop: register, dispatch, accept, start, handle, verify, close, sendBack, extend, park, void, reopen.");
        return app;
    }

    /// <summary>Anonymous resident reports are limited per client address; signed-in staff are not.</summary>
    public static void AddResidentRateLimit(RateLimiterOptions options, IncidentsSettings settings) =>
        options.AddPolicy(ResidentRateLimit, ctx => ctx.User.Identity?.IsAuthenticated == true
            ? RateLimitPartition.GetNoLimiter("staff")
            : RateLimitPartition.GetFixedWindowLimiter(ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = settings.ResidentPermitsPerMinute, Window = TimeSpan.FromMinutes(1) }));

    private static async Task<IResult> Create(
        IncidentRequest? body, string? crs, ClaimsPrincipal user, IncidentIntake intake, IncidentWriter writer, IIncidentRollUp rollUp,
        GridGovDb db, Photos.TrackingTokens tokens, CancellationToken ct)
    {
        var v = new Validation();
        // A community worker's report is one taken at the station (walk-in or phone).
        var channel = user.Identity?.IsAuthenticated != true ? "web" : ActorOf(user).InCommunityOnly ? "station" : "api";
        var incident = await intake.PrepareAsync(body, user, channel, crs, v, ct);
        if (incident is null) return v.Problem();
        if (user.Identity?.IsAuthenticated != true && incident.Source != IncidentSource.Resident)
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign in to report as staff",
                detail: $"Without a token a report can only come from source 'resident'; '{JsonNames.Of(incident.Source)}' needs a signed-in user (POST /api/auth/token).");
        if (user.Identity?.IsAuthenticated == true && ActorOf(user).InCommunityOnly && incident.Source is not (IncidentSource.Community or IncidentSource.DoorKnock))
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Report as the community",
                detail: $"A community worker or member reports with source 'community' (taken at the station) or 'doorKnock' (a door-knocking visit), not '{JsonNames.Of(incident.Source)}'.");
        // A resident gets the link to follow their case; staff follow it in the map.
        return await Submit(incident, writer, rollUp, ct, db, user.Identity?.IsAuthenticated == true ? null : tokens);
    }

    /// <summary>Writes a prepared report and answers 201, 200 for a retry, or 409 when the key was used for a different report.</summary>
    internal static async Task<IResult> Submit(NewIncident incident, IncidentWriter writer, IIncidentRollUp rollUp, CancellationToken ct,
        GridGovDb? db = null, Photos.TrackingTokens? tokens = null)
    {
        var (result, fault) = await StoreAsync(incident, writer, rollUp, ct);
        if (!result.Created && !result.RequestHash.AsSpan().SequenceEqual(incident.RequestHash))
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "clientRequestId already used",
                detail: $"clientRequestId '{incident.ClientRequestId}' already created incident {result.Id} with a different body; use a new clientRequestId for a new report, or resend exactly the same body to retry.");
        var body = new IncidentCreated(result.Id, result.Status, result.UnitGridCode, result.LargeGridCode, result.TeamId,
            incident.Category.Role, result.Deadline, result.CategoryCode, incident.Routing,
            result.DuplicateOf is { } d ? new DuplicateRef(d, result.DuplicateStatus ?? IncidentStatus.Reported) : null,
            incident.AssetCode, incident.AssetKind, fault, incident.Category.Name);
        if (db is not null && result.TeamId is { } teamId)
            body = body with { TeamName = await db.Teams.AsNoTracking().Where(t => t.Id == teamId).Select(t => t.Name).FirstOrDefaultAsync(ct) };
        if (tokens is not null && tokens.For(result.Id) is { } token)
            body = body with { TrackingToken = token, TrackingUrl = Photos.TrackingTokens.UrlFor(result.Id, token) };
        return result.Created ? TypedResults.Created($"/api/incidents/{result.Id}", body) : TypedResults.Ok(body);
    }

    /// <summary>Writes a report and, for a new lamp report, lets the roll-up judge its circuit.</summary>
    internal static async Task<(IntakeResult Result, RollUpResult? Fault)> StoreAsync(NewIncident incident, IncidentWriter writer, IIncidentRollUp rollUp, CancellationToken ct)
    {
        var result = await writer.SubmitAsync(incident, ct);
        var fault = result.Created && result.DuplicateOf is null && incident.AssetKind == "lamp"
            ? await rollUp.AfterIntakeAsync(result.Id, CancellationToken.None)
            : null;
        if (result.Created && incident.AssetKind is not null) rollUp.AssetsChanged();
        return (result, fault);
    }

    internal static Actor ActorOf(ClaimsPrincipal user) => new(
        user.Identity?.Name ?? "(anonymous)", user.FindAll("role").Select(c => c.Value).ToArray(), user.ClaimInt("team_id"), user.ClaimInt("crew_id"))
    {
        MemberId = user.ClaimInt("member_id"),
    };

    /// <summary>
    /// Crews see their own team's incidents, the ones they hold in support of another team, and the asset cases (a
    /// lamp's, a circuit's: the asset group's) in their team's large grid; other staff see all.
    /// </summary>
    internal static IQueryable<Incident> Visible(this IQueryable<Incident> query, Actor actor, GridGovDb db)
    {
        if (actor.ConfinedToTeam is not { } team) return query;
        if (actor.InCommunityOnly) return Community.CommunityActors.Visible(query, actor, db);
        var crew = actor.CrewId ?? -1;
        return query.Where(i => i.TeamId == team || i.HandlerCrewId == crew
            || (i.AssetKind != null && db.Teams.Any(t => t.Id == team && t.LargeGridCode == i.LargeGridCode)));
    }

    private static async Task<Results<Ok<IncidentDetail>, ProblemHttpResult>> Get(
        long id, ClaimsPrincipal user, GridGovDb db, CategoryCatalog categories, Photos.PhotoSettings photos, TimeProvider clock, CancellationToken ct)
    {
        var detail = await LoadDetail(db, categories, photos, id, ActorOf(user), clock.GetUtcNow(), ct);
        return detail is null ? NotFound(id) : TypedResults.Ok(detail);
    }

    internal static ProblemHttpResult NotFound(long id) => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such incident",
        detail: $"There is no incident {id} that you can see.");

    internal static async Task<IncidentDetail?> LoadDetail(GridGovDb db, CategoryCatalog categories, Photos.PhotoSettings photos, long id, Actor actor,
        DateTimeOffset now, CancellationToken ct)
    {
        var i = await db.Incidents.AsNoTracking().Visible(actor, db).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (i is null) return null;
        var category = categories.ByCode[i.CategoryCode];
        var history = await db.IncidentEvents.AsNoTracking().Where(e => e.IncidentId == id).OrderBy(e => e.Id)
            .Select(e => new HistoryEntry(e.At, e.Actor, e.ActorRole, e.CrewId, e.Action, e.FromStatus, e.ToStatus, e.Note)).ToListAsync(ct);
        var teamName = i.TeamId is null ? null : await db.Teams.Where(t => t.Id == i.TeamId).Select(t => t.Name).FirstOrDefaultAsync(ct);
        var handler = i.HandlerCrewId is null ? null : await db.Crews.Where(c => c.Id == i.HandlerCrewId).Select(c => c.Name).FirstOrDefaultAsync(ct);
        var duplicates = await db.Incidents.CountAsync(d => d.DuplicateOf == id, ct);
        DuplicateRef? original = null;
        if (i.DuplicateOf is { } o)
            original = new DuplicateRef(o, await db.Incidents.Where(x => x.Id == o).Select(x => x.Status).FirstAsync(ct));
        var (lon, lat) = IncidentMapping.LonLat(i.Location);
        return new IncidentDetail(i.Id, i.Status,
            new CategoryRef(category.Code, category.Name, category.NameEn, category.Role, category.DeadlineRule, category.Urgency),
            i.Source, lon, lat, i.Description, i.AssetCode, i.Channel, i.ReportedBy, i.UnitGridCode, i.LargeGridCode,
            i.TeamId, teamName, i.Role, new Routing(i.Routing, i.RoutingDistanceM, i.RoutingNote), original, duplicates,
            i.ReportedAt, i.UpdatedAt, i.Deadline, i.DeadlineRule, IncidentMapping.IsOverdue(i.Status, i.Deadline, now),
            i.OverdueAt, i.EscalatedAt, i.RegisteredAt, i.DispatchedAt, i.HandledAt, i.ClosedAt, i.HandlerCrewId, handler,
            i.Score, i.ReworkCount, history,
            IncidentWorkflow.Available(CaseFacts.Of(i), actor).Select(IncidentWorkflow.Name).ToList(),
            i.AssetKind, i.FaultId, await db.Incidents.Where(x => x.FaultId == id).OrderBy(x => x.Id).Select(x => x.Id).ToListAsync(ct),
            await Photos.PhotosApi.ViewsAsync(db, id, null, ct), photos.RequiresAfterPhoto(i.CategoryCode),
            // A resident's number is for the dispatch center's call back; crews and the public do not see it.
            actor.ConfinedToTeam is null && (actor.Roles.Contains(Roles.Dispatcher) || actor.Roles.Contains(Roles.Admin)) ? i.ReporterPhone : null,
            await OrderOf(db, id, ct));
    }

    private static async Task<OrderRef?> OrderOf(GridGovDb db, long id, CancellationToken ct)
    {
        var o = await db.CommunityOrders.AsNoTracking().Where(o => o.IncidentId == id).OrderByDescending(o => o.Id)
            .Select(o => new { o.Id, o.CommunityCode, o.Status, o.MemberId, o.Score, o.Points, Name = db.Members.Where(m => m.Id == o.MemberId).Select(m => m.Name).FirstOrDefault() })
            .FirstOrDefaultAsync(ct);
        return o is null ? null : new OrderRef(o.Id, o.CommunityCode, JsonNames.Of(o.Status), o.MemberId, o.Name, o.Score, o.Points);
    }

    private static async Task<IResult> List(
        string? status, string? largeGrid, int? teamId, string? category, string? source, bool? overdue, bool? mine, string? bbox, string? crs,
        int? page, int? pageSize, string? after, HttpRequest http, ClaimsPrincipal user, GridGovDb db, CategoryCatalog categories, IncidentsSettings settings,
        PageCursors cursors, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        var actor = ActorOf(user);
        var query = db.Incidents.AsNoTracking().Visible(actor, db);
        if (mine is true)
        {
            if (actor.CrewId is { } me) query = query.Where(i => i.HandlerCrewId == me);
            else v.Add("mine", "'mine=true' lists a crew member's own cases; this user is not a crew member.");
        }
        var statuses = ParseStatuses(status, v);
        if (statuses is { Count: > 0 }) query = query.Where(i => statuses.Contains(i.Status));
        if (!string.IsNullOrWhiteSpace(largeGrid)) query = query.Where(i => i.LargeGridCode == largeGrid.Trim());
        if (teamId is { } t) query = query.Where(i => i.TeamId == t);
        if (!string.IsNullOrWhiteSpace(category)) query = query.Where(i => i.CategoryCode == category.Trim());
        if (!string.IsNullOrWhiteSpace(source))
        {
            if (IncidentIntake.TryParseSource(source, out var s)) query = query.Where(i => i.Source == s);
            else v.Add("source", $"Unknown source '{source}'; use one of: {string.Join(", ", IncidentIntake.SourceNames)}.");
        }
        var now = clock.GetUtcNow();
        if (overdue is true) query = query.Where(i => i.Deadline < now && IncidentWorkflow.RunningStates.Contains(i.Status));
        if (!ChinaOffsets.TryParse(crs, out var bboxCrs)) v.Add("crs", $"'crs' must be one of wgs84, cgcs2000, gcj02, bd09; got '{crs}'.");
        if (ParseBbox(bbox, v, bboxCrs) is { } box) query = query.Where(i => box.Intersects(i.Location));
        var paging = PageRequest.Parse(http, cursors, page, pageSize, after, 100, 1000, v);
        if (!v.IsValid) return v.Problem();

        var total = await ListTotals.CountAsync(query, db, settings.ExactTotalUpTo, ct);
        var remaining = paging.After is { Id: var last } ? query.Where(i => i.Id < last) : query;
        var rows = await paging.Slice(remaining.OrderByDescending(i => i.Id)).ToListAsync(ct);
        var items = rows.Select(i =>
        {
            var (lon, lat) = IncidentMapping.LonLat(i.Location);
            return new IncidentSummary(i.Id, i.Status, i.CategoryCode, categories.NameOf(i.CategoryCode), i.Source, lon, lat, i.UnitGridCode,
                i.LargeGridCode, i.TeamId, i.Role, i.ReportedAt, i.Deadline, IncidentMapping.IsOverdue(i.Status, i.Deadline, now),
                i.HandlerCrewId, i.DuplicateOf, i.Description, i.AssetCode, i.AssetKind, i.FaultId, i.PoolCommunity);
        }).ToList();
        return TypedResults.Ok(paging.Of(items, i => PageKey.Of(i.Id), total, http));
    }

    internal static List<IncidentStatus>? ParseStatuses(string? raw, Validation v)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var list = new List<IncidentStatus>();
        foreach (var part in raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.Equals("open", StringComparison.OrdinalIgnoreCase)) list.AddRange(IncidentWorkflow.OpenStates);
            else if (Enum.TryParse<IncidentStatus>(part, true, out var s) && !int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)) list.Add(s);
            else v.Add("status", $"Unknown status '{part}'; use open or any of: {string.Join(", ", Enum.GetValues<IncidentStatus>().Select(IncidentWorkflow.Name))}.");
        }
        return list;
    }

    /// <summary>Parses minLon,minLat,maxLon,maxLat given in <paramref name="crs"/>; the corners are converted to WGS84.</summary>
    internal static Polygon? ParseBbox(string? raw, Validation v, InputCrs crs = InputCrs.Wgs84)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var parts = raw.Split(',');
        var values = parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : double.NaN).ToArray();
        if (values.Length != 4 || values.Any(double.IsNaN))
        {
            v.Add("bbox", "'bbox' is minLon,minLat,maxLon,maxLat in decimal degrees.");
            return null;
        }
        if (values[0] > values[2] || values[1] > values[3] || Math.Abs(values[0]) > 180 || Math.Abs(values[2]) > 180 || Math.Abs(values[1]) > 90 || Math.Abs(values[3]) > 90)
        {
            v.Add("bbox", "'bbox' needs minLon ≤ maxLon and minLat ≤ maxLat, within ±180 / ±90.");
            return null;
        }
        var (x0, y0) = ChinaOffsets.ToWgs84(crs, values[0], values[1]);
        var (x1, y1) = ChinaOffsets.ToWgs84(crs, values[2], values[3]);
        var polygon = new GeometryFactory(new PrecisionModel(), 4490).ToGeometry(new Envelope(x0, x1, y0, y1));
        return polygon as Polygon ?? (Polygon)polygon.Buffer(1e-9);
    }
}
