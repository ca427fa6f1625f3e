using System.Globalization;
using GridGov.Api.Auth;
using GridGov.Api.Grids;
using GridGov.Api.Platform;
using GridGov.Geo.Roads;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using Npgsql;

namespace GridGov.Api.LifeCircles;

/// <summary>15-minute life circles (GB 50180-2018): isochrones, facilities by class, and coverage per community or large grid.</summary>
public static class LifeCirclesApi
{
    public sealed record ClassView(string Class, string Zh, string En, int Level, bool Required, double Metres);
    public sealed record BandProperties(int Minutes, double Metres);
    public sealed record FacilityProperties(int Id, string Class, int Level, string Name, string? UnitGridCode);
    public sealed record ClassCoverage(string Class, int Level, int Minutes, double Metres, bool Required, int Buildings, int BuildingsCovered,
        double? Share, int Households, int HouseholdsCovered);
    public sealed record GapProperties(string Class, int Buildings);
    public sealed record CoverageView(string Code, string Name, string Level, int Buildings, int Households, IReadOnlyList<ClassCoverage> Classes,
        IReadOnlyList<string> Worst, FeatureCollection<GapProperties> Gaps, DateTimeOffset ComputedAt);
    public sealed record CommunitySummary(string Code, string Name, int Buildings, int Households, int Classes, int ClassesMet, string? WorstClass, double? WorstShare);
    public sealed record NewFacility(string? Class, string? Name, double? Lon, double? Lat, string? Crs);

    public const int MaxBands = 4;

    public static IEndpointRouteBuilder MapLifeCirclesApi(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/lifecircles").WithTags("Life circles").RequireAuthorization(Policies.PlanReading);
        read.MapGet("/classes", Classes).WithSummary("The facility classes: GB 50180 level, required (basic) or optional (quality), and the level's walking distance.");
        read.MapGet("/isochrone", Isochrone).WithSummary("Walking isochrones from a point: one polygon per band (minutes=5,10,15), outer bands containing inner ones.");
        read.MapGet("/facilities", Facilities).WithSummary("Life-circle facilities as GeoJSON points with class and level.");
        read.MapGet("/coverage", CoverageOf).WithSummary("Per class: residential buildings (and households) within the class's walking distance, the worst classes, and the gaps.");
        read.MapGet("/communities", Communities).WithSummary("Every community's life-circle summary: required classes met, the worst class.");
        var write = app.MapGroup("/api/lifecircles/facilities").WithTags("Life circles").RequireAuthorization(Policies.Planning);
        write.MapPost("", AddFacility).WithSummary("Places a (planned) facility; coverage is recomputed before the answer.");
        write.MapDelete("/{id:int}", DeleteFacility).WithSummary("Removes a facility; coverage is recomputed before the answer.");
        return app;
    }

    private static List<ClassView> ClassList(FacilityClasses classes, LifeCircleSettings s) =>
        classes.All.Select(c => new ClassView(c.Class, c.Zh, c.En, c.Level, c.Required, s.BandMetres(c.Level))).ToList();

    private static Ok<List<ClassView>> Classes(FacilityClasses classes, LifeCircleSettings settings) => TypedResults.Ok(ClassList(classes, settings));

