using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text;
using GridGov.Api.Auth;
using GridGov.Api.Data;
using GridGov.Api.Grids;
using GridGov.Api.Incidents;
using GridGov.Api.Platform;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace GridGov.Api.Community;

public sealed record StationProperties(string Code, string Name, string Community, string? CommunityName, string Address, string Hours, string? Phone,
    IReadOnlyList<string> Staff, double? DistanceM = null);

public sealed record StationRequest(string? Community, string? Name, string? Address, string? Hours, string? Phone, string[]? Staff, double? Lon, double? Lat);

public sealed record MemberView(int Id, string Name, MemberKind Kind, string? Phone, IReadOnlyList<string> Skills, bool Available,
    IReadOnlyList<string> Communities, string? Username);

public sealed record MemberRequest(string? Name, string? Kind, string? Phone, string[]? Skills, bool? Available, string[]? Communities);

public sealed record AvailabilityRequest(bool? Available);

/// <summary>One member's month: orders scored, their average score, points, and rank in the community.</summary>
public sealed record MemberPoints(int Rank, int MemberId, string Name, MemberKind Kind, string Community, int Orders, double? AverageScore, int Points);

public sealed record MonthlyPoints(string Month, string? Community, string? CommunityName, IReadOnlyList<MemberPoints> Members, int TotalPoints, int TotalOrders);

public sealed record CommunityMonth(string Community, string CommunityName, int Orders, int Scored, int Escalated, int Open, int Points, int Members, double? AverageScore);

public sealed record MeetingIssueRequest(string? Text);
public sealed record MeetingAttendeeRequest(string? Name, string? Party);
public sealed record MeetingRequest(string? Community, string? HeldOn, string? Place, string? Topic, MeetingAttendeeRequest[]? Attendees,
    MeetingIssueRequest[]? Issues, string? Decisions);
public sealed record RaiseIssueRequest(string? As, string? Category, double? Lon, double? Lat, int? TakeWithinMinutes);

public sealed record MeetingView(long Id, string Community, string? CommunityName, DateOnly HeldOn, string? Place, string Topic,
    IReadOnlyList<MeetingAttendee> Attendees, IReadOnlyList<MeetingIssue> Issues, string? Decisions, string CreatedBy, DateTimeOffset CreatedAt);

/// <summary>Community work stations, member pools, points and four-party meetings.</summary>
public static class CommunityApi
{
    private static readonly Dictionary<string, MemberKind> Kinds = Enum.GetValues<MemberKind>().ToDictionary(k => JsonNames.Of(k), StringComparer.OrdinalIgnoreCase);
    private static readonly Dictionary<string, MeetingParty> Parties = Enum.GetValues<MeetingParty>().ToDictionary(k => JsonNames.Of(k), StringComparer.OrdinalIgnoreCase);

    public static IEndpointRouteBuilder MapCommunityApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/stations", Stations).AllowAnonymous().WithTags("Community")
            .WithSummary("Community work stations (社区城管工作室) as GeoJSON points: address, opening hours, staff on duty, phone. Public.");
        app.MapGet("/api/stations/nearest", Nearest).AllowAnonymous().RequireRateLimiting(IncidentsApi.ResidentRateLimit).WithTags("Community")
            .WithSummary("The station nearest to lon/lat, with its distance. Public (the resident page).");
        app.MapPut("/api/stations/{code}", PutStation).RequireAuthorization(Policies.Community).WithTags("Community")
            .WithSummary("Add or change a station { community, name, address, hours, phone?, staff[], lon, lat }: an admin, or the worker who serves its community.");

        var members = app.MapGroup("/api/members").WithTags("Community").RequireAuthorization(Policies.Community);
        members.MapGet("/", ListMembers).WithSummary("Members of the pools of your communities (community=code to narrow).");
        members.MapPost("/", AddMember).WithSummary("Add a member { name, kind: postedOfficer|partyMember|volunteer|buildingHead, phone?, skills[], available?, communities[] }.");
        members.MapPut("/{id:int}", PutMember).WithSummary("Replace a member's name, kind, phone, skills, availability and communities (within those you serve).");
        app.MapPost("/api/members/me/availability", SetAvailability).RequireAuthorization(Policies.Orders).WithTags("Community")
            .WithSummary("A member says whether they take orders now { available }; an unavailable member is not told of new orders.");

        app.MapGet("/api/points/monthly", Monthly).RequireAuthorization(Policies.PointsReading).WithTags("Community")
            .WithSummary("积分: points per member for a month (month=yyyy-MM, default this month; community=code), ranked: the community's leaderboard. format=csv for a spreadsheet, html for a printable report.");
        app.MapGet("/api/points/communities", Communities).RequireAuthorization(Policies.CommunityReading).WithTags("Community")
            .WithSummary("Per community for a month: orders opened, scored, escalated, still open; points; members who scored.");

