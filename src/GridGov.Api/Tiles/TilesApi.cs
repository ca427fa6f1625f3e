using GridGov.Api.Auth;
using Microsoft.AspNetCore.Authorization;
using Npgsql;

namespace GridGov.Api.Tiles;

/// <summary>Mapbox Vector Tiles straight from PostGIS (ST_AsMVT); one SQL statement per layer.</summary>
public static class TilesApi
{
    private sealed record Layer(int MinZoom, string Sql);

    // Each query yields one row, the tile bytes; @z/@x/@y are bound parameters.
    private const string Bounds = "WITH b AS (SELECT ST_TileEnvelope(@z, @x, @y) AS m, ST_Transform(ST_TileEnvelope(@z, @x, @y, margin => 0.015625), 4490) AS g)";

    private static readonly Dictionary<string, Layer> Layers = new(StringComparer.Ordinal)
    {
        ["grids"] = new(8, $"""
            {Bounds}
            SELECT ST_AsMVT(t, 'grids', 4096, 'geom') FROM (
              SELECT code, name, lower(level) AS level, parent_code, team_id,
                     ST_AsMVTGeom(ST_Transform(geometry, 3857), b.m, 4096, 64, true) AS geom
              FROM grids, b
              WHERE geometry && b.g AND (level IN ('Large', 'Community', 'Street') OR (level = 'Unit' AND @z >= 11))) t
            """),
        ["roads"] = new(10, $"""
            {Bounds}
            SELECT ST_AsMVT(t, 'roads', 4096, 'geom') FROM (
              SELECT id, class, name, ST_AsMVTGeom(ST_Transform(geometry, 3857), b.m, 4096, 64, true) AS geom
              FROM roads, b
              WHERE geometry && b.g AND (class <> 'alley' OR @z >= 13)) t
            """),
        ["buildings"] = new(13, $"""
            {Bounds}
            SELECT ST_AsMVT(t, 'buildings', 4096, 'geom') FROM (
              SELECT id, kind, floors, ST_AsMVTGeom(ST_Transform(geometry, 3857), b.m, 4096, 16, true) AS geom
              FROM buildings, b WHERE geometry && b.g) t
            """),
        // Residential buildings with their walking metres to the nearest facility of the class asked (?class=).
        ["lifecircle"] = new(12, $"""
            {Bounds}
            SELECT ST_AsMVT(t, 'lifecircle', 4096, 'geom') FROM (
              SELECT bu.id, w.metres[(SELECT array_position(classes, @class::text) FROM building_walk_classes)] AS metres,
                     ST_AsMVTGeom(ST_Transform(bu.geometry, 3857), b.m, 4096, 16, true) AS geom
              FROM buildings bu CROSS JOIN b LEFT JOIN building_walk w ON w.building_id = bu.id
              WHERE bu.geometry && b.g AND bu.kind = 'residential') t
            """),
        // Lamps and cabinets from z13; below that only the ones not normal, so a fault is never hidden by zoom. A
        // second layer, circuits, draws each faulted circuit as the line of its lamps in cable order, at every zoom.
        // Served from memory (StreetlightTiles); this statement is the same layer straight from PostGIS, which the
        // benchmark times beside it and a test compares it with.
        ["streetlights"] = new(10, $"""
            {Bounds}
            SELECT COALESCE((SELECT ST_AsMVT(t, 'streetlights', 4096, 'geom') FROM (
                SELECT trim(code) AS code, trim(component) AS component, status, circuit_code, circuit_seq,
                       ST_AsMVTGeom(ST_Transform(location, 3857), b.m, 4096, 16, true) AS geom
                FROM streetlights, b WHERE location && b.g AND (@z >= 13 OR status <> 'normal')) t), '')
              || COALESCE((SELECT ST_AsMVT(t, 'circuits', 4096, 'geom') FROM (
                SELECT c.code, c.status, ST_AsMVTGeom(ST_Transform(l.line, 3857), b.m, 4096, 64, true) AS geom
                FROM circuits c CROSS JOIN b
                CROSS JOIN LATERAL (SELECT ST_MakeLine(s.location ORDER BY s.circuit_seq, s.code) AS line
                                    FROM streetlights s WHERE s.circuit_code = c.code AND s.component = '01037') l
                WHERE c.status <> 'normal' AND l.line && b.g) t), '')
            """),
        // Incidents by display class: new (awaiting dispatch), open, overdue, closed (last 30 days); duplicates are left out.
        // asset tells lamp reports, circuit and cabinet faults apart; fault_id marks a report a fault absorbed.
        ["incidents"] = new(8, $"""
            {Bounds}
            SELECT ST_AsMVT(t, 'incidents', 4096, 'geom') FROM (
              SELECT i.id, lower(substr(i.status, 1, 1)) || substr(i.status, 2) AS status, i.category_code AS category,
                     c.name AS category_name, i.team_id, i.large_grid_code, i.asset_kind AS asset, i.fault_id,
                     CASE WHEN i.status IN ('Closed', 'Voided') THEN 'closed'
                          WHEN i.deadline < now() AND i.status IN ('Reported', 'Registered', 'Dispatched', 'Accepted', 'InProgress', 'Unrouted') THEN 'overdue'
                          WHEN i.status IN ('Reported', 'Registered', 'Unrouted') THEN 'new'
                          ELSE 'open' END AS state,
                     ST_AsMVTGeom(ST_Transform(i.location, 3857), b.m, 4096, 16, true) AS geom
              FROM incidents i JOIN categories c ON c.code = i.category_code, b
              WHERE i.location && b.g AND i.duplicate_of IS NULL
                AND (i.status NOT IN ('Closed', 'Voided') OR i.updated_at > now() - interval '30 days')
                AND (@team::int IS NULL OR i.team_id = @team
                     OR (i.asset_kind IS NOT NULL AND i.large_grid_code = (SELECT tm.large_grid_code FROM teams tm WHERE tm.id = @team)))) t
            """),
    };

