using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using GridGov.Api.Auth;
using GridGov.Api.Data;
using GridGov.Api.Incidents;
using GridGov.Api.Platform;
using GridGov.Geo.Coordinates;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace GridGov.Api.Live;

public sealed record DutyRequest(bool? OnDuty);

public sealed record DutyView(int CrewId, bool OnDuty, DateTimeOffset? Since);

/// <summary>A way to a case for the phone's small map: GeoJSON, with its length and the time at crew speed.</summary>
public sealed record RouteFeature(string Type, JsonElement Geometry, RouteProperties Properties);

public sealed record RouteProperties(long IncidentId, double DistanceM, double EtaS, bool ByRoad, double[] From, double[] To);

/// <summary>What the crew's phone app needs beyond the live endpoints: signing on and off duty, and the way to a case.</summary>
public static class CrewAppApi
{
    public static IEndpointRouteBuilder MapCrewAppApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Live");
        api.MapPost("/crews/{id:int}/duty", SetDuty).RequireAuthorization(Policies.Live)
            .WithSummary("Sign a crew on or off duty ({ onDuty }): the crew itself (上班/下班 in the phone app), a dispatcher or an admin. Off duty, no offers.");
        api.MapGet("/incidents/{id:long}/route", Route).RequireAuthorization(Policies.Live)
            .WithSummary("The way by road to a case from lon/lat (default: the caller's latest fix): a GeoJSON Feature with distanceM, etaS, byRoad (false: a straight line, no road way).");
        return app;
    }

    private static async Task<IResult> SetDuty(int id, DutyRequest? body, ClaimsPrincipal user, GridGovDb db, CrewDirectory crews, TimeProvider clock, CancellationToken ct)
    {
        var actor = IncidentsApi.ActorOf(user);
        if (body?.OnDuty is not { } onDuty) return Validation.Problem("onDuty", "Send { \"onDuty\": true } to sign on (上班) or false to sign off (下班).");
        var mayAct = actor.Is(Roles.Admin) || actor.Is(Roles.Dispatcher) || actor.CrewId == id;
        if (!mayAct)
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not your duty",
                detail: $"A crew member signs only themselves on and off (you are crew {actor.CrewId?.ToString(CultureInfo.InvariantCulture) ?? "(none)"}); dispatchers and admins may sign anyone.");
        var crew = await db.Crews.FirstOrDefaultAsync(c => c.Id == id && c.Active, ct);
        if (crew is null) return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such crew", detail: $"There is no active crew member {id}.");
        // Signing on twice keeps nothing but on; signing off twice keeps the first time (a retry changes nothing).
        if (onDuty) crew.OffDutySince = null;
        else if (crew.OffDutySince is null)
        {
            var now = clock.GetUtcNow();
            crew.OffDutySince = now.AddTicks(-(now.Ticks % 10)); // as PostgreSQL keeps it (microseconds): the same answer on a retry
        }
        await db.SaveChangesAsync(ct);
        crews.SetDuty(id, crew.OffDutySince);
        return TypedResults.Ok(new DutyView(id, crew.OffDutySince is null, crew.OffDutySince));
    }

    private static async Task<IResult> Route(long id, string? lon, string? lat, string? crs, ClaimsPrincipal user, GridGovDb db, CrewDirectory crews,
        RoadNetwork roads, LiveSettings settings, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var actor = IncidentsApi.ActorOf(user);
        var v = new Validation();
        (double Lon, double Lat)? from = null;
        if (lon is not null || lat is not null) from = v.LonLat(lon, lat, crs);
        else if (!ChinaOffsets.TryParse(crs, out _)) v.Add("crs", $"'crs' must be one of wgs84, cgcs2000, gcj02, bd09; got '{Validation.Clip(crs ?? "")}'.");
        if (!v.IsValid) return v.Problem();
        var incident = await db.Incidents.AsNoTracking().Visible(actor, db).FirstOrDefaultAsync(i => i.Id == id, ct);
        if (incident is null) return IncidentsApi.NotFound(id);
        if (from is null)
        {
            if (actor.CrewId is not { } crewId || crews.LastFix(crewId) is not { } fix)
                return Validation.Problem("lon", "Give the start as lon and lat: there is no latest position of yours to start from.");
            from = (fix.Lon, fix.Lat);
        }
        var (toLon, toLat) = IncidentMapping.LonLat(incident.Location);
        var start = from.Value;
        var graph = roads.Graph;
        var route = graph?.Snap(start.Lon, start.Lat, settings.MaxSnapM) is { } a && graph.Snap(toLon, toLat, settings.MaxSnapM) is { } b
            ? graph.Route(a, b) : null;
        JsonElement geometry;
        double distance;
        if (route is null)
        {
            distance = Geodesy.Metres(start.Lon, start.Lat, toLon, toLat);
            geometry = StraightLine(start, (toLon, toLat));
        }
        else
        {
            distance = route.LengthM;
            geometry = await GeometryAsync(dataSource, route, start, (toLon, toLat), ct);
        }
        return TypedResults.Ok(new RouteFeature("Feature", geometry,
            new RouteProperties(id, Math.Round(distance, 1), Math.Round(distance / settings.CrewSpeedMps, 0), route is not null, [start.Lon, start.Lat], [toLon, toLat])));
    }

    /// <summary>
    /// The way drawn from the roads table: the start, its spot on the first road, that road's piece to the junction it
    /// is left at, the roads between, the last road's piece, the case. Merged into one line where the pieces join.
    /// </summary>
    private static async Task<JsonElement> GeometryAsync(NpgsqlDataSource dataSource, GridGov.Geo.Roads.RoadGraph.SpotRoute route,
        (double Lon, double Lat) start, (double Lon, double Lat) end, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            WITH first AS (SELECT geometry AS g FROM roads WHERE id = $1), last AS (SELECT geometry AS g FROM roads WHERE id = $5),
            pieces AS (
                SELECT 0 AS ord, ST_MakeLine(ST_SetSRID(ST_MakePoint($8, $9), 4490), ST_LineInterpolatePoint(first.g, $2)) AS g FROM first
                UNION ALL
                SELECT 1, CASE WHEN $7 THEN ST_LineSubstring(first.g, LEAST($2, $6), GREATEST($2, $6))
                               WHEN $3 THEN ST_Reverse(ST_LineSubstring(first.g, 0, $2))
                               ELSE ST_LineSubstring(first.g, $2, 1) END FROM first
                UNION ALL
                SELECT 1 + o.ord, r.geometry FROM unnest($4::bigint[]) WITH ORDINALITY AS o(id, ord) JOIN roads r ON r.id = o.id
                UNION ALL
                SELECT 1000000, CASE WHEN $10 THEN ST_LineSubstring(last.g, 0, $6) ELSE ST_Reverse(ST_LineSubstring(last.g, $6, 1)) END FROM last WHERE NOT $7
                UNION ALL
                SELECT 1000001, ST_MakeLine(ST_LineInterpolatePoint(last.g, $6), ST_SetSRID(ST_MakePoint($11, $12), 4490)) FROM last
            )
            SELECT ST_AsGeoJSON(ST_LineMerge(ST_Collect(g ORDER BY ord)), 7) FROM pieces WHERE NOT ST_IsEmpty(g) AND ST_Length(g) > 0
            """);
        var p = cmd.Parameters;
        p.AddWithValue(route.FromEdgeId);
        p.AddWithValue(route.FromFraction);
        p.AddWithValue(route.LeaveAtSource);
        p.AddWithValue(route.Path?.Edges.Select(e => e.EdgeId).ToArray() ?? []);
        p.AddWithValue(route.ToEdgeId);
        p.AddWithValue(route.ToFraction);
        p.AddWithValue(route.Path is null);
        p.AddWithValue(start.Lon);
        p.AddWithValue(start.Lat);
        p.AddWithValue(route.EnterAtSource);
        p.AddWithValue(end.Lon);
        p.AddWithValue(end.Lat);
        var json = await cmd.ExecuteScalarAsync(ct) as string;
        return json is null ? StraightLine(start, end) : JsonDocument.Parse(json).RootElement.Clone();
    }

    private static JsonElement StraightLine((double Lon, double Lat) from, (double Lon, double Lat) to) =>
        JsonSerializer.SerializeToElement(new { type = "LineString", coordinates = new[] { new[] { from.Lon, from.Lat }, new[] { to.Lon, to.Lat } } });
}
