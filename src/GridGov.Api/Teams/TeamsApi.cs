using System.Text.RegularExpressions;
using GridGov.Api.Auth;
using GridGov.Api.Data;
using GridGov.Api.Grids;
using GridGov.Api.Incidents;
using GridGov.Api.Live;
using GridGov.Api.Platform;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Teams;

public sealed record CrewAdminView(int Id, string Name, string EmployeeNo, int TeamId, CrewRole Role, Shift Shift, bool IsLead, string? Phone, bool Active);

public sealed record TeamView(int Id, string Name, TeamKind Kind, string? LargeGridCode, string RoleMix, IReadOnlyList<CrewAdminView> Members, StreetlightDuty? Duty = null);

public sealed record TeamRequest(string? Name, string? Kind, string? LargeGridCode, string? RoleMix);

public sealed record CrewRequest(string? Name, string? EmployeeNo, int? TeamId, string? Role, string? Shift, string? Phone, bool? IsLead);

/// <summary>Admin management of teams (grid teams and asset groups) and their crews. Routing and the live directory follow every change.</summary>
public static partial class TeamsApi
{
    [GeneratedRegex(@"^\d+(\+\d+)*$")]
    internal static partial Regex RoleMixPattern();

    public static IEndpointRouteBuilder MapTeamsApi(this IEndpointRouteBuilder app)
    {
        var teams = app.MapGroup("/api/teams").WithTags("People").RequireAuthorization(Policies.Admin);
        teams.MapGet("/", List).WithSummary("Teams with their crews, former crews included (admin).");
        teams.MapPost("/", CreateTeam).WithSummary("Add a team { name, kind: grid|assetGroup, largeGridCode (grid teams), roleMix e.g. 2+1+1+1 }.");
        teams.MapPut("/{id:int}", UpdateTeam).WithSummary("Rename a team, change its role mix, or give it another large grid (routing follows at once).");
        teams.MapDelete("/{id:int}", DeleteTeam).WithSummary("Remove a team without open cases or crews (409 says how many).");
        var crews = app.MapGroup("/api/crews").WithTags("People").RequireAuthorization(Policies.Admin);
        crews.MapPost("/", CreateCrew).WithSummary("Add a crew { name, employeeNo, teamId, role, shift, phone?, isLead? }.");
        crews.MapPut("/{id:int}", UpdateCrew).WithSummary("Change a crew; a crew moved to another team keeps its history (cases, points, trails).");
        crews.MapDelete("/{id:int}", DeleteCrew).WithSummary("A crew leaves: kept for its history but off duty and unlisted; refused while it holds open cases.");
        app.MapGet("/api/shifts", Shifts).WithTags("People").RequireAuthorization(Policies.Staff)
            .WithSummary("The shifts (early, middle, late, night) with their duty hours (the county's setting Live:Shifts) and whether each is on now.");
        return app;
    }

    public sealed record ShiftView(Shift Code, string Hours, bool OnNow);

    private static IResult Shifts(ShiftSchedule shifts, TimeProvider clock) =>
        TypedResults.Ok(Enum.GetValues<Shift>().Select(s => new ShiftView(s, shifts.Describe(s), shifts.IsOn(s, clock.GetUtcNow()))).ToList());

    private static async Task<IResult> List(GridGovDb db, CancellationToken ct)
    {
        var teams = await db.Teams.AsNoTracking().Include(t => t.Members).OrderBy(t => t.Id).ToListAsync(ct);
        return TypedResults.Ok(teams.Select(View).ToList());
    }

    internal static TeamView View(Team t) => new(t.Id, t.Name, t.Kind, t.LargeGridCode, t.RoleMix, t.Members.OrderBy(c => c.Id).Select(View).ToList(), t.Duty);

    internal static CrewAdminView View(Crew c) => new(c.Id, c.Name, c.EmployeeNo, c.TeamId, c.Role, c.Shift, c.IsLead, c.Phone, c.Active);

    private static async Task<IResult> CreateTeam(TeamRequest? body, GridGovDb db, GridCatalog grids, CancellationToken ct)
    {
        var team = new Team { Name = "", RoleMix = "" };
        var v = new Validation();
        await CheckAsync(team, body, db, v, ct);
        if (!v.IsValid) return v.Problem();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Teams.Add(team);
        await db.SaveChangesAsync(ct);
        await AssignLargeGridAsync(db, team, previous: null, ct);
        await tx.CommitAsync(ct);
        await grids.ReloadAsync(ct);
        return TypedResults.Created($"/api/teams/{team.Id}", View(team));
    }

    private static async Task<IResult> UpdateTeam(int id, TeamRequest? body, GridGovDb db, GridCatalog grids, CrewDirectory crews, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var team = await db.Teams.Include(t => t.Members).FirstOrDefaultAsync(t => t.Id == id, ct);
        if (team is null) return NoTeam(id);
        var previous = team.LargeGridCode;
        var v = new Validation();
        await CheckAsync(team, body, db, v, ct);
        if (!v.IsValid) return v.Problem();
        await db.SaveChangesAsync(ct);
        await AssignLargeGridAsync(db, team, previous, ct);
        await tx.CommitAsync(ct);
        await grids.ReloadAsync(ct);
        await crews.ReloadAsync(ct);
        return TypedResults.Ok(View(team));
    }

