using System.Diagnostics;
using GridGov.Api.Auth;
using GridGov.Api.Data;
using GridGov.Api.Teams;
using GridGov.Geo.Coordinates;
using GridGov.Geo.Demo;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace GridGov.Api.Demo;

/// <summary>Loads the generated demo county in one transaction: all of it or none of it.</summary>
internal static partial class DemoCountyLoader
{
    public const string StateKey = "demo_county_loaded_at";
    public const string DemoPassword = "gridgov-demo";

    public static async Task<bool> LoadOnceAsync(GridGovDb db, IPasswordHasher<User> hasher, ILogger logger, CancellationToken ct)
    {
        if (await db.AppState.AnyAsync(s => s.Key == StateKey, ct)) return false;
        var clock = Stopwatch.StartNew();
        var county = DemoCountyGenerator.Generate();
        LogGenerated(logger, county.Areas.Count(a => a.Level == AreaLevel.Unit), county.Streetlights.Count, clock.ElapsedMilliseconds);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        var gk = GaussKruger.ForLongitude(county.Areas[0].Geometry.Centroid.X);

        db.Teams.AddRange(county.Teams.Select(t => new Team
        {
            Id = t.Id, Name = t.Name, LargeGridCode = t.LargeGridCode, RoleMix = t.RoleMix,
            Members = t.Members.Select(m => new Crew
            {
                Id = m.Id, TeamId = t.Id, Name = m.Name, EmployeeNo = m.EmployeeNo, IsLead = m.IsLead,
                Role = Enum.Parse<CrewRole>(m.Role, ignoreCase: true), Shift = Enum.Parse<Shift>(m.Shift, ignoreCase: true),
            }).ToList(),
        }));
        db.Teams.AddRange(county.AssetGroups.Select(g => new Team
        {
            Id = g.Id, Name = g.Name, Kind = TeamKind.AssetGroup, RoleMix = g.RoleMix, Duty = Enum.Parse<StreetlightDuty>(g.Duty, ignoreCase: true),
            Members = g.Members.Select(m => new Crew
            {
                Id = m.Id, TeamId = g.Id, Name = m.Name, EmployeeNo = m.EmployeeNo, IsLead = m.IsLead,
                Role = Enum.Parse<CrewRole>(m.Role, ignoreCase: true), Shift = Enum.Parse<Shift>(m.Shift, ignoreCase: true),
            }).ToList(),
        }));
        await db.SaveChangesAsync(ct);

        await CopyAsync(conn, "grids (code, level, name, parent_code, team_id, geometry, area_m2)",
            county.Areas.OrderBy(a => a.Level), async (w, a) =>
            {
                await w.WriteAsync(a.Code, ct);
                await w.WriteAsync(a.Level.ToString(), ct);
                await w.WriteAsync(a.Name, ct);
                await WriteNullable(w, a.ParentCode, ct);
                await WriteNullable(w, a.TeamId, ct);
                await w.WriteAsync((Geometry)AsMulti(a.Geometry), NpgsqlDbType.Geometry, ct);
                await w.WriteAsync(Math.Round(gk.Project(a.Geometry).Area, 1), ct);
            }, ct);
        await db.Database.ExecuteSqlRawAsync(Plans.PlanSql.AdoptLiveGrids, ct);
        await CopyAsync(conn, "roads (id, class, name, geometry, source, target, length_m)", county.Roads, async (w, r) =>
        {
            await w.WriteAsync(r.Id, ct);
            await w.WriteAsync(r.Class, ct);
            await WriteNullable(w, r.Name, ct);
            await w.WriteAsync((Geometry)r.Geometry, NpgsqlDbType.Geometry, ct);
            await w.WriteAsync(r.Source, ct);
            await w.WriteAsync(r.Target, ct);
            await w.WriteAsync(r.LengthM, ct);
        }, ct);
        await CopyAsync(conn, "streetlights (code, component, location, road_id, cabinet_code, circuit_code, unit_grid_code, status, circuit_seq, lamp_type, power_w, installed_on)",
            county.Streetlights, async (w, s) =>
            {
                await w.WriteAsync(s.Code, ct);
                await w.WriteAsync(s.Component, ct);
                await w.WriteAsync((Geometry)s.Location, NpgsqlDbType.Geometry, ct);
                await WriteNullable(w, s.RoadId, ct);
                await w.WriteAsync(s.CabinetCode, ct);
                await WriteNullable(w, s.CircuitCode, ct);
                await w.WriteAsync(s.UnitGridCode, ct);
                await w.WriteAsync("normal", ct);
                await WriteNullable(w, s.CircuitSeq, ct);
                await WriteNullable(w, s.LampType, ct);
                await WriteNullable(w, s.PowerW, ct);
                if (s.InstalledOn is { } on) await w.WriteAsync(on, NpgsqlDbType.Date, ct); else await w.WriteNullAsync(ct);
            }, ct);
        await db.Database.ExecuteSqlRawAsync(Streetlights.StreetlightSql.DeriveCircuits, ct);
        await CopyAsync(conn, "buildings (id, kind, geometry, floors, households, unit_grid_code)", county.Buildings, async (w, b) =>
        {
            await w.WriteAsync(b.Id, ct);
            await w.WriteAsync(b.Kind, ct);
            await w.WriteAsync((Geometry)b.Geometry, NpgsqlDbType.Geometry, ct);
            await w.WriteAsync(b.Floors, ct);
            await w.WriteAsync(b.Households, ct);
            await w.WriteAsync(b.UnitGridCode, ct);
        }, ct);
        await CopyAsync(conn, "facilities (id, kind, name, level_minutes, location, unit_grid_code)", county.Facilities, async (w, f) =>
        {
            await w.WriteAsync(f.Id, ct);
            await w.WriteAsync(f.Kind, ct);
            await w.WriteAsync(f.Name, ct);
            await w.WriteAsync(f.LevelMinutes, ct);
            await w.WriteAsync((Geometry)f.Location, NpgsqlDbType.Geometry, ct);
            await w.WriteAsync(f.UnitGridCode, ct);
        }, ct);
        await CopyAsync(conn, "key_posts (code, name, location, radius_m, team_id, large_grid_code)", county.Posts, async (w, p) =>
        {
            await w.WriteAsync(p.Code, ct);
            await w.WriteAsync(p.Name, ct);
            await w.WriteAsync((Geometry)p.Location, NpgsqlDbType.Geometry, ct);
            await w.WriteAsync(p.RadiusM, ct);
            await w.WriteAsync(p.TeamId, ct);
            await w.WriteAsync(p.LargeGridCode, ct);
        }, ct);

        // The demo logins exist only with the demo data: one user per role, password "gridgov-demo".
        var firstCrew = county.Teams[0].Members[0];
        foreach (var role in Roles.All)
        {
            var user = new User
            {
                Username = role, PasswordHash = "", Roles = [role], CreatedAt = DateTimeOffset.UtcNow,
                TeamId = role == Roles.Crew ? county.Teams[0].Id : null,
                CrewId = role == Roles.Crew ? firstCrew.Id : null,
            };
            user.PasswordHash = hasher.HashPassword(user, DemoPassword);
            db.Users.Add(user);
        }
        await Community.CommunityDemo.SeedAsync(db, hasher, DemoPassword, ct);
        // The demo gives its teams and crews ids; the ones created later must follow them.
        await db.Database.ExecuteSqlRawAsync("""
            SELECT setval(pg_get_serial_sequence('teams', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM teams), false);
            SELECT setval(pg_get_serial_sequence('crews', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM crews), false);
            """, ct);
        db.AppState.Add(new AppState { Key = StateKey, Value = DateTimeOffset.UtcNow.ToString("O") });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        LogLoaded(logger, county.CountyName, clock.ElapsedMilliseconds);
        return true;
    }

