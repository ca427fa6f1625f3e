using System.Globalization;
using System.Security.Cryptography;
using CsvHelper;
using CsvHelper.Configuration;
using GridGov.Api.Auth;
using GridGov.Api.Data;
using GridGov.Api.Grids;
using GridGov.Api.Live;
using GridGov.Api.Platform;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Teams;

/// <summary>How many rows of a kind were created and updated.</summary>
public sealed record ImportCount(int Created, int Updated);

/// <summary>A password the import made for a new user without one: shown once, to hand over.</summary>
public sealed record IssuedPassword(string Username, string Password);

public sealed record PeopleImportResult(ImportCount Teams, ImportCount Crews, ImportCount Users, IReadOnlyList<IssuedPassword> Passwords);

/// <summary>
/// POST /api/import/people: teams, crews and users from CSV, as three files (parts <c>teams</c>, <c>crews</c>,
/// <c>users</c>, any of them) or one file (part <c>file</c>) with a <c>kind</c> column of team, crew or user. Every row
/// is checked before anything is written (columns: teams <c>name,type,largeGrid,roleMix,duty</c> — duty office, line or repair for the streetlight groups; crews
/// <c>employeeNo,name,team,role,shift,phone,isLead</c>; users <c>username,roles,team,crew,password,communities</c>); one bad row names itself and nothing is written. Teams match by name, crews
/// by employee number, users by username (without case): a match is updated, anything else created.
/// </summary>
public static class PeopleImport
{
    public const long MaxBytes = 5 * 1024 * 1024;

    private sealed record Row(string File, int Line, Dictionary<string, string> Cells)
    {
        public string? this[string column] => Cells.TryGetValue(column, out var v) && v.Trim().Length > 0 ? v.Trim() : null;

        public string Where => $"{File} row {Line}";
    }

    public static IEndpointRouteBuilder MapPeopleImport(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/import/people", Import).WithTags("People").RequireAuthorization(Policies.Admin).DisableAntiforgery()
            .WithSummary("Teams, crews and users from CSV (parts teams, crews, users; or one part file with a kind column), checked whole before anything is written.");
        return app;
    }

    private static async Task<IResult> Import(HttpRequest request, GridGovDb db, IPasswordHasher<User> hasher, GridCatalog grids,
        CrewDirectory crewDirectory, UserDirectory users, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        if (!request.HasFormContentType) return Validation.Problem("file", "Send multipart/form-data with CSV parts 'teams', 'crews', 'users', or one part 'file' with a 'kind' column.");
        if (request.ContentLength > MaxBytes) return TooLarge();
        var form = await request.ReadFormAsync(ct);
        var rows = new List<Row>();
        foreach (var part in form.Files)
        {
            if (part.Length > MaxBytes) return TooLarge();
            var kind = part.Name.ToLowerInvariant() switch { "teams" => "team", "crews" => "crew", "users" => "user", "file" => null, _ => "?" };
            if (kind == "?")
            {
                v.Add(part.Name, $"Unknown part '{part.Name}'; the parts are teams, crews, users, or file.");
                continue;
            }
            await using var stream = part.OpenReadStream();
            rows.AddRange(Read(stream, part.FileName is { Length: > 0 } n ? n : part.Name, kind, v));
        }
        if (form.Files.Count == 0) v.Add("file", "No CSV was sent: add parts 'teams', 'crews', 'users', or 'file'.");
        if (!v.IsValid) return v.Problem("The CSV could not be read; nothing was written.");

        var plan = await PlanAsync(rows, db, v, ct);
        if (!v.IsValid) return v.Problem($"{v.Errors.Count} rows have problems; nothing was written. Fix them and send the files again.");
        var result = await ApplyAsync(plan, db, hasher, clock, ct);
        await grids.ReloadAsync(ct);
        await crewDirectory.ReloadAsync(ct);
        foreach (var id in plan.ExistingUserIds) users.Forget(id);
        return TypedResults.Ok(result);
    }