    /// <summary>Parses "5,10,15": 1 to <see cref="MaxBands"/> distinct whole minutes within 1-60, answered ascending.</summary>
    internal static List<int>? ParseMinutes(string? raw, Validation v)
    {
        if (string.IsNullOrWhiteSpace(raw)) return [5, 10, 15];
        var list = new List<int>();
        foreach (var part in raw.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var m) || m is < 1 or > 60)
            {
                v.Add("minutes", $"'minutes' takes whole minutes from 1 to 60, comma-separated (e.g. 5,10,15); '{Validation.Clip(part)}' is not one.");
                return null;
            }
            if (list.Contains(m))
            {
                v.Add("minutes", $"'minutes' lists {m} twice.");
                return null;
            }
            list.Add(m);
        }
        if (list.Count > MaxBands)
        {
            v.Add("minutes", $"'minutes' takes at most {MaxBands} bands; got {list.Count}.");
            return null;
        }
        list.Sort();
        return list;
    }

    private static async Task<IResult> Isochrone(string? lon, string? lat, string? minutes, string? crs,
        WalkNetwork network, LifeCircleSettings settings, CancellationToken ct)
    {
        var v = new Validation();
        var point = v.LonLat(lon, lat, crs);
        var bands = ParseMinutes(minutes, v);
        if (point is null || bands is null) return v.Problem();
        await network.WhenLoadedAsync(ct);
        var graph = network.Current.Graph;
        if (graph is null)
            return Unprocessable("No walking network", "This county has no walkable roads yet; load them with ./gridgov import osm FILE.osm.pbf.");
        var snap = graph.Snap(point.Value.Lon, point.Value.Lat, settings.SnapM);
        if (snap is null)
            return Unprocessable("Off every walkable road", string.Create(CultureInfo.InvariantCulture,
                $"No walkable road lies within {settings.SnapM:0} m of [{point.Value.Lon:0.######}, {point.Value.Lat:0.######}]; pick a point on or near a street or path."));
        var metres = bands.Select(m => Math.Round(m * settings.MetresPerMinute, 1)).ToList();
        var polygons = graph.Isochrones(snap.Value, metres, new IsochroneOptions(settings.CellM, settings.ReachM));
        return TypedResults.Ok(new FeatureCollection<BandProperties>(bands.Select((m, i) =>
            new Feature<BandProperties>(m.ToString(CultureInfo.InvariantCulture), polygons[i], new BandProperties(m, metres[i]))).ToList()));
    }

    private static IResult Unprocessable(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: title, detail: detail);

    private static IResult UnknownClass(FacilityClasses classes, string name) => Validation.Problem("class",
        $"Unknown facility class '{Validation.Clip(name)}'; classes: {string.Join(", ", classes.All.Select(c => c.Class))}.");

    private static async Task<IResult> Facilities([FromQuery(Name = "class")] string? facilityClass, NpgsqlDataSource db, FacilityClasses classes, CancellationToken ct)
    {
        if (facilityClass is not null && classes.Find(facilityClass) is null) return UnknownClass(classes, facilityClass);
        await using var cmd = db.CreateCommand("""
            SELECT id, kind, level_minutes, name, unit_grid_code, ST_AsBinary(location) FROM facilities
            WHERE (@class::text IS NULL OR kind = @class) ORDER BY id
            """);
        cmd.Parameters.Add(new NpgsqlParameter("class", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)facilityClass ?? DBNull.Value });
        var wkb = new WKBReader();
        var features = new List<Feature<FacilityProperties>>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var id = r.GetInt32(0);
            features.Add(new Feature<FacilityProperties>(id.ToString(CultureInfo.InvariantCulture), wkb.Read(r.GetFieldValue<byte[]>(5)),
                new FacilityProperties(id, r.GetString(1), r.GetInt32(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4))));
        }
        return TypedResults.Ok(new FeatureCollection<FacilityProperties>(features));
    }

    /// <summary>Unit grids of a community (through its large grids) or of a large grid.</summary>
    private const string UnitsOfArea = """
        SELECT u.code FROM grids u WHERE u.level = 'Unit' AND (
          (@level = 'Large' AND u.parent_code = @code) OR
          (@level = 'Community' AND u.parent_code IN (SELECT l.code FROM grids l WHERE l.level = 'Large' AND l.parent_code = @code)))
        """;

    /// <summary>The classes asked (@classes) with their walking distance (@bands) and their place in <c>building_walk.metres</c>.</summary>
    private const string ClassBands = """
        SELECT c.class, c.band, array_position(m.classes, c.class) AS i
        FROM unnest(@classes::text[], @bands::real[]) AS c(class, band) LEFT JOIN building_walk_classes m ON true
        """;

    private static async Task<IResult> CoverageOf(string? community, string? largeGrid, NpgsqlDataSource db, WalkNetwork network,
        FacilityClasses classes, LifeCircleSettings settings, CancellationToken ct)
    {
        if ((community is null) == (largeGrid is null))
            return Validation.Problem("community", "Give exactly one of 'community' (a community's code) or 'largeGrid' (a large grid's code).");
        var (code, level) = community is not null ? (community, "Community") : (largeGrid!, "Large");
        string? name;
        await using (var find = db.CreateCommand("SELECT name FROM grids WHERE code = @code AND level = @level"))
        {
            find.Parameters.AddWithValue("code", code);
            find.Parameters.AddWithValue("level", level);
            name = await find.ExecuteScalarAsync(ct) as string;
        }
        if (name is null)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown area",
                detail: $"There is no {(level == "Large" ? "large grid" : "community")} with code '{Validation.Clip(code)}' in the published plan.");

        await network.WhenLoadedAsync(ct);
        var list = ClassList(classes, settings);
        await using var cmd = db.CreateCommand($"""
            WITH b AS (SELECT id, households, geometry FROM buildings WHERE kind = 'residential' AND unit_grid_code IN ({UnitsOfArea})),
                 c AS ({ClassBands}),
                 bw AS (SELECT b.*, w.metres AS walk FROM b LEFT JOIN building_walk w ON w.building_id = b.id)
            SELECT c.class, count(b.id)::int, (count(b.id) FILTER (WHERE b.metres <= c.band))::int,
                   coalesce(sum(b.households), 0)::int, coalesce(sum(b.households) FILTER (WHERE b.metres <= c.band), 0)::int,
                   ST_AsBinary(ST_Multi(ST_Collect(b.geometry) FILTER (WHERE b.metres IS NULL OR b.metres > c.band)))
            FROM c CROSS JOIN LATERAL (SELECT bw.id, bw.households, bw.geometry, bw.walk[c.i] AS metres FROM bw) b
            GROUP BY c.class
            """);
        cmd.Parameters.AddWithValue("code", code);
        cmd.Parameters.AddWithValue("level", level);
        cmd.Parameters.AddWithValue("classes", list.Select(c => c.Class).ToArray());
        cmd.Parameters.AddWithValue("bands", list.Select(c => (float)c.Metres).ToArray());
        var rows = new Dictionary<string, (int B, int BC, int H, int HC, Geometry? Gap)>(StringComparer.Ordinal);
        var wkb = new WKBReader();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                rows[r.GetString(0)] = (r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.IsDBNull(5) ? null : wkb.Read(r.GetFieldValue<byte[]>(5)));

        var result = list.Select(c =>
        {
            var (b, bc, h, hc, _) = rows.GetValueOrDefault(c.Class);
            return new ClassCoverage(c.Class, c.Level, c.Level, c.Metres, c.Required, b, bc, b == 0 ? null : Math.Round((double)bc / b, 4), h, hc);
        }).ToList();
        var worst = result.Where(c => c.Required && c.Share is { } s && s < settings.MetShare)
            .OrderBy(c => c.Share).ThenBy(c => c.Class, StringComparer.Ordinal).Take(5).Select(c => c.Class).ToList();
        var gaps = list.Where(c => rows.GetValueOrDefault(c.Class).Gap is not null)
            .Select(c =>
            {
                var row = rows[c.Class];
                return new Feature<GapProperties>(c.Class, row.Gap!, new GapProperties(c.Class, row.B - row.BC));
            }).ToList();
        var buildings = rows.Count == 0 ? 0 : rows.Values.Max(x => x.B);
        var households = rows.Count == 0 ? 0 : rows.Values.Max(x => x.H);
        return TypedResults.Ok(new CoverageView(code, name, level == "Large" ? "large" : "community", buildings, households, result, worst,
            new FeatureCollection<GapProperties>(gaps), network.Current.ComputedAt));
    }

    private static async Task<IResult> Communities(NpgsqlDataSource db, WalkNetwork network, FacilityClasses classes, LifeCircleSettings settings, CancellationToken ct)
    {
        await network.WhenLoadedAsync(ct);
        var list = ClassList(classes, settings);
        var required = list.Where(c => c.Required).ToList();
        await using var cmd = db.CreateCommand($"""
            WITH u AS (SELECT u.code AS unit, l.parent_code AS community FROM grids u JOIN grids l ON l.code = u.parent_code
                       WHERE u.level = 'Unit' AND l.level = 'Large'),
                 b AS (SELECT b.id, b.households, u.community, w.metres AS walk FROM buildings b JOIN u ON u.unit = b.unit_grid_code
                       LEFT JOIN building_walk w ON w.building_id = b.id WHERE b.kind = 'residential'),
                 c AS ({ClassBands})
            SELECT g.code, g.name, c.class, count(b.id)::int, (count(b.id) FILTER (WHERE b.walk[c.i] <= c.band))::int, coalesce(sum(b.households), 0)::int
            FROM grids g CROSS JOIN c
            LEFT JOIN b ON b.community = g.code
            WHERE g.level = 'Community'
            GROUP BY g.code, g.name, c.class
            ORDER BY g.code
            """);
        cmd.Parameters.AddWithValue("classes", required.Select(c => c.Class).ToArray());
        cmd.Parameters.AddWithValue("bands", required.Select(c => (float)c.Metres).ToArray());
        var rows = new List<(string Code, string Name, string Class, int B, int BC, int H)>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                rows.Add((r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetInt32(4), r.GetInt32(5)));
        var summaries = rows.GroupBy(x => (x.Code, x.Name)).Select(g =>
        {
            var buildings = g.Max(x => x.B);
            var shares = g.Where(x => x.B > 0).Select(x => (x.Class, Share: (double)x.BC / x.B)).ToList();
            var worst = shares.OrderBy(x => x.Share).ThenBy(x => x.Class, StringComparer.Ordinal).FirstOrDefault();
            return new CommunitySummary(g.Key.Code, g.Key.Name, buildings, g.Max(x => x.H), required.Count,
                shares.Count(x => x.Share >= settings.MetShare), shares.Count == 0 ? null : worst.Class,
                shares.Count == 0 ? null : Math.Round(worst.Share, 4));
        }).ToList();
        return TypedResults.Ok(summaries);
    }

    private static async Task<IResult> AddFacility(NewFacility body, NpgsqlDataSource db, WalkNetwork network, FacilityClasses classes,
        GridCatalog catalog, CancellationToken ct)
    {
        var v = new Validation();
        var cls = body.Class is null ? null : classes.Find(body.Class);
        if (body.Class is null) v.Add("class", "'class' is required (a facility class, see /api/lifecircles/classes).");
        else if (cls is null) return UnknownClass(classes, body.Class);
        var point = v.LonLat(body.Lon?.ToString("R", CultureInfo.InvariantCulture), body.Lat?.ToString("R", CultureInfo.InvariantCulture), body.Crs);
        var name = string.IsNullOrWhiteSpace(body.Name) ? cls?.Zh : body.Name.Trim();
        if (name is { Length: > 100 }) v.Add("name", "'name' takes at most 100 characters.");
        if (!v.IsValid || point is null || cls is null) return v.Problem();
        if (!catalog.Extent.Contains(point.Value.Lon, point.Value.Lat) && catalog.UnitGridCount > 0)
            return Validation.Problem("lon", "The point lies outside the county's grids.");

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand("LOCK TABLE facilities IN SHARE ROW EXCLUSIVE MODE", conn, tx)) await lockCmd.ExecuteNonQueryAsync(ct);
        // A retry of the same placement (same class within a metre) answers the facility already placed.
        await using (var same = new NpgsqlCommand("""
            SELECT id FROM facilities WHERE kind = @class AND ST_DWithin(location::geography, ST_SetSRID(ST_MakePoint(@lon, @lat), 4490)::geography, 1) LIMIT 1
            """, conn, tx))
        {
            same.Parameters.AddWithValue("class", cls.Class);
            same.Parameters.AddWithValue("lon", point.Value.Lon);
            same.Parameters.AddWithValue("lat", point.Value.Lat);
            if (await same.ExecuteScalarAsync(ct) is int existing)
            {
                await tx.RollbackAsync(ct);
                return TypedResults.Ok(new { id = existing, duplicate = true });
            }
        }
        int id;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO facilities (id, kind, name, level_minutes, location, unit_grid_code)
            SELECT coalesce(max(id), 0) + 1, @class, @name, @level, ST_SetSRID(ST_MakePoint(@lon, @lat), 4490), @unit FROM facilities
            RETURNING id
            """, conn, tx))
        {
            insert.Parameters.AddWithValue("class", cls.Class);
            insert.Parameters.AddWithValue("name", name!);
            insert.Parameters.AddWithValue("level", cls.Level);
            insert.Parameters.AddWithValue("lon", point.Value.Lon);
            insert.Parameters.AddWithValue("lat", point.Value.Lat);
            insert.Parameters.Add(new NpgsqlParameter("unit", NpgsqlTypes.NpgsqlDbType.Varchar)
                { Value = (object?)(catalog.UnitGridCount > 0 ? catalog.LocateCode(point.Value.Lon, point.Value.Lat) : null) ?? DBNull.Value });
            id = (int)(await insert.ExecuteScalarAsync(ct))!;
        }
        await tx.CommitAsync(ct);
        await network.RefreshAsync(ct);
        return TypedResults.Created($"/api/lifecircles/facilities/{id}", new { id });
    }

    private static async Task<IResult> DeleteFacility(int id, NpgsqlDataSource db, WalkNetwork network, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("DELETE FROM facilities WHERE id = @id");
        cmd.Parameters.AddWithValue("id", id);
        if (await cmd.ExecuteNonQueryAsync(ct) == 0)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown facility", detail: $"There is no facility {id}.");
        await network.RefreshAsync(ct);
        return TypedResults.NoContent();
    }
}

public static class LifeCirclesSetup
{
    public static IHostApplicationBuilder AddLifeCircles(this IHostApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection("LifeCircles").Get<LifeCircleSettings>() ?? new LifeCircleSettings();
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(_ => string.IsNullOrWhiteSpace(settings.ClassesFile) ? FacilityClasses.LoadDefault() : FacilityClasses.Load(settings.ClassesFile));
        builder.Services.AddSingleton<WalkNetwork>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WalkNetwork>());
        return builder;
    }
}
