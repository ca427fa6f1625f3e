using GridGov.Api.Auth;
using GridGov.Api.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Community;

/// <summary>
/// The demo county's community side: a work station in every community (near a road, inside it), a pool of eight
/// members per community, and the demo users community, member, member2, member3 of the community of team 1's grid.
/// Runs inside the demo loader's transaction, after grids, roads and teams.
/// </summary>
internal static class CommunityDemo
{
    /// <summary>Per community: 2 posted officers, 3 party members, 2 volunteers, 1 building head.</summary>
    private static readonly (MemberKind Kind, string[] Skills)[] Pool =
    [
        (MemberKind.PostedOfficer, ["09", "08", "06"]),
        (MemberKind.PostedOfficer, ["09", "07"]),
        (MemberKind.PartyMember, ["06", "04"]),
        (MemberKind.PartyMember, ["06", "03"]),
        (MemberKind.PartyMember, ["01", "02"]),
        (MemberKind.Volunteer, ["06"]),
        (MemberKind.Volunteer, ["04", "06"]),
        (MemberKind.BuildingHead, ["06", "01", "10"]),
    ];

    private static readonly string[] Surnames = ["钟", "邱", "赖", "温", "廖", "曾", "肖", "谢", "叶", "袁", "彭", "蓝", "刘", "黄", "陈", "朱", "罗"];
    private static readonly string[] GivenNames = ["淑华", "志红", "春梅", "建华", "玉兰", "国平", "爱民", "小燕", "红英", "学军", "美玲", "长青", "桂兰", "卫东", "秋菊", "振华", "雪梅", "德明", "翠英"];

    public const string StationsSql = """
        INSERT INTO stations (code, community_code, name, address, location, hours, phone, staff)
        SELECT 'ST' || g.code, g.code, replace(g.name, '社区', '') || '社区城管工作室',
               g.name || COALESCE(r.name || '旁', '居委会一楼'),
               CASE WHEN r.p IS NOT NULL AND ST_Intersects(g.geometry, r.p) THEN r.p ELSE c.p END,
               '周一至周日 08:30-12:00, 14:30-17:30', '0797-63' || lpad((row_number() OVER (ORDER BY g.code))::text, 5, '0'),
               ARRAY(SELECT cr.name FROM crews cr JOIN teams t ON t.id = cr.team_id JOIN grids lg ON lg.code = t.large_grid_code
                     WHERE lg.parent_code = g.code AND cr.role = 'Enforcement' ORDER BY cr.id LIMIT 2)
        FROM grids g
        CROSS JOIN LATERAL (SELECT ST_PointOnSurface(g.geometry) AS p) c
        LEFT JOIN LATERAL (SELECT rd.name, ST_ClosestPoint(rd.geometry, c.p) AS p FROM roads rd
                           WHERE rd.name IS NOT NULL ORDER BY rd.geometry <-> c.p LIMIT 1) r ON true
        WHERE g.level = 'Community'
        """;

    public static async Task SeedAsync(GridGovDb db, IPasswordHasher<User> hasher, string demoPassword, CancellationToken ct)
    {
        await db.Database.ExecuteSqlRawAsync(StationsSql, ct);
        var communities = await db.Grids.AsNoTracking().Where(g => g.Level == Grids.GridLevel.Community).OrderBy(g => g.Code).Select(g => g.Code).ToListAsync(ct);
        var now = DateTimeOffset.UtcNow;
        var n = 0;
        var byCommunity = new Dictionary<string, List<Member>>();
        foreach (var code in communities)
        {
            var list = byCommunity[code] = [];
            foreach (var (kind, skills) in Pool)
            {
                // Names from the demo's own lists, offset from the crews' so a member is not mistaken for a crew.
                var name = Surnames[(n * 7 + 3) % Surnames.Length] + GivenNames[(n * 11 + 5) % GivenNames.Length];
                n++;
                var member = new Member
                {
                    Name = name, Kind = kind, Skills = skills, Available = true, CreatedAt = now, Phone = $"139{(7900_0000 + n):D8}",
                    Communities = [new MemberCommunity { CommunityCode = code }],
                };
                list.Add(member);
                db.Members.Add(member);
            }
        }
        await db.SaveChangesAsync(ct);

        // The demo logins of the community side: all of the community where team 1's large grid lies.
        var home = await db.Teams.AsNoTracking().Where(t => t.Id == 1)
            .Select(t => db.Grids.Where(g => g.Code == t.LargeGridCode).Select(g => g.ParentCode).FirstOrDefault()).FirstOrDefaultAsync(ct)
            ?? communities[0];
        var pool = byCommunity[home];
        var users = new List<User>
        {
            new() { Username = Roles.Community, PasswordHash = "", Roles = [Roles.Community], Communities = [home], CreatedAt = now },
            new() { Username = "member", PasswordHash = "", Roles = [Roles.Member], MemberId = pool[2].Id, CreatedAt = now },
            new() { Username = "member2", PasswordHash = "", Roles = [Roles.Member], MemberId = pool[3].Id, CreatedAt = now },
            new() { Username = "member3", PasswordHash = "", Roles = [Roles.Member], MemberId = pool[5].Id, CreatedAt = now },
        };
        foreach (var user in users)
        {
            user.PasswordHash = hasher.HashPassword(user, demoPassword);
            db.Users.Add(user);
        }
    }
}