        var meetings = app.MapGroup("/api/meetings").WithTags("Community").RequireAuthorization(Policies.CommunityReading);
        meetings.MapGet("/", ListMeetings).WithSummary("Four-party meetings (四方协调议事) of your communities, newest first (community=code).");
        meetings.MapGet("/{id:long}", GetMeeting).WithSummary("One meeting with its attendees, issues and decisions.");
        meetings.MapPost("/", AddMeeting).RequireAuthorization(Policies.Community)
            .WithSummary("Record a meeting { community, heldOn: yyyy-MM-dd, place?, topic, attendees[{ name, party: community|officer|property|resident }], issues[{ text }], decisions? }.");
        meetings.MapPost("/{id:long}/issues/{n:int}/raise", RaiseIssue).RequireAuthorization(Policies.Community)
            .WithSummary("Turn issue n (from 1) into a case { as: order|case, category, lon, lat, takeWithinMinutes? }: a case from source community, for the pool (order) or the grid team (case). A retry answers the same case.");
        return app;
    }

    // ---- stations

    private static async Task<IResult> Stations(GridGovDb db, CancellationToken ct)
    {
        var rows = await StationRows(db).ToListAsync(ct);
        return TypedResults.Ok(new FeatureCollection<StationProperties>(rows.Select(r => new Feature<StationProperties>(r.S.Code, r.S.Location,
            Props(r.S, r.CommunityName, null))).ToList()));
    }

    private sealed record StationRow(Station S, string? CommunityName);

    private static IQueryable<StationRow> StationRows(GridGovDb db, string? code = null) =>
        db.Stations.AsNoTracking().Where(s => code == null || s.Code == code).OrderBy(s => s.Code)
            .Select(s => new StationRow(s, db.Grids.Where(g => g.Code == s.CommunityCode).Select(g => g.Name).FirstOrDefault()));

    private static StationProperties Props(Station s, string? communityName, double? distance) =>
        new(s.Code, s.Name, s.CommunityCode, communityName, s.Address, s.Hours, s.Phone, s.Staff, distance);

    private static async Task<IResult> Nearest(string? lon, string? lat, GridGovDb db, CancellationToken ct)
    {
        var v = new Validation();
        var x = v.Degrees("lon", lon, 180);
        var y = v.Degrees("lat", lat, 90);
        if (!v.IsValid) return v.Problem();
        // Nearest on the sphere (a few dozen stations: a scan is fine), not in degrees, which stretch east-west.
        var code = (await db.Database.SqlQuery<string>($"""
            SELECT code AS "Value" FROM stations ORDER BY ST_DistanceSphere(location, ST_SetSRID(ST_MakePoint({x!.Value}, {y!.Value}), 4490)), code LIMIT 1
            """).ToListAsync(ct)).FirstOrDefault();
        if (code is null) return OrderDesk.Problem(404, "No stations", "This county has no community work stations yet.");
        var row = await StationRows(db, code).FirstAsync(ct);
        var d = Math.Round(Live.Geodesy.Metres(x.Value, y.Value, row.S.Location.X, row.S.Location.Y));
        return TypedResults.Ok(new Feature<StationProperties>(row.S.Code, row.S.Location, Props(row.S, row.CommunityName, d)));
    }

    private static async Task<IResult> PutStation(string code, StationRequest? body, ClaimsPrincipal user, GridGovDb db, CancellationToken ct)
    {
        var actor = await CommunityActors.OfAsync(user, db, ct);
        if (body is null) return Validation.Problem("body", "Send { community, name, address, hours, phone?, staff[], lon, lat }.");
        var v = new Validation();
        code = code.Trim();
        if (code.Length is 0 or > 40 || !code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) v.Add("code", "A station code is 1-40 letters, digits, '-' or '_'.");
        var station = await db.Stations.FirstOrDefaultAsync(s => s.Code == code, ct);
        var community = body.Community?.Trim() ?? station?.CommunityCode;
        if (community is null) v.Add("community", "'community' (a community grid code) is required for a new station.");
        else if (!await db.Grids.AnyAsync(g => g.Code == community && g.Level == GridLevel.Community, ct)) v.Add("community", $"There is no community '{Validation.Clip(community)}'.");
        var name = Text(body.Name, station?.Name, "name", 80, v);
        var address = Text(body.Address, station?.Address, "address", 200, v);
        var hours = Text(body.Hours, station?.Hours, "hours", 100, v);
        var phone = body.Phone is null ? station?.Phone : body.Phone.Trim() is { Length: > 0 } p ? IncidentIntake.CleanPhone(p, v) : null;
        var staff = (body.Staff ?? station?.Staff ?? []).Select(s => s.Trim()).Where(s => s.Length > 0).ToArray();
        if (staff.Length > 20 || staff.Any(s => s.Length > 40)) v.Add("staff", "'staff' is at most 20 names of at most 40 characters.");
        Point? location = station?.Location;
        if (body.Lon is { } lon && body.Lat is { } lat)
        {
            if (!double.IsFinite(lon) || !double.IsFinite(lat) || Math.Abs(lon) > 180 || Math.Abs(lat) > 90) v.Add("lon", "'lon' and 'lat' are decimal degrees.");
            else location = new Point(lon, lat) { SRID = 4490 };
        }
        else if (body.Lon is not null || body.Lat is not null) v.Add("lat", "Give both 'lon' and 'lat'.");
        if (location is null) v.Add("lon", "'lon' and 'lat' are required for a new station.");
        if (!v.IsValid) return v.Problem();
        foreach (var c in new[] { community!, station?.CommunityCode }.OfType<string>().Distinct())
            if (!actor.Is(Roles.Admin) && !actor.Communities.Contains(c))
                return OrderDesk.Problem(403, "Another community", $"Station {code} is community {c}'s; you serve {actor.CommunitiesText}.");
        if (!await db.Grids.AnyAsync(g => g.Code == community && g.Geometry.Intersects(location!), ct))
            return Validation.Problem("lon", $"The point lies outside community {community}.");
        var created = station is null;
        station ??= db.Stations.Add(new Station { Code = code, CommunityCode = community!, Name = name!, Address = address!, Hours = hours!, Location = location! }).Entity;
        (station.CommunityCode, station.Name, station.Address, station.Hours, station.Location, station.Staff) = (community!, name!, address!, hours!, location!, staff);
        station.Phone = phone;
        await db.SaveChangesAsync(ct);
        var communityName = await db.Grids.Where(g => g.Code == community).Select(g => g.Name).FirstOrDefaultAsync(ct);
        var feature = new Feature<StationProperties>(station.Code, station.Location, Props(station, communityName, null));
        return created ? TypedResults.Created($"/api/stations/{code}", feature) : TypedResults.Ok(feature);
    }

    private static string? Text(string? value, string? current, string field, int max, Validation v)
    {
        var text = value?.Trim() ?? current;
        if (string.IsNullOrEmpty(text)) v.Add(field, $"'{field}' is required.");
        else if (text.Length > max) v.Add(field, $"'{field}' is at most {max} characters.");
        return text;
    }

    // ---- members

    private static async Task<IResult> ListMembers(string? community, ClaimsPrincipal user, GridGovDb db, CancellationToken ct)
    {
        var actor = await CommunityActors.OfAsync(user, db, ct);
        var query = db.Members.AsNoTracking().Include(m => m.Communities).AsQueryable();
        if (!actor.Is(Roles.Admin))
        {
            var served = actor.Communities.ToArray();
            query = query.Where(m => m.Communities.Any(c => served.Contains(c.CommunityCode)));
        }
        if (!string.IsNullOrWhiteSpace(community))
        {
            var code = community.Trim();
            query = query.Where(m => m.Communities.Any(c => c.CommunityCode == code));
        }
        var list = await query.OrderBy(m => m.Id).ToListAsync(ct);
        var ids = list.Select(m => m.Id).ToArray();
        var users = await db.Users.AsNoTracking().Where(u => u.MemberId != null && ids.Contains(u.MemberId.Value)).ToDictionaryAsync(u => u.MemberId!.Value, u => u.Username, ct);
        return TypedResults.Ok(list.Select(m => View(m, users.GetValueOrDefault(m.Id))).ToList());
    }

    private static MemberView View(Member m, string? username) =>
        new(m.Id, m.Name, m.Kind, m.Phone, m.Skills, m.Available, m.Communities.Select(c => c.CommunityCode).Order().ToList(), username);

    private static async Task<IResult> AddMember(MemberRequest? body, ClaimsPrincipal user, GridGovDb db, CategoryCatalog categories, TimeProvider clock, CancellationToken ct)
    {
        var actor = await CommunityActors.OfAsync(user, db, ct);
        var member = new Member { Name = "", CreatedAt = clock.GetUtcNow() };
        if (await ApplyAsync(member, body, actor, db, categories, ct) is { } problem) return problem;
        db.Members.Add(member);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/members/{member.Id}", View(member, null));
    }

    private static async Task<IResult> PutMember(int id, MemberRequest? body, ClaimsPrincipal user, GridGovDb db, CategoryCatalog categories, CancellationToken ct)
    {
        var actor = await CommunityActors.OfAsync(user, db, ct);
        var member = await db.Members.Include(m => m.Communities).FirstOrDefaultAsync(m => m.Id == id, ct);
        if (member is null) return OrderDesk.Problem(404, "No such member", $"There is no member {id}.");
        // A worker changes a member of their communities; the member's other communities stay as they are.
        if (!actor.Is(Roles.Admin) && !member.Communities.Any(c => actor.Communities.Contains(c.CommunityCode)))
            return OrderDesk.Problem(403, "Another community's member", $"Member {id} is in none of the communities you serve.");
        if (await ApplyAsync(member, body, actor, db, categories, ct) is { } problem) return problem;
        await db.SaveChangesAsync(ct);
        var username = await db.Users.Where(u => u.MemberId == id).Select(u => u.Username).FirstOrDefaultAsync(ct);
        return TypedResults.Ok(View(member, username));
    }

    private static async Task<IResult?> ApplyAsync(Member member, MemberRequest? body, Actor actor, GridGovDb db, CategoryCatalog categories, CancellationToken ct)
    {
        if (body is null) return Validation.Problem("body", "Send { name, kind, phone?, skills[], available?, communities[] }.");
        var v = new Validation();
        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 40) v.Add("name", "'name' is 1-40 characters.");
        if (!Kinds.TryGetValue(body.Kind?.Trim() ?? "", out var kind))
            v.Add("kind", $"'kind' is one of {string.Join(", ", Kinds.Keys)}{(body.Kind is null ? "" : $", not '{Validation.Clip(body.Kind)}'")}.");
        string? phone = null;
        if (body.Phone?.Trim() is { Length: > 0 } p) phone = IncidentIntake.CleanPhone(p, v);
        var skills = (body.Skills ?? []).Select(s => s.Trim()).Where(s => s.Length > 0).Distinct().ToArray();
        var unknown = skills.Where(s => !(s.Length == 2 && CategoryMajors.All.ContainsKey(s)) && categories.Find(s) is null).ToArray();
        if (unknown.Length > 0) v.Add("skills", $"Unknown skill {string.Join(", ", unknown.Select(s => $"'{Validation.Clip(s)}'"))}: a skill is a category code or a 2-digit major (GET /api/categories).");
        var codes = (body.Communities ?? []).Select(c => c.Trim()).Where(c => c.Length > 0).Distinct().ToArray();
        var known = await db.Grids.Where(g => g.Level == GridLevel.Community && codes.Contains(g.Code)).Select(g => g.Code).ToListAsync(ct);
        if (codes.Length == 0) v.Add("communities", "A member belongs to at least one community ('communities': community grid codes).");
        else if (codes.Except(known).ToArray() is { Length: > 0 } missing) v.Add("communities", $"No community {string.Join(", ", missing.Select(Validation.Clip))}.");
        if (!v.IsValid) return v.Problem();
        // A worker adds or removes only the communities they serve; the member's others are kept.
        var current = member.Communities.Select(c => c.CommunityCode).ToArray();
        var next = codes;
        if (!actor.Is(Roles.Admin))
        {
            var outside = codes.Except(current).Where(c => !actor.Communities.Contains(c)).ToArray();
            if (outside.Length > 0)
                return OrderDesk.Problem(403, "Another community", $"You serve {actor.CommunitiesText}, not {string.Join(", ", outside)}.");
            next = [.. codes, .. current.Where(c => !actor.Communities.Contains(c))];
            next = next.Distinct().ToArray();
        }
        (member.Name, member.Kind, member.Phone, member.Skills, member.Available) = (name!, kind, phone, skills, body.Available ?? member.Available);
        member.Communities.RemoveAll(c => !next.Contains(c.CommunityCode));
        foreach (var c in next.Except(member.Communities.Select(x => x.CommunityCode)).ToArray())
            member.Communities.Add(new MemberCommunity { MemberId = member.Id, CommunityCode = c });
        return null;
    }

    private static async Task<IResult> SetAvailability(AvailabilityRequest? body, ClaimsPrincipal user, GridGovDb db, MemberConnections connections, CancellationToken ct)
    {
        var actor = IncidentsApi.ActorOf(user);
        if (actor.MemberId is not { } id) return OrderDesk.Problem(403, "Not a member", "Only a member of a community pool says whether they take orders.");
        if (body?.Available is not { } available) return Validation.Problem("available", "Send { \"available\": true|false }.");
        var member = await db.Members.Include(m => m.Communities).FirstAsync(m => m.Id == id, ct);
        member.Available = available;
        await db.SaveChangesAsync(ct);
        await connections.AvailabilityChangedAsync(id, available);
        return TypedResults.Ok(View(member, actor.Name));
    }

    // ---- points

    internal static (DateTimeOffset From, DateTimeOffset To, string Label)? Month(string? month, CalendarProvider calendar, TimeProvider clock, Validation v)
    {
        var cal = calendar.Current;
        DateOnly first;
        if (string.IsNullOrWhiteSpace(month))
        {
            var today = cal.LocalDate(clock.GetUtcNow());
            first = new DateOnly(today.Year, today.Month, 1);
        }
        else if (DateOnly.TryParseExact(month.Trim() + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)) first = parsed;
        else
        {
            v.Add("month", $"'month' is yyyy-MM, not '{Validation.Clip(month)}'.");
            return null;
        }
        return (cal.StartOfDay(first), cal.StartOfDay(first.AddMonths(1)), first.ToString("yyyy-MM", CultureInfo.InvariantCulture));
    }

    /// <summary>Which communities the caller may read (null: all), or the refusal.</summary>
    private static IResult? Scope(Actor actor, string? community, out string[]? allowed)
    {
        allowed = null;
        if (!actor.InCommunityOnly) return null;
        allowed = actor.Communities.ToArray();
        if (community is not null && !allowed.Contains(community))
            return OrderDesk.Problem(403, "Another community", $"You {(actor.Is(Roles.Community) ? "serve" : "are a member of")} {(allowed.Length == 0 ? "no community" : string.Join(", ", allowed))}, not {Validation.Clip(community)}.");
        return null;
    }

    private static async Task<IResult> Monthly(string? month, string? community, string? format, ClaimsPrincipal user, GridGovDb db, CalendarProvider calendar,
        TimeProvider clock, CancellationToken ct)
    {
        var actor = await CommunityActors.OfAsync(user, db, ct);
        var v = new Validation();
        var period = Month(month, calendar, clock, v);
        var kind = format?.Trim().ToLowerInvariant() ?? "json";
        if (kind is not ("json" or "csv" or "html")) v.Add("format", $"'format' is json (default), csv or html (printable), not '{Validation.Clip(format!)}'.");
        var code = string.IsNullOrWhiteSpace(community) ? null : community.Trim();
        if (code is not null && !await db.Grids.AnyAsync(g => g.Code == code && g.Level == GridLevel.Community, ct)) v.Add("community", $"There is no community '{Validation.Clip(code)}'.");
        if (!v.IsValid) return v.Problem();
        if (Scope(actor, code, out var allowed) is { } refused) return refused;
        var (from, to, label) = period!.Value;
        var rows = await db.CommunityOrders.AsNoTracking()
            .Where(o => o.Status == OrderStatus.Scored && o.ScoredAt >= from && o.ScoredAt < to && o.MemberId != null)
            .Where(o => code == null || o.CommunityCode == code)
            .Where(o => allowed == null || allowed.Contains(o.CommunityCode))
            .GroupBy(o => new { o.CommunityCode, MemberId = o.MemberId!.Value })
            .Select(g => new { g.Key.CommunityCode, g.Key.MemberId, Orders = g.Count(), Average = g.Average(o => (double)o.Score!), Points = g.Sum(o => o.Points ?? 0) })
            .ToListAsync(ct);
        var ids = rows.Select(r => r.MemberId).Distinct().ToArray();
        var members = await db.Members.AsNoTracking().Where(m => ids.Contains(m.Id)).ToDictionaryAsync(m => m.Id, ct);
        var ranked = rows.GroupBy(r => r.CommunityCode).SelectMany(g =>
        {
            var ordered = g.OrderByDescending(r => r.Points).ThenByDescending(r => r.Orders).ThenBy(r => r.MemberId).ToList();
            // Equal points share a rank (1, 2, 2, 4).
            return ordered.Select((r, i) => new MemberPoints(1 + ordered.Count(o => o.Points > r.Points), r.MemberId, members[r.MemberId].Name,
                members[r.MemberId].Kind, r.CommunityCode, r.Orders, Math.Round(r.Average, 2), r.Points));
        }).OrderBy(m => m.Community).ThenBy(m => m.Rank).ThenBy(m => m.MemberId).ToList();
        var communityName = code is null ? null : await db.Grids.Where(g => g.Code == code).Select(g => g.Name).FirstOrDefaultAsync(ct);
        var result = new MonthlyPoints(label, code, communityName, ranked, ranked.Sum(m => m.Points), ranked.Sum(m => m.Orders));
        return kind switch
        {
            "csv" => CsvExport.Stream(ranked.Select(m => new PointsCsvRow(label, m.Community, m.Rank, m.MemberId, m.Name, JsonNames.Of(m.Kind), m.Orders, m.AverageScore, m.Points)).ToAsyncEnumerable(),
                $"points-{code ?? "all"}-{label}", ct),
            "html" => Results.Content(PrintableReport(result, await db.Grids.AsNoTracking().Where(g => g.Level == GridLevel.Community).ToDictionaryAsync(g => g.Code, g => g.Name, ct)),
                "text/html; charset=utf-8"),
            _ => TypedResults.Ok(result),
        };
    }

    private sealed record PointsCsvRow(string Month, string Community, int Rank, int MemberId, string Member, string Kind, int Orders, double? AverageScore, int Points);

    /// <summary>The monthly points report as a page to print (A4, Chinese headings); every text is HTML-encoded.</summary>
    private static string PrintableReport(MonthlyPoints report, IReadOnlyDictionary<string, string> names)
    {
        static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        string[] kindNames = ["下沉城管队员", "在职党员", "志愿者", "楼栋长"];
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>")
            .Append(E($"社区积分月报 {report.Month}")).Append("</title><style>")
            .Append("body{font-family:'Noto Sans CJK SC','Noto Sans SC',sans-serif;margin:24px;color:#111}h1{font-size:20px}h2{font-size:16px;margin-top:24px}")
            .Append("table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #999;padding:4px 8px;text-align:left}td.n{text-align:right}")
            .Append("@media print{button{display:none}@page{size:A4;margin:15mm}}</style></head><body>")
            .Append("<button onclick=\"print()\">打印 / Print</button>")
            .Append("<h1>").Append(E($"社区“三单”积分月报 · {report.Month}")).Append("</h1>")
            .Append("<p>").Append(E($"合计 {report.TotalOrders} 单，{report.TotalPoints} 分")).Append("</p>");
        foreach (var group in report.Members.GroupBy(m => m.Community))
        {
            html.Append("<h2>").Append(E(names.GetValueOrDefault(group.Key, group.Key))).Append(" (").Append(E(group.Key)).Append(")</h2>")
                .Append("<table><thead><tr><th>名次</th><th>成员</th><th>类别</th><th>完成单数</th><th>平均评分</th><th>积分</th></tr></thead><tbody>");
            foreach (var m in group)
                html.Append("<tr><td class=\"n\">").Append(m.Rank).Append("</td><td>").Append(E(m.Name)).Append("</td><td>").Append(E(kindNames[(int)m.Kind]))
                    .Append("</td><td class=\"n\">").Append(m.Orders).Append("</td><td class=\"n\">").Append(m.AverageScore?.ToString("0.00", CultureInfo.InvariantCulture))
                    .Append("</td><td class=\"n\">").Append(m.Points).Append("</td></tr>");
            html.Append("</tbody></table>");
        }
        if (report.Members.Count == 0) html.Append("<p>本月暂无评分的订单。</p>");
        return html.Append("</body></html>").ToString();
    }

    private static async Task<IResult> Communities(string? month, ClaimsPrincipal user, GridGovDb db, CalendarProvider calendar, TimeProvider clock, CancellationToken ct)
    {
        var actor = await CommunityActors.OfAsync(user, db, ct);
        var v = new Validation();
        var period = Month(month, calendar, clock, v);
        if (!v.IsValid) return v.Problem();
        Scope(actor, null, out var allowed);
        var (from, to, _) = period!.Value;
        var stats = await db.CommunityOrders.AsNoTracking()
            .Where(o => (o.OpenedAt >= from && o.OpenedAt < to) || (o.ScoredAt >= from && o.ScoredAt < to) || o.Status == OrderStatus.Open)
            .Where(o => allowed == null || allowed.Contains(o.CommunityCode))
            .GroupBy(o => o.CommunityCode)
            .Select(g => new
            {
                Code = g.Key,
                Opened = g.Count(o => o.OpenedAt >= from && o.OpenedAt < to),
                Scored = g.Count(o => o.Status == OrderStatus.Scored && o.ScoredAt >= from && o.ScoredAt < to),
                Escalated = g.Count(o => o.Status == OrderStatus.Escalated && o.OpenedAt >= from && o.OpenedAt < to),
                Open = g.Count(o => o.Status == OrderStatus.Open),
                Points = g.Where(o => o.Status == OrderStatus.Scored && o.ScoredAt >= from && o.ScoredAt < to).Sum(o => o.Points ?? 0),
                Members = g.Where(o => o.Status == OrderStatus.Scored && o.ScoredAt >= from && o.ScoredAt < to).Select(o => o.MemberId).Distinct().Count(),
                Average = g.Where(o => o.Status == OrderStatus.Scored && o.ScoredAt >= from && o.ScoredAt < to).Average(o => (double?)o.Score),
            }).ToListAsync(ct);
        var byCode = stats.ToDictionary(s => s.Code);
        var communities = await db.Grids.AsNoTracking().Where(g => g.Level == GridLevel.Community && (allowed == null || allowed.Contains(g.Code)))
            .OrderBy(g => g.Code).Select(g => new { g.Code, g.Name }).ToListAsync(ct);
        return TypedResults.Ok(communities.Select(c => byCode.TryGetValue(c.Code, out var s)
            ? new CommunityMonth(c.Code, c.Name, s.Opened, s.Scored, s.Escalated, s.Open, s.Points, s.Members, s.Average is { } a ? Math.Round(a, 2) : null)
            : new CommunityMonth(c.Code, c.Name, 0, 0, 0, 0, 0, 0, null)).ToList());
    }

    // ---- meetings

    private static async Task<IResult> ListMeetings(string? community, ClaimsPrincipal user, GridGovDb db, CancellationToken ct)
    {
        var actor = await CommunityActors.OfAsync(user, db, ct);
        var code = string.IsNullOrWhiteSpace(community) ? null : community.Trim();
        if (actor.Is(Roles.Member) && !actor.Is(Roles.Community)) return OrderDesk.Problem(403, "Community workers keep the meetings", "Meetings are read by community workers, dispatchers and leaders.");
        if (Scope(actor, code, out var allowed) is { } refused) return refused;
        var list = await db.Meetings.AsNoTracking()
            .Where(m => code == null || m.CommunityCode == code).Where(m => allowed == null || allowed.Contains(m.CommunityCode))
            .OrderByDescending(m => m.HeldOn).ThenByDescending(m => m.Id).Take(200).ToListAsync(ct);
        var names = await db.Grids.AsNoTracking().Where(g => g.Level == GridLevel.Community).ToDictionaryAsync(g => g.Code, g => g.Name, ct);
        return TypedResults.Ok(list.Select(m => View(m, names.GetValueOrDefault(m.CommunityCode))).ToList());
    }

    private static MeetingView View(Meeting m, string? communityName) =>
        new(m.Id, m.CommunityCode, communityName, m.HeldOn, m.Place, m.Topic, m.Attendees, m.Issues, m.Decisions, m.CreatedBy, m.CreatedAt);

    private static async Task<IResult> GetMeeting(long id, ClaimsPrincipal user, GridGovDb db, CancellationToken ct)
    {
        var actor = await CommunityActors.OfAsync(user, db, ct);
        var m = await db.Meetings.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (m is null) return OrderDesk.Problem(404, "No such meeting", $"There is no meeting {id}.");
        if (actor.Is(Roles.Member) && !actor.Is(Roles.Community)) return OrderDesk.Problem(403, "Community workers keep the meetings", "Meetings are read by community workers, dispatchers and leaders.");
        if (Scope(actor, m.CommunityCode, out _) is { } refused) return refused;
        return TypedResults.Ok(View(m, await db.Grids.Where(g => g.Code == m.CommunityCode).Select(g => g.Name).FirstOrDefaultAsync(ct)));
    }

    private static async Task<IResult> AddMeeting(MeetingRequest? body, ClaimsPrincipal user, GridGovDb db, TimeProvider clock, CancellationToken ct)
    {
        var actor = await CommunityActors.OfAsync(user, db, ct);
        if (body is null) return Validation.Problem("body", "Send { community, heldOn, place?, topic, attendees[], issues[], decisions? }.");
        var v = new Validation();
        var code = body.Community?.Trim();
        if (string.IsNullOrEmpty(code)) v.Add("community", "'community' is required.");
        else if (!await db.Grids.AnyAsync(g => g.Code == code && g.Level == GridLevel.Community, ct)) v.Add("community", $"There is no community '{Validation.Clip(code)}'.");
        if (!DateOnly.TryParseExact(body.HeldOn?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var heldOn))
            v.Add("heldOn", "'heldOn' is the meeting's date, yyyy-MM-dd.");
        var topic = body.Topic?.Trim();
        if (string.IsNullOrEmpty(topic) || topic.Length > 200) v.Add("topic", "'topic' is 1-200 characters.");
        if (body.Place?.Trim() is { Length: > 200 }) v.Add("place", "'place' is at most 200 characters.");
        if (body.Decisions?.Trim() is { Length: > 4000 }) v.Add("decisions", "'decisions' is at most 4,000 characters.");
        var attendees = new List<MeetingAttendee>();
        foreach (var (a, i) in (body.Attendees ?? []).Select((a, i) => (a, i)))
        {
            var name = a?.Name?.Trim();
            if (string.IsNullOrEmpty(name) || name.Length > 40) v.Add($"attendees[{i}].name", "Each attendee has a name of 1-40 characters.");
            if (!Parties.TryGetValue(a?.Party?.Trim() ?? "", out var party)) v.Add($"attendees[{i}].party", $"'party' is one of {string.Join(", ", Parties.Keys)}.");
            else if (name is { Length: > 0 and <= 40 }) attendees.Add(new MeetingAttendee { Name = name, Party = party });
        }
        // 四方: the community, the officers, the property company and the residents each sit at the table.
        var missing = Enum.GetValues<MeetingParty>().Where(p => attendees.All(a => a.Party != p)).Select(p => JsonNames.Of(p)).ToArray();
        if (v.IsValid && missing.Length > 0) v.Add("attendees", $"A four-party meeting has someone from each party; missing: {string.Join(", ", missing)}.");
        var issues = new List<MeetingIssue>();
        foreach (var (issue, i) in (body.Issues ?? []).Select((x, i) => (x, i)))
        {
            var text = issue?.Text?.Trim();
            if (string.IsNullOrEmpty(text) || text.Length > 1000) v.Add($"issues[{i}].text", "Each issue is 1-1,000 characters.");
            else issues.Add(new MeetingIssue { Text = text });
        }
        if (issues.Count > 50) v.Add("issues", "At most 50 issues per meeting.");
        if (!v.IsValid) return v.Problem();
        if (Scope(actor, code, out _) is { } refused) return refused;
        if (!actor.Is(Roles.Admin) && !actor.Communities.Contains(code!))
            return OrderDesk.Problem(403, "Another community", $"You serve {string.Join(", ", actor.Communities)}, not {code}.");
        var meeting = new Meeting
        {
            CommunityCode = code!, HeldOn = heldOn, Place = body.Place?.Trim() is { Length: > 0 } p ? p : null, Topic = topic!, Attendees = attendees,
            Issues = issues, Decisions = body.Decisions?.Trim() is { Length: > 0 } d ? d : null, CreatedBy = actor.Name, CreatedAt = clock.GetUtcNow(),
        };
        db.Meetings.Add(meeting);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/meetings/{meeting.Id}", View(meeting, await db.Grids.Where(g => g.Code == code).Select(g => g.Name).FirstOrDefaultAsync(ct)));
    }

    private static async Task<IResult> RaiseIssue(long id, int n, RaiseIssueRequest? body, ClaimsPrincipal user, GridGovDb db, IncidentIntake intake,
        IncidentWriter writer, IIncidentRollUp rollUp, OrderDesk desk, Photos.PhotoSettings photos, CancellationToken ct)
    {
        var actor = await CommunityActors.OfAsync(user, db, ct);
        var meeting = await db.Meetings.FirstOrDefaultAsync(m => m.Id == id, ct);
        if (meeting is null) return OrderDesk.Problem(404, "No such meeting", $"There is no meeting {id}.");
        if (!actor.Is(Roles.Admin) && !actor.Communities.Contains(meeting.CommunityCode))
            return OrderDesk.Problem(403, "Another community", $"Meeting {id} is community {meeting.CommunityCode}'s.");
        if (n < 1 || n > meeting.Issues.Count) return OrderDesk.Problem(404, "No such issue", $"Meeting {id} has {meeting.Issues.Count} issues; n is 1 to {meeting.Issues.Count}.");
        var issue = meeting.Issues[n - 1];
        var v = new Validation();
        var asWhat = body?.As?.Trim().ToLowerInvariant() ?? "order";
        if (asWhat is not ("order" or "case")) v.Add("as", $"'as' is order (the community's members) or case (the grid team), not '{Validation.Clip(body!.As!)}'.");
        if (!v.IsValid) return v.Problem();
        var report = new IncidentRequest($"meeting-{id}-{n}", body?.Category, "community", body?.Lon, body?.Lat,
            $"四方议事（{meeting.HeldOn:yyyy-MM-dd} {meeting.Topic}）：{issue.Text}", null, null);
        var prepared = await intake.PrepareAsync(report, user, "meeting", null, v, ct);
        if (prepared is null) return v.Problem();
        var (stored, _) = await IncidentsApi.StoreAsync(prepared, writer, rollUp, ct);
        // An issue that is already an open case (the same matter reported there before) becomes that case: the report
        // is kept as its duplicate, and the order, if any, is the original's.
        var target = stored.DuplicateOf ?? stored.Id;
        if (issue.IncidentId is { } already && already != target)
            return OrderDesk.Problem(409, "Raised already", $"Issue {n} became case {already} already.");
        issue.IncidentId = target;
        object? answer = null;
        if (asWhat == "order")
        {
            var ov = new Validation();
            var (result, _) = await desk.OpenAsync(target, new OpenOrderRequest(meeting.CommunityCode, "pool", body?.TakeWithinMinutes, null), actor, ov, photos, ct);
            if (!ov.IsValid) return ov.Problem();
            if (result.Problem is not null) return result.Problem;
            issue.OrderId = result.Order!.Id;
            answer = result.Order;
        }
        await db.SaveChangesAsync(ct);
        var names = await db.Grids.Where(g => g.Code == meeting.CommunityCode).Select(g => g.Name).FirstOrDefaultAsync(ct);
        return TypedResults.Ok(new { meeting = View(meeting, names), incidentId = target, reportId = stored.Id, order = answer });
    }
}
