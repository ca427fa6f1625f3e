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

public sealed record MeetingIssueRequest(string? Text);
public sealed record MeetingAttendeeRequest(string? Name, string? Party);
public sealed record MeetingRequest(string? Community, string? HeldOn, string? Place, string? Topic, MeetingAttendeeRequest[]? Attendees,
    MeetingIssueRequest[]? Issues, string? Decisions);
public sealed record RaiseIssueRequest(string? As, string? Category, double? Lon, double? Lat, int? TakeWithinMinutes);

public sealed record MeetingView(long Id, string Community, string? CommunityName, DateOnly HeldOn, string? Place, string Topic,
    IReadOnlyList<MeetingAttendee> Attendees, IReadOnlyList<MeetingIssue> Issues, string? Decisions, string CreatedBy, DateTimeOffset CreatedAt);

/// <summary>Four-party meetings (四方协调议事) and the cases their issues become.</summary>
public static partial class CommunityApi
{
    private static readonly Dictionary<string, MeetingParty> Parties = Enum.GetValues<MeetingParty>().ToDictionary(k => JsonNames.Of(k), StringComparer.OrdinalIgnoreCase);

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