    private static IEnumerable<Row> Read(Stream stream, string file, string? kind, Validation v)
    {
        using var reader = new StreamReader(stream, detectEncodingFromByteOrderMarks: true);
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            PrepareHeaderForMatch = a => a.Header.Trim().ToLowerInvariant(), MissingFieldFound = null, BadDataFound = null, TrimOptions = TrimOptions.Trim,
        });
        var list = new List<Row>();
        if (!csv.Read() || !csv.ReadHeader())
        {
            v.Add(file, $"{file} is empty: the first line names the columns.");
            return list;
        }
        var header = csv.HeaderRecord!.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        if (kind is null && !header.Contains("kind")) v.Add(file, $"{file}: one file for everything needs a 'kind' column (team, crew or user).");
        while (csv.Read())
        {
            var cells = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++) cells[header[i]] = csv.GetField(i) ?? "";
            if (kind is not null) cells["kind"] = kind;
            if (cells.Values.All(string.IsNullOrWhiteSpace)) continue;
            list.Add(new Row(file, csv.Parser.Row, cells));
        }
        return list;
    }

    private sealed record TeamPlan(Team Team, string? PreviousLargeGrid, bool Created);

    private sealed record CrewPlan(Crew Crew, string TeamName, bool Created);

    private sealed record UserPlan(User User, string? TeamName, string? CrewNo, string? Password, bool Created, bool Changed);

    private sealed record Plan(List<TeamPlan> Teams, List<CrewPlan> Crews, List<UserPlan> Users)
    {
        /// <summary>Users the import may have changed (roles, team, crew, password): their tokens are checked afresh.</summary>
        public IEnumerable<int> ExistingUserIds => Users.Where(u => !u.Created).Select(u => u.User.Id);
    }

    /// <summary>Checks every row against the file and the database; builds the changes without writing them.</summary>
    private static async Task<Plan> PlanAsync(List<Row> rows, GridGovDb db, Validation v, CancellationToken ct)
    {
        var teams = await db.Teams.ToListAsync(ct);
        var crews = await db.Crews.ToListAsync(ct);
        var existingUsers = await db.Users.ToListAsync(ct);
        var largeGrids = (await db.Grids.AsNoTracking().Where(g => g.Level == GridLevel.Large).Select(g => g.Code).ToListAsync(ct)).ToHashSet();
        var plan = new Plan([], [], []);

        foreach (var row in rows.Where(r => r["kind"] is not ("team" or "crew" or "user")))
            v.Add(row.Where, $"'kind' is team, crew or user, not '{row["kind"]}'.");

        var teamByName = teams.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var row in rows.Where(r => r["kind"] == "team"))
        {
            var name = row["name"];
            if (name is null || name.Length > 100) { v.Add(row.Where, "'name' is required, at most 100 characters."); continue; }
            if (plan.Teams.Any(p => p.Team.Name == name)) { v.Add(row.Where, $"Team '{name}' appears twice."); continue; }
            var kind = TeamKind.Grid;
            if (row["type"] is { } k && (!Enum.TryParse(k, true, out kind) || int.TryParse(k, out _)))
                v.Add(row.Where, $"'type' is grid or assetGroup, not '{k}'.");
            var mix = row["rolemix"] ?? "";
            if (!TeamsApi.RoleMixPattern().IsMatch(mix)) v.Add(row.Where, "'roleMix' is the mix of roles as numbers, e.g. 2+1+1+1 or 1+2+2.");
            var grid = row["largegrid"];
            if (kind == TeamKind.Grid && (grid is null || !largeGrids.Contains(grid)))
                v.Add(row.Where, grid is null ? "A grid team names its 'largeGrid'." : $"There is no large grid '{grid}'.");
            if (kind == TeamKind.AssetGroup && grid is not null) v.Add(row.Where, "An asset group has no 'largeGrid'.");
            if (grid is not null && plan.Teams.FirstOrDefault(p => p.Team.LargeGridCode == grid) is { } twice)
                v.Add(row.Where, $"Large grid '{grid}' is given to team '{twice.Team.Name}' already in this file.");
            var existing = teamByName.GetValueOrDefault(name);
            if (grid is not null && teams.FirstOrDefault(t => t.LargeGridCode == grid && t.Name != name) is { } holder
                && !rows.Any(r => r["kind"] == "team" && r["name"] == holder.Name && r["largegrid"] != grid))
                v.Add(row.Where, $"Large grid '{grid}' is team '{holder.Name}''s; give that team another grid in the same file, or change it first.");
            // An asset group may say which streetlight group it is (office, line or repair); one team per duty.
            StreetlightDuty? duty = null;
            if (row["duty"] is { } d)
            {
                if (kind != TeamKind.AssetGroup) v.Add(row.Where, "Only an asset group has a 'duty' (office, line or repair).");
                else if (!Enum.TryParse<StreetlightDuty>(d, true, out var parsed) || int.TryParse(d, out _)) v.Add(row.Where, $"'duty' is office, line or repair, not '{d}'.");
                else if (plan.Teams.FirstOrDefault(p => p.Team.Duty == parsed) is { } other) v.Add(row.Where, $"Duty '{d}' is given to team '{other.Team.Name}' already in this file.");
                else if (teams.FirstOrDefault(t => t.Duty == parsed && t.Name != name) is { } holder2
                         && !rows.Any(r => r["kind"] == "team" && r["name"] == holder2.Name && r["duty"] != d))
                    v.Add(row.Where, $"Duty '{d}' is team '{holder2.Name}''s; give that team another duty in the same file, or change it first.");
                else duty = parsed;
            }
            var team = existing ?? new Team { Name = name, RoleMix = mix };
            plan.Teams.Add(new TeamPlan(team, existing?.LargeGridCode, existing is null));
            (team.Kind, team.RoleMix, team.LargeGridCode, team.Duty) = (kind, mix, kind == TeamKind.Grid ? grid : null, kind == TeamKind.AssetGroup ? duty ?? team.Duty : null);
        }

        var knownTeams = teamByName.Keys.Concat(plan.Teams.Select(p => p.Team.Name)).ToHashSet();
        var crewByNo = crews.ToDictionary(c => c.EmployeeNo, StringComparer.Ordinal);
        foreach (var row in rows.Where(r => r["kind"] == "crew"))
        {
            var no = row["employeeno"];
            var name = row["name"];
            if (no is null || no.Length > 20) { v.Add(row.Where, "'employeeNo' is required, at most 20 characters."); continue; }
            if (plan.Crews.Any(p => p.Crew.EmployeeNo == no)) { v.Add(row.Where, $"Employee number '{no}' appears twice."); continue; }
            if (name is null || name.Length > 50) v.Add(row.Where, "'name' is required, at most 50 characters.");
            var team = row["team"];
            if (team is null || !knownTeams.Contains(team)) v.Add(row.Where, team is null ? "'team' (the team's name) is required." : $"There is no team '{team}' (in the file or the county).");
            var rv = new Validation();
            var role = TeamsApi.Parse<CrewRole>(row["role"], "role", rv);
            var shift = TeamsApi.Parse<Shift>(row["shift"], "shift", rv);
            foreach (var m in rv.Errors.SelectMany(e => e.Value)) v.Add(row.Where, m);
            var phone = row["phone"];
            if (phone is not null && !TeamsApi.PhonePattern().IsMatch(phone)) v.Add(row.Where, $"'phone' '{phone}' is not a phone number.");
            var lead = row["islead"];
            if (lead is not null && !bool.TryParse(lead, out _) && lead is not ("0" or "1")) v.Add(row.Where, "'isLead' is true or false.");
            if (role is null || shift is null || name is null || team is null) continue;
            var existing = crewByNo.GetValueOrDefault(no);
            var crew = existing ?? new Crew { Name = name, EmployeeNo = no };
            (crew.Name, crew.Role, crew.Shift, crew.Phone, crew.IsLead, crew.Active) =
                (name, role.Value, shift.Value, phone, lead is "1" || (bool.TryParse(lead, out var b) && b), true);
            plan.Crews.Add(new CrewPlan(crew, team, existing is null));
        }

        var knownCrews = crewByNo.Keys.Concat(plan.Crews.Select(p => p.Crew.EmployeeNo)).ToHashSet();
        var knownCommunities = (await db.Grids.AsNoTracking().Where(g => g.Level == Grids.GridLevel.Community).Select(g => g.Code).ToListAsync(ct)).ToHashSet();
        foreach (var row in rows.Where(r => r["kind"] == "user"))
        {
            var uv = new Validation();
            var username = PeopleRules.Username(row["username"], uv);
            if (username is not null && plan.Users.Any(p => string.Equals(p.User.Username, username, StringComparison.OrdinalIgnoreCase)))
                uv.Add("username", $"User '{username}' appears twice (usernames are compared without case).");
            var roles = PeopleRules.RoleList(row["roles"]?.Split([';', '|', ' '], StringSplitOptions.RemoveEmptyEntries), uv);
            var crewNo = row["crew"];
            var team = row["team"];
            if (roles?.Contains(Roles.Crew) == true && (crewNo is null || !knownCrews.Contains(crewNo)))
                uv.Add("crew", crewNo is null ? "A user with role crew names its 'crew' (employee number)." : $"There is no crew with employee number '{crewNo}'.");
            if (roles?.Contains(Roles.Crew) == false && crewNo is not null) uv.Add("crew", "Only a user with role crew has a 'crew'.");
            if (team is not null && !knownTeams.Contains(team)) uv.Add("team", $"There is no team '{team}'.");
            var password = row["password"];
            if (password is not null && username is not null) PeopleRules.Password(password, username, uv);
            // A community worker serves communities (codes separated by ';'); a member signs in once the community has
            // put them in its pool (POST /api/members, then POST /api/users with its memberId), not from a file.
            var communities = row["communities"]?.Split([';', '|', ' '], StringSplitOptions.RemoveEmptyEntries) ?? [];
            if (roles?.Contains(Roles.Member) == true) uv.Add("roles", "A 'member' user is added after the community puts the member in its pool: POST /api/members, then POST /api/users with its 'memberId'.");
            if (roles?.Contains(Roles.Community) == true && communities.Length == 0) uv.Add("communities", "A user with role community names the 'communities' it serves (community grid codes, separated by ';').");
            if (roles?.Contains(Roles.Community) == false && communities.Length > 0) uv.Add("communities", "Only a user with role community serves 'communities'.");
            if (communities.Where(c => !knownCommunities.Contains(c)).ToArray() is { Length: > 0 } unknownCommunities)
                uv.Add("communities", $"There is no community {string.Join(", ", unknownCommunities.Select(c => $"'{c}'"))}.");
            foreach (var m in uv.Errors.SelectMany(e => e.Value)) v.Add(row.Where, m);
            if (!uv.IsValid) continue;
            var existing = existingUsers.FirstOrDefault(u => string.Equals(u.Username, username, StringComparison.OrdinalIgnoreCase));
            var user = existing ?? new User { Username = username!, PasswordHash = "", Roles = roles!, CreatedAt = DateTimeOffset.UtcNow };
            var changed = existing is null || !existing.Roles.SequenceEqual(roles!) || password is not null;
            changed |= existing is not null && !existing.Communities.SequenceEqual(communities);
            user.Roles = roles!;
            user.Communities = communities;
            plan.Users.Add(new UserPlan(user, team, crewNo, password, existing is null, changed));
        }
        return plan;
    }

    /// <summary>Writes the plan in one transaction: teams, then crews (which name teams), then users (which name crews).</summary>
    private static async Task<PeopleImportResult> ApplyAsync(Plan plan, GridGovDb db, IPasswordHasher<User> hasher, TimeProvider clock, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Grids given up first, so a team can take over a grid another team of the file leaves.
        foreach (var t in plan.Teams.Where(t => t.PreviousLargeGrid is not null && t.PreviousLargeGrid != t.Team.LargeGridCode))
            await db.Grids.Where(g => g.Code == t.PreviousLargeGrid && g.TeamId == t.Team.Id).ExecuteUpdateAsync(s => s.SetProperty(g => g.TeamId, (int?)null), ct);
        var moving = plan.Teams.Where(t => !t.Created && t.PreviousLargeGrid != t.Team.LargeGridCode).Select(t => (t.Team, Grid: t.Team.LargeGridCode)).ToList();
        foreach (var (team, _) in moving) team.LargeGridCode = null;
        await db.SaveChangesAsync(ct);
        foreach (var (team, grid) in moving) team.LargeGridCode = grid;
        foreach (var t in plan.Teams.Where(t => t.Created)) db.Teams.Add(t.Team);
        await db.SaveChangesAsync(ct);
        foreach (var t in plan.Teams) await TeamsApi.AssignLargeGridAsync(db, t.Team, previous: null, ct);

        var teamIds = await db.Teams.ToDictionaryAsync(t => t.Name, t => t.Id, StringComparer.Ordinal, ct);
        foreach (var c in plan.Crews)
        {
            c.Crew.TeamId = teamIds[c.TeamName];
            if (c.Created) db.Crews.Add(c.Crew);
        }
        await db.SaveChangesAsync(ct);

        var crews = await db.Crews.AsNoTracking().ToDictionaryAsync(c => c.EmployeeNo, StringComparer.Ordinal, ct);
        var issued = new List<IssuedPassword>();
        foreach (var u in plan.Users)
        {
            var user = u.User;
            var before = (user.TeamId, user.CrewId);
            if (u.CrewNo is not null)
                (user.TeamId, user.CrewId) = (crews[u.CrewNo].TeamId, crews[u.CrewNo].Id);
            else
                (user.TeamId, user.CrewId) = (u.TeamName is null ? null : teamIds[u.TeamName], null);
            var password = u.Password;
            if (u.Created && password is null)
            {
                password = NewPassword();
                issued.Add(new IssuedPassword(user.Username, password));
            }
            if (password is not null) user.PasswordHash = hasher.HashPassword(user, password);
            if (u.Created)
            {
                user.CreatedAt = clock.GetUtcNow();
                db.Users.Add(user);
            }
            else if (u.Changed || before != (user.TeamId, user.CrewId)) user.TokenVersion++;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new PeopleImportResult(Count(plan.Teams.Select(t => t.Created)), Count(plan.Crews.Select(c => c.Created)),
            Count(plan.Users.Select(u => u.Created)), issued);
    }

    /// <summary>A first password that keeps the rule: 12 characters from letters and digits, with both.</summary>
    internal static string NewPassword()
    {
        const string letters = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ", digits = "23456789";
        var chars = RandomNumberGenerator.GetItems<char>(letters + digits, 10).Concat(RandomNumberGenerator.GetItems<char>(letters, 1))
            .Concat(RandomNumberGenerator.GetItems<char>(digits, 1)).ToArray();
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }

    private static ImportCount Count(IEnumerable<bool> created)
    {
        var list = created.ToList();
        return new ImportCount(list.Count(c => c), list.Count(c => !c));
    }

    private static IResult TooLarge() => TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large",
        detail: $"A people import is at most {MaxBytes / 1024 / 1024} MB; split it into several imports.");
}