    private static async Task<IResult> DeleteTeam(int id, GridGovDb db, GridCatalog grids, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var team = await db.Teams.Include(t => t.Members).FirstOrDefaultAsync(t => t.Id == id, ct);
        if (team is null) return NoTeam(id);
        var open = await db.Incidents.CountAsync(i => i.TeamId == id && IncidentWorkflow.OpenStates.Contains(i.Status), ct);
        if (open > 0)
            return Conflict("Team has open cases", $"Team {id} ({team.Name}) still has {open} open cases; close them or dispatch them to another team first.");
        if (team.Members.Count > 0)
            return Conflict("Team has crews", $"Team {id} ({team.Name}) has {team.Members.Count} crews (active or former, whose history names the team); move them to another team first, or rename the team instead.");
        if (await db.KeyPosts.AnyAsync(p => p.TeamId == id, ct))
            return Conflict("Team staffs key posts", $"Team {id} ({team.Name}) staffs key grid posts; give them to another team first.");
        await db.Grids.Where(g => g.TeamId == id).ExecuteUpdateAsync(s => s.SetProperty(g => g.TeamId, (int?)null), ct);
        await db.PlanGrids.Where(g => g.TeamId == id).ExecuteUpdateAsync(s => s.SetProperty(g => g.TeamId, (int?)null), ct);
        db.Teams.Remove(team);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await grids.ReloadAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>Checks a team request and copies it onto the team; problems go to <paramref name="v"/>.</summary>
    private static async Task CheckAsync(Team team, TeamRequest? body, GridGovDb db, Validation v, CancellationToken ct)
    {
        if (body is null)
        {
            v.Add("body", "Send { name, kind, largeGridCode, roleMix }.");
            return;
        }
        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100) v.Add("name", "'name' is required, at most 100 characters.");
        else if (await db.Teams.AnyAsync(t => t.Name == name && t.Id != team.Id, ct)) v.Add("name", $"A team named '{name}' exists already.");
        var kind = TeamKind.Grid;
        if (body.Kind is not null && !Enum.TryParse(body.Kind, ignoreCase: true, out kind))
            v.Add("kind", $"'kind' is grid or assetGroup, not '{body.Kind}'.");
        var mix = body.RoleMix?.Trim() ?? "";
        if (!RoleMixPattern().IsMatch(mix) || mix.Length > 20) v.Add("roleMix", "'roleMix' is the mix of roles as numbers, e.g. 2+1+1+1 or 1+2+2.");
        var grid = body.LargeGridCode?.Trim();
        if (kind == TeamKind.Grid)
        {
            if (string.IsNullOrEmpty(grid)) v.Add("largeGridCode", "A grid team answers for a large grid: name its 'largeGridCode'.");
            else if (!await db.Grids.AnyAsync(g => g.Code == grid && g.Level == GridLevel.Large, ct)) v.Add("largeGridCode", $"There is no large grid '{grid}'; see GET /api/grids?level=large.");
            else if (await db.Teams.FirstOrDefaultAsync(t => t.LargeGridCode == grid && t.Id != team.Id, ct) is { } holder)
                v.Add("largeGridCode", $"Large grid '{grid}' is team {holder.Id}'s ({holder.Name}); give that team another grid first.");
        }
        else if (!string.IsNullOrEmpty(grid)) v.Add("largeGridCode", "An asset group answers for assets, not a large grid: leave 'largeGridCode' out.");
        if (!v.IsValid) return;
        (team.Name, team.Kind, team.RoleMix, team.LargeGridCode) = (name!, kind, mix, kind == TeamKind.Grid ? grid : null);
    }

    /// <summary>The large grid's row names its team, which routing reads: move that mark with the team.</summary>
    internal static async Task AssignLargeGridAsync(GridGovDb db, Team team, string? previous, CancellationToken ct)
    {
        if (previous == team.LargeGridCode) return;
        if (previous is not null)
            await db.Grids.Where(g => g.Code == previous && g.TeamId == team.Id).ExecuteUpdateAsync(s => s.SetProperty(g => g.TeamId, (int?)null), ct);
        if (team.LargeGridCode is { } code)
            await db.Grids.Where(g => g.Code == code).ExecuteUpdateAsync(s => s.SetProperty(g => g.TeamId, team.Id), ct);
        await db.Database.ExecuteSqlRawAsync(Plans.PlanSql.SyncPublishedTeams, ct);
    }

    private static async Task<IResult> CreateCrew(CrewRequest? body, GridGovDb db, CrewDirectory directory, CancellationToken ct)
    {
        var crew = new Crew { Name = "", EmployeeNo = "" };
        var v = new Validation();
        await CheckAsync(crew, body, db, v, ct);
        if (!v.IsValid) return v.Problem();
        db.Crews.Add(crew);
        await db.SaveChangesAsync(ct);
        await directory.ReloadAsync(ct);
        return TypedResults.Created($"/api/crews/{crew.Id}", View(crew));
    }