    private static MultiPolygon AsMulti(Geometry g) => g switch
    {
        MultiPolygon mp => mp,
        Polygon p => g.Factory.CreateMultiPolygon([p]),
        _ => throw new InvalidOperationException($"Grid geometry is a {g.GeometryType}."),
    };

    private static async Task CopyAsync<T>(NpgsqlConnection conn, string target, IEnumerable<T> rows,
        Func<NpgsqlBinaryImporter, T, Task> write, CancellationToken ct)
    {
        await using var importer = await conn.BeginBinaryImportAsync($"COPY {target} FROM STDIN (FORMAT BINARY)", ct);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(ct);
            await write(importer, row);
        }
        await importer.CompleteAsync(ct);
    }

    private static Task WriteNullable<T>(NpgsqlBinaryImporter w, T? value, CancellationToken ct) where T : class =>
        value is null ? w.WriteNullAsync(ct) : w.WriteAsync(value, ct);

    private static Task WriteNullable(NpgsqlBinaryImporter w, int? value, CancellationToken ct) =>
        value is null ? w.WriteNullAsync(ct) : w.WriteAsync(value.Value, ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo county generated: {UnitGrids} unit grids, {Streetlights} streetlight components in {ElapsedMs} ms")]
    private static partial void LogGenerated(ILogger logger, int unitGrids, int streetlights, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo county {County} loaded in {ElapsedMs} ms")]
    private static partial void LogLoaded(ILogger logger, string county, long elapsedMs);
}