    /// <summary>A layer's tile statement (parameters @z, @x, @y), for the benchmark that times it.</summary>
    public static string LayerSql(string layer) => Layers[layer].Sql;

    /// <summary>Layers anyone may draw: the basemap of the resident's page. Cases, lamps and walking distances are staff's.</summary>
    private static readonly string[] PublicLayers = ["roads", "buildings", "grids"];

    public static IEndpointRouteBuilder MapTilesApi(this IEndpointRouteBuilder app)
    {
        // The basemap layers (roads, buildings, grids) are public: the resident's report page draws them without a
        // sign-in. Every other layer needs staff (checked in the handler, per layer).
        app.MapGet("/tiles/{layer}/{z:int}/{x:int}/{y:int}.pbf", GetTile)
            .AllowAnonymous()
            .WithTags("Tiles")
            .WithSummary("A Mapbox Vector Tile of one layer (grids, roads, buildings, lifecircle?class=, streetlights, incidents); 204 when empty.");
        return app;
    }

    private static async Task<IResult> GetTile(string layer, int z, int x, int y, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "class")] string? facilityClass,
        NpgsqlDataSource db, HttpContext http, IServiceProvider services, CancellationToken ct)
    {
        if (!Layers.TryGetValue(layer, out var spec))
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown layer",
                detail: $"There is no tile layer '{(layer.Length > 30 ? layer[..30] : layer)}'; layers: {string.Join(", ", Layers.Keys)}.");
        if (!PublicLayers.Contains(layer) && !(await services.GetRequiredService<IAuthorizationService>().AuthorizeAsync(http.User, Policies.Staff)).Succeeded)
            return http.User.Identity?.IsAuthenticated == true
                ? TypedResults.Forbid()
                : TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign in",
                    detail: $"The '{layer}' layer needs a signed-in user (POST /api/auth/token); only {string.Join(", ", PublicLayers)} are public.");
        if (z is < 0 or > 22 || x < 0 || y < 0 || x >= 1 << z || y >= 1 << z)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["z/x/y"] = [$"Tile {z}/{x}/{y} does not exist: z must be 0-22 and x, y within 0..2^z-1."] },
                detail: $"Tile {z}/{x}/{y} does not exist: z must be 0-22 and x, y within 0..2^z-1.");
        if (layer == "lifecircle")
        {
            var classes = services.GetRequiredService<LifeCircles.FacilityClasses>();
            if (facilityClass is null || classes.Find(facilityClass) is null)
                return Platform.Validation.Problem("class", $"The lifecircle layer needs ?class= one of: {string.Join(", ", classes.All.Select(c => c.Class))}.");
            // Walking distances are planners' and leaders' reading, as the rest of the life-circle API.
            if (!(await services.GetRequiredService<IAuthorizationService>().AuthorizeAsync(http.User, Policies.PlanReading)).Succeeded)
                return TypedResults.Forbid();
            await services.GetRequiredService<LifeCircles.WalkNetwork>().WhenLoadedAsync(ct);
        }
        http.Response.Headers.CacheControl = layer is "incidents" or "lifecircle" or "streetlights" ? "private, no-cache" : "public, max-age=60";
        if (z < spec.MinZoom) return TypedResults.NoContent();
        if (layer == "streetlights")
        {
            // From memory: the lamp index and the status snapshot (the SQL above is the same layer, kept as the
            // benchmark's and the tests' reference).
            var tile = await services.GetRequiredService<Streetlights.StreetlightTiles>().TileAsync(z, x, y, ct);
            return tile.Length == 0 ? TypedResults.NoContent() : TypedResults.Bytes(tile, "application/vnd.mapbox-vector-tile");
        }
        await using var cmd = db.CreateCommand(spec.Sql);
        cmd.Parameters.AddWithValue("z", z);
        cmd.Parameters.AddWithValue("x", x);
        cmd.Parameters.AddWithValue("y", y);
        if (layer == "incidents")
            cmd.Parameters.Add(new NpgsqlParameter("team", NpgsqlTypes.NpgsqlDbType.Integer)
                { Value = (object?)Incidents.IncidentsApi.ActorOf(http.User).ConfinedToTeam ?? DBNull.Value });
        if (layer == "lifecircle") cmd.Parameters.AddWithValue("class", facilityClass!);
        var bytes = await cmd.ExecuteScalarAsync(ct) as byte[];
        return bytes is null || bytes.Length == 0
            ? TypedResults.NoContent()
            : TypedResults.Bytes(bytes, "application/vnd.mapbox-vector-tile");
    }
}