    private static async Task<IResult> UpdateCrew(int id, CrewRequest? body, GridGovDb db, CrewDirectory directory, UserDirectory users, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var crew = await db.Crews.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (crew is null) return NoCrew(id);
        var team = crew.TeamId;
        var v = new Validation();
        await CheckAsync(crew, body, db, v, ct);
        if (!v.IsValid) return v.Problem();
        await db.SaveChangesAsync(ct);
        if (crew.TeamId != team)
        {
            // The crew's sign-in carries its team: move it along, and let tokens with the old team lapse.
            var moved = await db.Users.Where(u => u.CrewId == id).ToListAsync(ct);
            foreach (var u in moved) (u.TeamId, u.TokenVersion) = (crew.TeamId, u.TokenVersion + 1);
            await db.SaveChangesAsync(ct);
            foreach (var u in moved) users.Forget(u.Id);
        }
        await tx.CommitAsync(ct);
        await directory.ReloadAsync(ct);
        return TypedResults.Ok(View(crew));
    }

    private static async Task<IResult> DeleteCrew(int id, GridGovDb db, CrewDirectory directory, UserDirectory users, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var crew = await db.Crews.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (crew is null) return NoCrew(id);
        var holding = await db.Incidents.CountAsync(i => i.HandlerCrewId == id && (i.Status == IncidentStatus.Accepted || i.Status == IncidentStatus.InProgress), ct);
        if (holding > 0) return Conflict("Crew holds cases", $"Crew {id} ({crew.Name}) holds {holding} open cases; send them back or hand them over first.");
        crew.Active = false;
        await db.IncidentOffers.Where(o => o.CrewId == id && o.Status == OfferStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OfferStatus.Withdrawn).SetProperty(o => o.Reason, "队员已离队"), ct);
        var logins = await db.Users.Where(u => u.CrewId == id).ToListAsync(ct);
        foreach (var u in logins) (u.Active, u.TokenVersion) = (false, u.TokenVersion + 1);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        foreach (var u in logins) users.Forget(u.Id);
        await directory.ReloadAsync(ct);
        return TypedResults.Ok(View(crew));
    }

    private static async Task CheckAsync(Crew crew, CrewRequest? body, GridGovDb db, Validation v, CancellationToken ct)
    {
        if (body is null)
        {
            v.Add("body", "Send { name, employeeNo, teamId, role, shift, phone?, isLead? }.");
            return;
        }
        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 50) v.Add("name", "'name' is required, at most 50 characters.");
        var no = body.EmployeeNo?.Trim();
        if (string.IsNullOrEmpty(no) || no.Length > 20) v.Add("employeeNo", "'employeeNo' is required, at most 20 characters.");
        else if (await db.Crews.AnyAsync(c => c.EmployeeNo == no && c.Id != crew.Id, ct)) v.Add("employeeNo", $"Employee number '{no}' is someone else's.");
        if (body.TeamId is not { } teamId || !await db.Teams.AnyAsync(t => t.Id == teamId, ct))
            v.Add("teamId", body.TeamId is null ? "'teamId' is required; see GET /api/teams." : $"There is no team {body.TeamId}; see GET /api/teams.");
        var role = Parse<CrewRole>(body.Role, "role", v);
        var shift = Parse<Shift>(body.Shift, "shift", v);
        var phone = body.Phone?.Trim();
        if (phone is { Length: > 0 } && !PhonePattern().IsMatch(phone)) v.Add("phone", "'phone' is digits, with an optional leading + and dashes, at most 20 characters.");
        if (!v.IsValid) return;
        (crew.Name, crew.EmployeeNo, crew.TeamId, crew.Role, crew.Shift, crew.Phone, crew.IsLead) =
            (name!, no!, body.TeamId!.Value, role!.Value, shift!.Value, phone is { Length: > 0 } ? phone : null, body.IsLead ?? false);
    }

    [GeneratedRegex(@"^\+?[0-9][0-9-]{2,19}$")]
    internal static partial Regex PhonePattern();

    internal static T? Parse<T>(string? raw, string field, Validation v) where T : struct, Enum
    {
        if (raw is not null && Enum.TryParse<T>(raw.Trim(), ignoreCase: true, out var value) && !int.TryParse(raw, out _)) return value;
        v.Add(field, $"'{field}' is one of {string.Join(", ", Enum.GetValues<T>().Select(e => JsonNames.Of(e)))}{(raw is null ? "" : $", not '{raw}'")}.");
        return null;
    }

    private static IResult NoTeam(int id) => TypedResults.Problem(statusCode: 404, title: "No such team", detail: $"There is no team {id}; see GET /api/teams.");

    private static IResult NoCrew(int id) => TypedResults.Problem(statusCode: 404, title: "No such crew", detail: $"There is no crew {id}; see GET /api/teams.");

    private static IResult Conflict(string title, string detail) => TypedResults.Problem(statusCode: 409, title: title, detail: detail);
}
